//! 挂牌督办: the bureau puts a 重大事故隐患 under supervision (who supervises it, by
//! when it must be rectified) and lifts it (摘牌) once the hazard is rectified. Only the
//! bureau writes it; devices show it on the hazard.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::hazard::{HazardStatus, Level};
use crate::id::Id;
use crate::validate::{FieldError, multiline_text, required_text};

/// 督办中 → 已摘牌; a lifted supervision stays lifted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(rename = "SupervisionStatus")]
pub enum Status {
    Active,
    Lifted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Lifted => "lifted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Status::Active, Status::Lifted].into_iter().find(|v| v.as_str() == s)
    }
}

/// One hazard's supervision as every holder shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Supervision {
    pub hazard_id: Id,
    /// 督办单位或督办人.
    pub supervisor: String,
    /// 督办期限: the day the hazard must be rectified by.
    #[ts(type = "string")]
    pub due: NaiveDate,
    pub status: Status,
    pub note: Option<String>,
    /// The bureau account that last set it.
    pub set_by: String,
    #[ts(type = "string")]
    pub set_at: DateTime<Utc>,
}

pub const SUPERVISOR_MAX: usize = 50;
pub const NOTE_MAX: usize = 500;
/// The latest 督办期限 a supervision set today may carry (as a hazard's deadline).
pub const MAX_DUE_DAYS: u64 = crate::hazard::MAX_DEADLINE_DAYS;

/// What the bureau's staff type to put a hazard under supervision (or change it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input<'a> {
    pub supervisor: &'a str,
    pub due: NaiveDate,
    pub note: &'a str,
}

/// The checked fields of a supervision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub supervisor: String,
    pub due: NaiveDate,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SupervisionError {
    #[error("只有重大事故隐患才能挂牌督办")]
    NotMajor,
    #[error("该隐患已摘牌，督办记录不能再修改")]
    Lifted,
    #[error("该隐患没有挂牌督办")]
    NotSupervised,
    #[error("隐患尚未整改，不能摘牌：整改完成（单位报告整改或复查通过）后才能摘牌")]
    NotRectified,
    #[error("督办期限不能早于今天")]
    DuePast,
    #[error("督办期限不能超过5年")]
    DueTooFar,
    #[error("{}", .0.message())]
    Field(FieldError),
}

impl SupervisionError {
    /// The field at fault, for a form to show the message beside.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            SupervisionError::DuePast | SupervisionError::DueTooFar => Some("due"),
            SupervisionError::Field(f) => Some(f.field),
            _ => None,
        }
    }
}

/// The fields of a supervision as an image may carry them (any day: an image set on an
/// earlier day keeps its due day).
pub fn check_fields(supervisor: &str, note: Option<&str>) -> Result<(String, Option<String>), SupervisionError> {
    let supervisor = required_text("supervisor", supervisor, SUPERVISOR_MAX).map_err(SupervisionError::Field)?;
    let note = multiline_text("note", note.unwrap_or(""), NOTE_MAX).map_err(SupervisionError::Field)?;
    Ok((supervisor, note))
}

/// Putting a hazard of `level` under supervision, or changing who supervises it and by
/// when, while `current` is what it is now.
pub fn set(
    level: Level,
    current: Option<Status>,
    input: &Input<'_>,
    today: NaiveDate,
) -> Result<Checked, SupervisionError> {
    if level != Level::Major {
        return Err(SupervisionError::NotMajor);
    }
    if current == Some(Status::Lifted) {
        return Err(SupervisionError::Lifted);
    }
    let (supervisor, note) = check_fields(input.supervisor, Some(input.note))?;
    if input.due < today {
        return Err(SupervisionError::DuePast);
    }
    if input.due > today + chrono::Days::new(MAX_DUE_DAYS) {
        return Err(SupervisionError::DueTooFar);
    }
    Ok(Checked { supervisor, due: input.due, note })
}

/// Lifting (摘牌) a supervision: only one in force, only once the hazard is rectified.
pub fn lift(hazard: HazardStatus, current: Option<Status>) -> Result<(), SupervisionError> {
    match current {
        None => Err(SupervisionError::NotSupervised),
        Some(Status::Lifted) => Err(SupervisionError::Lifted),
        Some(Status::Active) if hazard < HazardStatus::Rectified => Err(SupervisionError::NotRectified),
        Some(Status::Active) => Ok(()),
    }
}

/// Whether a supervision image may follow the one held (a lifted one stays lifted).
pub fn may_follow(held: Status, next: Status) -> bool {
    next >= held
}

/// Overdue: in force past its due day (the hazard still not rectified).
pub fn is_overdue(status: Status, hazard: HazardStatus, due: NaiveDate, today: NaiveDate) -> bool {
    status == Status::Active && hazard == HazardStatus::Open && due < today
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::Rule;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn setting_follows_level_state_and_fields() {
        let today = day("2026-12-04");
        let input = |supervisor, due| Input { supervisor, due: day(due), note: "" };
        let long = "督".repeat(51);
        let cases: Vec<(Level, Option<Status>, Input<'_>, Result<(), SupervisionError>)> = vec![
            (Level::Major, None, input("区应急局", "2026-12-31"), Ok(())),
            (Level::Major, Some(Status::Active), input("区应急局", "2026-12-04"), Ok(())),
            (Level::General, None, input("区应急局", "2026-12-31"), Err(SupervisionError::NotMajor)),
            (Level::Major, Some(Status::Lifted), input("区应急局", "2026-12-31"), Err(SupervisionError::Lifted)),
            (
                Level::Major,
                None,
                input("  ", "2026-12-31"),
                Err(SupervisionError::Field(FieldError::new("supervisor", Rule::Required))),
            ),
            (
                Level::Major,
                None,
                input(&long, "2026-12-31"),
                Err(SupervisionError::Field(FieldError::new("supervisor", Rule::TooLong { max: 50 }))),
            ),
            (
                Level::Major,
                None,
                input("a\u{7}", "2026-12-31"),
                Err(SupervisionError::Field(FieldError::new("supervisor", Rule::InvalidText))),
            ),
            (Level::Major, None, input("区应急局", "2026-12-03"), Err(SupervisionError::DuePast)),
            (Level::Major, None, input("区应急局", "2031-12-31"), Err(SupervisionError::DueTooFar)),
        ];
        for (level, current, input, want) in cases {
            let got = set(level, current, &input, today).map(drop);
            assert_eq!(got, want, "{level:?} {current:?} {input:?}");
        }
    }

    #[test]
    fn lifting_needs_a_rectified_hazard_under_supervision() {
        use HazardStatus::*;
        let cases = [
            (Open, Some(Status::Active), Err(SupervisionError::NotRectified)),
            (Rectified, Some(Status::Active), Ok(())),
            (Verified, Some(Status::Active), Ok(())),
            (Verified, Some(Status::Lifted), Err(SupervisionError::Lifted)),
            (Verified, None, Err(SupervisionError::NotSupervised)),
        ];
        for (hazard, current, want) in cases {
            assert_eq!(lift(hazard, current), want, "{hazard:?} {current:?}");
        }
    }

    #[test]
    fn lifted_stays_lifted_and_overdue_is_open_past_due() {
        assert!(may_follow(Status::Active, Status::Lifted));
        assert!(may_follow(Status::Active, Status::Active));
        assert!(!may_follow(Status::Lifted, Status::Active));
        let today = day("2026-12-04");
        assert!(is_overdue(Status::Active, HazardStatus::Open, day("2026-12-03"), today));
        assert!(!is_overdue(Status::Active, HazardStatus::Open, day("2026-12-04"), today));
        assert!(!is_overdue(Status::Active, HazardStatus::Rectified, day("2026-12-03"), today));
        assert!(!is_overdue(Status::Lifted, HazardStatus::Open, day("2026-12-03"), today));
    }
}
