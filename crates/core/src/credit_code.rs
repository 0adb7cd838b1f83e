//! 统一社会信用代码 (GB 32100-2015) with the inner organisation-code check of GB 11714.
//!
//! A few real codes carry a wrong check character, so a bad check is a warning the
//! inspector may confirm; a code of the wrong shape is invalid.

use serde::Serialize;

const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
/// Registering authority and organisation type pairs of GB 32100 appendix A.
const TYPES: [&str; 35] = [
    "11", "12", "13", "19", "21", "29", "31", "32", "33", "34", "35", "39", "41", "49", "51", "52", "53", "59", "61",
    "62", "69", "71", "72", "79", "81", "89", "91", "92", "93", "A1", "A9", "N1", "N2", "N3", "N9",
];
const EXTRA_TYPES: [&str; 1] = ["Y1"];
/// First two digits of the administrative division code (provinces).
const PROVINCES: [&str; 34] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44",
    "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(rename = "CreditCodeProblem")]
pub enum Problem {
    /// Not 18 characters.
    Length { found: usize },
    /// A character outside the code's alphabet (I, O, S, V, Z and punctuation are never used).
    Character { position: usize, found: char },
    /// Positions 1–2 are not a registering authority and organisation type pair.
    Type { found: String },
    /// Positions 3–8 are not an administrative division code.
    Division { found: String },
    /// Position 18 does not match the checksum of positions 1–17.
    CheckCharacter { expected: char, found: char },
    /// Position 17 does not match the GB 11714 check of positions 9–16.
    OrganisationCheck { expected: char, found: char },
}

impl Problem {
    /// A sentence for the inspector.
    pub fn message(&self) -> String {
        match self {
            Problem::Length { found } => format!("统一社会信用代码应为18位，当前为{found}位"),
            Problem::Character { position, found } => {
                format!("第{position}位“{found}”不是信用代码允许的字符（不使用I、O、S、V、Z）")
            }
            Problem::Type { found } => format!("第1–2位“{found}”不是有效的登记管理部门和机构类别代码"),
            Problem::Division { found } => format!("第3–8位“{found}”不是有效的行政区划代码"),
            Problem::CheckCharacter { expected, found } => format!(
                "校验位（第18位）应为“{expected}”，实为“{found}”；请核对营业执照，如执照上确为此代码可确认后保存"
            ),
            Problem::OrganisationCheck { expected, found } => format!(
                "组织机构代码校验位（第17位）应为“{expected}”，实为“{found}”；请核对营业执照，如执照上确为此代码可确认后保存"
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Ok {
        normalized: String,
    },
    /// Well formed, but a check character does not match: the inspector may confirm it.
    Warning {
        normalized: String,
        problem: Problem,
    },
    Invalid {
        problem: Problem,
    },
}

impl Verdict {
    pub fn normalized(&self) -> Option<&str> {
        match self {
            Verdict::Ok { normalized } | Verdict::Warning { normalized, .. } => Some(normalized),
            Verdict::Invalid { .. } => None,
        }
    }
}

fn value(c: char) -> Option<u32> {
    CHARSET.find(c).map(|i| i as u32)
}

/// The check character (position 18) for the first 17 characters; `None` if any is
/// outside the alphabet.
pub fn check_character(first17: &str) -> Option<char> {
    let mut sum = 0;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += value(c)? * w;
    }
    let v = (31 - sum % 31) % 31;
    CHARSET.chars().nth(v as usize)
}

/// The GB 11714 check character (position 17) for the organisation code's first 8.
pub fn organisation_check(first8: &str) -> Option<char> {
    let mut sum = 0;
    for (c, w) in first8.chars().zip(ORG_WEIGHTS) {
        sum += c.to_digit(36)? * w;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        v => char::from_digit(v, 10)?,
    })
}

/// A valid code from its first 16 characters: adds the organisation check (17) and
/// the check character (18). `None` if a character is outside the alphabet.
pub fn complete(first16: &str) -> Option<String> {
    let org = organisation_check(first16.get(8..16)?)?;
    let with_org = format!("{first16}{org}");
    let check = check_character(&with_org)?;
    Some(format!("{with_org}{check}"))
}

/// Checks a code as typed: surrounding spaces are dropped, and lower case and the
/// full-width forms a Chinese input method produces are accepted.
pub fn check(input: &str) -> Verdict {
    let code: String = input
        .trim()
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect::<String>()
        .to_uppercase();
    let chars: Vec<char> = code.chars().collect();
    if chars.len() != 18 {
        return Verdict::Invalid { problem: Problem::Length { found: chars.len() } };
    }
    if let Some((i, &c)) = chars.iter().enumerate().find(|(_, c)| value(**c).is_none()) {
        return Verdict::Invalid { problem: Problem::Character { position: i + 1, found: c } };
    }
    let kind = &code[0..2];
    if !TYPES.contains(&kind) && !EXTRA_TYPES.contains(&kind) {
        return Verdict::Invalid { problem: Problem::Type { found: kind.to_owned() } };
    }
    let division = &code[2..8];
    if !division.bytes().all(|b| b.is_ascii_digit()) || !PROVINCES.contains(&&division[0..2]) {
        return Verdict::Invalid { problem: Problem::Division { found: division.to_owned() } };
    }
    let expected = check_character(&code[0..17]).unwrap_or('?');
    if expected != chars[17] {
        return Verdict::Warning { problem: Problem::CheckCharacter { expected, found: chars[17] }, normalized: code };
    }
    // GB 11714 codes use digits and letters; only check when the block looks like one.
    if let Some(org_expected) = organisation_check(&code[8..16])
        && org_expected != chars[16]
    {
        return Verdict::Warning {
            problem: Problem::OrganisationCheck { expected: org_expected, found: chars[16] },
            normalized: code,
        };
    }
    Verdict::Ok { normalized: code }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn complete(first16: &str) -> String {
        super::complete(first16).unwrap()
    }

    #[test]
    fn table() {
        let valid = complete("91110109MA01AB2C");
        let cases: Vec<(String, &str)> = vec![
            ("91110000100003715G".into(), "warning"), // check character should be P
            (valid.clone(), "ok"),
            (valid.to_lowercase(), "ok"),
            (format!("  {valid} "), "ok"),
            (complete("92110109L1234567"), "ok"),
            (complete("93110109MA0000AA"), "ok"),
            (complete("12110109400000BC"), "ok"),
            (valid[..17].to_string(), "invalid:length"),
            (format!("{valid}0"), "invalid:length"),
            (String::new(), "invalid:length"),
            (valid.replacen('M', "O", 1), "invalid:char"),
            (valid.replacen('1', "I", 1), "invalid:char"),
            ("9111010·MA01AB2C3X".into(), "invalid:char"),
            (valid.replacen('9', "９", 1).replacen('M', "ｍ", 1), "ok"),
            ("9111010-MA01AB2C3X".into(), "invalid:char"),
            (complete("99110109MA01AB2C"), "invalid:type"),
            (complete("9111A109MA01AB2C"), "invalid:division"),
            (complete("91990109MA01AB2C"), "invalid:division"),
        ];
        for (code, want) in cases {
            let got = match check(&code) {
                Verdict::Ok { .. } => "ok",
                Verdict::Warning { .. } => "warning",
                Verdict::Invalid { problem: Problem::Length { .. } } => "invalid:length",
                Verdict::Invalid { problem: Problem::Character { .. } } => "invalid:char",
                Verdict::Invalid { problem: Problem::Type { .. } } => "invalid:type",
                Verdict::Invalid { problem: Problem::Division { .. } } => "invalid:division",
                Verdict::Invalid { .. } => "invalid:other",
            };
            assert_eq!(got, want, "{code}");
        }
    }

    #[test]
    fn known_real_codes() {
        // Codes as printed on real business licences (Shenzhen, Beijing, Hangzhou).
        for code in ["914403001922038216", "91110108551385082Q", "91330100799655058B"] {
            assert_eq!(check(code), Verdict::Ok { normalized: code.to_owned() });
        }
    }

    #[test]
    fn wrong_check_character_is_a_warning_naming_the_expected_one() {
        let valid = complete("91110109MA01AB2C");
        let last = valid.chars().last().unwrap();
        let wrong = if last == '0' { '1' } else { '0' };
        let code = format!("{}{wrong}", &valid[..17]);
        match check(&code) {
            Verdict::Warning { problem: Problem::CheckCharacter { expected, found }, .. } => {
                assert_eq!((expected, found), (last, wrong));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn wrong_organisation_check_is_a_warning() {
        let valid = complete("91110109MA01AB2C");
        let org = valid.chars().nth(16).unwrap();
        let other = if org == '1' { '2' } else { '1' };
        let mut s = format!("{}{other}", &valid[..16]);
        s.push(check_character(&s).unwrap());
        assert!(matches!(check(&s), Verdict::Warning { problem: Problem::OrganisationCheck { .. }, .. }));
    }

    #[test]
    fn messages_are_chinese() {
        let p = Problem::Length { found: 17 };
        assert!(p.message().contains("18位"));
    }

    proptest! {
        #[test]
        fn any_generated_code_is_ok_and_any_single_change_is_caught(
            body in proptest::collection::vec(0usize..31, 8),
            pos in 0usize..18,
            delta in 1usize..31,
        ) {
            let org: String = body.iter().map(|&i| CHARSET.as_bytes()[i] as char).collect();
            let code = complete(&format!("91110109{org}"));
            prop_assert!(matches!(check(&code), Verdict::Ok { .. }), "{}", code);
            // Changing any one character must never pass silently as Ok.
            let mut chars: Vec<char> = code.chars().collect();
            let i = CHARSET.find(chars[pos]).unwrap();
            chars[pos] = CHARSET.as_bytes()[(i + delta) % 31] as char;
            let changed: String = chars.into_iter().collect();
            prop_assert!(!matches!(check(&changed), Verdict::Ok { .. }), "{} -> {}", code, changed);
        }

        #[test]
        fn never_panics(s in "\\PC{0,24}") {
            let _ = check(&s);
        }
    }
}
