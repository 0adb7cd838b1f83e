//! Checklist templates: one per sector and version, kept as data files and validated
//! on load. An inspection keeps the exact (template, version) it used.
//!
//! A scored template (JGJ 59 for construction) carries the sections' weights in the
//! summary table; `score` computes the summary and the grade.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::inspection::AnswerResult;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Template {
    pub id: String,
    pub sector: String,
    pub version: u32,
    pub title: String,
    /// Set for a scored standard such as JGJ 59.
    #[serde(default)]
    pub scoring: Option<Scoring>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(rename = "TemplateSection")]
pub struct Section {
    pub title: String,
    /// The general section every sector has (责任制, 培训, 应急预案, 隐患排查制度).
    #[serde(default)]
    pub general: bool,
    /// Weight of this section in a scored template's summary (the weights add to 100).
    #[serde(default)]
    pub weight: Option<u32>,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(rename = "TemplateItem")]
pub struct Item {
    pub code: String,
    /// The requirement in Chinese, as the inspector reads it.
    pub requirement: String,
    /// Law and article, or standard and clause.
    pub basis: String,
    pub answer: AnswerKind,
    /// Set when a failure is a 重大事故隐患 under a determination standard.
    #[serde(default)]
    pub major: Option<MajorRef>,
    /// 保证项目 of a scored section: losing all its points zeroes the section.
    #[serde(default)]
    pub guarantee: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub enum AnswerKind {
    /// 符合 / 不符合 / 不适用.
    Compliance,
    /// Points deducted, up to `max`, under a scored standard.
    Score { max: u32 },
}

impl AnswerKind {
    /// The deduction an answer records: none for a compliance item, none for a scored
    /// item that complies or does not apply (0 reads as none), and 1 to `max` points for
    /// a scored item that fails.
    pub fn deduction(self, result: AnswerResult, deducted: Option<u32>) -> Result<Option<u32>, DeductionError> {
        match (self, result, deducted) {
            (AnswerKind::Compliance, _, None) => Ok(None),
            (AnswerKind::Compliance, _, Some(_)) => Err(DeductionError::NotScored),
            (AnswerKind::Score { .. }, AnswerResult::Compliant | AnswerResult::NotApplicable, None | Some(0)) => {
                Ok(None)
            }
            (AnswerKind::Score { max }, AnswerResult::NonCompliant, Some(d)) if (1..=max).contains(&d) => Ok(Some(d)),
            (AnswerKind::Score { max }, ..) => Err(DeductionError::OutOfRange { max }),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DeductionError {
    #[error("扣分应在1到{max}之间")]
    OutOfRange { max: u32 },
    #[error("a compliance item takes no deduction")]
    NotScored,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MajorRef {
    /// The determination standard, with its number, e.g. 《工贸企业重大事故隐患判定标准》（应急管理部令第10号）.
    pub standard: String,
    pub clause: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(rename = "TemplateScoring")]
pub struct Scoring {
    /// e.g. JGJ 59-2011.
    pub standard: String,
    /// Summary score from which the site is 合格.
    pub pass: u32,
    /// Summary score from which the site is 优良.
    pub good: u32,
    /// A section whose 保证项目 keep fewer points than this scores zero.
    pub guarantee_min: u32,
}

/// Why a template file is refused. Each names the item (or part) and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("not a checklist file: {0}")]
    Syntax(String),
    #[error("template id {0:?} is not a code of lower-case letters, digits and '-'")]
    BadId(String),
    #[error("sector {0:?} is not one of the sectors")]
    UnknownSector(String),
    #[error("version must be 1 or more")]
    BadVersion,
    #[error("the {0} is empty")]
    Empty(String),
    #[error("item code {0:?} is not of the form AB-12 (upper-case letters, digits, '-')")]
    BadItemCode(String),
    #[error("item {0} appears twice")]
    DuplicateItem(String),
    #[error("item {0} has no requirement")]
    NoRequirement(String),
    #[error("item {0} has no legal basis")]
    NoBasis(String),
    #[error("item {0} is flagged 重大 without the determination standard and clause")]
    MajorWithoutStandard(String),
    #[error("item {0} is scored but the template has no scoring, or the reverse")]
    ScoreMismatch(String),
    #[error("item {0} has a maximum score of 0")]
    ZeroScore(String),
    #[error("item {0} has a maximum score over 100")]
    ScoreTooHigh(String),
    #[error("a scoring threshold or a weight is over 100, or pass is above good")]
    Thresholds,
    #[error("section {0:?} of a scored template has no weight, or its items' maximum scores do not add to 100")]
    SectionPoints(String),
    #[error("the scored sections' weights add to {0}, not 100")]
    Weights(u32),
    #[error("no general section (责任制, 培训, 应急预案, 隐患排查制度)")]
    NoGeneralSection,
    #[error("only {0} sector items; a template needs at least {MIN_SECTOR_ITEMS}")]
    TooFewItems(usize),
}

pub const MIN_SECTOR_ITEMS: usize = 20;

impl TemplateError {
    /// A sentence for the bureau's administrator.
    pub fn message(&self) -> String {
        match self {
            Self::Syntax(e) => format!("文件格式错误：{e}"),
            Self::BadId(id) => format!("检查表编号“{id}”只能由小写字母、数字和“-”组成"),
            Self::UnknownSector(s) => format!("行业“{s}”不在行业列表中"),
            Self::BadVersion => "版本号必须是1或更大的整数".to_owned(),
            Self::Empty(what) => match what.as_str() {
                "title" => "检查表名称为空".to_owned(),
                "list of sections" => "检查表没有任何部分".to_owned(),
                "section title" => "有部分缺少标题".to_owned(),
                other => format!("{}没有检查项", other.replace("section ", "部分“") + "”"),
            },
            Self::BadItemCode(c) => format!("检查项编号“{c}”格式不对（应如 FW-12）"),
            Self::DuplicateItem(c) => format!("检查项 {c} 重复"),
            Self::NoRequirement(c) => format!("检查项 {c} 缺少检查内容"),
            Self::NoBasis(c) => format!("检查项 {c} 缺少检查依据"),
            Self::MajorWithoutStandard(c) => format!("检查项 {c} 标为重大事故隐患，但未写明判定标准及条款"),
            Self::ScoreMismatch(c) => format!("检查项 {c} 的评分方式与检查表不一致"),
            Self::ZeroScore(c) => format!("检查项 {c} 的满分为0"),
            Self::ScoreTooHigh(c) => format!("检查项 {c} 的满分超过100分"),
            Self::Thresholds => "评分线或权重超过100，或合格线高于优良线".to_owned(),
            Self::SectionPoints(s) => format!("评分分项“{s}”缺少权重，或其检查项满分合计不是100分"),
            Self::Weights(w) => format!("各评分分项权重合计为{w}，应为100"),
            Self::NoGeneralSection => "缺少通用要求部分（责任制、培训、应急预案、隐患排查制度）".to_owned(),
            Self::TooFewItems(n) => format!("行业检查项只有{n}项，至少需要{MIN_SECTOR_ITEMS}项"),
        }
    }
}

fn is_item_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let head_ok = parts.next().is_some_and(|h| (1..=4).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_uppercase()));
    let rest: Vec<&str> = parts.collect();
    head_ok
        && !rest.is_empty()
        && rest.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
}

impl Template {
    /// Parses and checks a template file against the known sector codes.
    pub fn parse(json: &str, sectors: &[&str]) -> Result<Template, TemplateError> {
        let t: Template = serde_json::from_str(json).map_err(|e| TemplateError::Syntax(e.to_string()))?;
        t.check(sectors)?;
        Ok(t)
    }

    pub fn check(&self, sectors: &[&str]) -> Result<(), TemplateError> {
        if self.id.is_empty() || !self.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err(TemplateError::BadId(self.id.clone()));
        }
        if !sectors.contains(&self.sector.as_str()) {
            return Err(TemplateError::UnknownSector(self.sector.clone()));
        }
        if self.version == 0 {
            return Err(TemplateError::BadVersion);
        }
        if self.title.trim().is_empty() {
            return Err(TemplateError::Empty("title".into()));
        }
        if self.sections.is_empty() {
            return Err(TemplateError::Empty("list of sections".into()));
        }
        let mut seen = HashSet::new();
        let mut sector_items = 0;
        let mut weights = 0;
        for s in &self.sections {
            if s.title.trim().is_empty() {
                return Err(TemplateError::Empty("section title".into()));
            }
            if s.items.is_empty() {
                return Err(TemplateError::Empty(format!("section {}", s.title)));
            }
            for i in &s.items {
                if !is_item_code(&i.code) {
                    return Err(TemplateError::BadItemCode(i.code.clone()));
                }
                if !seen.insert(i.code.as_str()) {
                    return Err(TemplateError::DuplicateItem(i.code.clone()));
                }
                if i.requirement.trim().is_empty() {
                    return Err(TemplateError::NoRequirement(i.code.clone()));
                }
                if i.basis.trim().is_empty() {
                    return Err(TemplateError::NoBasis(i.code.clone()));
                }
                if let Some(m) = &i.major
                    && (m.standard.trim().is_empty() || m.clause.trim().is_empty())
                {
                    return Err(TemplateError::MajorWithoutStandard(i.code.clone()));
                }
                match (i.answer, &self.scoring) {
                    (AnswerKind::Score { max: 0 }, Some(_)) => return Err(TemplateError::ZeroScore(i.code.clone())),
                    (AnswerKind::Score { max }, Some(_)) if max > 100 => {
                        return Err(TemplateError::ScoreTooHigh(i.code.clone()));
                    }
                    (AnswerKind::Score { .. }, None) => return Err(TemplateError::ScoreMismatch(i.code.clone())),
                    (AnswerKind::Compliance, Some(_)) if !s.general => {
                        return Err(TemplateError::ScoreMismatch(i.code.clone()));
                    }
                    _ => {}
                }
            }
            if !s.general {
                sector_items += s.items.len();
            }
            if self.scoring.is_some() && !s.general {
                let points: u32 =
                    s.items.iter().map(|i| if let AnswerKind::Score { max } = i.answer { max } else { 0 }).sum();
                match s.weight {
                    Some(w) if points == 100 && w <= 100 => weights += w,
                    _ => return Err(TemplateError::SectionPoints(s.title.clone())),
                }
            }
        }
        if let Some(sc) = &self.scoring
            && (sc.pass > sc.good || sc.good > 100 || sc.guarantee_min > 100)
        {
            return Err(TemplateError::Thresholds);
        }
        if self.scoring.is_some() && weights != 100 {
            return Err(TemplateError::Weights(weights));
        }
        if !self.sections.iter().any(|s| s.general) {
            return Err(TemplateError::NoGeneralSection);
        }
        if sector_items < MIN_SECTOR_ITEMS {
            return Err(TemplateError::TooFewItems(sector_items));
        }
        Ok(())
    }

    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.sections.iter().flat_map(|s| s.items.iter())
    }

    pub fn item(&self, code: &str) -> Option<&Item> {
        self.items().find(|i| i.code == code)
    }
}

/// What an inspector recorded for a scored item: points deducted, or not applicable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreAnswer {
    Deducted(u32),
    NotApplicable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum Grade {
    /// 优良
    Good,
    /// 合格
    Pass,
    /// 不合格
    Fail,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SectionScore {
    pub title: String,
    /// Out of 100, converted for not-applicable items; `None` when the whole section
    /// does not apply.
    pub score: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ScoreSheet {
    pub sections: Vec<SectionScore>,
    pub total: f64,
    pub grade: Grade,
}

impl Template {
    /// The summary score and grade of a scored template (JGJ 59-2011 §4, §5): each
    /// section scores 100 less its deductions (items not applicable are left out and
    /// the rest scaled to 100); a section scores 0 when a 保证项目 lost all its points
    /// or the 保证项目 together keep fewer than `guarantee_min`; the summary weighs the
    /// sections (again scaled when a section does not apply). 优良: no section at 0 and
    /// ≥ `good`; 合格: no section at 0 and ≥ `pass`; else 不合格. Unanswered items count
    /// as no deduction. `None` for an unscored template.
    pub fn score(&self, answer: impl Fn(&str) -> Option<ScoreAnswer>) -> Option<ScoreSheet> {
        let scoring = self.scoring.as_ref()?;
        let mut sections = Vec::new();
        let (mut weighted, mut weights) = (0.0, 0.0);
        let mut any_zero = false;
        for s in self.sections.iter().filter(|s| !s.general) {
            let (mut possible, mut kept) = (0u32, 0u32);
            let (mut guarantee_possible, mut guarantee_kept) = (0u32, 0u32);
            let mut guarantee_lost = false;
            for i in &s.items {
                let AnswerKind::Score { max } = i.answer else { continue };
                let deducted = match answer(&i.code) {
                    Some(ScoreAnswer::NotApplicable) => continue,
                    Some(ScoreAnswer::Deducted(d)) => d.min(max),
                    None => 0,
                };
                possible += max;
                kept += max - deducted;
                if i.guarantee {
                    guarantee_possible += max;
                    guarantee_kept += max - deducted;
                    guarantee_lost |= deducted == max;
                }
            }
            if possible == 0 {
                sections.push(SectionScore { title: s.title.clone(), score: None });
                continue;
            }
            let guarantee_scaled = if guarantee_possible == 0 {
                f64::INFINITY
            } else {
                f64::from(guarantee_kept) * 100.0 / f64::from(possible)
            };
            let zero = guarantee_lost || guarantee_scaled < f64::from(scoring.guarantee_min);
            let score = if zero { 0.0 } else { f64::from(kept) * 100.0 / f64::from(possible) };
            any_zero |= zero;
            let w = f64::from(s.weight.unwrap_or(0));
            weighted += score * w / 100.0;
            weights += w;
            sections.push(SectionScore { title: s.title.clone(), score: Some(round1(score)) });
        }
        let total = if weights > 0.0 { round1(weighted * 100.0 / weights) } else { 0.0 };
        let grade = if any_zero || total < f64::from(scoring.pass) {
            Grade::Fail
        } else if total >= f64::from(scoring.good) {
            Grade::Good
        } else {
            Grade::Pass
        };
        Some(ScoreSheet { sections, total, grade })
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {

    #[test]
    fn deductions_by_item_kind_and_answer() {
        use AnswerResult::{Compliant, NonCompliant, NotApplicable};
        let scored = AnswerKind::Score { max: 10 };
        let cases = [
            (AnswerKind::Compliance, NonCompliant, None, Ok(None)),
            (AnswerKind::Compliance, Compliant, Some(0), Err(DeductionError::NotScored)),
            (scored, Compliant, None, Ok(None)),
            (scored, NotApplicable, Some(0), Ok(None)),
            (scored, NonCompliant, Some(1), Ok(Some(1))),
            (scored, NonCompliant, Some(10), Ok(Some(10))),
            (scored, NonCompliant, Some(11), Err(DeductionError::OutOfRange { max: 10 })),
            (scored, NonCompliant, Some(0), Err(DeductionError::OutOfRange { max: 10 })),
            (scored, NonCompliant, None, Err(DeductionError::OutOfRange { max: 10 })),
            (scored, Compliant, Some(3), Err(DeductionError::OutOfRange { max: 10 })),
        ];
        for (kind, result, deducted, expected) in cases {
            assert_eq!(kind.deduction(result, deducted), expected, "{kind:?} {result:?} {deducted:?}");
        }
    }

    use super::*;
    use serde_json::{Value, json};

    const SECTORS: &[&str] = &["mine", "construction"];

    fn item(code: &str) -> Value {
        json!({ "code": code, "requirement": "建立安全生产责任制", "basis": "《安全生产法》第二十二条", "answer": { "kind": "compliance" } })
    }

    fn valid() -> Value {
        let sector_items: Vec<Value> = (1..=20).map(|n| item(&format!("KS-{n:02}"))).collect();
        json!({
            "id": "mine-open-pit", "sector": "mine", "version": 1, "title": "非煤矿山（露天）安全检查表",
            "sections": [
                { "title": "一、通用要求", "general": true, "items": [item("TY-01")] },
                { "title": "二、露天开采", "items": sector_items }
            ]
        })
    }

    fn parse(v: &Value) -> Result<Template, TemplateError> {
        Template::parse(&v.to_string(), SECTORS)
    }

    #[test]
    fn a_valid_template_loads() {
        let t = parse(&valid()).unwrap();
        assert_eq!(t.items().count(), 21);
        assert!(t.item("KS-07").is_some());
    }

    /// Each kind of bad file gives its exact error.
    #[test]
    fn bad_files() {
        type Change = fn(&mut Value);
        let cases: Vec<(Change, TemplateError)> = vec![
            (|v| v["id"] = json!("Mine Open"), TemplateError::BadId("Mine Open".into())),
            (|v| v["sector"] = json!("bakery"), TemplateError::UnknownSector("bakery".into())),
            (|v| v["version"] = json!(0), TemplateError::BadVersion),
            (|v| v["title"] = json!(" "), TemplateError::Empty("title".into())),
            (|v| v["sections"] = json!([]), TemplateError::Empty("list of sections".into())),
            (|v| v["sections"][1]["items"] = json!([]), TemplateError::Empty("section 二、露天开采".into())),
            (|v| v["sections"][1]["items"][3]["code"] = json!("ks-4"), TemplateError::BadItemCode("ks-4".into())),
            (|v| v["sections"][1]["items"][3]["code"] = json!("KS-01"), TemplateError::DuplicateItem("KS-01".into())),
            (|v| v["sections"][1]["items"][4]["requirement"] = json!(""), TemplateError::NoRequirement("KS-05".into())),
            (|v| v["sections"][1]["items"][5]["basis"] = json!(" "), TemplateError::NoBasis("KS-06".into())),
            (
                |v| v["sections"][1]["items"][6]["major"] = json!({ "standard": "矿安〔2022〕88号", "clause": "" }),
                TemplateError::MajorWithoutStandard("KS-07".into()),
            ),
            (
                |v| v["sections"][1]["items"][7]["answer"] = json!({ "kind": "score", "max": 10 }),
                TemplateError::ScoreMismatch("KS-08".into()),
            ),
            (|v| v["sections"][0]["general"] = json!(false), TemplateError::NoGeneralSection),
            (
                |v| {
                    let items = v["sections"][1]["items"].as_array_mut().unwrap();
                    items.truncate(19);
                },
                TemplateError::TooFewItems(19),
            ),
        ];
        for (change, want) in cases {
            let mut v = valid();
            change(&mut v);
            assert_eq!(parse(&v).unwrap_err(), want);
        }
        assert!(matches!(Template::parse("{", SECTORS), Err(TemplateError::Syntax(_))));
        let mut extra = valid();
        extra["sections"][1]["items"][0]["colour"] = json!("red");
        assert!(matches!(parse(&extra), Err(TemplateError::Syntax(m)) if m.contains("colour")));
    }

    fn scored() -> Value {
        // Four sections of 100 points (weights 40, 30, 20, 10), each with two guarantee
        // items (30 + 30) and four general items of 10: 24 sector items.
        let section = |p: &str| -> Vec<Value> {
            (1..=6)
                .map(|n| {
                    let max = if n <= 2 { 30 } else { 10 };
                    json!({ "code": format!("{p}-{n}"), "requirement": "检查项目", "basis": "JGJ 59-2011 第3章", "answer": { "kind": "score", "max": max }, "guarantee": n <= 2 })
                })
                .collect()
        };
        json!({
            "id": "construction", "sector": "construction", "version": 1, "title": "建筑施工安全检查评分表",
            "scoring": { "standard": "JGJ 59-2011", "pass": 70, "good": 80, "guaranteeMin": 40 },
            "sections": [
                { "title": "通用要求", "general": true, "items": [item("TY-01")] },
                { "title": "安全管理", "weight": 40, "items": section("AQ") },
                { "title": "脚手架", "weight": 30, "items": section("JS") },
                { "title": "基坑工程", "weight": 20, "items": section("JK") },
                { "title": "模板支架", "weight": 10, "items": section("MB") }
            ]
        })
    }

    fn deduct(pairs: &'static [(&'static str, u32)]) -> impl Fn(&str) -> Option<ScoreAnswer> {
        move |c| pairs.iter().find(|(k, _)| *k == c).map(|(_, d)| ScoreAnswer::Deducted(*d))
    }

    #[test]
    fn jgj59_scoring() {
        let t = parse(&scored()).unwrap();
        let sheet = t.score(|_| None).unwrap();
        assert_eq!((sheet.total, sheet.grade), (100.0, Grade::Good));
        // 15 points off in 安全管理 (general items): 85 × 0.4 + 100 × 0.6 = 94.
        let s = t.score(deduct(&[("AQ-3", 10), ("AQ-4", 5)])).unwrap();
        assert_eq!((s.total, s.grade), (94.0, Grade::Good));
        // A guarantee item losing all its points zeroes the section and fails the site.
        let s = t.score(deduct(&[("JS-1", 30)])).unwrap();
        assert_eq!((s.sections[1].score, s.grade), (Some(0.0), Grade::Fail));
        // Guarantee items keeping 35 of 60 (< 40): zero.
        let s = t.score(deduct(&[("AQ-1", 20), ("AQ-2", 5)])).unwrap();
        assert_eq!(s.sections[0].score, Some(0.0));
        // 合格 band: 安全管理 and 脚手架 at 60, no zero: 24 + 18 + 20 + 10 = 72.
        let s = t
            .score(deduct(&[
                ("AQ-1", 10),
                ("AQ-3", 10),
                ("AQ-4", 10),
                ("AQ-5", 10),
                ("JS-1", 10),
                ("JS-3", 10),
                ("JS-4", 10),
                ("JS-5", 10),
            ]))
            .unwrap();
        assert_eq!((s.total, s.grade), (72.0, Grade::Pass));
        // Not applicable items are left out and the rest scaled: 脚手架 without JS-5 and
        // JS-6, deducting 8 of the remaining 80 → 90.
        let s = t
            .score(|c| match c {
                "JS-5" | "JS-6" => Some(ScoreAnswer::NotApplicable),
                "JS-3" => Some(ScoreAnswer::Deducted(8)),
                _ => None,
            })
            .unwrap();
        assert_eq!(s.sections[1].score, Some(90.0));
        // A section that does not apply at all leaves the others' weights scaled.
        let s = t.score(|c| c.starts_with("MB").then_some(ScoreAnswer::NotApplicable)).unwrap();
        assert_eq!((s.sections[3].score, s.total), (None, 100.0));
        // A compliance template has no score.
        assert!(parse(&valid()).unwrap().score(|_| None).is_none());
    }

    #[test]
    fn scored_templates_need_sections_of_100_and_weights_of_100() {
        let mut v = scored();
        v["sections"][1]["items"][3]["answer"]["max"] = json!(5);
        assert_eq!(parse(&v).unwrap_err(), TemplateError::SectionPoints("安全管理".into()));
        let mut v = scored();
        v["sections"][2]["weight"] = json!(20);
        assert_eq!(parse(&v).unwrap_err(), TemplateError::Weights(90));
        let mut v = scored();
        v["sections"][2]["items"][0]["answer"] = json!({ "kind": "score", "max": 4294967295u64 });
        assert_eq!(parse(&v).unwrap_err(), TemplateError::ScoreTooHigh("JS-1".into()));
        let mut v = scored();
        v["scoring"]["pass"] = json!(90);
        assert_eq!(parse(&v).unwrap_err(), TemplateError::Thresholds);
        let mut v = scored();
        v["sections"][2]["items"][0]["answer"] = json!({ "kind": "score", "max": 0 });
        assert_eq!(parse(&v).unwrap_err(), TemplateError::ZeroScore("JS-1".into()));
    }
}
