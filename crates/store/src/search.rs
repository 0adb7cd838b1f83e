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
    /// The newest `limit` inspections and hazards whose text holds every word of the
    /// query, newest first.
    pub fn search_notes(&self, query: &str, limit: u32) -> Result<Vec<NoteHit>> {
        let Some(expr) = search_text::fts_query(query, search_text::PLAIN) else { return Ok(Vec::new()) };
        let limit = limit.clamp(1, 200);
        let mut params = vec![expr];
        let (mut on_notes, mut on_description) = (Vec::new(), Vec::new());
        for word in query.split_whitespace() {
            params.push(word.to_lowercase());
            on_notes.push(format!("AND instr(lower(i.notes), ?{}) > 0", params.len()));
            on_description.push(format!("AND instr(lower(h.description), ?{}) > 0", params.len()));
        }
        let (on_notes, on_description) = (on_notes.join(" "), on_description.join(" "));
        // Each side walks its time index newest first and stops at `limit` matches.
        let sql = format!(
            "SELECT * FROM (SELECT * FROM (
               SELECT 'inspection', i.id, i.enterprise_id, i.started_at AS at, i.notes FROM inspection i
               WHERE i.rowid IN (SELECT rowid FROM inspection_fts WHERE inspection_fts MATCH ?1) {on_notes}
               ORDER BY i.started_at DESC LIMIT {limit})
             UNION ALL SELECT * FROM (
               SELECT 'hazard', h.id, h.enterprise_id, h.found_at AS at, h.description FROM hazard h
               WHERE h.rowid IN (SELECT rowid FROM hazard_fts WHERE hazard_fts MATCH ?1) {on_description}
               ORDER BY h.found_at DESC LIMIT {limit}))
             ORDER BY at DESC LIMIT {limit}"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(params.iter()), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (kind, id, enterprise, at, text) = row?;
            out.push(NoteHit { kind, id: parse_id(&id)?, enterprise_id: parse_id(&enterprise)?, at, text });
        }
        Ok(out)
    }
}
