//! Field checks shared by every record kind: what is wrong, named by field, so the
//! edges can show a Chinese message beside the right input.

use serde::Serialize;

use crate::credit_code::Problem;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "rule", rename_all = "camelCase")]
pub enum Rule {
    Required,
    TooLong {
        max: usize,
    },
    /// Control characters or other text no form should produce.
    InvalidText,
    Phone,
    CertNo,
    CreditCode {
        problem: Problem,
    },
    /// A check-character mismatch the inspector has not confirmed.
    CreditCodeUnconfirmed {
        problem: Problem,
    },
    /// A number outside its allowed range.
    Range {
        min: u32,
        max: u32,
    },
    UnknownDivision,
    UnknownSector,
    SectorRequired,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error, ts_rs::TS)]
#[error("{field}: {rule:?}")]
pub struct FieldError {
    pub field: &'static str,
    pub rule: Rule,
}

impl FieldError {
    pub fn new(field: &'static str, rule: Rule) -> Self {
        Self { field, rule }
    }
}

/// Trims a one-line text field and checks it against its limit. Empty is `None`.
pub fn text(field: &'static str, value: &str, max: usize) -> Result<Option<String>, FieldError> {
    checked(field, value, max, false)
}

/// Like `text`, for notes and descriptions: line breaks and tabs are kept.
pub fn multiline_text(field: &'static str, value: &str, max: usize) -> Result<Option<String>, FieldError> {
    checked(field, value, max, true)
}

fn checked(field: &'static str, value: &str, max: usize, multiline: bool) -> Result<Option<String>, FieldError> {
    let v = value.trim();
    if v.chars().any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t'))) {
        return Err(FieldError::new(field, Rule::InvalidText));
    }
    if v.chars().count() > max {
        return Err(FieldError::new(field, Rule::TooLong { max }));
    }
    Ok((!v.is_empty()).then(|| v.to_owned()))
}

pub fn required_text(field: &'static str, value: &str, max: usize) -> Result<String, FieldError> {
    text(field, value, max)?.ok_or(FieldError::new(field, Rule::Required))
}

pub fn required_multiline(field: &'static str, value: &str, max: usize) -> Result<String, FieldError> {
    multiline_text(field, value, max)?.ok_or(FieldError::new(field, Rule::Required))
}

/// A mainland mobile number or a landline with optional area code and extension.
pub fn phone(field: &'static str, value: &str) -> Result<Option<String>, FieldError> {
    let Some(v) = text(field, value, 24)? else { return Ok(None) };
    let digits_only = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mobile = v.len() == 11 && digits_only(&v) && v.starts_with('1') && v.as_bytes()[1] >= b'3';
    let landline = {
        let parts: Vec<&str> = v.split('-').collect();
        match parts.as_slice() {
            [n] => digits_only(n) && (7..=8).contains(&n.len()),
            [area, n] => {
                area.starts_with('0')
                    && digits_only(area)
                    && (3..=4).contains(&area.len())
                    && digits_only(n)
                    && (7..=8).contains(&n.len())
            }
            [area, n, ext] => {
                area.starts_with('0')
                    && digits_only(area)
                    && (3..=4).contains(&area.len())
                    && digits_only(n)
                    && (7..=8).contains(&n.len())
                    && digits_only(ext)
                    && ext.len() <= 6
            }
            _ => false,
        }
    };
    if mobile || landline { Ok(Some(v)) } else { Err(FieldError::new(field, Rule::Phone)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        for ok in ["13912345678", "010-69841234", "010-69841234-123", "69841234", " 18600001111 "] {
            assert!(phone("p", ok).is_ok(), "{ok}");
        }
        for bad in ["1391234567", "12912345678", "010-123", "abc", "010-69841234-1234567", "0-69841234"] {
            assert_eq!(phone("p", bad), Err(FieldError::new("p", Rule::Phone)), "{bad}");
        }
        assert_eq!(phone("p", "  "), Ok(None));
    }

    #[test]
    fn texts() {
        assert_eq!(required_text("n", "  ", 5), Err(FieldError::new("n", Rule::Required)));
        assert_eq!(required_text("n", "门头沟区安监", 5), Err(FieldError::new("n", Rule::TooLong { max: 5 })));
        assert_eq!(required_text("n", "a\u{0}b", 5), Err(FieldError::new("n", Rule::InvalidText)));
        assert_eq!(required_text("n", " 斋堂 ", 5), Ok("斋堂".to_owned()));
        assert_eq!(text("n", "一\n二", 5), Err(FieldError::new("n", Rule::InvalidText)));
        assert_eq!(
            multiline_text("n", "一、灭火器过期；\r\n二、\t通道堵塞", 50),
            Ok(Some("一、灭火器过期；\r\n二、\t通道堵塞".to_owned()))
        );
        assert_eq!(multiline_text("n", "a\u{1b}b", 50), Err(FieldError::new("n", Rule::InvalidText)));
    }
}
