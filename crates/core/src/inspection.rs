//! 检查: one visit to one enterprise by at least two officers.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::id::Id;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum InspectionStatus {
    Draft,
    Finished,
}

impl InspectionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Finished => "finished",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Draft, Self::Finished].into_iter().find(|v| v.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Inspection {
    pub id: Id,
    pub enterprise_id: Id,
    pub template_id: String,
    pub template_version: u32,
    /// Both officers; the first is the one who holds the device.
    pub inspectors: Vec<Id>,
    /// The enterprise's accompanying person (陪同人员).
    pub accompanying_person: Option<String>,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub status: InspectionStatus,
    /// Free text of 检查情况.
    pub notes: String,
}

/// Officers an inspection or an enforcement act needs by law.
pub const MIN_OFFICERS: usize = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InspectionError {
    #[error("an inspection needs at least two different officers")]
    TooFewOfficers,
    #[error("a finished inspection cannot be changed")]
    Finished,
}

impl Inspection {
    pub fn check_officers(inspectors: &[Id]) -> Result<(), InspectionError> {
        let mut distinct = inspectors.to_vec();
        distinct.sort();
        distinct.dedup();
        if distinct.len() < MIN_OFFICERS || distinct.len() != inspectors.len() {
            return Err(InspectionError::TooFewOfficers);
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum AnswerResult {
    Compliant,
    NonCompliant,
    NotApplicable,
}

impl AnswerResult {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Compliant => "compliant",
            Self::NonCompliant => "nonCompliant",
            Self::NotApplicable => "notApplicable",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Compliant, Self::NonCompliant, Self::NotApplicable].into_iter().find(|v| v.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    pub inspection_id: Id,
    pub item_code: String,
    pub result: AnswerResult,
    pub note: Option<String>,
    /// SHA-256 of each photo attachment.
    pub photos: Vec<String>,
    /// Points deducted, for an item of a scored checklist.
    #[serde(default)]
    pub deducted: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_distinct_officers_are_required() {
        let (a, b) = (Id::new(), Id::new());
        assert!(Inspection::check_officers(&[a, b]).is_ok());
        assert_eq!(Inspection::check_officers(&[a]), Err(InspectionError::TooFewOfficers));
        assert_eq!(Inspection::check_officers(&[a, a]), Err(InspectionError::TooFewOfficers));
    }
}
