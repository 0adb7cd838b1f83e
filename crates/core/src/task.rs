//! Tasks: every planned or drawn inspection is a task (an enterprise, the month it is due
//! in, its two officers), written by the bureau and sent only to its officers' devices.
//! A task is done when one of its officers' devices finishes an inspection of its
//! enterprise started from it; the bureau may cancel an open task.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// 待检查 → 已取消 (a task is never reopened once cancelled).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(rename = "TaskStatus")]
pub enum Status {
    Open,
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Status::Open, Status::Cancelled].into_iter().find(|v| v.as_str() == s)
    }

    /// Whether `next` may follow `held`: a cancelled task stays cancelled.
    pub fn may_follow(held: Status, next: Status) -> bool {
        held == Status::Open || next == Status::Cancelled
    }
}

/// Where a task stands on a given day, as 我的任务 and the console group it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(rename = "TaskState")]
pub enum State {
    /// Due in a later month.
    Upcoming,
    /// Due this month.
    Due,
    /// Its month has passed and it is not done.
    Overdue,
    Done,
    Cancelled,
}

impl State {
    /// Still to be done: an inspection may start from it, the bureau may cancel it.
    pub fn is_open(self) -> bool {
        matches!(self, State::Upcoming | State::Due | State::Overdue)
    }
}

/// A month a task is due in, `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    /// Reads `YYYY-MM` within the years a record may carry.
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.split_once('-')?;
        if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let month = Month { year: y.parse().ok()?, month: m.parse().ok()? };
        (crate::beijing::RECORD_YEARS.contains(&month.year) && (1..=12).contains(&month.month)).then_some(month)
    }

    pub fn of(day: NaiveDate) -> Month {
        Month { year: day.year(), month: day.month() }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Where a task due in `due` stands on `today` (a Beijing day).
pub fn state(status: Status, due: Month, done: bool, today: NaiveDate) -> State {
    if done {
        return State::Done;
    }
    if status == Status::Cancelled {
        return State::Cancelled;
    }
    match due.cmp(&Month::of(today)) {
        std::cmp::Ordering::Less => State::Overdue,
        std::cmp::Ordering::Equal => State::Due,
        std::cmp::Ordering::Greater => State::Upcoming,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssignError {
    #[error("可分配的执法人员不足两名")]
    TooFewInspectors,
    #[error("单位 {0} 找不到两名均无回避关系的执法人员")]
    NoPair(String),
}

/// Assigns two officers to each planned inspection, in order: the pair of unrelated
/// inspectors with the least load so far (the busier member first, then both together),
/// avoiding the pair the same enterprise had last where another pair is as light; ties
/// by id. `load` starts from what each inspector already carries. The same input gives
/// the same pairs.
pub fn assign(
    enterprises: &[String],
    inspectors: &[String],
    related: &HashSet<(String, String)>,
    load: &mut HashMap<String, u32>,
) -> Result<Vec<[String; 2]>, AssignError> {
    let inspectors: Vec<&String> = inspectors.iter().collect::<BTreeSet<_>>().into_iter().collect();
    if inspectors.len() < 2 {
        return Err(AssignError::TooFewInspectors);
    }
    let mut last: HashMap<&String, (&String, &String)> = HashMap::new();
    let mut out = Vec::with_capacity(enterprises.len());
    for enterprise in enterprises {
        let free: Vec<&String> =
            inspectors.iter().copied().filter(|i| !related.contains(&(enterprise.clone(), (*i).clone()))).collect();
        // (the busier member's load, both together, a repeat of the last pair), the pair.
        type Choice<'a> = ((u32, u32, bool), (&'a String, &'a String));
        let mut best: Option<Choice<'_>> = None;
        for (n, a) in free.iter().enumerate() {
            for b in &free[n + 1..] {
                let (la, lb) = (load.get(*a).copied().unwrap_or(0), load.get(*b).copied().unwrap_or(0));
                let repeat = last.get(enterprise) == Some(&(*a, *b));
                let key = (la.max(lb), la + lb, repeat);
                if best.as_ref().is_none_or(|(k, _)| key < *k) {
                    best = Some((key, (*a, *b)));
                }
            }
        }
        let (_, (a, b)) = best.ok_or_else(|| AssignError::NoPair(enterprise.clone()))?;
        *load.entry(a.clone()).or_default() += 1;
        *load.entry(b.clone()).or_default() += 1;
        last.insert(enterprise, (a, b));
        out.push([a.clone(), b.clone()]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn months_read_only_as_written() {
        for (text, ok) in [
            ("2026-12", true),
            ("2026-01", true),
            ("2026-13", false),
            ("2026-00", false),
            ("2026-1", false),
            ("1999-12", false),
            ("2101-01", false),
            ("2026/12", false),
            ("+026-12", false),
            ("", false),
        ] {
            assert_eq!(Month::parse(text).is_some(), ok, "{text}");
        }
        assert_eq!(Month::parse("2026-03").unwrap().to_string(), "2026-03");
    }

    #[test]
    fn a_task_stands_by_its_month() {
        let m = Month::parse("2026-11").unwrap();
        let cases = [
            (Status::Open, false, "2026-10-31", State::Upcoming),
            (Status::Open, false, "2026-11-01", State::Due),
            (Status::Open, false, "2026-11-30", State::Due),
            (Status::Open, false, "2026-12-01", State::Overdue),
            (Status::Open, true, "2026-12-01", State::Done),
            (Status::Cancelled, false, "2026-12-01", State::Cancelled),
            (Status::Cancelled, true, "2026-12-01", State::Done),
        ];
        for (status, done, today, want) in cases {
            assert_eq!(state(status, m, done, day(today)), want, "{status:?} {done} {today}");
            assert_eq!(want.is_open(), !done && status == Status::Open, "{want:?}");
        }
    }

    #[test]
    fn a_cancelled_task_stays_cancelled() {
        assert!(Status::may_follow(Status::Open, Status::Cancelled));
        assert!(Status::may_follow(Status::Open, Status::Open));
        assert!(Status::may_follow(Status::Cancelled, Status::Cancelled));
        assert!(!Status::may_follow(Status::Cancelled, Status::Open));
    }

    #[test]
    fn assignment_spreads_the_load_and_rotates_pairs() {
        let ids = |n: usize| (0..n).map(|i| format!("i{i}")).collect::<Vec<_>>();
        let enterprises = vec!["e1".to_owned(); 4];
        let mut load = HashMap::new();
        let pairs = assign(&enterprises, &ids(4), &HashSet::new(), &mut load).unwrap();
        assert_eq!(pairs[0], ["i0".to_owned(), "i1".to_owned()]);
        assert_eq!(pairs[1], ["i2".to_owned(), "i3".to_owned()]);
        assert!(load.values().all(|l| *l == 2), "{load:?}");
        assert_eq!(
            assign(&["e".into()], &ids(1), &HashSet::new(), &mut HashMap::new()),
            Err(AssignError::TooFewInspectors)
        );
    }

    proptest! {
        #[test]
        fn assignment_never_names_a_related_officer_and_stays_even(
            enterprises in 1usize..40,
            inspectors in 2usize..9,
            related in proptest::collection::vec((0usize..40, 0usize..9), 0..30),
        ) {
            let es: Vec<String> = (0..enterprises).map(|i| format!("e{i:02}")).collect();
            let is: Vec<String> = (0..inspectors).map(|i| format!("i{i}")).collect();
            let related: HashSet<(String, String)> =
                related.into_iter().map(|(e, i)| (format!("e{e:02}"), format!("i{i}"))).collect();
            let mut load = HashMap::new();
            match assign(&es, &is, &related, &mut load) {
                Ok(pairs) => {
                    prop_assert_eq!(pairs.len(), es.len());
                    for (e, [a, b]) in es.iter().zip(&pairs) {
                        prop_assert!(a < b);
                        prop_assert!(!related.contains(&(e.clone(), a.clone())));
                        prop_assert!(!related.contains(&(e.clone(), b.clone())));
                    }
                    prop_assert_eq!(load.values().sum::<u32>() as usize, 2 * es.len());
                    // Without relations, no one carries more than one above the lightest.
                    if related.is_empty() {
                        let loads: Vec<u32> = is.iter().map(|i| load.get(i).copied().unwrap_or(0)).collect();
                        prop_assert!(loads.iter().max().unwrap() - loads.iter().min().unwrap() <= 2);
                    }
                    // The same input, the same pairs.
                    prop_assert_eq!(assign(&es, &is, &related, &mut HashMap::new()).unwrap(), pairs);
                }
                Err(AssignError::NoPair(e)) => {
                    let free = is.iter().filter(|i| !related.contains(&(e.clone(), (*i).clone()))).count();
                    prop_assert!(free < 2);
                }
                Err(AssignError::TooFewInspectors) => prop_assert!(false),
            }
        }
    }
}
