//! Inspection plans: how often each supervision class (分类分级) is inspected, the yearly
//! plan's working days (《安全生产年度监督检查计划编制办法》, 安监总政法〔2017〕150号:
//! 监督检查工作日 = 法定工作日 − 其他执法工作日 − 非执法工作日, split into 重点 and 一般),
//! the months an enterprise is due in, and 双随机 draws that anyone can repeat from their
//! seed (国办发〔2015〕58号).

use std::collections::{BTreeSet, HashSet};

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::enterprise::SupervisionClass;

/// Why a plan's input is refused (Chinese, for the console).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("工作日历无效：{0}")]
    Calendar(String),
    #[error("{0}")]
    Input(String),
    #[error("单位池中只有 {pool} 家单位，不能抽取 {wanted} 家")]
    PoolTooSmall { pool: usize, wanted: usize },
    #[error("可抽取的执法人员少于 2 人")]
    TooFewInspectors,
    #[error("执法人员不够组成互不重复的两人小组：抽到“{enterprise}”时已无可用的组合（请增加执法人员或减少抽取的单位）")]
    NoPairLeft { enterprise: String },
}

/// Inspections a year for each class: a bureau setting. The defaults are domain.md's:
/// A every quarter, B twice, C once, D only when drawn (双随机).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClassRates {
    pub a: u8,
    pub b: u8,
    pub c: u8,
    pub d: u8,
}

impl Default for ClassRates {
    fn default() -> Self {
        ClassRates { a: 4, b: 2, c: 1, d: 0 }
    }
}

/// At most one inspection a month per enterprise is planned.
pub const MAX_PER_YEAR: u8 = 12;

impl ClassRates {
    pub fn per_year(&self, class: SupervisionClass) -> u8 {
        match class {
            SupervisionClass::A => self.a,
            SupervisionClass::B => self.b,
            SupervisionClass::C => self.c,
            SupervisionClass::D => self.d,
        }
    }

    /// Refuses more than one a month, and a lower class inspected more often than a higher one.
    pub fn check(&self) -> Result<(), PlanError> {
        let all = [self.a, self.b, self.c, self.d];
        if all.iter().any(|n| *n > MAX_PER_YEAR) {
            return Err(PlanError::Input(format!("每类单位每年至多计划检查 {MAX_PER_YEAR} 次")));
        }
        if all.windows(2).any(|w| w[0] < w[1]) {
            return Err(PlanError::Input("风险较低的类别不应比较高的类别检查得更频繁（A ≥ B ≥ C ≥ D）".into()));
        }
        Ok(())
    }
}

/// The months (1–12) an enterprise with `per_year` planned inspections is due in, spread
/// evenly through the year; `slot` (its place among the enterprises of its class) shifts
/// the months so that a class's inspections are not all due in the same month.
pub fn due_months(per_year: u8, slot: usize) -> Vec<u32> {
    let n = u32::from(per_year.min(MAX_PER_YEAR));
    if n == 0 {
        return Vec::new();
    }
    let offsets = 12 / n;
    let offset = (slot % offsets as usize) as u32;
    (0..n).map(|k| 1 + offset + k * 12 / n).collect()
}

/// A year's legal working days as the State Council publishes them: its public holidays
/// and the weekend days declared working days (调休). Kept as a data file per year
/// (`assets/calendars/<year>.json`), never computed from a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Calendar {
    pub year: i32,
    /// Where the dates come from (the notice's name and number).
    pub source: String,
    /// Days off: the holidays with the days moved onto them (weekend days may be listed).
    #[ts(type = "string[]")]
    pub holidays: BTreeSet<NaiveDate>,
    /// Weekend days that are working days (调休).
    #[ts(type = "string[]")]
    pub workdays: BTreeSet<NaiveDate>,
}

fn weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

impl Calendar {
    /// Reads and checks a calendar file.
    pub fn parse(json: &str) -> Result<Calendar, PlanError> {
        let c: Calendar =
            serde_json::from_str(json).map_err(|e| PlanError::Calendar(format!("不是有效的工作日历文件（{e}）")))?;
        c.check()?;
        Ok(c)
    }

    fn check(&self) -> Result<(), PlanError> {
        if !(2000..=2100).contains(&self.year) {
            return Err(PlanError::Calendar(format!("年份 {} 不在 2000–2100 之间", self.year)));
        }
        if let Some(d) = self.holidays.iter().chain(&self.workdays).find(|d| d.year() != self.year) {
            return Err(PlanError::Calendar(format!("{d} 不在 {} 年内", self.year)));
        }
        if let Some(d) = self.workdays.iter().find(|d| !weekend(**d)) {
            return Err(PlanError::Calendar(format!("调休上班日 {d} 不是周末")));
        }
        if let Some(d) = self.holidays.intersection(&self.workdays).next() {
            return Err(PlanError::Calendar(format!("{d} 既是假日又是上班日")));
        }
        if self.source.trim().is_empty() {
            return Err(PlanError::Calendar("请写明日期的来源（国务院办公厅的通知）".into()));
        }
        Ok(())
    }

    /// Whether `d` (of this year) is a legal working day.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.workdays.contains(&d) {
            return true;
        }
        !weekend(d) && !self.holidays.contains(&d)
    }

    /// 法定工作日 of each month, January first.
    pub fn working_days_by_month(&self) -> [u32; 12] {
        let mut by = [0u32; 12];
        let mut d = NaiveDate::from_ymd_opt(self.year, 1, 1);
        while let Some(day) = d.filter(|d| d.year() == self.year) {
            if self.is_working_day(day) {
                by[day.month0() as usize] += 1;
            }
            d = day.succ_opt();
        }
        by
    }

    /// 法定工作日 of the year.
    pub fn working_days(&self) -> u32 {
        self.working_days_by_month().iter().sum()
    }
}

/// What the yearly plan's days are made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DaysInput {
    /// 执法人员: the inspectors the plan counts on.
    pub inspectors: u32,
    /// 法定工作日 of the year (from its calendar).
    pub legal_days: u32,
    /// 其他执法工作日 (人·日): accidents, complaints, joint actions.
    pub other_enforcement: u32,
    /// 非执法工作日 (人·日): training, meetings, leave.
    pub non_enforcement: u32,
    /// 重点检查's share of the inspection days, in tenths of a percent (651 = 65.1%).
    pub key_permille: u32,
}

/// The yearly plan's days (人·日).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Days {
    /// 法定工作日总数 = inspectors × legal days.
    pub legal_total: u32,
    /// 监督检查工作日 = 法定工作日总数 − 其他执法工作日 − 非执法工作日.
    pub inspection: u32,
    /// 重点检查工作日 (rounded half up) and 一般检查工作日 (the rest).
    pub key: u32,
    pub general: u32,
}

/// Inspectors a district plans with, at most.
pub const MAX_INSPECTORS: u32 = 1_000;

pub fn days(input: &DaysInput) -> Result<Days, PlanError> {
    if input.inspectors == 0 || input.inspectors > MAX_INSPECTORS {
        return Err(PlanError::Input(format!("执法人员应为 1 到 {MAX_INSPECTORS} 人")));
    }
    if input.legal_days == 0 || input.legal_days > 366 {
        return Err(PlanError::Input("法定工作日应为 1 到 366 天".into()));
    }
    if input.key_permille > 1000 {
        return Err(PlanError::Input("重点检查的比例应在 0% 到 100% 之间".into()));
    }
    let legal_total = input.inspectors * input.legal_days;
    let inspection = u64::from(legal_total)
        .checked_sub(u64::from(input.other_enforcement) + u64::from(input.non_enforcement))
        .ok_or_else(|| {
            PlanError::Input(format!(
                "其他执法工作日与非执法工作日合计 {} 人·日，超过了法定工作日总数 {legal_total} 人·日",
                u64::from(input.other_enforcement) + u64::from(input.non_enforcement)
            ))
        })? as u32;
    let key = ((u64::from(inspection) * u64::from(input.key_permille) + 500) / 1000) as u32;
    Ok(Days { legal_total, inspection, key, general: inspection - key })
}

/// A stream of numbers from a seed that anyone can repeat: block i is SHA-256 of the
/// seed's UTF-8 bytes followed by i as 8 bytes big-endian; a number is the block's first
/// 8 bytes big-endian. A number below n is taken by rejection (numbers at or above the
/// largest multiple of n are skipped), so no outcome is favoured.
#[derive(Debug, Clone)]
pub struct SeededStream {
    seed: Vec<u8>,
    counter: u64,
}

impl SeededStream {
    pub fn new(seed: &str) -> SeededStream {
        SeededStream { seed: seed.as_bytes().to_vec(), counter: 0 }
    }

    fn next_u64(&mut self) -> u64 {
        let mut h = Sha256::new();
        h.update(&self.seed);
        h.update(self.counter.to_be_bytes());
        self.counter += 1;
        let block = h.finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&block[..8]);
        u64::from_be_bytes(first)
    }

    /// A number in 0..n (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        let n = n.max(1);
        let zone = u64::MAX - (u64::MAX % n + 1) % n;
        loop {
            let x = self.next_u64();
            if x <= zone {
                return x % n;
            }
        }
    }
}

/// What a 双随机 draw is made from. Order does not matter: the pool and the inspectors
/// are sorted by id before drawing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawInput<'a> {
    pub seed: &'a str,
    /// The enterprises that may be drawn (ids).
    pub pool: Vec<String>,
    /// How many to draw.
    pub count: usize,
    /// The inspectors that may be drawn (ids).
    pub inspectors: Vec<String>,
    /// (enterprise, inspector): an inspector never drawn for that enterprise (亲属, former
    /// employer, own 属地 unit).
    pub related: HashSet<(String, String)>,
}

/// One drawn enterprise and the two officers drawn for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Drawn {
    pub enterprise: String,
    pub officers: [String; 2],
}

/// Seeds are typed or generated text; a bound keeps the record small.
pub const MAX_SEED_LEN: usize = 128;

/// Draws `count` enterprises from the pool (a partial Fisher–Yates shuffle of the pool in
/// id order) and, for each in the order drawn, a pair of officers uniformly among the
/// pairs not yet used in this draw whose members are both unrelated to it (pairs listed
/// in id order). The same input gives the same result.
pub fn draw(input: &DrawInput<'_>) -> Result<Vec<Drawn>, PlanError> {
    let seed = input.seed.trim();
    if seed.is_empty() || seed.chars().count() > MAX_SEED_LEN || seed.chars().any(char::is_control) {
        return Err(PlanError::Input(format!("随机种子应为 1 到 {MAX_SEED_LEN} 个字符")));
    }
    let pool: Vec<&String> = input.pool.iter().collect::<BTreeSet<_>>().into_iter().collect();
    let inspectors: Vec<&String> = input.inspectors.iter().collect::<BTreeSet<_>>().into_iter().collect();
    if input.count == 0 {
        return Err(PlanError::Input("至少抽取 1 家单位".into()));
    }
    if input.count > pool.len() {
        return Err(PlanError::PoolTooSmall { pool: pool.len(), wanted: input.count });
    }
    if inspectors.len() < 2 {
        return Err(PlanError::TooFewInspectors);
    }
    let mut rng = SeededStream::new(seed);
    let mut order = pool;
    for i in 0..input.count {
        let j = i + rng.below((order.len() - i) as u64) as usize;
        order.swap(i, j);
    }
    let mut used: HashSet<(&String, &String)> = HashSet::new();
    let mut out = Vec::with_capacity(input.count);
    for enterprise in order.into_iter().take(input.count) {
        let free: Vec<&String> = inspectors
            .iter()
            .copied()
            .filter(|i| !input.related.contains(&(enterprise.clone(), (*i).clone())))
            .collect();
        let mut pairs = Vec::new();
        for (n, a) in free.iter().enumerate() {
            for b in &free[n + 1..] {
                if !used.contains(&(*a, *b)) {
                    pairs.push((*a, *b));
                }
            }
        }
        if pairs.is_empty() {
            return Err(PlanError::NoPairLeft { enterprise: enterprise.clone() });
        }
        let (a, b) = pairs[rng.below(pairs.len() as u64) as usize];
        used.insert((a, b));
        out.push(Drawn { enterprise: enterprise.clone(), officers: [a.clone(), b.clone()] });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_worked_example_of_domain_md() {
        // 8 inspectors × 250 days − 620 − 409 = 971 = 632 重点 + 339 一般.
        let d = days(&DaysInput {
            inspectors: 8,
            legal_days: 250,
            other_enforcement: 620,
            non_enforcement: 409,
            key_permille: 651,
        })
        .unwrap();
        assert_eq!(d, Days { legal_total: 2000, inspection: 971, key: 632, general: 339 });
    }

    #[test]
    fn days_refuse_what_cannot_be() {
        let ok =
            DaysInput { inspectors: 2, legal_days: 250, other_enforcement: 0, non_enforcement: 0, key_permille: 500 };
        for bad in [
            DaysInput { inspectors: 0, ..ok },
            DaysInput { legal_days: 367, ..ok },
            DaysInput { other_enforcement: 400, non_enforcement: 101, ..ok },
            DaysInput { key_permille: 1001, ..ok },
        ] {
            assert!(days(&bad).is_err(), "{bad:?}");
        }
        assert_eq!(days(&DaysInput { other_enforcement: 400, non_enforcement: 100, ..ok }).unwrap().inspection, 0);
    }

    #[test]
    fn the_bundled_calendar_of_2026() {
        let c = Calendar::parse(include_str!("../../../assets/calendars/2026.json")).unwrap();
        assert_eq!(c.year, 2026);
        // 261 weekdays − 19 holidays on weekdays + 6 weekend days worked (调休).
        assert!(!c.is_working_day(day("2026-01-01")));
        assert!(c.is_working_day(day("2026-01-04")), "a Sunday worked (调休)");
        assert!(!c.is_working_day(day("2026-10-05")));
        assert_eq!(c.working_days(), 248);
        assert_eq!(c.working_days_by_month()[1], 16, "February: 20 weekdays − 6 of 春节 + 2 Saturdays worked");
    }

    #[test]
    fn a_calendar_file_is_checked() {
        let base = r#"{"year":2026,"source":"国办发明电","holidays":["2026-01-01"],"workdays":["2026-01-04"]}"#;
        assert!(Calendar::parse(base).is_ok());
        for bad in [
            r#"{"year":2026,"source":"x","holidays":["2027-01-01"],"workdays":[]}"#,
            r#"{"year":2026,"source":"x","holidays":[],"workdays":["2026-01-05"]}"#,
            r#"{"year":2026,"source":"x","holidays":["2026-01-04"],"workdays":["2026-01-04"]}"#,
            r#"{"year":2026,"source":" ","holidays":[],"workdays":[]}"#,
            r#"{"year":2026,"source":"x","holidays":["2026-02-30"],"workdays":[]}"#,
            r#"{"year":2026,"source":"x","holidays":[],"workdays":[],"extra":1}"#,
            "[]",
        ] {
            assert!(Calendar::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn class_rates_are_checked() {
        assert!(ClassRates::default().check().is_ok());
        assert!(ClassRates { a: 13, ..ClassRates::default() }.check().is_err());
        assert!(ClassRates { a: 1, b: 2, ..ClassRates::default() }.check().is_err());
    }

    #[test]
    fn a_draw_is_repeated_from_its_seed() {
        let input = DrawInput {
            seed: "2026-双随机-第1次",
            pool: (0..20).map(|n| format!("e{n:02}")).collect(),
            count: 5,
            inspectors: (0..4).map(|n| format!("i{n}")).collect(),
            related: HashSet::new(),
        };
        let first = draw(&input).unwrap();
        let mut shuffled = input.clone();
        shuffled.pool.reverse();
        shuffled.inspectors.reverse();
        assert_eq!(draw(&shuffled).unwrap(), first, "the order of the lists does not matter");
        let other = DrawInput { seed: "2026-双随机-第2次", ..input.clone() };
        assert_ne!(draw(&other).unwrap(), first);
        // Four inspectors make six pairs: a seventh enterprise finds none left.
        let too_many = DrawInput { count: 7, ..input };
        assert!(matches!(draw(&too_many), Err(PlanError::NoPairLeft { .. })));
    }

    #[test]
    fn the_stream_is_the_documented_one() {
        // SHA-256("seed" ‖ 0u64 BE), first 8 bytes big-endian.
        let mut h = Sha256::new();
        h.update(b"seed");
        h.update(0u64.to_be_bytes());
        let block = h.finalize();
        let expected = u64::from_be_bytes(block[..8].try_into().unwrap());
        assert_eq!(SeededStream::new("seed").next_u64(), expected);
    }

    proptest! {
        #[test]
        fn due_months_are_spread_and_in_the_year(per_year in 0u8..=12, slot in 0usize..100) {
            let months = due_months(per_year, slot);
            prop_assert_eq!(months.len(), usize::from(per_year));
            prop_assert!(months.iter().all(|m| (1..=12).contains(m)));
            prop_assert!(months.windows(2).all(|w| w[0] < w[1]), "{:?}", months);
        }

        #[test]
        fn draws_keep_their_rules(
            seed in "[a-z0-9]{1,12}",
            pool in 1usize..40,
            count in 1usize..40,
            inspectors in 2usize..8,
            related in proptest::collection::vec((0usize..40, 0usize..8), 0..30),
        ) {
            let input = DrawInput {
                seed: &seed,
                pool: (0..pool).map(|n| format!("e{n}")).collect(),
                count,
                inspectors: (0..inspectors).map(|n| format!("i{n}")).collect(),
                related: related.iter().map(|(e, i)| (format!("e{e}"), format!("i{i}"))).collect(),
            };
            match draw(&input) {
                Ok(drawn) => {
                    prop_assert_eq!(drawn.len(), count);
                    prop_assert_eq!(draw(&input).unwrap(), drawn.clone(), "repeatable");
                    let enterprises: HashSet<&String> = drawn.iter().map(|d| &d.enterprise).collect();
                    prop_assert_eq!(enterprises.len(), count, "each enterprise once");
                    let mut pairs = HashSet::new();
                    for d in &drawn {
                        prop_assert!(input.pool.contains(&d.enterprise));
                        prop_assert!(d.officers[0] < d.officers[1], "two different officers, in order");
                        prop_assert!(pairs.insert(d.officers.clone()), "a pair twice: {:?}", d.officers);
                        for o in &d.officers {
                            prop_assert!(input.inspectors.contains(o));
                            prop_assert!(!input.related.contains(&(d.enterprise.clone(), o.clone())), "related officer drawn");
                        }
                    }
                }
                Err(PlanError::PoolTooSmall { .. }) => prop_assert!(count > pool),
                Err(PlanError::NoPairLeft { .. }) => prop_assert!(count > 1 || !related.is_empty()),
                Err(e) => prop_assert!(false, "{e}"),
            }
        }

        #[test]
        fn below_stays_below(seed in ".{1,20}", n in 1u64..1000) {
            let mut s = SeededStream::new(&seed);
            for _ in 0..20 {
                prop_assert!(s.below(n) < n);
            }
        }
    }
}
