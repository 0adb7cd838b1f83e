//! Hazards and the hazard ledger (隐患台账). Status moves only forward and every move
//! is kept as an event; overdue is derived from the deadline at query time.

use anjian_core::hazard::{Hazard, HazardStatus, Level};
use anjian_core::{Id, search_text, validate};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, params_from_iter};
use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::{Store, Writer, parse_id, parse_time};

#[derive(Debug, Clone)]
pub struct NewHazard {
    pub enterprise_id: Id,
    pub inspection_id: Option<Id>,
    pub item_code: Option<String>,
    pub description: String,
    pub level: Level,
    pub deadline: NaiveDate,
    /// When it was found, if not now (a record made elsewhere).
    pub found_at: Option<DateTime<Utc>>,
}

impl Writer<'_> {
    pub fn insert_hazard(&mut self, new: &NewHazard) -> Result<Hazard> {
        crate::enterprises::enterprise(&self.tx, new.enterprise_id)?;
        let description = anjian_core::hazard::check_description(&new.description)?;
        let id = Id::new();
        let rev = self.tick();
        let h = Hazard {
            id,
            enterprise_id: new.enterprise_id,
            inspection_id: new.inspection_id,
            item_code: new.item_code.clone(),
            description,
            level: new.level,
            deadline: new.deadline,
            status: HazardStatus::Open,
            found_at: new.found_at.unwrap_or(self.now),
        };
        self.tx.execute(
            "INSERT INTO hazard (id, enterprise_id, inspection_id, item_code, description, level, deadline, status, found_at, device_id, rev)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'open', ?8, ?9, ?10)",
            rusqlite::params![
                id.to_string(), h.enterprise_id.to_string(), h.inspection_id.map(|i| i.to_string()), h.item_code,
                h.description, h.level.as_str(), h.deadline.to_string(), h.found_at.to_rfc3339(), self.device_id, rev.to_string()
            ],
        )?;
        self.index_text("hazard", &id.to_string(), &h.description)?;
        self.tx.execute(
            "INSERT INTO hazard_event (hazard_id, at, status, note, rev) VALUES (?1, ?2, 'open', NULL, ?3)",
            (id.to_string(), h.found_at.to_rfc3339(), rev.to_string()),
        )?;
        self.record("hazard", &id.to_string(), "insert", &h, true)?;
        Ok(h)
    }

    /// The unit reports the hazard rectified (整改完成, 待复查), as an officer records
    /// it: the status moves to rectified, with the report's note and photos in the history.
    pub fn report_rectified(&mut self, id: Id, note: &str, photos: &[String]) -> Result<HazardStatus> {
        self.ensure_attachments(photos)?;
        validate::required_multiline("note", note, 2_000)?;
        match self.hazard_status(id)? {
            HazardStatus::Open => {}
            HazardStatus::Rectified => {
                return Err(StoreError::Refused(format!("hazard {id} is already reported rectified")));
            }
            HazardStatus::Verified => return Err(StoreError::AlreadyClosed),
        }
        self.move_hazard(id, HazardStatus::Rectified, Some(note), None, photos)
    }

    /// A re-inspection (复查) of one hazard: rectified closes it (verified); not
    /// rectified leaves its status and keeps the finding, note and photos in its history.
    pub fn review_hazard(&mut self, id: Id, rectified: bool, note: &str, photos: &[String]) -> Result<HazardStatus> {
        self.ensure_attachments(photos)?;
        if !rectified {
            // What is still wrong must be written down.
            validate::required_multiline("note", note, 2_000)?;
        }
        let current = self.hazard_status(id)?;
        let next = if rectified { HazardStatus::Verified } else { current };
        if current == HazardStatus::Verified {
            return Err(StoreError::AlreadyClosed);
        }
        self.move_hazard(id, next, Some(note), Some(if rectified { "rectified" } else { "notRectified" }), photos)
    }

    fn hazard_status(&self, id: Id) -> Result<HazardStatus> {
        let current: Option<String> =
            self.tx.query_row("SELECT status FROM hazard WHERE id = ?1", [id.to_string()], |r| r.get(0)).optional()?;
        let current = current.ok_or_else(|| StoreError::NotFound { kind: "hazard", id: id.to_string() })?;
        HazardStatus::parse(&current).ok_or_else(|| StoreError::Corrupt(format!("bad hazard status {current}")))
    }

    /// Moves a hazard forward (rectified, verified). A move back is refused.
    pub fn set_hazard_status(&mut self, id: Id, next: HazardStatus, note: Option<&str>) -> Result<HazardStatus> {
        self.move_hazard(id, next, note, None, &[])
    }

    fn move_hazard(
        &mut self,
        id: Id,
        next: HazardStatus,
        note: Option<&str>,
        review: Option<&str>,
        photos: &[String],
    ) -> Result<HazardStatus> {
        let current = self.hazard_status(id)?;
        let next = current.advance(next).map_err(|e| StoreError::Refused(e.to_string()))?;
        let note = match note {
            Some(n) => validate::multiline_text("note", n, 2_000)?,
            None => None,
        };
        let rev = self.tick();
        self.tx.execute(
            "UPDATE hazard SET status = ?2, rev = ?3 WHERE id = ?1",
            (id.to_string(), next.as_str(), rev.to_string()),
        )?;
        let photo_list = serde_json::to_string(photos).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.tx.execute(
            "INSERT INTO hazard_event (hazard_id, at, status, note, rev, review, photos) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            (id.to_string(), self.now.to_rfc3339(), next.as_str(), &note, rev.to_string(), review, photo_list),
        )?;
        #[derive(Serialize, ts_rs::TS)]
        struct Change<'a> {
            status: HazardStatus,
            note: Option<&'a str>,
            review: Option<&'a str>,
            photos: &'a [String],
        }
        self.record(
            "hazard",
            &id.to_string(),
            "status",
            &Change { status: next, note: note.as_deref(), review, photos },
            true,
        )?;
        Ok(next)
    }
}

/// Where a calendar day of Beijing (UTC+8) starts, in the stored UTC form.
fn beijing_day_start(d: NaiveDate) -> String {
    anjian_core::beijing::start_of_day(d).to_rfc3339()
}

/// A hazard's 挂牌督办 as pulled from the server.
fn supervision(conn: &rusqlite::Connection, hazard_id: &str) -> Result<Option<anjian_core::supervision::Supervision>> {
    use anjian_core::supervision::{Status, Supervision};
    let mut stmt = conn.prepare_cached(
        "SELECT supervisor, due, status, note, set_by, set_at FROM hazard_supervision WHERE hazard_id = ?1",
    )?;
    let row = stmt
        .query_row([hazard_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })
        .optional()?;
    let Some((supervisor, due, status, note, set_by, set_at)) = row else { return Ok(None) };
    let corrupt = |what: &str| StoreError::Corrupt(format!("supervision of {hazard_id}: {what}"));
    Ok(Some(Supervision {
        hazard_id: parse_id(hazard_id)?,
        supervisor,
        due: due.parse().map_err(|_| corrupt("due"))?,
        status: Status::parse(&status).ok_or_else(|| corrupt("status"))?,
        note,
        set_by,
        set_at: parse_time(&set_at)?,
    }))
}

/// Ledger filters; every field narrows, `None` does not. Dates are Beijing's.
#[derive(Debug, Clone, Default)]
pub struct HazardFilter {
    pub status: Option<HazardStatus>,
    pub overdue: Option<bool>,
    pub level: Option<Level>,
    pub division: Option<String>,
    pub sector: Option<String>,
    pub enterprise: Option<Id>,
    pub inspection: Option<Id>,
    /// One hazard by id (its ledger row).
    pub hazard: Option<Id>,
    pub found_from: Option<NaiveDate>,
    pub found_to: Option<NaiveDate>,
    pub text: Option<String>,
    pub limit: u32,
    pub offset: u32,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "LedgerRow")]
pub struct HazardRow {
    pub hazard: Hazard,
    pub enterprise_name: String,
    pub division_code: String,
    pub overdue: bool,
    /// 挂牌督办, when the bureau has put the hazard under it.
    pub supervision: Option<anjian_core::supervision::Supervision>,
    /// 督办逾期 (`core::supervision::is_overdue`): in force, the hazard open, past its day.
    pub supervision_overdue: bool,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq, ts_rs::TS)]
#[ts(rename = "LedgerCounts")]
pub struct HazardCounts {
    #[ts(type = "number")]
    pub total: u64,
    #[ts(type = "number")]
    pub open: u64,
    #[ts(type = "number")]
    pub rectified: u64,
    #[ts(type = "number")]
    pub verified: u64,
    #[ts(type = "number")]
    pub overdue: u64,
    #[ts(type = "number")]
    pub major: u64,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(rename = "LedgerPage")]
pub struct HazardPage {
    pub counts: HazardCounts,
    pub items: Vec<HazardRow>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, ts_rs::TS)]
#[ts(rename = "HazardHistoryEvent")]
pub struct HazardEvent {
    pub at: String,
    pub status: HazardStatus,
    pub note: Option<String>,
    /// "rectified" or "notRectified" for a re-inspection.
    #[ts(type = "\"rectified\" | \"notRectified\" | null")]
    pub review: Option<String>,
    pub photos: Vec<String>,
}

impl Store {
    /// The ledger page for `filter` as of `today`, newest findings first, with counts
    /// over the whole filtered set.
    pub fn hazard_ledger(&self, filter: &HazardFilter, today: NaiveDate) -> Result<HazardPage> {
        let mut params: Vec<String> = vec![today.to_string()];
        let mut clauses: Vec<String> = Vec::new();
        fn push(params: &mut Vec<String>, clauses: &mut Vec<String>, clause: &str, value: String) {
            params.push(value);
            clauses.push(clause.replace('?', &format!("?{}", params.len())));
        }
        if let Some(s) = filter.status {
            push(&mut params, &mut clauses, "h.status = ?", s.as_str().to_owned());
        }
        match filter.overdue {
            Some(true) => clauses.push("(h.status = 'open' AND h.deadline < ?1)".into()),
            Some(false) => clauses.push("NOT (h.status = 'open' AND h.deadline < ?1)".into()),
            None => {}
        }
        if let Some(l) = filter.level {
            push(&mut params, &mut clauses, "h.level = ?", l.as_str().to_owned());
        }
        if let Some(d) = &filter.division {
            push(
                &mut params,
                &mut clauses,
                "h.enterprise_id IN (SELECT id FROM enterprise WHERE division_code = ?)",
                d.clone(),
            );
        }
        if let Some(s) = &filter.sector {
            push(
                &mut params,
                &mut clauses,
                "h.enterprise_id IN (SELECT enterprise_id FROM enterprise_sector WHERE sector_code = ?)",
                s.clone(),
            );
        }
        if let Some(e) = filter.enterprise {
            push(&mut params, &mut clauses, "h.enterprise_id = ?", e.to_string());
        }
        if let Some(h) = filter.hazard {
            push(&mut params, &mut clauses, "h.id = ?", h.to_string());
        }
        if let Some(i) = filter.inspection {
            push(&mut params, &mut clauses, "h.inspection_id = ?", i.to_string());
        }
        if let Some(d) = filter.found_from {
            push(&mut params, &mut clauses, "h.found_at >= ?", beijing_day_start(d));
        }
        if let Some(d) = filter.found_to {
            push(&mut params, &mut clauses, "h.found_at < ?", beijing_day_start(d + chrono::Days::new(1)));
        }
        if let Some(t) = filter.text.as_deref().filter(|t| !t.trim().is_empty()) {
            match search_text::fts_query(t, search_text::PLAIN) {
                Some(expr) => {
                    // Hazards still waiting for their index entries are read directly.
                    params.push(expr);
                    let mut clause = format!(
                        "h.fts_key IN (SELECT rowid FROM hazard_fts WHERE hazard_fts MATCH ?{}
                         UNION ALL SELECT b.fts_key FROM search_backlog b JOIN hazard x ON x.fts_key = b.fts_key
                         WHERE b.tbl = 'hazard'",
                        params.len()
                    );
                    for word in t.split_whitespace() {
                        params.push(word.to_lowercase());
                        clause.push_str(&format!(" AND instr(lower(x.description), ?{}) > 0", params.len()));
                    }
                    clause.push(')');
                    clauses.push(clause);
                }
                None => clauses.push("0".into()),
            }
        }
        let filter_sql = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
        // Filters and counts read the hazard table (its covering index) alone; only the
        // page's rows are joined to their enterprise.
        let counts = self.conn()?.query_row(
            &format!(
                "SELECT count(*), coalesce(sum(h.status = 'open'), 0), coalesce(sum(h.status = 'rectified'), 0), coalesce(sum(h.status = 'verified'), 0),
                        coalesce(sum(h.status = 'open' AND h.deadline < ?1), 0), coalesce(sum(h.level = 'major'), 0)
                 FROM hazard h {filter_sql}"
            ),
            params_from_iter(params.iter()),
            |r| Ok(HazardCounts { total: r.get(0)?, open: r.get(1)?, rectified: r.get(2)?, verified: r.get(3)?, overdue: r.get(4)?, major: r.get(5)? }),
        )?;
        let limit = filter.limit.clamp(1, 500);
        let sql = format!(
            "SELECT h.id, h.enterprise_id, h.inspection_id, h.item_code, h.description, h.level, h.deadline, h.status, h.found_at, e.name, e.division_code,
                    (h.status = 'open' AND h.deadline < ?1)
             FROM (SELECT * FROM hazard h {filter_sql} ORDER BY h.found_at DESC LIMIT {limit} OFFSET {}) h
             JOIN enterprise e ON e.id = h.enterprise_id ORDER BY h.found_at DESC",
            filter.offset
        );
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(params.iter()), |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, String>(9)?,
                r.get::<_, String>(10)?,
                r.get::<_, bool>(11)?,
            ))
        })?;
        let mut items = Vec::new();
        for row in rows {
            let (
                id,
                ent,
                insp,
                item_code,
                description,
                level,
                deadline,
                status,
                found_at,
                enterprise_name,
                division_code,
                overdue,
            ) = row?;
            let hazard = Hazard {
                id: parse_id(&id)?,
                enterprise_id: parse_id(&ent)?,
                inspection_id: insp.as_deref().map(parse_id).transpose()?,
                item_code,
                description,
                level: Level::parse(&level)
                    .ok_or_else(|| StoreError::Corrupt(format!("hazard {id}: level {level}")))?,
                deadline: deadline.parse().map_err(|_| StoreError::Corrupt(format!("bad deadline {deadline}")))?,
                status: HazardStatus::parse(&status)
                    .ok_or_else(|| StoreError::Corrupt(format!("bad status {status}")))?,
                found_at: parse_time(&found_at)?,
            };
            // The same rule as `Hazard::is_overdue`, computed where the filter and counts are.
            debug_assert_eq!(overdue, hazard.is_overdue(today));
            let supervision = supervision(&conn, &id)?;
            let supervision_overdue = supervision
                .as_ref()
                .is_some_and(|s| anjian_core::supervision::is_overdue(s.status, hazard.status, s.due, today));
            items.push(HazardRow { overdue, hazard, enterprise_name, division_code, supervision, supervision_overdue });
        }
        Ok(HazardPage { counts, items })
    }

    /// Every status the hazard has had, oldest first.
    pub fn hazard_history(&self, id: Id) -> Result<Vec<HazardEvent>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(
            "SELECT at, status, note, review, photos FROM hazard_event WHERE hazard_id = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([id.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (at, status, note, review, photos) = row?;
            let status =
                HazardStatus::parse(&status).ok_or_else(|| StoreError::Corrupt(format!("bad status {status}")))?;
            let photos = serde_json::from_str(&photos).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            out.push(HazardEvent { at, status, note, review, photos });
        }
        Ok(out)
    }
}
