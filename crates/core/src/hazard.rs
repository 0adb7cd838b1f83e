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
        is_overdue(self.status, self.deadline, today)
    }
}

/// Overdue: still open after its last day (`deadline`), as of `today`.
pub fn is_overdue(status: HazardStatus, deadline: NaiveDate, today: NaiveDate) -> bool {
    status == HazardStatus::Open && today > deadline
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

impl DeadlineDays {
    /// The deadline a hazard of `level` found on `today` is given unless the inspector
    /// changes it.
    pub fn deadline(self, level: Level, today: NaiveDate) -> NaiveDate {
        today + chrono::Days::new(u64::from(self.for_level(level)))
    }
}

/// A hazard the finish page proposes for a 不符合 item: the item's requirement (with the
/// inspector's note), its level (重大 when the item is a 重大事故隐患 standard's), and the
/// default deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ProposedHazard")]
pub struct Proposal {
    pub item_code: String,
    pub requirement: String,
    pub description: String,
    pub level: Level,
    pub deadline: NaiveDate,
}

/// How a proposed hazard is described: the requirement, and the note in brackets.
pub fn describe(requirement: &str, note: Option<&str>) -> String {
    match note.map(str::trim) {
        Some(n) if !n.is_empty() => format!("{requirement}（{n}）"),
        _ => requirement.to_owned(),
    }
}

/// One proposed hazard per 不符合 item, in checklist order.
pub fn propose(
    template: &crate::checklist::Template,
    answers: &[crate::inspection::Answer],
    days: DeadlineDays,
    today: NaiveDate,
) -> Vec<Proposal> {
    template
        .items()
        .filter_map(|item| {
            let a = answers.iter().find(|a| a.item_code == item.code)?;
            if a.result != crate::inspection::AnswerResult::NonCompliant {
                return None;
            }
            let level = if item.major.is_some() { Level::Major } else { Level::General };
            Some(Proposal {
                item_code: item.code.clone(),
                requirement: item.requirement.clone(),
                description: describe(&item.requirement, a.note.as_deref()),
                level,
                deadline: days.deadline(level, today),
            })
        })
        .collect()
}

/// The longest description of a hazard.
pub const DESCRIPTION_MAX: usize = 2_000;

/// A hazard's description as the forms take it: required, at most 2,000 characters.
pub fn check_description(text: &str) -> Result<String, crate::validate::FieldError> {
    crate::validate::required_multiline("description", text, DESCRIPTION_MAX)
}

/// The longest rectification period an order may give (5 years).
pub const MAX_DEADLINE_DAYS: u64 = 5 * 366;

/// A hazard's deadline is today at the earliest and five years ahead at the latest.
pub fn check_deadline(deadline: NaiveDate, today: NaiveDate) -> Result<(), DeadlineError> {
    let (earliest, latest) = deadline_bounds(today);
    if deadline < earliest {
        return Err(DeadlineError::Past);
    }
    if deadline > latest {
        return Err(DeadlineError::TooFar);
    }
    Ok(())
}

/// The first and the last day a deadline set `today` may be.
pub fn deadline_bounds(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    (today, today + chrono::Days::new(MAX_DEADLINE_DAYS))
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

    #[test]
    fn default_deadlines_count_days_from_today_by_level() {
        let today: NaiveDate = "2026-12-04".parse().unwrap();
        let cases = [
            (DeadlineDays::DEFAULT, Level::General, "2027-01-03"),
            (DeadlineDays::DEFAULT, Level::Major, "2027-03-04"),
            (DeadlineDays { deadline_days_general: 1, deadline_days_major: 365 }, Level::General, "2026-12-05"),
            (DeadlineDays { deadline_days_general: 1, deadline_days_major: 365 }, Level::Major, "2027-12-04"),
        ];
        for (days, level, want) in cases {
            assert_eq!(days.deadline(level, today).to_string(), want, "{days:?} {level:?}");
        }
    }

    #[test]
    fn proposals_follow_the_failed_items_in_checklist_order() {
        use crate::checklist::{AnswerKind, Item, MajorRef, Section, Template};
        use crate::inspection::{Answer, AnswerResult};
        let item = |code: &str, major: bool| Item {
            code: code.into(),
            requirement: format!("要求{code}"),
            basis: String::new(),
            answer: AnswerKind::Compliance,
            major: major.then(|| MajorRef { standard: "判定标准".into(), clause: "第一条".into() }),
            guarantee: false,
        };
        let template = Template {
            id: "t".into(),
            sector: "mine".into(),
            version: 1,
            title: "表".into(),
            scoring: None,
            sections: vec![Section {
                title: "一".into(),
                general: false,
                weight: None,
                items: vec![item("A", false), item("B", true), item("C", false), item("D", false)],
            }],
        };
        let answer = |code: &str, result, note: Option<&str>| Answer {
            inspection_id: Id::new(),
            item_code: code.into(),
            result,
            note: note.map(Into::into),
            photos: vec![],
            deducted: None,
        };
        // Answered out of order; C complies and D is unanswered: neither is proposed.
        let answers = [
            answer("C", AnswerResult::Compliant, None),
            answer("B", AnswerResult::NonCompliant, None),
            answer("A", AnswerResult::NonCompliant, Some("缺两处")),
        ];
        let today: NaiveDate = "2026-12-04".parse().unwrap();
        let got: Vec<_> = propose(&template, &answers, DeadlineDays::DEFAULT, today)
            .into_iter()
            .map(|p| (p.item_code, p.description, p.level, p.deadline.to_string()))
            .collect();
        assert_eq!(
            got,
            [
                ("A".to_owned(), "要求A（缺两处）".to_owned(), Level::General, "2027-01-03".to_owned()),
                ("B".to_owned(), "要求B".to_owned(), Level::Major, "2027-03-04".to_owned()),
            ]
        );
    }

    #[test]
    fn descriptions_put_the_note_in_brackets() {
        let cases = [(None, "灭火器有效"), (Some("  "), "灭火器有效"), (Some(" 已过期 "), "灭火器有效（已过期）")];
        for (note, want) in cases {
            assert_eq!(describe("灭火器有效", note), want);
        }
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
