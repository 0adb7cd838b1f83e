//! 事故隐患 and its state machine. Status only moves forward, whoever writes it, so
//! two devices' views of one hazard merge by taking the later state. Overdue is not
//! stored: it follows from the deadline and the day.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::id::Id;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(rename = "HazardLevel")]
pub enum Level {
    /// 一般事故隐患
    General,
    /// 重大事故隐患
    Major,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::General => "general",
            Level::Major => "major",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Level::General, Level::Major].into_iter().find(|v| v.as_str() == s)
    }
}

/// open → rectified (the unit reports it done) → verified (re-inspection closed it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum HazardStatus {
    Open,
    Rectified,
    Verified,
}

impl HazardStatus {
    pub const ALL: [HazardStatus; 3] = [Self::Open, Self::Rectified, Self::Verified];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Rectified => "rectified",
            Self::Verified => "verified",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The move to `next`, refused when it would go back. Staying is allowed (a
    /// repeated write); skipping a step is allowed (re-inspection finds it done).
    pub fn advance(self, next: HazardStatus) -> Result<HazardStatus, StatusError> {
        if next < self {
            return Err(StatusError::Backward { from: self, to: next });
        }
        Ok(next)
    }

    /// Merge of two replicas' views: the later state wins.
    pub fn merge(self, other: HazardStatus) -> HazardStatus {
        self.max(other)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StatusError {
    #[error("hazard status cannot move back from {from:?} to {to:?}")]
    Backward { from: HazardStatus, to: HazardStatus },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Hazard {
    pub id: Id,
    pub enterprise_id: Id,
    /// Absent for a hazard written freely, outside an inspection.
    pub inspection_id: Option<Id>,
    pub item_code: Option<String>,
    pub description: String,
    pub level: Level,
    /// Last day for rectification (inclusive).
    pub deadline: NaiveDate,
    pub status: HazardStatus,
    pub found_at: DateTime<Utc>,
}

impl Hazard {
    /// Overdue while still open after its last day.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.status == HazardStatus::Open && today > self.deadline
    }
}

/// 默认整改期限: days to rectify by level, as the bureau sets them in 设置.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeadlineDays {
    pub deadline_days_general: u32,
    pub deadline_days_major: u32,
}

impl DeadlineDays {
    /// Until the bureau sets its own.
    pub const DEFAULT: DeadlineDays = DeadlineDays { deadline_days_general: 30, deadline_days_major: 90 };
    /// What a bureau may set, for either level.
    pub const RANGE: std::ops::RangeInclusive<u32> = 1..=365;

    pub fn check(self) -> Result<DeadlineDays, DeadlineError> {
        for (field, days) in
            [("deadlineDaysGeneral", self.deadline_days_general), ("deadlineDaysMajor", self.deadline_days_major)]
        {
            if !Self::RANGE.contains(&days) {
                return Err(DeadlineError::DaysOutOfRange { field });
            }
        }
        Ok(self)
    }

    pub fn for_level(self, level: Level) -> u32 {
        match level {
            Level::General => self.deadline_days_general,
            Level::Major => self.deadline_days_major,
        }
    }
}

/// The longest rectification period an order may give (5 years).
pub const MAX_DEADLINE_DAYS: u64 = 5 * 366;

/// A hazard's deadline is today at the earliest and five years ahead at the latest.
pub fn check_deadline(deadline: NaiveDate, today: NaiveDate) -> Result<(), DeadlineError> {
    if deadline < today {
        return Err(DeadlineError::Past);
    }
    if deadline > today + chrono::Days::new(MAX_DEADLINE_DAYS) {
        return Err(DeadlineError::TooFar);
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    #[error("整改期限不能早于今天")]
    Past,
    #[error("整改期限不能超过5年")]
    TooFar,
    #[error("整改期限应为1到365天")]
    DaysOutOfRange { field: &'static str },
}

impl DeadlineError {
    /// The field at fault, as the forms name it.
    pub fn field(self) -> &'static str {
        match self {
            DeadlineError::Past | DeadlineError::TooFar => "deadline",
            DeadlineError::DaysOutOfRange { field } => field,
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn deadlines_from_today_to_five_years() {
        let today: NaiveDate = "2026-12-03".parse().unwrap();
        let cases = [
            ("2026-12-02", Err(DeadlineError::Past)),
            ("2026-12-03", Ok(())),
            ("2027-01-02", Ok(())),
            ("2031-12-03", Ok(())),
            ("2031-12-07", Ok(())),
            ("2031-12-08", Err(DeadlineError::TooFar)),
        ];
        for (deadline, expected) in cases {
            assert_eq!(check_deadline(deadline.parse().unwrap(), today), expected, "{deadline}");
        }
    }

    #[test]
    fn deadline_days_between_1_and_365() {
        let days = |g, m| DeadlineDays { deadline_days_general: g, deadline_days_major: m };
        let cases = [
            (days(30, 90), Ok(days(30, 90))),
            (days(1, 365), Ok(days(1, 365))),
            (days(0, 90), Err(DeadlineError::DaysOutOfRange { field: "deadlineDaysGeneral" })),
            (days(30, 366), Err(DeadlineError::DaysOutOfRange { field: "deadlineDaysMajor" })),
        ];
        for (input, expected) in cases {
            assert_eq!(input.check(), expected, "{input:?}");
        }
        assert_eq!(DeadlineDays::DEFAULT.check().map(|d| d.for_level(Level::Major)), Ok(90));
    }

    use super::*;
    use proptest::prelude::*;

    fn status() -> impl Strategy<Value = HazardStatus> {
        prop::sample::select(HazardStatus::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn status_never_moves_backward(start in status(), moves in proptest::collection::vec(status(), 0..20)) {
            let mut s = start;
            for m in moves {
                match s.advance(m) {
                    Ok(n) => { prop_assert!(n >= s); s = n; }
                    Err(_) => prop_assert!(m < s),
                }
            }
        }

        #[test]
        fn merge_is_commutative_associative_idempotent(a in status(), b in status(), c in status()) {
            prop_assert_eq!(a.merge(b), b.merge(a));
            prop_assert_eq!(a.merge(b).merge(c), a.merge(b.merge(c)));
            prop_assert_eq!(a.merge(a), a);
            prop_assert!(a.merge(b) >= a);
        }
    }

    #[test]
    fn overdue_follows_the_deadline() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let mut h = Hazard {
            id: Id::new(),
            enterprise_id: Id::new(),
            inspection_id: None,
            item_code: None,
            description: "灭火器过期".into(),
            level: Level::General,
            deadline: d("2026-12-01"),
            status: HazardStatus::Open,
            found_at: Utc::now(),
        };
        assert!(!h.is_overdue(d("2026-12-01")));
        assert!(h.is_overdue(d("2026-12-02")));
        h.status = HazardStatus::Rectified;
        assert!(!h.is_overdue(d("2026-12-02")));
    }
}
