//! Text prepared for the full-text index. Chinese has no spaces, and SQLite's
//! tokenizers either keep a run of Han characters as one word (unicode61) or need
//! three characters (trigram), so place names of one or two characters (石龙, 斋堂)
//! would not be found. We index overlapping character pairs (and single characters
//! in a column of their own); a query becomes a phrase of the same pairs, which finds
//! any substring of one character or more. Words of letters and digits are indexed
//! with their suffixes, so a code or number typed from its middle is a token prefix.

/// Han and other scripts written without spaces, indexed by character pairs.
/// Letters only: punctuation in those blocks (・, 〃) separates like any other.
fn is_unspaced(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F
        | 0x3040..=0x30FF)
        && c.is_alphabetic()
}

enum Token {
    Word(String),
    Han(Vec<char>),
}

fn runs(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut han = Vec::new();
    for c in text.chars() {
        if is_unspaced(c) {
            if !word.is_empty() {
                out.push(Token::Word(std::mem::take(&mut word)));
            }
            han.push(c);
        } else if c.is_alphanumeric() {
            if !han.is_empty() {
                out.push(Token::Han(std::mem::take(&mut han)));
            }
            // Some lower-case forms add combining marks (İ → i̇): keep letters and digits.
            word.extend(c.to_lowercase().filter(|l| l.is_alphanumeric()));
        } else {
            if !word.is_empty() {
                out.push(Token::Word(std::mem::take(&mut word)));
            }
            if !han.is_empty() {
                out.push(Token::Han(std::mem::take(&mut han)));
            }
        }
    }
    if !word.is_empty() {
        out.push(Token::Word(word));
    }
    if !han.is_empty() {
        out.push(Token::Han(han));
    }
    out
}

/// Words longer than this are indexed whole only (no suffixes).
const MAX_SUFFIXED_WORD: usize = 24;

/// The index form of a text: character pairs of Han runs, words with their suffixes.
/// A lone Han character between separators is kept as itself.
pub fn pairs(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for t in runs(text) {
        match t {
            Token::Word(w) => {
                let chars: Vec<char> = w.chars().collect();
                if chars.len() <= MAX_SUFFIXED_WORD {
                    out.extend((0..chars.len()).map(|i| chars[i..].iter().collect::<String>()));
                } else {
                    out.push(w);
                }
            }
            Token::Han(h) if h.len() == 1 => out.push(h[0].to_string()),
            Token::Han(h) => out.extend(h.windows(2).map(|w| w.iter().collect())),
        }
    }
    out.join(" ")
}

/// The single Han characters of a text, for one-character queries.
pub fn singles(text: &str) -> String {
    let mut chars: Vec<char> = text.chars().filter(|c| is_unspaced(*c)).collect();
    chars.sort_unstable();
    chars.dedup();
    chars.iter().map(char::to_string).collect::<Vec<_>>().join(" ")
}

/// Where a table keeps the two index forms.
#[derive(Debug, Clone, Copy)]
pub struct Columns<'a> {
    /// Columns holding `pairs` of some text.
    pub pairs: &'a [&'a str],
    /// The column holding `singles`.
    pub singles: &'a str,
}

/// The longest search a list takes (longer is a paste gone wrong).
pub const QUERY_MAX: usize = 100;

/// Whether a search typed is longer than any list takes.
pub fn query_too_long(query: &str) -> bool {
    query.chars().count() > QUERY_MAX
}

pub const PLAIN: Columns<'static> = Columns { pairs: &["pairs"], singles: "singles" };

/// A query against the index: an FTS5 expression, or `None` when the query has
/// nothing searchable. Words are matched as prefixes so a partly typed code or number
/// still finds its record.
pub fn fts_query(query: &str, columns: Columns<'_>) -> Option<String> {
    let tokens = runs(query);
    if tokens.is_empty() {
        return None;
    }
    let pairs = format!("{{{}}}", columns.pairs.join(" "));
    let singles = columns.singles;
    let mut phrases = Vec::new();
    for t in tokens {
        match t {
            Token::Word(w) => phrases.push(format!("{pairs} : \"{w}\" *")),
            Token::Han(h) if h.len() == 1 => phrases.push(format!("({singles} : \"{0}\" OR {pairs} : \"{0}\")", h[0])),
            Token::Han(h) => {
                let p: Vec<String> = h.windows(2).map(|w| w.iter().collect()).collect();
                phrases.push(format!("{pairs} : \"{}\"", p.join(" ")));
            }
        }
    }
    Some(phrases.join(" AND "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn index_forms() {
        assert_eq!(pairs("石龙经济开发区"), "石龙 龙经 经济 济开 开发 发区");
        assert_eq!(pairs("3号楼 A座"), "3 号楼 a 座");
        assert_eq!(pairs("A12号"), "a12 12 2 号");
        assert_eq!(singles("斋堂镇斋堂村"), "堂 斋 村 镇");
        assert_eq!(fts_query("石龙", PLAIN).as_deref(), Some("{pairs} : \"石龙\""));
        assert_eq!(fts_query("龙", PLAIN).as_deref(), Some("(singles : \"龙\" OR {pairs} : \"龙\")"));
        assert_eq!(
            fts_query("9111 石龙经", PLAIN).as_deref(),
            Some("{pairs} : \"9111\" * AND {pairs} : \"石龙 龙经\"")
        );
        let two = Columns { pairs: &["a", "b"], singles: "s" };
        assert_eq!(fts_query("斋堂", two).as_deref(), Some("{a b} : \"斋堂\""));
        assert_eq!(fts_query(" \"'* ", PLAIN), None);
        assert_eq!(fts_query("・", PLAIN), None);
    }

    proptest! {
        /// Quotes and operators in a query never reach FTS5 syntax.
        #[test]
        fn queries_hold_only_quoted_tokens(q in "\\PC{0,30}") {
            if let Some(expr) = fts_query(&q, PLAIN) {
                for part in expr.split('"').skip(1).step_by(2) {
                    prop_assert!(part.chars().all(|c| c.is_alphanumeric() || c == ' '));
                }
            }
        }
    }
}
