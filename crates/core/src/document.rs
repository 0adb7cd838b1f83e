//! 执法文书: kinds, official numbers and the issue state. Once issued a document never
//! changes; a mistake is corrected by voiding it and issuing a new one.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::id::Id;
use crate::validate::{self, FieldError, Rule};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum DocumentKind {
    /// 现场检查记录
    InspectionRecord,
    /// 责令限期整改指令书
    RectificationOrder,
    /// 整改复查意见书
    ReviewOpinion,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 3] = [Self::InspectionRecord, Self::RectificationOrder, Self::ReviewOpinion];

    pub fn title(self) -> &'static str {
        match self {
            Self::InspectionRecord => "现场检查记录",
            Self::RectificationOrder => "责令限期整改指令书",
            Self::ReviewOpinion => "整改复查意见书",
        }
    }

    /// The abbreviation in the number (检记, 责改, 复查).
    pub fn abbreviation(self) -> &'static str {
        match self {
            Self::InspectionRecord => "检记",
            Self::RectificationOrder => "责改",
            Self::ReviewOpinion => "复查",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::InspectionRecord => "inspectionRecord",
            Self::RectificationOrder => "rectificationOrder",
            Self::ReviewOpinion => "reviewOpinion",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// e.g. 门应急责改〔2026〕第0012号: bureau prefix, kind, year, sequence in that year.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct DocumentNumber {
    pub prefix: String,
    pub kind: DocumentKind,
    pub year: i32,
    pub seq: u32,
}

impl fmt::Display for DocumentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}〔{}〕第{:04}号", self.prefix, self.kind.abbreviation(), self.year, self.seq)
    }
}

impl DocumentNumber {
    /// Whether `prefix` can stand in a number that must parse back (no 〔〕, 第, 号,
    /// brackets or spaces) and in the file name of an exported document (no path or
    /// file-name separators, no dots, no control characters).
    pub fn is_valid_prefix(prefix: &str) -> bool {
        !prefix.is_empty()
            && !prefix.chars().any(|c| {
                matches!(c, '〔' | '〕' | '第' | '号' | '[' | ']')
                    || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' | '.')
                    || c.is_whitespace()
                    || c.is_control()
            })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a document number: {0:?}")]
pub struct BadNumber(pub String);

impl std::str::FromStr for DocumentNumber {
    type Err = BadNumber;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadNumber(s.to_owned());
        let (head, rest) = s.split_once('〔').ok_or_else(bad)?;
        let (year, rest) = rest.split_once('〕').ok_or_else(bad)?;
        let seq = rest.strip_prefix('第').and_then(|r| r.strip_suffix('号')).ok_or_else(bad)?;
        let kind = DocumentKind::ALL.into_iter().find(|k| head.ends_with(k.abbreviation())).ok_or_else(bad)?;
        let prefix = head.strip_suffix(kind.abbreviation()).ok_or_else(bad)?;
        if prefix.is_empty() || year.len() != 4 || seq.is_empty() || !seq.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        Ok(DocumentNumber {
            prefix: prefix.to_owned(),
            kind,
            year: year.parse().map_err(|_| bad())?,
            seq: seq.parse().map_err(|_| bad())?,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum DocumentStatus {
    Draft,
    Issued,
    Voided,
}

impl DocumentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Issued => "issued",
            Self::Voided => "voided",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Draft, Self::Issued, Self::Voided].into_iter().find(|v| v.as_str() == s)
    }

    /// Draft → issued → voided, nothing else.
    pub fn can_become(self, next: DocumentStatus) -> bool {
        matches!((self, next), (Self::Draft, Self::Issued) | (Self::Issued, Self::Voided))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    pub id: Id,
    pub kind: DocumentKind,
    pub enterprise_id: Id,
    pub inspection_id: Option<Id>,
    pub number: Option<DocumentNumber>,
    /// What the document says, as rendered; fixed at issue.
    pub snapshot: serde_json::Value,
    /// SHA-256 of the issued PDF.
    pub pdf_sha256: Option<String>,
    pub status: DocumentStatus,
    pub issued_at: Option<DateTime<Utc>>,
    pub void_reason: Option<String>,
}

/// The bureau's wording every document carries: who issues it, the numbers' prefix,
/// and the bodies named in the remedy clause (复议机关, 人民法院).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DocumentSettings {
    /// 北京市门头沟区应急管理局
    pub bureau: String,
    /// 门应急 (→ 门应急责改〔2026〕第0012号)
    pub prefix: String,
    /// 行政复议机关
    pub review_body: String,
    /// 人民法院
    pub court: String,
}

impl DocumentSettings {
    pub const BUREAU_MAX: usize = 40;
    pub const PREFIX_MAX: usize = 10;
    pub const BODY_MAX: usize = 40;

    /// Every field filled, within its length, and a prefix a number can carry; trimmed.
    pub fn check(&self) -> Result<DocumentSettings, FieldError> {
        let checked = DocumentSettings {
            bureau: validate::required_text("bureau", &self.bureau, Self::BUREAU_MAX)?,
            prefix: validate::required_text("prefix", &self.prefix, Self::PREFIX_MAX)?,
            review_body: validate::required_text("reviewBody", &self.review_body, Self::BODY_MAX)?,
            court: validate::required_text("court", &self.court, Self::BODY_MAX)?,
        };
        if !DocumentNumber::is_valid_prefix(&checked.prefix) {
            return Err(FieldError::new("prefix", Rule::DocumentPrefix));
        }
        if !is_review_body_of(&checked.bureau, &checked.review_body) {
            return Err(FieldError::new("reviewBody", Rule::ReviewBody));
        }
        if !is_court(&checked.court) {
            return Err(FieldError::new("court", Rule::Court));
        }
        Ok(checked)
    }
}

/// The body that hears a 行政复议 against the bureau's decisions. Since the 行政复议法 of
/// 2024 it is the government at the bureau's level: for 北京市门头沟区应急管理局,
/// 北京市门头沟区人民政府. None when the bureau's name does not say its level.
pub fn review_body_of(bureau: &str) -> Option<String> {
    bureau
        .trim()
        .strip_suffix("应急管理局")
        .filter(|region| !region.is_empty())
        .map(|region| format!("{region}人民政府"))
}

/// Whether `body` may be named as the 行政复议机关 of `bureau`'s documents.
pub fn is_review_body_of(bureau: &str, body: &str) -> bool {
    match review_body_of(bureau) {
        Some(government) => body.trim() == government,
        None => body.trim().ends_with("人民政府"),
    }
}

/// Whether `court` names a court (…人民法院, or a specialised court such as 北京铁路运输法院).
pub fn is_court(court: &str) -> bool {
    let c = court.trim();
    c.ends_with("法院") && c.chars().count() > 2
}

#[cfg(test)]
mod tests {

    #[test]
    fn document_settings_checked_field_by_field() {
        let ok = DocumentSettings {
            bureau: " 北京市门头沟区应急管理局 ".into(),
            prefix: "门应急".into(),
            review_body: "北京市门头沟区人民政府".into(),
            court: "北京市门头沟区人民法院".into(),
        };
        assert_eq!(ok.check().map(|s| s.bureau), Ok("北京市门头沟区应急管理局".to_owned()));
        let with = |f: fn(&mut DocumentSettings)| {
            let mut s = ok.clone();
            f(&mut s);
            s.check().map(|_| ()).map_err(|e| (e.field, e.rule))
        };
        let cases: [(fn(&mut DocumentSettings), Result<(), (&str, Rule)>); 8] = [
            (|s| s.bureau = " ".into(), Err(("bureau", Rule::Required))),
            (|s| s.prefix = "门应急门应急门应急门应".into(), Err(("prefix", Rule::TooLong { max: 10 }))),
            (|s| s.prefix = "门〔应急".into(), Err(("prefix", Rule::DocumentPrefix))),
            (|s| s.review_body = "复".repeat(41), Err(("reviewBody", Rule::TooLong { max: 40 }))),
            (|s| s.court = "法院\u{7}".into(), Err(("court", Rule::InvalidText))),
            (|s| s.review_body = "北京市应急管理局".into(), Err(("reviewBody", Rule::ReviewBody))),
            (|s| s.review_body = "北京市人民政府".into(), Err(("reviewBody", Rule::ReviewBody))),
            (|s| s.court = "门头沟区政府".into(), Err(("court", Rule::Court))),
        ];
        for (change, expected) in cases {
            assert_eq!(with(change), expected);
        }
    }

    use super::*;

    #[test]
    fn prefixes_that_numbers_and_file_names_can_carry() {
        for ok in ["门应急", "京门应急", "MTG"] {
            assert!(DocumentNumber::is_valid_prefix(ok), "{ok}");
        }
        for bad in ["", "门〔应急", "门应急第", "门 应急", "门/应急", "../门", "门:应急", "门[应急]", "门\u{7}"]
        {
            assert!(!DocumentNumber::is_valid_prefix(bad), "{bad:?}");
        }
    }

    #[test]
    fn numbers_print_and_parse() {
        let n =
            DocumentNumber { prefix: "门应急".into(), kind: DocumentKind::RectificationOrder, year: 2026, seq: 12 };
        assert_eq!(n.to_string(), "门应急责改〔2026〕第0012号");
        assert_eq!("门应急责改〔2026〕第0012号".parse::<DocumentNumber>(), Ok(n));
        for bad in [
            "门应急责改2026第12号",
            "责改〔2026〕第12号",
            "门应急改〔2026〕第12号",
            "门应急复查〔26〕第1号",
            "门应急检记〔2026〕第号",
        ] {
            assert!(bad.parse::<DocumentNumber>().is_err(), "{bad}");
        }
    }

    #[test]
    fn issued_documents_only_move_to_voided() {
        use DocumentStatus::*;
        assert!(Draft.can_become(Issued));
        assert!(Issued.can_become(Voided));
        assert!(!Issued.can_become(Draft));
        assert!(!Voided.can_become(Issued));
        assert!(!Draft.can_become(Voided));
    }
}
