//! Full-text search over inspection notes and hazard descriptions, newest first.

use anjian_core::{search_text, Id};
use serde::Serialize;

use crate::error::Result;
use crate::{parse_id, Store};

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct NoteHit {
    /// "inspection" or "hazard".
    pub kind: String,
    pub id: Id,
    pub enterprise_id: Id,
    pub at: String,
    pub text: String,
}

impl Store {
    pub fn search_notes(&self, query: &str, limit: u32) -> Result<Vec<NoteHit>> {
        let Some(expr) = search_text::fts_query(query, search_text::PLAIN) else { return Ok(Vec::new()) };
        let limit = limit.clamp(1, 200);
        // Each side takes its newest `limit` through the FTS rowid order, then merge.
        let sql = format!(
            "SELECT * FROM (
               SELECT 'inspection', i.id, i.enterprise_id, i.started_at AS at, i.notes FROM inspection i
               WHERE i.rowid IN (SELECT rowid FROM inspection_fts WHERE inspection_fts MATCH ?1 ORDER BY rowid DESC LIMIT {limit})
               UNION ALL
               SELECT 'hazard', h.id, h.enterprise_id, h.found_at AS at, h.description FROM hazard h
               WHERE h.rowid IN (SELECT rowid FROM hazard_fts WHERE hazard_fts MATCH ?1 ORDER BY rowid DESC LIMIT {limit})
             ) ORDER BY at DESC LIMIT {limit}"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([&expr], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (kind, id, enterprise, at, text) = row?;
            out.push(NoteHit { kind, id: parse_id(&id)?, enterprise_id: parse_id(&enterprise)?, at, text });
        }
        Ok(out)
    }
}
