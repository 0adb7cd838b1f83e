//! Full-text search over inspection notes and hazard descriptions, newest first.

use anjian_core::{Id, search_text};
use serde::Serialize;

use crate::error::Result;
use crate::{Store, parse_id};

#[derive(Debug, Clone, Serialize, PartialEq, Eq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct NoteHit {
    /// "inspection" or "hazard".
    pub kind: String,
    pub id: Id,
    pub enterprise_id: Id,
    pub at: String,
    pub text: String,
}

/// From this many index hits on, a term counts as common.
const DENSE: u32 = 1_000;

#[derive(Debug)]
struct Side {
    kind: &'static str,
    table: &'static str,
    fts: &'static str,
    at: &'static str,
    text: &'static str,
}

const INSPECTIONS: Side =
    Side { kind: "inspection", table: "inspection", fts: "inspection_fts", at: "started_at", text: "notes" };
const HAZARDS: Side = Side { kind: "hazard", table: "hazard", fts: "hazard_fts", at: "found_at", text: "description" };

impl Store {
    /// The newest `limit` inspections and hazards whose text holds every word of the
    /// query, newest first.
    pub fn search_notes(&self, query: &str, limit: u32) -> Result<Vec<NoteHit>> {
        let Some(expr) = search_text::fts_query(query, search_text::PLAIN) else { return Ok(Vec::new()) };
        let limit = limit.clamp(1, 200);
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        let mut out = Vec::new();
        for side in [&INSPECTIONS, &HAZARDS] {
            out.extend(self.newest_matches(side, &expr, &words, limit)?);
        }
        out.sort_by(|a, b| b.at.cmp(&a.at));
        out.truncate(limit as usize);
        Ok(out)
    }

    /// One table's newest matches. A rare term is looked up in the index and the few
    /// hits sorted; a common one (many index hits) is found faster by walking the
    /// time index newest first and checking each text, stopping at `limit`. Both give
    /// the same rows: the index's candidates are a superset of the substring matches.
    fn newest_matches(&self, side: &Side, expr: &str, words: &[String], limit: u32) -> Result<Vec<NoteHit>> {
        let Side { kind, table, fts, at, text } = *side;
        let dense: bool = self.conn()?.query_row(
            &format!("SELECT count(*) >= {DENSE} FROM (SELECT 1 FROM {fts} WHERE {fts} MATCH ?1 LIMIT {DENSE})"),
            [expr],
            |r| r.get(0),
        )?;
        let mut params = vec![expr.to_owned()];
        let mut verify = String::new();
        for w in words {
            params.push(w.clone());
            verify.push_str(&format!(" AND instr(lower(t.{text}), ?{}) > 0", params.len()));
        }
        let candidates = if dense {
            "?1 IS NOT NULL".to_owned()
        } else {
            // Records still waiting for their index entries are candidates too.
            format!(
                "t.fts_key IN (SELECT rowid FROM {fts} WHERE {fts} MATCH ?1
                               UNION ALL SELECT fts_key FROM search_backlog WHERE tbl = '{table}')"
            )
        };
        let sql = format!(
            "SELECT t.id, t.enterprise_id, t.{at}, t.{text} FROM {table} t WHERE {candidates}{verify} ORDER BY t.{at} DESC LIMIT {limit}"
        );
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(params.iter()), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, enterprise, at, text) = row?;
            out.push(NoteHit {
                kind: kind.to_owned(),
                id: parse_id(&id)?,
                enterprise_id: parse_id(&enterprise)?,
                at,
                text,
            });
        }
        Ok(out)
    }
}
