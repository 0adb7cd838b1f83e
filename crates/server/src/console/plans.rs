//! Inspection plans on the server: the inspections a year of each supervision class and
//! the months the enterprises are due in, the inspectors never drawn for an enterprise,
//! and 双随机 draws kept as they were made. The rules are `core::plan`'s; this reads and
//! writes the tables (`0011_plans.sql`) over `Sql`.

use std::collections::{BTreeMap, HashMap, HashSet};

use anjian_core::enterprise::SupervisionClass;
use anjian_core::plan::{self, ClassRates};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::records::{code, col, names, town_name};
use super::{accounts, text};
use crate::storage::{Result, Sql, StorageError};

pub(crate) const MIGRATION: &str = include_str!("../../migrations/common/0011_plans.sql");
pub(crate) const YEAR_PLAN_MIGRATION: &str = include_str!("../../migrations/common/0012_year_plan.sql");

/// The legal working days of each year the server knows (`assets/calendars/`).
const CALENDARS: &[&str] = &[include_str!("../../../../assets/calendars/2026.json")];

const CLASS_RATES: &str = "class_rates";

fn refused(e: plan::PlanError) -> StorageError {
    StorageError::Refused(e.to_string())
}

/// The inspections a year of each class: the bureau's setting, else domain.md's defaults.
pub fn class_rates(sql: &mut dyn Sql) -> Result<ClassRates> {
    let rows = sql.query("SELECT value FROM plan_setting WHERE key = ?", &[text(CLASS_RATES)])?;
    match rows.first().and_then(|r| r.first().cloned().flatten()) {
        Some(v) => {
            serde_json::from_str(&v).map_err(|e| StorageError::Database(format!("plan_setting {CLASS_RATES}: {e}")))
        }
        None => Ok(ClassRates::default()),
    }
}

/// What the bureau sets: inspections a year of each class.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RatesRequest {
    pub a: u8,
    pub b: u8,
    pub c: u8,
    pub d: u8,
}

/// Sets the inspections a year of each class (checked by core's rules), audited with it.
pub fn set_class_rates(sql: &mut dyn Sql, r: RatesRequest, by: &str, address: &str, now: DateTime<Utc>) -> Result<()> {
    let rates = ClassRates { a: r.a, b: r.b, c: r.c, d: r.d };
    rates.check().map_err(refused)?;
    let value = serde_json::to_string(&rates).map_err(|e| StorageError::Database(e.to_string()))?;
    sql.execute(
        "INSERT INTO plan_setting (key, value, set_by, set_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, set_by = excluded.set_by, set_at = excluded.set_at",
        &[text(CLASS_RATES), text(&value), text(by), text(&accounts::stamp(now))],
    )?;
    let detail = format!("A 类 {} 次，B 类 {} 次，C 类 {} 次，D 类 {} 次", r.a, r.b, r.c, r.d);
    accounts::audit(sql, by, "设置分类分级检查频次", &detail, address, now)
}

/// One supervision class in the year's plan.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClassRow {
    /// A, B, C, D, or empty for the enterprises not yet classed.
    pub class: String,
    pub label: String,
    /// Inspections a year of each enterprise of the class (0: only when drawn).
    pub per_year: u8,
    /// Enterprises in operation of the class.
    pub enterprises: i64,
    /// The inspections due each month, January first (12 numbers).
    pub by_month: Vec<i64>,
    pub inspections: i64,
}

/// 分类分级 for a year: the rates, and the inspections each class brings month by month.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClassPlan {
    pub year: i32,
    pub rows: Vec<ClassRow>,
    pub by_month: Vec<i64>,
    pub inspections: i64,
    /// The year's legal working days by month, when its calendar is known.
    pub working_days_by_month: Option<Vec<u32>>,
    pub calendar_source: Option<String>,
    /// Who last set the rates, and when (none while the defaults hold).
    pub rates_set_by: Option<String>,
    pub rates_set_at: Option<String>,
}

/// The bundled calendar of `year`, if the server has it.
fn calendar(year: i32) -> Option<plan::Calendar> {
    CALENDARS.iter().filter_map(|c| plan::Calendar::parse(c).ok()).find(|c| c.year == year)
}

/// The enterprises in operation that a plan counts (demo ones never reach the server).
const IN_OPERATION: &str = "status = 'operating'";

pub fn class_plan(sql: &mut dyn Sql, year: i32) -> Result<ClassPlan> {
    let rates = class_rates(sql)?;
    let set = sql.query("SELECT set_by, set_at FROM plan_setting WHERE key = ?", &[text(CLASS_RATES)])?;
    let mut by_class: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in sql.query(
        &format!("SELECT id, coalesce(supervision_class, '') FROM enterprise WHERE {IN_OPERATION} ORDER BY id"),
        &[],
    )? {
        by_class.entry(col(&r, 1)).or_default().push(col(&r, 0));
    }
    let mut rows = Vec::new();
    for class in [
        Some(SupervisionClass::A),
        Some(SupervisionClass::B),
        Some(SupervisionClass::C),
        Some(SupervisionClass::D),
        None,
    ] {
        let key = class.map(SupervisionClass::as_str).unwrap_or_default();
        let ids = by_class.get(key).map(Vec::as_slice).unwrap_or_default();
        let per_year = class.map_or(0, |c| rates.per_year(c));
        let mut by_month = vec![0i64; 12];
        for slot in 0..ids.len() {
            for m in plan::due_months(per_year, slot) {
                by_month[(m - 1) as usize] += 1;
            }
        }
        rows.push(ClassRow {
            class: key.to_owned(),
            label: class.map_or_else(|| "未分级".to_owned(), |c| format!("{} 类", c.as_str())),
            per_year,
            enterprises: ids.len() as i64,
            inspections: by_month.iter().sum(),
            by_month,
        });
    }
    let by_month: Vec<i64> = (0..12).map(|m| rows.iter().map(|r| r.by_month[m]).sum()).collect();
    let calendar = calendar(year);
    Ok(ClassPlan {
        year,
        inspections: by_month.iter().sum(),
        rows,
        by_month,
        working_days_by_month: calendar.as_ref().map(|c| c.working_days_by_month().to_vec()),
        calendar_source: calendar.map(|c| c.source),
        rates_set_by: set.first().map(|r| col(r, 0)),
        rates_set_at: set.first().map(|r| col(r, 1)),
    })
}

/// An enrolled inspector, as a draw or a relation names them.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InspectorRow {
    pub id: String,
    pub name: String,
    pub cert_no: String,
}

/// Every enrolled inspector (the draw's list), by name.
pub fn inspectors(sql: &mut dyn Sql) -> Result<Vec<InspectorRow>> {
    Ok(sql
        .query("SELECT id, name, cert_no FROM inspector ORDER BY name, cert_no", &[])?
        .iter()
        .map(|r| InspectorRow { id: col(r, 0), name: col(r, 1), cert_no: col(r, 2) })
        .collect())
}

/// An inspector never drawn for an enterprise.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RelationRow {
    pub enterprise_id: String,
    pub enterprise_name: String,
    pub inspector_id: String,
    pub inspector_name: String,
    pub reason: String,
    pub set_by: String,
    pub set_at: String,
}

pub fn relations(sql: &mut dyn Sql) -> Result<Vec<RelationRow>> {
    Ok(sql
        .query(
            "SELECT r.enterprise_id, coalesce(e.name, r.enterprise_id), r.inspector_id, coalesce(i.name, r.inspector_id), r.reason, r.set_by, r.set_at
             FROM inspector_relation r LEFT JOIN enterprise e ON e.id = r.enterprise_id LEFT JOIN inspector i ON i.id = r.inspector_id
             ORDER BY r.set_at DESC, r.enterprise_id, r.inspector_id",
            &[],
        )?
        .iter()
        .map(|r| RelationRow {
            enterprise_id: col(r, 0),
            enterprise_name: col(r, 1),
            inspector_id: col(r, 2),
            inspector_name: col(r, 3),
            reason: col(r, 4),
            set_by: col(r, 5),
            set_at: col(r, 6),
        })
        .collect())
}

/// A relation to record: the enterprise by its credit code, the inspector by id.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RelationRequest {
    /// 统一社会信用代码
    pub credit_code: String,
    pub inspector_id: String,
    /// 回避原因（亲属、曾任职、属地等），至多 100 字
    pub reason: String,
}

pub fn add_relation(
    sql: &mut dyn Sql,
    req: &RelationRequest,
    by: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let reason = req.reason.trim();
    if reason.is_empty() || reason.chars().count() > 100 || reason.chars().any(char::is_control) {
        return Err(StorageError::Refused("请写明回避原因（至多 100 字）".into()));
    }
    let code = req.credit_code.trim().to_uppercase();
    let enterprise = sql.query("SELECT id, name FROM enterprise WHERE credit_code = ?", &[text(&code)])?;
    let Some(e) = enterprise.first() else {
        return Err(StorageError::Refused(format!("没有统一社会信用代码为 {code} 的单位")));
    };
    let inspector = sql.query("SELECT name FROM inspector WHERE id = ?", &[text(&req.inspector_id)])?;
    let Some(i) = inspector.first() else { return Err(StorageError::Refused("没有这名执法人员".into())) };
    sql.execute(
        "INSERT INTO inspector_relation (enterprise_id, inspector_id, reason, set_by, set_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (enterprise_id, inspector_id) DO UPDATE SET reason = excluded.reason, set_by = excluded.set_by, set_at = excluded.set_at",
        &[text(&col(e, 0)), text(&req.inspector_id), text(reason), text(by), text(&accounts::stamp(now))],
    )?;
    let detail = format!("{} 不参与检查 {}：{reason}", col(i, 0), col(e, 1));
    accounts::audit(sql, by, "登记回避关系", &detail, address, now)
}

/// Which relation to remove.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RelationKey {
    pub enterprise_id: String,
    pub inspector_id: String,
}

pub fn remove_relation(
    sql: &mut dyn Sql,
    key: &RelationKey,
    by: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    // The audit names them as people read them (the ids stay findable in the detail).
    let named = sql.query(
        "SELECT (SELECT name FROM enterprise WHERE id = ?), (SELECT name FROM inspector WHERE id = ?)",
        &[text(&key.enterprise_id), text(&key.inspector_id)],
    )?;
    let name =
        |i: usize, id: &str| named.first().and_then(|r| r.get(i).cloned().flatten()).unwrap_or_else(|| id.to_owned());
    let n = sql.execute(
        "DELETE FROM inspector_relation WHERE enterprise_id = ? AND inspector_id = ?",
        &[text(&key.enterprise_id), text(&key.inspector_id)],
    )?;
    if n == 0 {
        return Err(StorageError::NotFound("回避关系".into()));
    }
    let detail = format!("单位 {}，执法人员 {}", name(0, &key.enterprise_id), name(1, &key.inspector_id));
    accounts::audit(sql, by, "撤销回避关系", &detail, address, now)
}

/// A 双随机 draw to make.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DrawRequest {
    /// 名称，如“2026年第一季度双随机抽查”，至多 60 字
    pub title: String,
    /// 随机种子；留空时由服务器生成
    #[serde(default)]
    pub seed: String,
    /// 镇街代码（留空：全区）
    #[serde(default)]
    pub town: String,
    /// 行业代码（留空：全部）
    #[serde(default)]
    pub sector: String,
    /// 监管分类 A–D（留空：全部）
    #[serde(default)]
    pub class: String,
    /// 抽取的单位数，1 到 500
    pub count: u32,
}

/// The pool a draw was made from.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DrawFilters {
    pub town: String,
    pub sector: String,
    pub class: String,
}

/// A draw as the list shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DrawSummary {
    pub id: String,
    pub title: String,
    pub seed: String,
    /// The pool's filters in words (镇街、行业、分类).
    pub pool_description: String,
    pub pool_size: i64,
    pub inspectors: i64,
    pub count: i64,
    pub drawn_by: String,
    pub drawn_at: String,
}

/// An officer drawn.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DrawnOfficer {
    pub id: String,
    pub name: String,
    pub cert_no: String,
}

/// One enterprise drawn and its two officers, named as they were at the draw.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DrawnRow {
    pub enterprise_id: String,
    pub enterprise_name: String,
    pub credit_code: String,
    pub town_name: String,
    pub officers: Vec<DrawnOfficer>,
}

/// A draw and its result, as kept.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DrawDetail {
    #[serde(flatten)]
    pub summary: DrawSummary,
    pub rows: Vec<DrawnRow>,
    /// How anyone repeats it: the algorithm in words.
    pub method: String,
}

/// The algorithm, as the 公示 states it.
pub const METHOD: &str = "单位池与执法人员各按编号排序；随机数第 i 个取 SHA-256（种子的 UTF-8 字节 ‖ i 的 8 字节大端）的前 8 字节（大端），小于 n 的数以拒绝采样取得；先对单位池做部分 Fisher–Yates 洗牌取前若干家，再按抽中顺序为每家单位从未用过、且均无回避关系的两人组合（按编号排列）中随机取一组。";

const MAX_DRAW: u32 = 500;

fn json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StorageError::Database(e.to_string()))
}

fn describe(f: &DrawFilters) -> String {
    let town = if f.town.is_empty() { "全区".to_owned() } else { town_name(&f.town) };
    let sector = if f.sector.is_empty() {
        "全部行业".to_owned()
    } else {
        names().1.get(&f.sector).cloned().unwrap_or_default()
    };
    let class = if f.class.is_empty() { "全部分类".to_owned() } else { format!("{} 类", f.class) };
    format!("{town}、{sector}、{class}（在营单位）")
}

/// Makes a draw (core's rules) from the enterprises in operation the filters pass and
/// every enrolled inspector, keeps it with everything needed to repeat it, and audits it
/// in the same transaction.
pub fn make_draw(
    sql: &mut dyn Sql,
    req: &DrawRequest,
    by: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<DrawDetail> {
    let title = req.title.trim();
    if title.is_empty() || title.chars().count() > 60 || title.chars().any(char::is_control) {
        return Err(StorageError::Refused("请填写抽查名称（至多 60 字）".into()));
    }
    if req.count == 0 || req.count > MAX_DRAW {
        return Err(StorageError::Refused(format!("抽取的单位数应为 1 到 {MAX_DRAW} 家")));
    }
    let town = code(&Some(req.town.clone()), &names().0, "镇街")?.unwrap_or_default();
    let sector = code(&Some(req.sector.clone()), &names().1, "行业")?.unwrap_or_default();
    let class = match req.class.as_str() {
        "" => String::new(),
        c if SupervisionClass::parse(c).is_some() => c.to_owned(),
        _ => return Err(StorageError::Refused("监管分类只能是 A、B、C 或 D".into())),
    };
    let seed = match req.seed.trim() {
        "" => crate::auth::new_token()?[..16].to_owned(),
        s => s.to_owned(),
    };
    let mut sql_text = format!("SELECT id FROM enterprise e WHERE {IN_OPERATION}");
    let mut params = Vec::new();
    if !town.is_empty() {
        sql_text.push_str(" AND e.division_code = ?");
        params.push(text(&town));
    }
    if !sector.is_empty() {
        sql_text.push_str(
            " AND EXISTS (SELECT 1 FROM enterprise_sector s WHERE s.enterprise_id = e.id AND s.sector_code = ?)",
        );
        params.push(text(&sector));
    }
    if !class.is_empty() {
        sql_text.push_str(" AND e.supervision_class = ?");
        params.push(text(&class));
    }
    sql_text.push_str(" ORDER BY id");
    let pool: Vec<String> = sql.query(&sql_text, &params)?.iter().map(|r| col(r, 0)).collect();
    let inspectors = drawable_inspectors(sql)?;
    let mut related: Vec<(String, String)> = sql
        .query("SELECT enterprise_id, inspector_id FROM inspector_relation ORDER BY enterprise_id, inspector_id", &[])?
        .iter()
        .map(|r| (col(r, 0), col(r, 1)))
        .collect();
    let pool_set: HashSet<&String> = pool.iter().collect();
    related.retain(|(e, _)| pool_set.contains(e));
    let input = plan::DrawInput {
        seed: &seed,
        pool: pool.clone(),
        count: req.count as usize,
        inspectors: inspectors.clone(),
        related: related.iter().cloned().collect(),
    };
    let drawn = plan::draw(&input).map_err(refused)?;
    // The 公示 names what was drawn as it was at the draw: a later rename or re-enrolment
    // does not change it.
    let rows = named(sql, &drawn)?;
    let id = crate::auth::new_id()?;
    let filters = DrawFilters { town, sector, class };
    sql.execute(
        "INSERT INTO plan_draw (id, title, seed, filters, pool, inspectors, related, result, drawn_by, drawn_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            text(&id),
            text(title),
            text(&seed),
            text(&json(&filters)?),
            text(&json(&pool)?),
            text(&json(&inspectors)?),
            text(&json(&related)?),
            text(&json(&rows)?),
            text(by),
            text(&accounts::stamp(now)),
        ],
    )?;
    let detail = format!("{title}：从 {} 家中抽取 {} 家，种子 {seed}", pool.len(), drawn.len());
    accounts::audit(sql, by, "双随机抽取", &detail, address, now)?;
    draw_detail(sql, &id)?.ok_or_else(|| StorageError::Database("a draw just written is missing".into()))
}

/// The inspectors a draw or a plan's tasks may name: not one whose every device was
/// revoked (one who left); one enrolled and not yet paired may be.
pub(super) fn drawable_inspectors(sql: &mut dyn Sql) -> Result<Vec<String>> {
    Ok(sql
        .query(
            "SELECT i.id FROM inspector i WHERE NOT (EXISTS (SELECT 1 FROM device d WHERE d.inspector_id = i.id)
               AND NOT EXISTS (SELECT 1 FROM device d WHERE d.inspector_id = i.id AND d.revoked_at IS NULL)) ORDER BY i.id",
            &[],
        )?
        .iter()
        .map(|r| col(r, 0))
        .collect())
}

const DRAW_COLUMNS: &str = "id, title, seed, filters, pool, inspectors, result, drawn_by, drawn_at";

fn summary(r: &[Option<String>]) -> Result<(DrawSummary, Vec<DrawnRow>)> {
    let bad = |what: &str| StorageError::Database(format!("plan_draw {}: {what}", col(r, 0)));
    let filters: DrawFilters = serde_json::from_str(&col(r, 3)).map_err(|_| bad("filters"))?;
    let pool: Vec<String> = serde_json::from_str(&col(r, 4)).map_err(|_| bad("pool"))?;
    let inspectors: Vec<String> = serde_json::from_str(&col(r, 5)).map_err(|_| bad("inspectors"))?;
    let drawn: Vec<DrawnRow> = serde_json::from_str(&col(r, 6)).map_err(|_| bad("result"))?;
    Ok((
        DrawSummary {
            id: col(r, 0),
            title: col(r, 1),
            seed: col(r, 2),
            pool_description: describe(&filters),
            pool_size: pool.len() as i64,
            inspectors: inspectors.len() as i64,
            count: drawn.len() as i64,
            drawn_by: col(r, 7),
            drawn_at: col(r, 8),
        },
        drawn,
    ))
}

/// Every draw, newest first.
pub fn draws(sql: &mut dyn Sql) -> Result<Vec<DrawSummary>> {
    sql.query(&format!("SELECT {DRAW_COLUMNS} FROM plan_draw ORDER BY drawn_at DESC, id"), &[])?
        .iter()
        .map(|r| summary(r).map(|(s, _)| s))
        .collect()
}

/// One draw with the names of what was drawn.
/// What was drawn, with the names, codes and certificate numbers of now.
fn named(sql: &mut dyn Sql, drawn: &[plan::Drawn]) -> Result<Vec<DrawnRow>> {
    let mut enterprises: HashMap<String, (String, String, String)> = HashMap::new();
    if !drawn.is_empty() {
        let ids: Vec<crate::storage::Param> = drawn.iter().map(|d| text(&d.enterprise)).collect();
        let marks = vec!["?"; ids.len()].join(", ");
        for e in sql.query(
            &format!("SELECT id, name, credit_code, coalesce(division_code, '') FROM enterprise WHERE id IN ({marks})"),
            &ids,
        )? {
            enterprises.insert(col(&e, 0), (col(&e, 1), col(&e, 2), col(&e, 3)));
        }
    }
    let mut inspectors: HashMap<String, (String, String)> = HashMap::new();
    for i in sql.query("SELECT id, name, cert_no FROM inspector", &[])? {
        inspectors.insert(col(&i, 0), (col(&i, 1), col(&i, 2)));
    }
    Ok(drawn
        .iter()
        .map(|d| {
            let (name, credit_code, town) = enterprises.get(&d.enterprise).cloned().unwrap_or_default();
            DrawnRow {
                enterprise_id: d.enterprise.clone(),
                enterprise_name: name,
                credit_code,
                town_name: town_name(&town),
                officers: d
                    .officers
                    .iter()
                    .map(|o| {
                        let (name, cert_no) = inspectors.get(o).cloned().unwrap_or_default();
                        DrawnOfficer { id: o.clone(), name, cert_no }
                    })
                    .collect(),
            }
        })
        .collect())
}

pub fn draw_detail(sql: &mut dyn Sql, id: &str) -> Result<Option<DrawDetail>> {
    let rows = sql.query(&format!("SELECT {DRAW_COLUMNS} FROM plan_draw WHERE id = ?"), &[text(id)])?;
    let Some(r) = rows.first() else { return Ok(None) };
    let (summary, rows) = summary(r)?;
    Ok(Some(DrawDetail { summary, rows, method: METHOD.to_owned() }))
}

/// What the bureau puts into a year's plan (the draft's form).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct YearPlanInputs {
    pub year: i32,
    /// 执法人员 counted on.
    pub inspectors: u32,
    /// 其他执法工作日（人·日）: accidents, complaints, joint actions.
    pub other_enforcement: u32,
    /// 非执法工作日（人·日）: training, meetings, leave.
    pub non_enforcement: u32,
    /// 重点检查 share in tenths of a percent (651 = 65.1%).
    pub key_permille: u32,
    /// 说明（重点行业、车辆经费等），至多 2000 字
    #[serde(default)]
    pub note: String,
}

/// The year's days as the plan computes them (人·日).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct YearPlanDays {
    /// 法定工作日 of the year, from its calendar.
    pub legal_days: u32,
    pub legal_total: u32,
    pub inspection: u32,
    pub key: u32,
    pub general: u32,
}

/// What a plan comes to: its days, and the enterprises due month by month.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct YearPlanResult {
    pub days: YearPlanDays,
    pub classes: ClassPlan,
}

/// A version of a year's plan: a draft (its result computed now) or a published one
/// (its result as it was published, never changed).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct YearPlan {
    pub id: String,
    pub year: i32,
    pub version: i64,
    /// draft or published.
    pub status: String,
    pub inputs: YearPlanInputs,
    pub result: YearPlanResult,
    pub created_by: String,
    pub created_at: String,
    pub published_by: Option<String>,
    pub published_at: Option<String>,
}

/// Every version of a year's plan, newest first (without their results).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct YearPlanVersion {
    pub id: String,
    pub version: i64,
    pub status: String,
    pub inspection_days: u32,
    pub created_by: String,
    pub created_at: String,
    pub published_by: Option<String>,
    pub published_at: Option<String>,
}

fn compute(sql: &mut dyn Sql, inputs: &YearPlanInputs) -> Result<YearPlanResult> {
    let calendar = calendar(inputs.year).ok_or_else(|| {
        StorageError::Refused(format!("本服务器还没有 {} 年的工作日历（国务院办公厅公布的节假日安排）", inputs.year))
    })?;
    let legal_days = calendar.working_days();
    let d = plan::days(&plan::DaysInput {
        inspectors: inputs.inspectors,
        legal_days,
        other_enforcement: inputs.other_enforcement,
        non_enforcement: inputs.non_enforcement,
        key_permille: inputs.key_permille,
    })
    .map_err(refused)?;
    Ok(YearPlanResult {
        days: YearPlanDays {
            legal_days,
            legal_total: d.legal_total,
            inspection: d.inspection,
            key: d.key,
            general: d.general,
        },
        classes: class_plan(sql, inputs.year)?,
    })
}

const YEAR_PLAN_COLUMNS: &str =
    "id, year, version, status, inputs, result, created_by, created_at, published_by, published_at";

fn year_plan_row(sql: &mut dyn Sql, r: &[Option<String>]) -> Result<YearPlan> {
    let bad = |what: &str| StorageError::Database(format!("year_plan {}: {what}", col(r, 0)));
    let inputs: YearPlanInputs = serde_json::from_str(&col(r, 4)).map_err(|_| bad("inputs"))?;
    let result = match r.get(5).cloned().flatten() {
        Some(kept) => serde_json::from_str(&kept).map_err(|_| bad("result"))?,
        None => compute(sql, &inputs)?,
    };
    Ok(YearPlan {
        id: col(r, 0),
        year: col(r, 1).parse().map_err(|_| bad("year"))?,
        version: col(r, 2).parse().map_err(|_| bad("version"))?,
        status: col(r, 3),
        inputs,
        result,
        created_by: col(r, 6),
        created_at: col(r, 7),
        published_by: r.get(8).cloned().flatten(),
        published_at: r.get(9).cloned().flatten(),
    })
}

/// One version of a year's plan.
pub fn year_plan(sql: &mut dyn Sql, id: &str) -> Result<Option<YearPlan>> {
    let rows = sql.query(&format!("SELECT {YEAR_PLAN_COLUMNS} FROM year_plan WHERE id = ?"), &[text(id)])?;
    rows.first().map(|r| year_plan_row(sql, r)).transpose()
}

/// Every version of a year's plan, newest first.
pub fn year_plans(sql: &mut dyn Sql, year: i32) -> Result<Vec<YearPlanVersion>> {
    let rows = sql.query(
        &format!("SELECT {YEAR_PLAN_COLUMNS} FROM year_plan WHERE year = ? ORDER BY version DESC"),
        &[crate::storage::Param::Int(Some(i64::from(year)))],
    )?;
    rows.iter()
        .map(|r| {
            let p = year_plan_row(sql, r)?;
            Ok(YearPlanVersion {
                id: p.id,
                version: p.version,
                status: p.status,
                inspection_days: p.result.days.inspection,
                created_by: p.created_by,
                created_at: p.created_at,
                published_by: p.published_by,
                published_at: p.published_at,
            })
        })
        .collect()
}

fn check_inputs(inputs: &YearPlanInputs) -> Result<()> {
    if !(2000..=2100).contains(&inputs.year) {
        return Err(StorageError::Refused("年度应在 2000 到 2100 之间".into()));
    }
    let note = inputs.note.trim();
    if note.chars().count() > 2000 || note.chars().any(|c| c.is_control() && c != '\n') {
        return Err(StorageError::Refused("说明至多 2000 字".into()));
    }
    Ok(())
}

/// Writes the year's draft (a new one after the last version, or the one being edited):
/// checked by computing it; audited with it. Returns the draft as it now reads.
pub fn save_draft(
    sql: &mut dyn Sql,
    inputs: &YearPlanInputs,
    by: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<YearPlan> {
    check_inputs(inputs)?;
    let mut inputs = inputs.clone();
    inputs.note = inputs.note.trim().to_owned();
    compute(sql, &inputs)?;
    let year = crate::storage::Param::Int(Some(i64::from(inputs.year)));
    let value = json(&inputs)?;
    let draft =
        sql.query("SELECT id FROM year_plan WHERE year = ? AND status = 'draft'", std::slice::from_ref(&year))?;
    let id = match draft.first() {
        Some(r) => {
            let id = col(r, 0);
            let n = sql.execute(
                "UPDATE year_plan SET inputs = ?, created_by = ?, created_at = ? WHERE id = ? AND status = 'draft'",
                &[text(&value), text(by), text(&accounts::stamp(now)), text(&id)],
            )?;
            if n == 0 {
                return Err(StorageError::Refused("这份草稿刚刚被发布，未保存；请刷新后在新的草稿中修改".into()));
            }
            id
        }
        None => {
            let next = sql.query("SELECT coalesce(max(version), 0) + 1 FROM year_plan WHERE year = ?", &[year])?;
            let id = crate::auth::new_id()?;
            sql.execute(
                "INSERT INTO year_plan (id, year, version, status, inputs, created_by, created_at) VALUES (?, ?, ?, 'draft', ?, ?, ?)",
                &[
                    text(&id),
                    crate::storage::Param::Int(Some(i64::from(inputs.year))),
                    crate::storage::Param::Int(Some(next.first().map_or(1, |r| col(r, 0).parse().unwrap_or(1)))),
                    text(&value),
                    text(by),
                    text(&accounts::stamp(now)),
                ],
            )?;
            id
        }
    };
    accounts::audit(sql, by, "编辑年度监督检查计划", &format!("{} 年草稿", inputs.year), address, now)?;
    year_plan(sql, &id)?.ok_or_else(|| StorageError::Database("a draft just written is missing".into()))
}

/// Publishes a draft: its result is computed once more and kept with it; from then on
/// the version never changes.
pub fn publish_year_plan(sql: &mut dyn Sql, id: &str, by: &str, address: &str, now: DateTime<Utc>) -> Result<YearPlan> {
    let Some(p) = year_plan(sql, id)? else { return Err(StorageError::NotFound("计划".into())) };
    if p.status != "draft" {
        return Err(StorageError::Refused("这一版已经发布，不能修改；修改请编辑新的草稿".into()));
    }
    let n = sql.execute(
        // Only the inputs the result was computed from: an edit saved meanwhile is not
        // published with a result that is not its own.
        "UPDATE year_plan SET status = 'published', result = ?, published_by = ?, published_at = ? WHERE id = ? AND status = 'draft' AND inputs = ?",
        &[text(&json(&p.result)?), text(by), text(&accounts::stamp(now)), text(id), text(&json(&p.inputs)?)],
    )?;
    if n == 0 {
        return Err(StorageError::Refused("这一版刚刚被修改或发布，请刷新后再发布".into()));
    }
    accounts::audit(sql, by, "发布年度监督检查计划", &format!("{} 年第 {} 版", p.year, p.version), address, now)?;
    year_plan(sql, id)?.ok_or_else(|| StorageError::Database("a plan just published is missing".into()))
}
