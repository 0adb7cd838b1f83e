//! Chinese line breaking (禁则): no line starts with closing punctuation, none ends with
//! opening punctuation, and runs of digits or Latin letters are never split (unless a run
//! alone is wider than the line, where splitting is the only way to keep it on the page).

/// Characters that must not begin a line.
const NO_START: &str = "，。、；：？！）」』】》〉〕］｝”’,.;:?!)]}%％·～…—‐-";
/// Characters that must not end a line.
const NO_END: &str = "（「『【《〈〔［｛“‘([{";

fn no_start(c: char) -> bool {
    NO_START.contains(c)
}

fn no_end(c: char) -> bool {
    NO_END.contains(c)
}

/// Part of a number or a Latin word: kept together on one line.
fn word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | ',' | '-' | '/' | ':' | '_' | '%' | '+' | '#' | '@' | '\'')
}

/// Breaks `text` into lines no wider than `max` (as `width` measures a character); hard
/// line breaks in the text are kept. Width is whatever unit `width` returns.
pub fn break_lines(text: &str, max: f32, width: impl Fn(char) -> f32) -> Vec<String> {
    let mut out = Vec::new();
    for paragraph in text.split('\n') {
        let paragraph = paragraph.trim_end_matches('\r');
        if paragraph.is_empty() {
            out.push(String::new());
            continue;
        }
        break_paragraph(paragraph, max, &width, &mut out);
    }
    out
}

/// A line may end before index `i` of `chars` as far as punctuation goes.
/// Spaces at a break are dropped, so the character that would start the line is the
/// next one that is not a space.
fn punctuation_allows(chars: &[char], i: usize) -> bool {
    let Some(next) = chars[i.min(chars.len())..].iter().find(|c| **c != ' ') else { return true };
    i > 0 && !no_start(*next) && !no_end(chars[i - 1])
}

/// A line may end before index `i`: punctuation allows it, no number or word is split,
/// and no cited number is (`glued`).
fn may_break_after(chars: &[char], glued: &[bool], i: usize) -> bool {
    if i >= chars.len() {
        return true;
    }
    punctuation_allows(chars, i) && !(word_char(chars[i - 1]) && word_char(chars[i])) && !glued[i]
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}')
}

/// Where a line must not break because a cited number would be split: a document's number
/// (门应急责改〔2026〕第0012号, 安监总政法〔2016〕72号) and a standard's (JGJ 130-2011,
/// GB/T 29639-2020: the space between its code and number). `glued[i]`: no break before i.
fn glued(chars: &[char]) -> Vec<bool> {
    let mut glued = vec![false; chars.len() + 1];
    for (p, _) in chars.iter().enumerate().filter(|(_, c)| **c == '〔') {
        let digits = |from: usize| chars[from.min(chars.len())..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits(p + 1) != 4 || chars.get(p + 5) != Some(&'〕') {
            continue;
        }
        let mut end = p + 6;
        let seq_at = if chars.get(end) == Some(&'第') { end + 1 } else { end };
        let seq = digits(seq_at);
        if seq > 0 && chars.get(seq_at + seq) == Some(&'号') {
            end = seq_at + seq + 1;
        }
        // The issuer's short name and the kind before the bracket: a prefix has at most 10
        // characters (core's DocumentSettings), the kind 2.
        let mut start = p;
        while start > 0 && p - start < 12 && is_han(chars[start - 1]) {
            start -= 1;
        }
        for g in &mut glued[start + 1..end] {
            *g = true;
        }
    }
    for i in 1..chars.len().saturating_sub(1) {
        if chars[i] == ' ' && chars[i - 1].is_ascii_uppercase() && chars[i + 1].is_ascii_digit() {
            glued[i] = true;
            glued[i + 1] = true;
        }
    }
    glued
}

fn break_paragraph(paragraph: &str, max: f32, width: &impl Fn(char) -> f32, out: &mut Vec<String>) {
    let chars: Vec<char> = paragraph.chars().collect();
    let glued = glued(&chars);
    let mut start = 0;
    while start < chars.len() {
        // The furthest end that fits.
        let mut used = 0.0;
        let mut fit = start;
        while fit < chars.len() && used + width(chars[fit]) <= max {
            used += width(chars[fit]);
            fit += 1;
        }
        if fit == chars.len() {
            out.push(chars[start..].iter().collect());
            break;
        }
        // Walk back to an allowed break; failing that, to one that at least keeps the
        // punctuation rules (splitting a run wider than the line); failing that, cut.
        let end = (start + 1..=fit)
            .rev()
            .find(|&e| may_break_after(&chars, &glued, e))
            .or_else(|| (start + 1..=fit).rev().find(|&e| punctuation_allows(&chars, e)))
            .unwrap_or(fit.max(start + 1));
        out.push(chars[start..end].iter().collect());
        start = end;
        // A space that ended the line is not carried to the next one.
        while start < chars.len() && chars[start] == ' ' {
            start += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn w(c: char) -> f32 {
        if c.is_ascii() { 0.5 } else { 1.0 }
    }

    #[test]
    fn closing_punctuation_moves_with_its_character() {
        let lines = break_lines("一二三四，五六", 4.0, w);
        assert_eq!(lines, vec!["一二三", "四，五六"]);
    }

    #[test]
    fn opening_punctuation_goes_to_the_next_line() {
        let lines = break_lines("一二三（四五）", 4.0, w);
        assert_eq!(lines, vec!["一二三", "（四五）"]);
    }

    #[test]
    fn numbers_and_words_stay_whole() {
        let lines = break_lines("期限2026年12月15日", 4.0, w);
        assert!(lines.iter().any(|l| l.contains("2026")), "{lines:?}");
        let lines = break_lines("依据GB 50016第5.1.3条", 5.0, w);
        assert!(lines.iter().any(|l| l.contains("5.1.3")), "{lines:?}");
        assert!(lines.iter().any(|l| l.contains("GB")), "{lines:?}");
    }

    #[test]
    fn cited_numbers_stay_whole() {
        let cases = [
            ("决定（门应急责改〔2026〕第0012号），经", "门应急责改〔2026〕第0012号"),
            ("依照安监总政法〔2016〕72号规定", "安监总政法〔2016〕72号"),
            ("不符合JGJ 130-2011第6.3.2条", "JGJ 130-2011"),
            ("依据GB/T 29639-2020编制", "GB/T 29639-2020"),
        ];
        for (text, number) in cases {
            for max in 3..24 {
                let lines = break_lines(text, max as f32, w);
                let whole = lines.iter().any(|l| l.contains(number));
                // With the brackets and comma around it, which may not be left alone at a line's end or start.
                let wider = number.chars().map(w).sum::<f32>() + 3.0 > max as f32;
                assert!(whole || wider, "{number} split at {max}: {lines:?}");
            }
        }
    }

    #[test]
    fn hard_breaks_are_kept() {
        assert_eq!(break_lines("甲\n\n乙", 10.0, w), vec!["甲", "", "乙"]);
    }

    const CLOSERS: &[char] = &['，', '。', '、', '；', '：', '？', '！', '）', '」', '』'];
    const OPENERS: &[char] = &['（', '「', '『'];

    fn text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            4 => proptest::sample::select(vec!['安', '全', '生', '产', '隐', '患', '整', '改']),
            2 => proptest::sample::select(CLOSERS.to_vec()),
            1 => proptest::sample::select(OPENERS.to_vec()),
            2 => proptest::sample::select(vec!['1', '2', '0', 'G', 'B', '.', ' ']),
        ];
        proptest::collection::vec(piece, 0..120).prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #[test]
        fn lines_keep_the_rules(s in text(), max in 3.0f32..30.0) {
            let lines = break_lines(&s, max, w);
            // Nothing is lost but the spaces at the breaks.
            prop_assert_eq!(lines.concat().replace(' ', ""), s.replace(' ', ""));
            for (i, line) in lines.iter().enumerate() {
                let width: f32 = line.chars().map(w).sum();
                // A line is over-wide only when it is one character.
                prop_assert!(width <= max || line.chars().count() == 1, "{:?} too wide", line);
                if i + 1 < lines.len() {
                    let next = lines[i + 1].chars().next();
                    let last = line.chars().last();
                    let len = line.chars().count();
                    let joined: Vec<char> = line.chars().chain(lines[i + 1].chars()).collect();
                    // Where the line had no allowed break at all, the cut was forced.
                    let forced = !(1..len).any(|k| punctuation_allows(&joined, k));
                    if !forced {
                        prop_assert!(!next.is_some_and(|c| CLOSERS.contains(&c)), "{:?}", lines);
                        prop_assert!(!last.is_some_and(|c| OPENERS.contains(&c)), "{:?}", lines);
                    }
                }
            }
        }
    }
}
