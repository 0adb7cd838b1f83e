//! Checklist templates in the store: every version ever loaded is kept, unchanged,
//! so an inspection can always show the exact checklist it used. A bundled or
//! published file that fails validation is reported and the last good version stays.

use anjian_core::checklist::Template;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Result, StoreError};
use crate::{Store, Writer};

#[derive(Debug, Clone, Serialize, PartialEq, Eq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct TemplateSummary {
    pub id: String,
    pub version: u32,
    pub sector: String,
    pub title: String,
    pub scored: bool,
    pub item_count: u32,
}

/// A template file that was refused, and why.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, ts_rs::TS)]
pub struct TemplateProblem {
    pub file: String,
    pub problem: String,
}

impl Writer<'_> {
    /// Stores a checked template version. The same version with other content is
    /// refused: a published version never changes.
    pub fn put_template(&mut self, t: &Template) -> Result<bool> {
        let body = serde_json::to_string(t).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let sha = hex::encode(Sha256::digest(body.as_bytes()));
        let existing: Option<String> = self
            .tx
            .query_row(
                "SELECT sha256 FROM checklist_template WHERE id = ?1 AND version = ?2",
                (&t.id, t.version),
                |r| r.get(0),
            )
            .optional()?;
        match existing {
            Some(old) if old == sha => return Ok(false),
            Some(_) => {
                return Err(StoreError::Refused(format!(
                    "checklist {} version {} already exists with other content",
                    t.id, t.version
                )));
            }
            None => {}
        }
        self.tx.execute(
            "INSERT INTO checklist_template (id, version, sector, title, item_count, body, sha256, loaded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            rusqlite::params![t.id, t.version, t.sector, t.title, t.items().count() as i64, body, sha, self.now.to_rfc3339()],
        )?;
        self.record("checklist", &format!("{}/{}", t.id, t.version), "load", &sha, false)?;
        Ok(true)
    }
}

pub(crate) fn template(conn: &Connection, id: &str, version: u32) -> Result<Template> {
    let body: Option<String> = conn
        .query_row("SELECT body FROM checklist_template WHERE id = ?1 AND version = ?2", (id, version), |r| r.get(0))
        .optional()?;
    let body = body.ok_or_else(|| StoreError::NotFound { kind: "checklist", id: format!("{id}/{version}") })?;
    serde_json::from_str(&body).map_err(|e| StoreError::Corrupt(format!("checklist {id}/{version}: {e}")))
}

impl Store {
    /// Loads template files (name, content): each good one is stored, each bad one
    /// reported with the file, the item and the reason.
    pub fn load_templates(&self, files: &[(&str, &str)]) -> Result<Vec<TemplateProblem>> {
        let sectors: Vec<String> = self.sectors()?.into_iter().map(|s| s.code).collect();
        let sector_refs: Vec<&str> = sectors.iter().map(String::as_str).collect();
        let mut problems = Vec::new();
        for (file, json) in files {
            let problem = match Template::parse(json, &sector_refs) {
                Ok(t) => match self.write(|w| w.put_template(&t)) {
                    Ok(_) => None,
                    Err(StoreError::Refused(why)) => Some(why),
                    Err(e) => return Err(e),
                },
                Err(e) => Some(e.message()),
            };
            if let Some(problem) = problem {
                problems.push(TemplateProblem { file: (*file).to_owned(), problem });
            }
        }
        Ok(problems)
    }

    /// The newest version of each template, optionally of one sector.
    pub fn templates(&self, sector: Option<&str>) -> Result<Vec<TemplateSummary>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(
            "SELECT t.id, t.version, t.sector, t.title, t.item_count, t.body FROM checklist_template t
             WHERE (?1 IS NULL OR t.sector = ?1)
               AND t.version = (SELECT max(version) FROM checklist_template u WHERE u.id = t.id)
             ORDER BY t.sector, t.id",
        )?;
        let rows = stmt.query_map([sector], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, u32>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, u32>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, version, sector, title, item_count, body) = row?;
            // Scored templates say so in their body; no need to keep a column in step.
            let scored =
                serde_json::from_str::<serde_json::Value>(&body).map(|v| !v["scoring"].is_null()).unwrap_or(false);
            out.push(TemplateSummary { id, version, sector, title, scored, item_count });
        }
        Ok(out)
    }

    pub fn template(&self, id: &str, version: u32) -> Result<Template> {
        template(&*self.conn()?, id, version)
    }
}
