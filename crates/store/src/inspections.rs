//! Inspections and their answers. Each answer is saved as it is given, so a draft
//! survives the app being closed or killed.

use anjian_core::checklist::DeductionError;
use anjian_core::inspection::{Answer, AnswerResult, Inspection, InspectionStatus};
use anjian_core::validate::{FieldError, Rule};
use anjian_core::{Id, validate};
use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;

use crate::error::{Result, StoreError};
use crate::{Store, Writer, parse_id, parse_time};

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
    /// The task it does (its enterprise and officers must be the task's).
    pub task_id: Option<Id>,
}

impl Writer<'_> {
    pub fn insert_inspection(&mut self, new: &NewInspection) -> Result<Inspection> {
        Inspection::check_officers(&new.inspectors).map_err(|e| StoreError::Refused(e.to_string()))?;
        crate::enterprises::enterprise(&self.tx, new.enterprise_id)?;
        crate::templates::template(&self.tx, &new.template_id, new.template_version)?;
        let notes = validate::multiline_text("notes", &new.notes, 20_000)?.unwrap_or_default();
        let accompanying = match &new.accompanying_person {
            Some(p) => validate::text("accompanyingPerson", p, 40)?,
            None => None,
        };
        if let Some(task) = new.task_id {
            let me = new.inspectors[0];
            let start = crate::tasks::start_from(&self.tx, task, me, new.enterprise_id)?;
            if !new.inspectors.contains(&start.colleague_id) {
                return Err(StoreError::Refused("任务的两名执法人员应一同检查".into()));
            }
        }
        let id = Id::new();
        let rev = self.tick();
        let started_at = new.started_at.unwrap_or(self.now);
        self.tx.execute(
            "INSERT INTO inspection (id, enterprise_id, template_id, template_version, accompanying_person, started_at, status, notes, device_id, rev, task_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'draft', ?7, ?8, ?9, ?10)",
            rusqlite::params![id.to_string(), new.enterprise_id.to_string(), new.template_id, new.template_version, accompanying, started_at.to_rfc3339(), notes, self.device_id, rev.to_string(), new.task_id.map(|t| t.to_string())],
        )?;
        for (i, officer) in new.inspectors.iter().enumerate() {
            let known: bool = self.tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM inspector WHERE id = ?1)",
                [officer.to_string()],
                |r| r.get(0),
            )?;
            if !known {
                return Err(StoreError::NotFound { kind: "inspector", id: officer.to_string() });
            }
            self.tx.execute(
                "INSERT INTO inspection_officer (inspection_id, position, inspector_id) VALUES (?1, ?2, ?3)",
                (id.to_string(), i as i64, officer.to_string()),
            )?;
        }
        self.index_text("inspection", &id.to_string(), &notes)?;
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
        self.record("inspection", &id.to_string(), "insert", &inspection, true)?;
        Ok(inspection)
    }

    /// Records (or changes) one item's answer of a draft inspection.
    pub fn put_answer(&mut self, answer: &Answer) -> Result<()> {
        let template = self.draft_template(answer.inspection_id)?;
        let item = template
            .item(&answer.item_code)
            .ok_or_else(|| StoreError::NotFound { kind: "checklist item", id: answer.item_code.clone() })?;
        let deducted = item.answer.deduction(answer.result, answer.deducted).map_err(|e| match e {
            DeductionError::OutOfRange { max } => {
                StoreError::Invalid(FieldError::new("deducted", Rule::Range { min: 1, max }))
            }
            DeductionError::NotScored => StoreError::Refused(e.to_string()),
        })?;
        let note = match &answer.note {
            Some(n) => validate::multiline_text("note", n, 2_000)?,
            None => None,
        };
        let rev = self.tick();
        let photos = serde_json::to_string(&answer.photos).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.tx.execute(
            "INSERT INTO answer (inspection_id, item_code, result, note, photos, rev, deducted) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (inspection_id, item_code) DO UPDATE SET result = excluded.result, note = excluded.note, photos = excluded.photos,
                 rev = excluded.rev, deducted = excluded.deducted",
            (answer.inspection_id.to_string(), &answer.item_code, answer.result.as_str(), &note, photos, rev.to_string(), deducted),
        )?;
        self.ensure_attachments(&answer.photos)?;
        let key = format!("{}/{}", answer.inspection_id, answer.item_code);
        self.record("answer", &key, "put", answer, true)
    }
}

impl Store {
    pub fn inspection(&self, id: Id) -> Result<Inspection> {
        let key = id.to_string();
        let row = self
            .conn()?
            .query_row(
                "SELECT enterprise_id, template_id, template_version, accompanying_person, started_at, finished_at, status, notes FROM inspection WHERE id = ?1",
                [&key],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, u32>(2)?, r.get::<_, Option<String>>(3)?, r.get::<_, String>(4)?, r.get::<_, Option<String>>(5)?, r.get::<_, String>(6)?, r.get::<_, String>(7)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound { kind: "inspection", id: key.clone() })?;
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare_cached("SELECT inspector_id FROM inspection_officer WHERE inspection_id = ?1 ORDER BY position")?;
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
            status: InspectionStatus::parse(&row.6)
                .ok_or_else(|| StoreError::Corrupt(format!("inspection {id}: status {}", row.6)))?,
            notes: row.7,
        })
    }

    pub fn answers(&self, inspection: Id) -> Result<Vec<Answer>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(
            "SELECT item_code, result, note, photos, deducted FROM answer WHERE inspection_id = ?1 ORDER BY item_code",
        )?;
        let rows = stmt.query_map([inspection.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<u32>>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (item_code, result, note, photos, deducted) = row?;
            let result = AnswerResult::parse(&result)
                .ok_or_else(|| StoreError::Corrupt(format!("answer {item_code}: result {result}")))?;
            let photos = serde_json::from_str(&photos).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            out.push(Answer { inspection_id: inspection, item_code, result, note, photos, deducted });
        }
        Ok(out)
    }
}

/// Who signs at the end of an inspection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum SignatureRole {
    Officer1,
    Officer2,
    Unit,
}

impl SignatureRole {
    pub const ALL: [SignatureRole; 3] = [Self::Officer1, Self::Officer2, Self::Unit];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Officer1 => "officer1",
            Self::Officer2 => "officer2",
            Self::Unit => "unit",
        }
    }
}

/// A drawn signature (an attachment) or, for the unit's person only, a refusal.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Signature {
    pub role: SignatureRole,
    pub sha256: Option<String>,
    #[serde(default)]
    pub refused: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct InspectionSummary {
    pub id: Id,
    pub enterprise_id: Id,
    pub enterprise_name: String,
    pub template_title: String,
    pub started_at: String,
    pub status: InspectionStatus,
    pub answered: u32,
    pub total: u32,
}

/// Why an inspection cannot finish yet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FinishError {
    #[error("{0} items are not answered")]
    Incomplete(usize),
    #[error("the signature of {0} is missing")]
    SignatureMissing(&'static str),
    #[error("a signature is given twice for one role")]
    DuplicateSignature,
}

impl Writer<'_> {
    fn draft_template(&self, inspection: Id) -> Result<anjian_core::checklist::Template> {
        let row: Option<(String, u32, String)> = self
            .tx
            .query_row(
                "SELECT template_id, template_version, status FROM inspection WHERE id = ?1",
                [inspection.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let (tid, version, status) =
            row.ok_or_else(|| StoreError::NotFound { kind: "inspection", id: inspection.to_string() })?;
        if status != InspectionStatus::Draft.as_str() {
            return Err(StoreError::Finished);
        }
        crate::templates::template(&self.tx, &tid, version)
    }

    /// Keeps the finish page's work in progress (the proposed hazards as edited) of a
    /// draft inspection. It is device-local and dropped when the inspection finishes.
    pub fn save_finish_draft(&mut self, inspection: Id, body: &serde_json::Value) -> Result<()> {
        self.draft_template(inspection)?;
        let text = body.to_string();
        if !body.is_object() || text.len() > 256 * 1024 {
            return Err(StoreError::Refused("a finish draft is a JSON object of at most 256 KB".into()));
        }
        self.tx.execute(
            "INSERT INTO inspection_finish_draft (inspection_id, body, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (inspection_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
            (inspection.to_string(), &text, self.now.to_rfc3339()),
        )?;
        self.record("inspection", &inspection.to_string(), "finish_draft", body, false)
    }

    pub fn set_inspection_notes(&mut self, inspection: Id, notes: &str) -> Result<()> {
        self.draft_template(inspection)?;
        let notes = validate::multiline_text("notes", notes, 20_000)?.unwrap_or_default();
        let rev = self.tick();
        self.tx.execute(
            "UPDATE inspection SET notes = ?2, rev = ?3 WHERE id = ?1",
            (inspection.to_string(), &notes, rev.to_string()),
        )?;
        self.index_text("inspection", &inspection.to_string(), &notes)?;
        self.record("inspection", &inspection.to_string(), "notes", &notes, true)
    }

    /// Finishes a draft: every item answered, both officers signed and the unit's
    /// person signed or refused; the hazards found are written with it.
    pub fn finish_inspection(
        &mut self,
        inspection: Id,
        hazards: &[crate::NewHazard],
        signatures: &[Signature],
    ) -> Result<Vec<anjian_core::hazard::Hazard>> {
        let template = self.draft_template(inspection)?;
        let answered: std::collections::HashSet<String> = {
            let mut stmt = self.tx.prepare_cached("SELECT item_code FROM answer WHERE inspection_id = ?1")?;
            let rows = stmt.query_map([inspection.to_string()], |r| r.get::<_, String>(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let missing = template.items().filter(|i| !answered.contains(&i.code)).count();
        if missing > 0 {
            return Err(StoreError::Unfinished(FinishError::Incomplete(missing)));
        }
        if signatures.iter().enumerate().any(|(i, s)| signatures[..i].iter().any(|t| t.role == s.role)) {
            return Err(StoreError::Unfinished(FinishError::DuplicateSignature));
        }
        for role in SignatureRole::ALL {
            let s = signatures.iter().find(|s| s.role == role);
            let ok = match s {
                Some(s) if s.refused => role == SignatureRole::Unit && s.sha256.is_none(),
                Some(s) => s.sha256.is_some(),
                None => false,
            };
            if !ok {
                return Err(StoreError::Unfinished(FinishError::SignatureMissing(role.as_str())));
            }
        }
        let enterprise: String =
            self.tx.query_row("SELECT enterprise_id FROM inspection WHERE id = ?1", [inspection.to_string()], |r| {
                r.get(0)
            })?;
        let enterprise = parse_id(&enterprise)?;
        let mut written = Vec::new();
        for h in hazards {
            if h.enterprise_id != enterprise || h.inspection_id != Some(inspection) {
                return Err(StoreError::Refused(
                    "a hazard of this inspection must name its enterprise and inspection".into(),
                ));
            }
            if let Some(code) = &h.item_code
                && template.item(code).is_none()
            {
                return Err(StoreError::NotFound { kind: "checklist item", id: code.clone() });
            }
            written.push(self.insert_hazard(h)?);
        }
        for s in signatures {
            self.ensure_attachments(&s.sha256)?;
            self.tx.execute(
                "INSERT INTO inspection_signature (inspection_id, role, sha256, refused) VALUES (?1, ?2, ?3, ?4)",
                (inspection.to_string(), s.role.as_str(), &s.sha256, s.refused),
            )?;
        }
        let rev = self.tick();
        self.tx.execute("DELETE FROM inspection_finish_draft WHERE inspection_id = ?1", [inspection.to_string()])?;
        self.tx.execute(
            "UPDATE inspection SET status = 'finished', finished_at = ?2, rev = ?3 WHERE id = ?1",
            (inspection.to_string(), self.now.to_rfc3339(), rev.to_string()),
        )?;
        self.record("inspection", &inspection.to_string(), "finish", &signatures, true)?;
        Ok(written)
    }
}

impl Store {
    pub fn finish_draft(&self, inspection: Id) -> Result<Option<serde_json::Value>> {
        let body: Option<String> = self
            .conn()?
            .query_row(
                "SELECT body FROM inspection_finish_draft WHERE inspection_id = ?1",
                [inspection.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        body.map(|b| serde_json::from_str(&b).map_err(|e| StoreError::Corrupt(e.to_string()))).transpose()
    }

    pub fn signatures(&self, inspection: Id) -> Result<Vec<Signature>> {
        let conn = self.conn()?;
        let mut stmt =
            conn.prepare_cached("SELECT role, sha256, refused FROM inspection_signature WHERE inspection_id = ?1")?;
        let rows = stmt.query_map([inspection.to_string()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, bool>(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (role, sha256, refused) = row?;
            let role = SignatureRole::ALL
                .into_iter()
                .find(|r| r.as_str() == role)
                .ok_or_else(|| StoreError::Corrupt(format!("signature role {role}")))?;
            out.push(Signature { role, sha256, refused });
        }
        Ok(out)
    }

    /// Inspections, newest first, with how far each has come.
    pub fn inspections(
        &self,
        status: Option<InspectionStatus>,
        enterprise: Option<Id>,
        limit: u32,
    ) -> Result<Vec<InspectionSummary>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(
            "SELECT i.id, i.enterprise_id, e.name, t.title, i.started_at, i.status,
                    (SELECT count(*) FROM answer a WHERE a.inspection_id = i.id), t.item_count
             FROM inspection i JOIN enterprise e ON e.id = i.enterprise_id
             JOIN checklist_template t ON t.id = i.template_id AND t.version = i.template_version
             WHERE (?1 IS NULL OR i.status = ?1) AND (?2 IS NULL OR i.enterprise_id = ?2)
             ORDER BY i.started_at DESC, i.id DESC LIMIT ?3",
        )?;
        let rows = stmt.query_map(
            (status.map(InspectionStatus::as_str), enterprise.map(|e| e.to_string()), limit.clamp(1, 500)),
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, u32>(6)?,
                    r.get::<_, u32>(7)?,
                ))
            },
        )?;
        let mut out = Vec::new();
        for row in rows {
            let (id, enterprise_id, enterprise_name, template_title, started_at, status, answered, total) = row?;
            out.push(InspectionSummary {
                id: parse_id(&id)?,
                enterprise_id: parse_id(&enterprise_id)?,
                enterprise_name,
                template_title,
                started_at,
                status: InspectionStatus::parse(&status)
                    .ok_or_else(|| StoreError::Corrupt(format!("inspection {id}: status {status}")))?,
                answered,
                total,
            });
        }
        Ok(out)
    }
}
