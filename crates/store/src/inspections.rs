//! Inspections and their answers. Each answer is saved as it is given, so a draft
//! survives the app being closed or killed.

use anjian_core::inspection::{Answer, AnswerResult, Inspection, InspectionStatus};
use anjian_core::{search_text, validate, Id};
use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;

use crate::error::{Result, StoreError};
use crate::{parse_id, parse_time, Store, Writer};

#[derive(Debug, Clone)]
pub struct NewInspection {
    pub enterprise_id: Id,
    pub template_id: String,
    pub template_version: u32,
    pub inspectors: Vec<Id>,
    pub accompanying_person: Option<String>,
    pub notes: String,
    /// When it started, if not now (a record made elsewhere).
    pub started_at: Option<DateTime<Utc>>,
}

impl Writer<'_> {
    pub fn insert_inspection(&mut self, new: &NewInspection) -> Result<Inspection> {
        Inspection::check_officers(&new.inspectors).map_err(|e| StoreError::Refused(e.to_string()))?;
        crate::enterprises::enterprise(&self.tx, new.enterprise_id)?;
        let notes = validate::multiline_text("notes", &new.notes, 20_000)?.unwrap_or_default();
        let accompanying = match &new.accompanying_person {
            Some(p) => validate::text("accompanyingPerson", p, 40)?,
            None => None,
        };
        let id = Id::new();
        let rev = self.tick();
        let started_at = new.started_at.unwrap_or(self.now);
        self.tx.execute(
            "INSERT INTO inspection (id, enterprise_id, template_id, template_version, accompanying_person, started_at, status, notes, device_id, rev)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'draft', ?7, ?8, ?9)",
            rusqlite::params![id.to_string(), new.enterprise_id.to_string(), new.template_id, new.template_version, accompanying, started_at.to_rfc3339(), notes, self.device_id, rev.to_string()],
        )?;
        for (i, officer) in new.inspectors.iter().enumerate() {
            let known: bool = self.tx.query_row("SELECT EXISTS (SELECT 1 FROM inspector WHERE id = ?1)", [officer.to_string()], |r| r.get(0))?;
            if !known {
                return Err(StoreError::NotFound { kind: "inspector", id: officer.to_string() });
            }
            self.tx.execute(
                "INSERT INTO inspection_officer (inspection_id, position, inspector_id) VALUES (?1, ?2, ?3)",
                (id.to_string(), i as i64, officer.to_string()),
            )?;
        }
        let rowid: i64 = self.tx.query_row("SELECT rowid FROM inspection WHERE id = ?1", [id.to_string()], |r| r.get(0))?;
        self.tx.execute(
            "INSERT INTO inspection_fts (rowid, pairs, singles) VALUES (?1, ?2, ?3)",
            (rowid, search_text::pairs(&notes), search_text::singles(&notes)),
        )?;
        let inspection = Inspection {
            id,
            enterprise_id: new.enterprise_id,
            template_id: new.template_id.clone(),
            template_version: new.template_version,
            inspectors: new.inspectors.clone(),
            accompanying_person: accompanying,
            started_at,
            finished_at: None,
            status: InspectionStatus::Draft,
            notes,
        };
        self.record("inspection", &id.to_string(), "insert", rev, &inspection, true)?;
        Ok(inspection)
    }

    /// Records (or changes) one item's answer of a draft inspection.
    pub fn put_answer(&mut self, answer: &Answer) -> Result<()> {
        let status: Option<String> = self
            .tx
            .query_row("SELECT status FROM inspection WHERE id = ?1", [answer.inspection_id.to_string()], |r| r.get(0))
            .optional()?;
        match status.as_deref() {
            None => return Err(StoreError::NotFound { kind: "inspection", id: answer.inspection_id.to_string() }),
            Some("draft") => {}
            Some(_) => return Err(StoreError::Refused("a finished inspection cannot be changed".into())),
        }
        let note = match &answer.note {
            Some(n) => validate::multiline_text("note", n, 2_000)?,
            None => None,
        };
        let rev = self.tick();
        let photos = serde_json::to_string(&answer.photos).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.tx.execute(
            "INSERT INTO answer (inspection_id, item_code, result, note, photos, rev) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (inspection_id, item_code) DO UPDATE SET result = excluded.result, note = excluded.note, photos = excluded.photos, rev = excluded.rev",
            (answer.inspection_id.to_string(), &answer.item_code, answer.result.as_str(), &note, photos, rev.to_string()),
        )?;
        let key = format!("{}/{}", answer.inspection_id, answer.item_code);
        self.record("answer", &key, "put", rev, answer, true)
    }
}

impl Store {
    pub fn inspection(&self, id: Id) -> Result<Inspection> {
        let key = id.to_string();
        let row = self
            .conn()
            .query_row(
                "SELECT enterprise_id, template_id, template_version, accompanying_person, started_at, finished_at, status, notes FROM inspection WHERE id = ?1",
                [&key],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, u32>(2)?, r.get::<_, Option<String>>(3)?, r.get::<_, String>(4)?, r.get::<_, Option<String>>(5)?, r.get::<_, String>(6)?, r.get::<_, String>(7)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound { kind: "inspection", id: key.clone() })?;
        let mut stmt = self.conn().prepare_cached("SELECT inspector_id FROM inspection_officer WHERE inspection_id = ?1 ORDER BY position")?;
        let officers = stmt.query_map([&key], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
        Ok(Inspection {
            id,
            enterprise_id: parse_id(&row.0)?,
            template_id: row.1,
            template_version: row.2,
            inspectors: officers.iter().map(|o| parse_id(o)).collect::<Result<_>>()?,
            accompanying_person: row.3,
            started_at: parse_time(&row.4)?,
            finished_at: row.5.as_deref().map(parse_time).transpose()?,
            status: InspectionStatus::parse(&row.6).ok_or_else(|| StoreError::Corrupt(format!("inspection {id}: status {}", row.6)))?,
            notes: row.7,
        })
    }

    pub fn answers(&self, inspection: Id) -> Result<Vec<Answer>> {
        let mut stmt = self.conn().prepare_cached("SELECT item_code, result, note, photos FROM answer WHERE inspection_id = ?1 ORDER BY item_code")?;
        let rows = stmt.query_map([inspection.to_string()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?, r.get::<_, String>(3)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (item_code, result, note, photos) = row?;
            let result = AnswerResult::parse(&result).ok_or_else(|| StoreError::Corrupt(format!("answer {item_code}: result {result}")))?;
            let photos = serde_json::from_str(&photos).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            out.push(Answer { inspection_id: inspection, item_code, result, note, photos });
        }
        Ok(out)
    }
}
