//! Tasks on the console: made from a draw or a published yearly plan (one set per
//! source), cancelled, listed, and the plan against what was done (by 镇街, 行业 and
//! month; overdue tasks; each inspector's load). The rules are core::task's; publishing
//! is `publish::publish_tasks`.

use std::collections::{BTreeMap, HashMap, HashSet};

use anjian_core::task::{Month, State, Status};
use anjian_sync::records::{InspectorImage, TaskImage};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::records::{col, names, town_name};
use super::text;
use crate::storage::{Result, Sql, StorageError};

/// A task is done when a finished inspection of its enterprise, started from it, came
/// from a device of one of its officers (a device that names a task it was not given
/// completes nothing): the inspections that do task `t`.
const DOES: &str = "FROM inspection i JOIN device d ON d.id = i.created_by
      WHERE i.task_id = t.id AND i.status = 'finished' AND i.enterprise_id = t.enterprise_id
        AND d.inspector_id IN (t.officer_a, t.officer_b)";

fn refused(s: impl Into<String>) -> StorageError {
    StorageError::Refused(s.into())
}

/// The enrolled inspectors as task images name them.
fn officers(sql: &mut dyn Sql) -> Result<HashMap<String, InspectorImage>> {
    Ok(sql
        .query("SELECT id, name, cert_no FROM inspector", &[])?
        .iter()
        .map(|r| (col(r, 0), InspectorImage { id: col(r, 0), name: col(r, 1), cert_no: col(r, 2), unit: None }))
        .collect())
}

fn image(
    officers: &HashMap<String, InspectorImage>,
    enterprise: &str,
    month: Month,
    pair: &[String; 2],
    source: (&str, &str, &str),
    by: &str,
    now: DateTime<Utc>,
) -> Result<TaskImage> {
    let officer = |id: &String| {
        officers.get(id).cloned().ok_or_else(|| StorageError::Database(format!("inspector {id} is not enrolled")))
    };
    Ok(TaskImage {
        id: anjian_core::Id::new().to_string(),
        enterprise_id: enterprise.to_owned(),
        due_month: month.to_string(),
        officers: vec![officer(&pair[0])?, officer(&pair[1])?],
        source: source.0.to_owned(),
        source_id: source.1.to_owned(),
        source_title: source.2.to_owned(),
        status: Status::Open.as_str().to_owned(),
        set_by: by.to_owned(),
        set_at: now.to_rfc3339(),
        // Set when published.
        rev: String::new(),
    })
}

/// What the draw's tasks are due in.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DrawTasksRequest {
    /// 检查月份，YYYY-MM，不早于本月
    pub month: String,
}

/// The tasks of a draw: each drawn enterprise with its drawn pair, due in `month`.
pub fn from_draw(
    sql: &mut dyn Sql,
    draw_id: &str,
    month: &str,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Vec<TaskImage>> {
    let due = Month::parse(month).ok_or_else(|| refused("请选择检查月份（年-月）"))?;
    if due < Month::of(anjian_core::beijing::today(now)) {
        return Err(refused("检查月份不能早于本月"));
    }
    let draw = super::plans::draw_detail(sql, draw_id)?.ok_or_else(|| StorageError::NotFound("抽取".into()))?;
    let officers = officers(sql)?;
    let title = draw.summary.title.clone();
    draw.rows
        .iter()
        .map(|r| {
            let pair = [r.officers[0].id.clone(), r.officers[1].id.clone()];
            image(&officers, &r.enterprise_id, due, &pair, ("draw", draw_id, &title), by, now)
        })
        .collect()
}

/// What making a plan's tasks came to.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MadeTasks {
    pub tasks: i64,
    /// Planned inspections of months already past when the tasks were made (not made).
    pub skipped_past: i64,
}

/// The tasks of a published yearly plan: each enterprise in operation of a class due in
/// a month (as the plan's class rates spread them, `core::plan::due_months`), from this
/// month on, with two officers assigned by load (`core::task::assign`).
pub fn from_plan(sql: &mut dyn Sql, plan_id: &str, by: &str, now: DateTime<Utc>) -> Result<(Vec<TaskImage>, i64)> {
    let plan = super::plans::year_plan(sql, plan_id)?.ok_or_else(|| StorageError::NotFound("年度计划".into()))?;
    if plan.status != "published" {
        return Err(refused("只有已发布的年度计划才能生成检查任务"));
    }
    let this_month = Month::of(anjian_core::beijing::today(now));
    let mut due: Vec<(Month, String)> = Vec::new();
    let mut skipped = 0;
    for row in &plan.result.classes.rows {
        if row.class.is_empty() || row.per_year == 0 {
            continue;
        }
        let ids: Vec<String> = sql
            .query(
                "SELECT id FROM enterprise WHERE status = 'operating' AND supervision_class = ? ORDER BY id",
                &[text(&row.class)],
            )?
            .iter()
            .map(|r| col(r, 0))
            .collect();
        for (slot, id) in ids.iter().enumerate() {
            for m in anjian_core::plan::due_months(row.per_year, slot) {
                let month = Month { year: plan.year, month: m };
                if month < this_month {
                    skipped += 1;
                } else {
                    due.push((month, id.clone()));
                }
            }
        }
    }
    due.sort();
    let inspectors = super::plans::drawable_inspectors(sql)?;
    let related: HashSet<(String, String)> = sql
        .query("SELECT enterprise_id, inspector_id FROM inspector_relation", &[])?
        .iter()
        .map(|r| (col(r, 0), col(r, 1)))
        .collect();
    // Load starts from the open tasks each inspector already carries this year.
    let mut load: HashMap<String, u32> = HashMap::new();
    for r in sql.query(
        &format!("SELECT officer_a, officer_b FROM task t WHERE status = 'open' AND due_month LIKE ? AND NOT EXISTS (SELECT 1 {DOES})"),
        &[text(&format!("{}-%", plan.year))],
    )? {
        for i in [col(&r, 0), col(&r, 1)] {
            *load.entry(i).or_default() += 1;
        }
    }
    let enterprises: Vec<String> = due.iter().map(|(_, e)| e.clone()).collect();
    let pairs = anjian_core::task::assign(&enterprises, &inspectors, &related, &mut load)
        .map_err(|e| refused(e.to_string()))?;
    let officers = officers(sql)?;
    let title = format!("{} 年度监督检查计划（第 {} 版）", plan.year, plan.version);
    let tasks = due
        .iter()
        .zip(&pairs)
        .map(|((month, e), pair)| image(&officers, e, *month, pair, ("plan", plan_id, &title), by, now))
        .collect::<Result<_>>()?;
    Ok((tasks, skipped))
}

/// Refuses a second set of tasks from one draw, or from a second version of a year's
/// plan (run in the transaction that publishes them, after them).
pub fn check_once(sql: &mut dyn Sql, made: &[TaskImage]) -> Result<()> {
    let Some(first) = made.first() else { return Err(refused("没有可生成的检查任务")) };
    let ids: HashSet<&str> = made.iter().map(|t| t.id.as_str()).collect();
    let earlier = if first.source == "plan" {
        let year = &first.due_month[..4];
        sql.query("SELECT id FROM task WHERE source = 'plan' AND due_month LIKE ?", &[text(&format!("{year}-%"))])?
    } else {
        sql.query(
            "SELECT id FROM task WHERE source = ? AND source_id = ?",
            &[text(&first.source), text(&first.source_id)],
        )?
    };
    if earlier.iter().any(|r| !ids.contains(col(r, 0).as_str())) {
        return Err(refused(if first.source == "plan" {
            "本年度已按年度计划生成过检查任务；个别任务可在任务列表中取消"
        } else {
            "这次抽取已下达为检查任务"
        }));
    }
    Ok(())
}

/// A task as the console lists it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaskRow {
    pub id: String,
    pub enterprise_id: String,
    pub enterprise_name: String,
    pub town_name: String,
    pub due_month: String,
    /// upcoming（未到月份）、due（本月应检查）、overdue（逾期）、done（已完成）、cancelled（已取消）
    #[schema(value_type = String)]
    pub state: State,
    /// Still to be done: staff may cancel it (`State::is_open`).
    pub open: bool,
    pub officers: Vec<String>,
    pub source: String,
    pub source_title: String,
    /// The inspection that did it.
    pub inspection_id: Option<String>,
    pub done_at: Option<String>,
}

/// Which tasks a list shows.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, utoipa::IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    /// 年份
    pub year: i32,
    /// upcoming、due、overdue、done、cancelled，或空
    #[serde(default)]
    pub state: String,
    /// 执法人员编号，或空
    #[serde(default)]
    pub inspector: String,
    /// 镇街代码，或空
    #[serde(default)]
    pub town: String,
}

/// At most this many rows in one list (a district plans a few thousand a year).
pub const MAX_ROWS: usize = 2_000;

fn state_of(status: &str, due: &str, done: bool, today: NaiveDate) -> Result<State> {
    let bad = |what: &str| StorageError::Database(format!("task {what}: {status} {due}"));
    let status = Status::parse(status).ok_or_else(|| bad("status"))?;
    let due = Month::parse(due).ok_or_else(|| bad("month"))?;
    Ok(anjian_core::task::state(status, due, done, today))
}

fn check_year(year: i32) -> Result<()> {
    if anjian_core::beijing::RECORD_YEARS.contains(&year) { Ok(()) } else { Err(refused("年份无效")) }
}

fn task_rows() -> String {
    format!(
        "SELECT t.id, t.enterprise_id, coalesce(e.name, ''), coalesce(e.division_code, ''), t.due_month,
            t.status, t.officer_a, t.officer_b, t.source, t.source_title,
            (SELECT i.id {DOES} ORDER BY i.finished_at, i.id LIMIT 1),
            (SELECT i.finished_at {DOES} ORDER BY i.finished_at, i.id LIMIT 1)
         FROM task t LEFT JOIN enterprise e ON e.id = t.enterprise_id"
    )
}

fn rows(sql: &mut dyn Sql, year: i32, today: NaiveDate) -> Result<Vec<(TaskRow, [String; 2], String)>> {
    let names: HashMap<String, String> =
        sql.query("SELECT id, name FROM inspector", &[])?.iter().map(|r| (col(r, 0), col(r, 1))).collect();
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_owned());
    let mut out = Vec::new();
    for r in sql.query(
        &format!("{} WHERE t.due_month LIKE ? ORDER BY t.due_month, e.name, t.id", task_rows()),
        &[text(&format!("{year}-%"))],
    )? {
        let done = r.get(10).cloned().flatten();
        let state = state_of(&col(&r, 5), &col(&r, 4), done.is_some(), today)?;
        let (a, b) = (col(&r, 6), col(&r, 7));
        let town = col(&r, 3);
        out.push((
            TaskRow {
                id: col(&r, 0),
                enterprise_id: col(&r, 1),
                enterprise_name: col(&r, 2),
                town_name: town_name(&town),
                due_month: col(&r, 4),
                state,
                open: state.is_open(),
                officers: vec![name(&a), name(&b)],
                source: col(&r, 8),
                source_title: col(&r, 9),
                inspection_id: done,
                done_at: r.get(11).cloned().flatten(),
            },
            [a, b],
            town,
        ));
    }
    Ok(out)
}

/// A year's tasks, filtered.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaskPage {
    pub total: i64,
    pub rows: Vec<TaskRow>,
}

pub fn tasks(sql: &mut dyn Sql, q: &TaskQuery, today: NaiveDate) -> Result<TaskPage> {
    check_year(q.year)?;
    let state = match q.state.as_str() {
        "" => None,
        s => Some(serde_json::from_value::<State>(serde_json::Value::from(s)).map_err(|_| refused("任务状态无效"))?),
    };
    let mut rows: Vec<TaskRow> = rows(sql, q.year, today)?
        .into_iter()
        .filter(|(t, _, _)| state.is_none_or(|s| t.state == s))
        .filter(|(_, pair, _)| q.inspector.is_empty() || pair.contains(&q.inspector))
        .filter(|(_, _, town)| q.town.is_empty() || *town == q.town)
        .map(|(t, _, _)| t)
        .collect();
    let total = rows.len() as i64;
    rows.truncate(MAX_ROWS);
    Ok(TaskPage { total, rows })
}

/// Planned (not cancelled) against done, for one row of a breakdown.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlanDone {
    pub key: String,
    pub label: String,
    pub planned: i64,
    pub done: i64,
    pub overdue: i64,
}

impl PlanDone {
    fn add(&mut self, state: State) {
        if state == State::Cancelled {
            return;
        }
        self.planned += 1;
        self.done += i64::from(state == State::Done);
        self.overdue += i64::from(state == State::Overdue);
    }
}

/// One inspector's tasks in the year.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InspectorLoad {
    pub id: String,
    pub name: String,
    pub planned: i64,
    pub done: i64,
    pub overdue: i64,
    /// Open tasks due this month.
    pub due_this_month: i64,
}

/// The year's plan against what was done.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    pub year: i32,
    pub total: PlanDone,
    pub by_town: Vec<PlanDone>,
    /// An enterprise of two sectors counts in both.
    pub by_sector: Vec<PlanDone>,
    pub by_month: Vec<PlanDone>,
    pub overdue: Vec<TaskRow>,
    pub load: Vec<InspectorLoad>,
}

pub fn progress(sql: &mut dyn Sql, year: i32, today: NaiveDate) -> Result<Progress> {
    check_year(year)?;
    let rows = rows(sql, year, today)?;
    let mut sectors: HashMap<String, Vec<String>> = HashMap::new();
    for r in sql.query("SELECT enterprise_id, sector_code FROM enterprise_sector", &[])? {
        sectors.entry(col(&r, 0)).or_default().push(col(&r, 1));
    }
    let mut total = PlanDone { key: String::new(), label: "全区".into(), ..Default::default() };
    let mut by_town: BTreeMap<String, PlanDone> = names()
        .0
        .iter()
        .map(|(code, name)| (code.clone(), PlanDone { key: code.clone(), label: name.clone(), ..Default::default() }))
        .collect();
    let mut by_sector: BTreeMap<String, PlanDone> = names()
        .1
        .iter()
        .map(|(code, name)| (code.clone(), PlanDone { key: code.clone(), label: name.clone(), ..Default::default() }))
        .collect();
    let mut by_month: Vec<PlanDone> = (1..=12)
        .map(|m| PlanDone { key: format!("{year}-{m:02}"), label: format!("{m}月"), ..Default::default() })
        .collect();
    let mut load: BTreeMap<String, InspectorLoad> = BTreeMap::new();
    let this_month = Month::of(today).to_string();
    let mut overdue = Vec::new();
    for (task, pair, town) in rows {
        total.add(task.state);
        by_town
            .entry(town.clone())
            .or_insert_with(|| PlanDone { key: town.clone(), label: town_name(&town), ..Default::default() })
            .add(task.state);
        for s in sectors.get(&task.enterprise_id).into_iter().flatten() {
            if let Some(row) = by_sector.get_mut(s) {
                row.add(task.state);
            }
        }
        if let Some(m) = by_month.iter_mut().find(|m| m.key == task.due_month) {
            m.add(task.state);
        }
        for (id, name) in pair.iter().zip(&task.officers) {
            let l = load.entry(id.clone()).or_insert_with(|| InspectorLoad {
                id: id.clone(),
                name: name.clone(),
                ..Default::default()
            });
            if task.state != State::Cancelled {
                l.planned += 1;
                l.done += i64::from(task.state == State::Done);
                l.overdue += i64::from(task.state == State::Overdue);
                l.due_this_month += i64::from(task.state == State::Due && task.due_month == this_month);
            }
        }
        if task.state == State::Overdue {
            overdue.push(task);
        }
    }
    let mut load: Vec<InspectorLoad> = load.into_values().collect();
    load.sort_by(|a, b| b.planned.cmp(&a.planned).then_with(|| a.name.cmp(&b.name)));
    Ok(Progress {
        year,
        total,
        by_town: by_town.into_values().collect(),
        by_sector: by_sector.into_values().filter(|s| s.planned > 0).collect(),
        by_month,
        overdue,
        load,
    })
}

/// The image a task is held as (for cancelling it).
pub fn held(sql: &mut dyn Sql, id: &str) -> Result<Option<TaskImage>> {
    let rows = sql.query(
        "SELECT coalesce(t.image, c.payload) FROM task t LEFT JOIN change c ON c.seq = t.image_seq WHERE t.id = ?",
        &[text(id)],
    )?;
    let Some(r) = rows.first() else { return Ok(None) };
    match anjian_sync::records::Image::parse_json(anjian_sync::records::TASK, &col(r, 0)) {
        Ok(anjian_sync::records::Image::Task(t)) => Ok(Some(t)),
        _ => Err(StorageError::Database(format!("task {id}: its image does not read"))),
    }
}

/// Whether a task is done (a done task is not cancelled).
pub fn is_done(sql: &mut dyn Sql, id: &str) -> Result<bool> {
    Ok(!sql
        .query(&format!("SELECT 1 FROM task t WHERE t.id = ? AND EXISTS (SELECT 1 {DOES})"), &[text(id)])?
        .is_empty())
}
