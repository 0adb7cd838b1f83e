//! Tasks the bureau gave this device's inspector (我的任务): pulled from the server only,
//! done when an inspection started from one is finished (here or on the colleague's
//! device). Where a task stands is `core::task::state`.

use anjian_core::Id;
use anjian_core::task::{Month, State, Status};
use chrono::NaiveDate;
use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::{Store, parse_id};

/// A task as 我的任务 lists it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct TaskRow {
    pub id: Id,
    pub enterprise_id: Id,
    pub enterprise_name: String,
    pub enterprise_address: String,
    /// `YYYY-MM`.
    pub due_month: String,
    pub state: State,
    /// An inspection may start from it (`State::is_open`).
    pub open: bool,
    /// The other officer of the pair (this device's inspector is the one).
    pub colleague_id: Id,
    pub colleague_name: String,
    /// 年度计划 or 双随机 and its title.
    pub source: String,
    pub source_title: String,
    /// The inspection that did it, or the one under way.
    pub inspection_id: Option<Id>,
}

/// What an inspection started from a task takes from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskStart {
    pub enterprise_id: Id,
    pub colleague_id: Id,
}

/// An inspection `i` that does task `t`: of its enterprise, by its two officers. (The
/// server also checks that it came from a device of one of them, `console::tasks::DONE`;
/// a device cannot tell whose device wrote an inspection.)
const DOES: &str = "i.task_id = t.id AND i.enterprise_id = t.enterprise_id
    AND EXISTS (SELECT 1 FROM inspection_officer o WHERE o.inspection_id = i.id AND o.inspector_id = t.officer_a)
    AND EXISTS (SELECT 1 FROM inspection_officer o WHERE o.inspection_id = i.id AND o.inspector_id = t.officer_b)";

fn row_sql() -> String {
    format!(
        "SELECT t.id, t.enterprise_id, e.name, e.address, t.due_month, t.status, t.officer_a, t.officer_b,
            t.source, t.source_title,
            (SELECT i.id FROM inspection i WHERE {DOES} AND i.status = 'finished' ORDER BY i.finished_at LIMIT 1),
            (SELECT i.id FROM inspection i WHERE {DOES} AND i.status <> 'finished' ORDER BY i.started_at DESC LIMIT 1)
         FROM task t JOIN enterprise e ON e.id = t.enterprise_id"
    )
}

impl Store {
    /// The tasks of `me` (this device's inspector), overdue first, then by month and name.
    pub fn tasks(&self, me: Id, today: NaiveDate) -> Result<Vec<TaskRow>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(&format!(
            "{} WHERE ?1 IN (t.officer_a, t.officer_b) ORDER BY t.due_month, e.name, t.id",
            row_sql()
        ))?;
        let rows = stmt.query_map([me.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, String>(9)?,
                r.get::<_, Option<String>>(10)?,
                r.get::<_, Option<String>>(11)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, ent, name, address, due, status, a, b, source, title, done, open) = row?;
            let corrupt = |what: &str| StoreError::Corrupt(format!("task {id}: {what}"));
            let month = Month::parse(&due).ok_or_else(|| corrupt("due_month"))?;
            let status = Status::parse(&status).ok_or_else(|| corrupt("status"))?;
            let state = anjian_core::task::state(status, month, done.is_some(), today);
            let colleague = if a == me.to_string() { b } else { a };
            let colleague_name: String = conn
                .query_row("SELECT name FROM inspector WHERE id = ?1", [&colleague], |r| r.get(0))
                .optional()?
                .unwrap_or_default();
            out.push(TaskRow {
                id: parse_id(&id)?,
                enterprise_id: parse_id(&ent)?,
                enterprise_name: name,
                enterprise_address: address,
                due_month: due,
                state,
                open: state.is_open(),
                colleague_id: parse_id(&colleague)?,
                colleague_name,
                source,
                source_title: title,
                inspection_id: done.or(open).as_deref().map(parse_id).transpose()?,
            });
        }
        // Overdue first, then due this month, upcoming, done, cancelled.
        out.sort_by_key(|t| match t.state {
            State::Overdue => 0,
            State::Due => 1,
            State::Upcoming => 2,
            State::Done => 3,
            State::Cancelled => 4,
        });
        Ok(out)
    }
}

/// What an inspection started by `me` from task `id` takes from it; refused when the task
/// is not `me`'s, is cancelled, is done, or names another enterprise.
pub(crate) fn start_from(conn: &rusqlite::Connection, id: Id, me: Id, enterprise: Id) -> Result<TaskStart> {
    let row: Option<(String, String, String, String, bool)> = conn
        .query_row(
            &format!(
                "SELECT enterprise_id, officer_a, officer_b, status,
                        EXISTS (SELECT 1 FROM inspection i WHERE {DOES} AND i.status = 'finished')
                 FROM task t WHERE id = ?1"
            ),
            [id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let Some((ent, a, b, status, done)) = row else {
        return Err(StoreError::NotFound { kind: "task", id: id.to_string() });
    };
    let me = me.to_string();
    if me != a && me != b {
        return Err(StoreError::Refused("这项任务没有分给本机的执法人员".into()));
    }
    if status != Status::Open.as_str() {
        return Err(StoreError::Refused("这项任务已被区局取消".into()));
    }
    if done {
        return Err(StoreError::Refused("这项任务已完成".into()));
    }
    if ent != enterprise.to_string() {
        return Err(StoreError::Refused("检查的单位与任务的单位不一致".into()));
    }
    let colleague = if me == a { b } else { a };
    Ok(TaskStart { enterprise_id: parse_id(&ent)?, colleague_id: parse_id(&colleague)? })
}
