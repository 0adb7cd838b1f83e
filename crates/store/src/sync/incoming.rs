//! What comes in: a pulled page applied by the merge rules, changes that cannot apply
//! here kept as problems (and retried when they may apply later), the cursor moved in
//! the same transaction.

use std::collections::BTreeMap;

use anjian_core::enterprise::{Enterprise, Profile};
use anjian_core::hlc::Hlc;
use anjian_core::merge::merge_fields;
use anjian_sync::device::Applied;
use anjian_sync::protocol::{PullPage, ServerChange};
use anjian_sync::records::{
    self, AttachmentImage, ChecklistImage, DocumentImage, EnterpriseImage, HazardImage, Image, InspectionImage,
    InspectorImage, SupervisionImage, TaskImage,
};
use anjian_sync::rules;
use rusqlite::OptionalExtension;
use sha2::{Digest, Sha256};

use crate::error::{Result, StoreError};
use crate::{Store, Writer};

use super::images::{document_image, field_revs, hazard_image, inspection_image, profile_fields, supervision_image};
use super::{CURSOR_KEY, to_json};

/// Parked pulled changes tried again at the end of one sync, at most.
const RETRY_AT_ONCE: i64 = 2_000;

/// Why a change could not be applied, for the inspector.
fn reason(e: &StoreError) -> String {
    match e {
        StoreError::Refused(why) => why.clone(),
        StoreError::NumberTaken(number) => {
            format!("文书编号 {number} 在本机已被另一份文书使用：同一文号出现在两份文书上，须由区局核实处理")
        }
        other => other.to_string(),
    }
}

/// Whether a change that could not be applied may apply later (its enterprise may come,
/// a local record be corrected); a document whose number another document here carries
/// never will (a number stays with a voided document).
fn may_apply_later(e: &StoreError) -> bool {
    !matches!(e, StoreError::NumberTaken(_))
}

impl Store {
    /// Applies a pulled page and moves the cursor with it. A page applies whole in one
    /// transaction; only if a change of it cannot apply here is it applied again change
    /// by change, each under a savepoint, so the rest still goes in and the one is
    /// listed. (Savepoints are kept off the common path: with one open, SQLite's
    /// full-text tables write out their pending entries at every statement.)
    pub fn sync_apply(&self, own_device: &str, page: &PullPage) -> Result<Applied> {
        match self.write(|w| w.apply_page(own_device, page, false)) {
            Ok(applied) => Ok(applied),
            Err(_) => self.write(|w| w.apply_page(own_device, page, true)),
        }
    }
}

impl Writer<'_> {
    /// Applies a pulled page and moves the cursor to `page.next`, all in this
    /// transaction. The device's own changes (written by `own_device`) are skipped.
    /// With `isolate`, each change runs under a savepoint and one that cannot apply is
    /// kept as a problem; without, the first such change fails the whole page.
    fn apply_page(&mut self, own_device: &str, page: &PullPage, isolate: bool) -> Result<Applied> {
        let mut out = Applied::default();
        for c in page.changes.iter().filter(|c| c.device_id != own_device) {
            if !isolate {
                self.apply_change(c, own_device)?;
                out.applied += 1;
                continue;
            }
            match self.apply_alone(c, own_device)? {
                None => out.applied += 1,
                Some(e) => {
                    self.park(c, &reason(&e), may_apply_later(&e))?;
                    out.problems += 1;
                }
            }
        }
        // The end of the server's log: what could not be applied before may apply now.
        if !page.more {
            out.applied += self.retry_parked(own_device)?;
        }
        let cursor =
            self.one("SELECT value FROM setting WHERE key = ?1", [CURSOR_KEY], |r| r.get::<_, String>(0)).optional()?;
        let cursor: u64 = cursor.and_then(|s| s.parse().ok()).unwrap_or(0);
        if page.next < cursor {
            return Err(StoreError::Refused(format!("游标后退：{} < {cursor}", page.next)));
        }
        self.set_setting(CURSOR_KEY, &page.next.to_string())?;
        // One audit event per page: which changes from the server were applied here.
        if out.applied + out.problems > 0 {
            let ids: Vec<&str> =
                page.changes.iter().filter(|c| c.device_id != own_device).map(|c| c.change_id.as_str()).collect();
            self.record("sync", &page.next.to_string(), "pulled", &ids, false)?;
        }
        Ok(out)
    }

    /// Applies one change under a savepoint: `Some(why)` when it cannot apply here (and
    /// nothing of it stays); `Err` only when the store itself fails.
    fn apply_alone(&mut self, c: &ServerChange, own_device: &str) -> Result<Option<StoreError>> {
        self.run("SAVEPOINT change", [])?;
        match self.apply_change(c, own_device) {
            Ok(()) => {
                self.run("RELEASE change", [])?;
                Ok(None)
            }
            Err(e) => {
                self.tx.execute_batch("ROLLBACK TO change; RELEASE change")?;
                // What was looked up inside the change may have gone with it.
                self.known.borrow_mut().clear();
                Ok(Some(e))
            }
        }
    }

    /// A pulled change that cannot be applied here, with the reason; kept whole to be
    /// tried again if it may apply later.
    fn park(&self, c: &ServerChange, reason: &str, retry: bool) -> Result<()> {
        let change =
            if retry { Some(serde_json::to_string(c).map_err(|e| StoreError::Corrupt(e.to_string()))?) } else { None };
        self.run(
            "INSERT INTO sync_problem (change_id, direction, record_type, record_id, reason, at, change, seq)
             VALUES (?1, 'pull', ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (change_id) DO UPDATE SET reason = excluded.reason, change = excluded.change, seq = excluded.seq",
            (
                &c.change_id,
                &c.record_type,
                &c.record_id,
                reason,
                self.now.to_rfc3339(),
                change,
                i64::try_from(c.seq).unwrap_or(i64::MAX),
            ),
        )?;
        Ok(())
    }

    /// Tries the parked pulled changes again, each under a savepoint: one that applies
    /// leaves the problem list; one that still cannot keeps its place with the latest
    /// reason. At most `RETRY_AT_ONCE` per sync, the least recently tried first (then in
    /// the server's order). The number applied.
    fn retry_parked(&mut self, own_device: &str) -> Result<u64> {
        let parked: Vec<(String, String)> = {
            let mut stmt = self.tx.prepare_cached(
                "SELECT change_id, change FROM sync_problem WHERE direction = 'pull' AND change IS NOT NULL
                 ORDER BY tried_at, seq LIMIT ?1",
            )?;
            stmt.query_map([RETRY_AT_ONCE], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?
        };
        let mut applied = Vec::new();
        for (change_id, text) in parked {
            let outcome = match serde_json::from_str::<ServerChange>(&text) {
                Err(e) => Err((format!("无法读取保存的记录：{e}"), false)),
                Ok(c) => match self.apply_alone(&c, own_device)? {
                    None => Ok(()),
                    Some(e) => Err((reason(&e), may_apply_later(&e))),
                },
            };
            match outcome {
                Ok(()) => {
                    self.run("DELETE FROM sync_problem WHERE change_id = ?1", [&change_id])?;
                    applied.push(change_id);
                }
                Err((why, again)) => {
                    self.run(
                        "UPDATE sync_problem SET reason = ?2, tried_at = ?3, change = CASE WHEN ?4 THEN change END
                         WHERE change_id = ?1",
                        (&change_id, why, self.now.to_rfc3339(), again),
                    )?;
                }
            }
        }
        if !applied.is_empty() {
            self.record("sync", "retried", "pulled", &applied, false)?;
        }
        Ok(applied.len() as u64)
    }

    fn apply_change(&mut self, c: &ServerChange, own_device: &str) -> Result<()> {
        let rev: Hlc = c.rev.parse().map_err(|_| StoreError::Refused(format!("版本号无效：{}", c.rev)))?;
        let now_ms = u64::try_from(self.now.timestamp_millis()).unwrap_or(0);
        self.clock.observe(rev, now_ms);
        let image = Image::parse_json(&c.record_type, c.payload.get()).map_err(StoreError::Refused)?;
        // The district's rules for what an image may hold, the server's own (a change the
        // server stored before a rule existed is listed here, not applied). Every image is
        // read as core's types here once; the apply_* below rely on it.
        rules::well_formed(&image).map_err(|e| StoreError::Refused(e.to_string()))?;
        if matches!(image, Image::Enterprise(_)) {
            let (divisions, sectors) = self.reference_codes()?;
            rules::in_reference(&image, divisions, sectors).map_err(|e| StoreError::Refused(e.to_string()))?;
        }
        // What only the bureau publishes is taken from the server alone.
        if c.device_id != records::SERVER_DEVICE {
            rules::bureau_only(&image).map_err(|e| StoreError::Refused(e.to_string()))?;
        }
        match &image {
            Image::Enterprise(e) => self.apply_enterprise(e, &c.device_id)?,
            Image::Inspector(i) => {
                self.apply_inspector(i)?;
            }
            Image::Inspection(i) => self.apply_inspection(i)?,
            Image::Hazard(h) => self.apply_hazard(h)?,
            Image::Document(d) => self.apply_document(d)?,
            Image::Attachment(a) => self.apply_attachment(a)?,
            Image::Checklist(t) => self.apply_checklist(t)?,
            Image::Supervision(s) => self.apply_supervision(s)?,
            Image::Task(t) => self.apply_task(t)?,
            Image::NumberBlock(b) => {
                if b.device_id != own_device {
                    return Ok(());
                }
                let kind = anjian_core::document::DocumentKind::parse(&b.kind)
                    .ok_or_else(|| StoreError::Refused(format!("文书种类无效：{}", b.kind)))?;
                self.add_number_block(kind, b.year, b.first, b.last)?;
            }
        }
        Ok(())
    }

    fn apply_enterprise(&mut self, img: &EnterpriseImage, writer: &str) -> Result<()> {
        let typed = img.typed().map_err(refused)?;
        let (id, remote) = (typed.id, typed.fields);
        let local = match crate::enterprises::enterprise(&self.tx, id) {
            Ok(e) => Some(e),
            Err(StoreError::NotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        let (merged, overwrites, created_at) = match &local {
            Some(e) => {
                if e.is_demo {
                    return Err(StoreError::Refused("演示单位不参与同步".into()));
                }
                let ours = field_revs(&self.tx, e)?;
                let m = merge_fields(&ours, &remote);
                if m.fields == ours {
                    return Ok(());
                }
                (m.fields, m.overwrites, e.created_at)
            }
            None => (remote, Vec::new(), typed.created_at),
        };
        let object: serde_json::Map<String, serde_json::Value> =
            merged.iter().map(|(k, v)| (k.clone(), v.value.clone())).collect();
        let profile: Profile = serde_json::from_value(serde_json::Value::Object(object))
            .map_err(|e| StoreError::Refused(format!("单位资料不完整：{e}")))?;
        crate::reference::check_codes(&self.tx, &profile.division_code, &profile.sectors)?;
        let holder: Option<String> = self
            .one(
                "SELECT name FROM enterprise WHERE credit_code = ?1 AND is_demo = 0 AND id <> ?2",
                (&profile.credit_code, id.to_string()),
                |r| r.get(0),
            )
            .optional()?;
        if let Some(other) = holder {
            return Err(StoreError::Refused(format!(
                "统一社会信用代码 {} 在本机已属于“{other}”，本机记录有误的请更正，会自动重试；否则请区局核实后合并",
                profile.credit_code
            )));
        }
        let rev = merged.values().map(|v| v.rev).max().unwrap_or(Hlc::ZERO);
        let e = Enterprise { id, profile, is_demo: false, created_at, updated_at: self.now, rev };
        self.write_enterprise_row(&e, writer)?;
        self.run("DELETE FROM enterprise_field WHERE enterprise_id = ?1", [id.to_string()])?;
        for (name, v) in &merged {
            self.run(
                "INSERT INTO enterprise_field (enterprise_id, field, rev, base) VALUES (?1, ?2, ?3, ?4)",
                (id.to_string(), name, v.rev.to_string(), v.base.to_string()),
            )?;
        }
        for o in overwrites {
            self.run(
                "INSERT INTO enterprise_overwrite (enterprise_id, field, kept, kept_rev, overwritten, overwritten_rev, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
                (
                    id.to_string(),
                    &o.field,
                    o.kept.value.to_string(),
                    o.kept.rev.to_string(),
                    o.overwritten.value.to_string(),
                    o.overwritten.rev.to_string(),
                    self.now.to_rfc3339(),
                ),
            )?;
        }
        Ok(())
    }

    /// The inspector's id here: found by 执法证号, or added under the sender's id.
    fn apply_inspector(&mut self, i: &InspectorImage) -> Result<String> {
        let memo = format!("inspector/{}", i.cert_no);
        if let Some(id) = self.known.borrow().get(&memo) {
            return Ok(id.clone());
        }
        let existing: Option<String> =
            self.one("SELECT id FROM inspector WHERE cert_no = ?1", [&i.cert_no], |r| r.get(0)).optional()?;
        if let Some(id) = existing {
            self.known.borrow_mut().insert(memo, id.clone());
            return Ok(id);
        }
        // Kept in the form the device writes ids in (the server's enrolled inspectors, named
        // by a task, come as 32 plain hex digits).
        let id = crate::parse_id(&i.id)?.to_string();
        let rev = self.tick();
        self.run(
            "INSERT INTO inspector (id, name, cert_no, unit, updated_at, rev) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            (&id, &i.name, &i.cert_no, &i.unit, self.now.to_rfc3339(), rev.to_string()),
        )?;
        self.known.borrow_mut().insert(memo, id.clone());
        Ok(id)
    }

    fn apply_inspection(&mut self, img: &InspectionImage) -> Result<()> {
        let local: Option<(String, Option<i64>)> = self
            .one("SELECT rev, fts_key FROM inspection WHERE id = ?1", [&img.id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if local.as_ref().is_some_and(|(r, _)| r.as_str() >= img.rev.as_str()) {
            return Ok(());
        }
        // Only a record held here has rules to follow (a first sync holds none).
        if local.is_some()
            && let Some((held, _)) = inspection_image(&self.tx, &img.id)?
        {
            self.may_follow(&Image::Inspection(held), &Image::Inspection(img.clone()))?;
        }
        self.require("enterprise", &img.enterprise_id, "所属单位尚未同步到本机")?;
        let mut officers = Vec::new();
        for o in &img.officers {
            officers.push(self.apply_inspector(o)?);
        }
        // The row (with its search key, for a record new here), its index entry later.
        let known = local.is_some();
        let key = match local.and_then(|(_, k)| k) {
            Some(k) => k,
            None => self.next_fts_key("inspection")?,
        };
        self.run(
            "INSERT INTO inspection (id, enterprise_id, template_id, template_version, accompanying_person, started_at,
                finished_at, status, notes, device_id, rev, fts_key, task_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
             ON CONFLICT (id) DO UPDATE SET enterprise_id = excluded.enterprise_id, template_id = excluded.template_id,
                template_version = excluded.template_version, accompanying_person = excluded.accompanying_person,
                started_at = excluded.started_at, finished_at = excluded.finished_at, status = excluded.status,
                notes = excluded.notes, device_id = excluded.device_id, rev = excluded.rev, fts_key = excluded.fts_key,
                task_id = excluded.task_id",
            rusqlite::params![
                img.id,
                img.enterprise_id,
                img.template_id,
                img.template_version,
                img.accompanying_person,
                img.started_at,
                img.finished_at,
                img.status,
                img.notes,
                img.device_id,
                img.rev,
                key,
                img.task_id
            ],
        )?;
        // A record new here has no rows to replace.
        if known {
            self.run("DELETE FROM inspection_officer WHERE inspection_id = ?1", [&img.id])?;
            self.run("DELETE FROM answer WHERE inspection_id = ?1", [&img.id])?;
            self.run("DELETE FROM inspection_signature WHERE inspection_id = ?1", [&img.id])?;
        }
        for (pos, officer) in officers.iter().enumerate() {
            self.run(
                "INSERT INTO inspection_officer (inspection_id, position, inspector_id) VALUES (?1, ?2, ?3)",
                (&img.id, pos as i64, officer),
            )?;
        }
        for a in &img.answers {
            self.run(
                "INSERT INTO answer (inspection_id, item_code, result, note, photos, rev, deducted) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                rusqlite::params![img.id, a.item_code, a.result, a.note, to_json(&a.photos)?, a.rev, a.deducted],
            )?;
        }
        for s in &img.signatures {
            self.run(
                "INSERT INTO inspection_signature (inspection_id, role, sha256, refused) VALUES (?1, ?2, ?3, ?4)",
                (&img.id, &s.role, &s.sha256, s.refused),
            )?;
        }
        self.index_later("inspection", key, known)
    }

    fn apply_hazard(&mut self, img: &HazardImage) -> Result<()> {
        let typed = img.typed().map_err(refused)?;
        let local: Option<(String, String)> = self
            .one("SELECT status, rev FROM hazard WHERE id = ?1", [&img.id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if local.is_some()
            && let Some((held, _)) = hazard_image(&self.tx, &img.id)?
        {
            self.may_follow(&Image::Hazard(held), &Image::Hazard(img.clone()))?;
        }
        match &local {
            None => {
                self.require("enterprise", &img.enterprise_id, "所属单位尚未同步到本机")?;
                if let Some(i) = &img.inspection_id {
                    self.require("inspection", i, "所属检查尚未同步到本机")?;
                }
                let key = self.next_fts_key("hazard")?;
                self.run(
                    "INSERT INTO hazard (id, enterprise_id, inspection_id, item_code, description, level, deadline, status,
                        found_at, device_id, rev, fts_key)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                    rusqlite::params![
                        img.id, img.enterprise_id, img.inspection_id, img.item_code, img.description, img.level,
                        img.deadline, img.status, img.found_at, img.device_id, img.rev, key
                    ],
                )?;
                self.index_later("hazard", key, false)?;
            }
            Some((status, rev)) => {
                // Status only moves forward, whoever wrote the later image.
                let merged = stored_status(status)?.merge(typed.status);
                let rev = if rev.as_str() >= img.rev.as_str() { rev.clone() } else { img.rev.clone() };
                self.run("UPDATE hazard SET status = ?2, rev = ?3 WHERE id = ?1", (&img.id, merged.as_str(), &rev))?;
            }
        }
        for ev in &img.events {
            self.run(
                "INSERT INTO hazard_event (hazard_id, at, status, note, rev, review, photos) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (hazard_id, rev) DO NOTHING",
                rusqlite::params![img.id, ev.at, ev.status, ev.note, ev.rev, ev.review, to_json(&ev.photos)?],
            )?;
        }
        Ok(())
    }

    fn apply_document(&mut self, img: &DocumentImage) -> Result<()> {
        let local = document_image(&self.tx, &img.id)?;
        if let Some(ours) = &local {
            // An older image of the record (a late or retried change): already superseded.
            if ours.rev.as_str() >= img.rev.as_str() {
                return Ok(());
            }
            self.may_follow(&Image::Document(ours.clone()), &Image::Document(img.clone()))?;
            if ours.is_issued() {
                if ours.status == "issued" && img.status == "voided" {
                    self.run(
                        "UPDATE document SET status = 'voided', void_reason = ?2, rev = ?3 WHERE id = ?1",
                        (&img.id, &img.void_reason, &img.rev),
                    )?;
                }
                return Ok(());
            }
        }
        self.require("enterprise", &img.enterprise_id, "所属单位尚未同步到本机")?;
        if let Some(number) = &img.number {
            let taken: Option<String> = self
                .one("SELECT id FROM document WHERE number = ?1 AND id <> ?2", (number, &img.id), |r| r.get(0))
                .optional()?;
            if taken.is_some() {
                return Err(StoreError::NumberTaken(number.clone()));
            }
        }
        // Written as a draft first (its hazard rows can only change while it is one),
        // then moved to its status.
        self.run(
            "INSERT INTO document (id, kind, enterprise_id, inspection_id, snapshot, status, device_id, rev, cites, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'draft', ?6, ?7, ?8, ?9)
             ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, enterprise_id = excluded.enterprise_id,
                inspection_id = excluded.inspection_id, snapshot = excluded.snapshot, device_id = excluded.device_id,
                rev = excluded.rev, cites = excluded.cites, created_at = excluded.created_at",
            rusqlite::params![
                img.id, img.kind, img.enterprise_id, img.inspection_id, img.snapshot, img.device_id, img.rev, img.cites,
                img.created_at
            ],
        )?;
        self.run("DELETE FROM document_hazard WHERE document_id = ?1", [&img.id])?;
        for (item, h) in img.hazards.iter().enumerate() {
            self.run(
                "INSERT INTO document_hazard (document_id, item, hazard_id) VALUES (?1, ?2, ?3)",
                (&img.id, item as i64 + 1, h),
            )?;
        }
        if img.is_issued() {
            self.run(
                "UPDATE document SET number = ?2, pdf_sha256 = ?3, status = ?4, issued_at = ?5, void_reason = ?6 WHERE id = ?1",
                (&img.id, &img.number, &img.pdf_sha256, &img.status, &img.issued_at, &img.void_reason),
            )?;
        }
        Ok(())
    }

    fn apply_attachment(&mut self, a: &AttachmentImage) -> Result<()> {
        if !anjian_sync::protocol::is_sha256(&a.sha256)
            || a.size == 0
            || a.size > crate::attachments::MAX_ATTACHMENT as u64
        {
            return Err(StoreError::Refused(format!("附件记录无效：{}", a.sha256)));
        }
        if !crate::attachments::MIMES.contains(&a.mime.as_str()) {
            return Err(StoreError::Refused(format!("附件类型不接受：{}", a.mime)));
        }
        self.run(
            "INSERT INTO attachment (sha256, mime, size, created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
            (&a.sha256, &a.mime, a.size as i64, self.now.to_rfc3339()),
        )?;
        if !self.files.intact(&a.sha256) {
            self.run("INSERT INTO attachment_wanted (sha256) VALUES (?1) ON CONFLICT DO NOTHING", [&a.sha256])?;
        }
        Ok(())
    }

    /// A hazard's 挂牌督办: the later revision, a lifted one never back in force.
    fn apply_supervision(&mut self, s: &SupervisionImage) -> Result<()> {
        self.require("hazard", &s.hazard_id, "所督办的隐患尚未同步到本机")?;
        let held: Option<(String, String)> = self
            .one("SELECT rev, status FROM hazard_supervision WHERE hazard_id = ?1", [&s.hazard_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        if let Some((rev, _)) = &held {
            if rev.as_str() >= s.rev.as_str() {
                return Ok(());
            }
            if let Some(held) = supervision_image(&self.tx, &s.hazard_id)? {
                self.may_follow(&Image::Supervision(held), &Image::Supervision(s.clone()))?;
            }
        }
        self.run(
            "INSERT INTO hazard_supervision (hazard_id, supervisor, due, status, note, set_by, set_at, rev)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (hazard_id) DO UPDATE SET supervisor = excluded.supervisor, due = excluded.due,
               status = excluded.status, note = excluded.note, set_by = excluded.set_by,
               set_at = excluded.set_at, rev = excluded.rev",
            (&s.hazard_id, &s.supervisor, &s.due, &s.status, &s.note, &s.set_by, &s.set_at, &s.rev),
        )?;
        Ok(())
    }

    /// A task given to this device's inspector: the later revision, a cancelled one never
    /// open again; its officers added as inspectors (matched by 执法证号).
    fn apply_task(&mut self, t: &TaskImage) -> Result<()> {
        self.require("enterprise", &t.enterprise_id, "任务的单位尚未同步到本机")?;
        let held: Option<(String, String)> = self
            .one("SELECT rev, image FROM task WHERE id = ?1", [&t.id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some((rev, image)) = &held {
            if rev.as_str() >= t.rev.as_str() {
                return Ok(());
            }
            if let Ok(held) = Image::parse_json(records::TASK, image) {
                self.may_follow(&held, &Image::Task(t.clone()))?;
            }
        }
        let [a, b] = [&t.officers[0], &t.officers[1]];
        let (a, b) = (self.apply_inspector(a)?, self.apply_inspector(b)?);
        self.run(
            "INSERT INTO task (id, enterprise_id, due_month, officer_a, officer_b, source, source_title, status, set_by,
                set_at, rev, image)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
             ON CONFLICT (id) DO UPDATE SET enterprise_id = excluded.enterprise_id, due_month = excluded.due_month,
               officer_a = excluded.officer_a, officer_b = excluded.officer_b, source = excluded.source,
               source_title = excluded.source_title, status = excluded.status, set_by = excluded.set_by,
               set_at = excluded.set_at, rev = excluded.rev, image = excluded.image",
            rusqlite::params![
                t.id,
                t.enterprise_id,
                t.due_month,
                a,
                b,
                t.source,
                t.source_title,
                t.status,
                t.set_by,
                t.set_at,
                t.rev,
                Image::Task(t.clone()).payload().get()
            ],
        )?;
        Ok(())
    }

    fn apply_checklist(&mut self, t: &ChecklistImage) -> Result<()> {
        let sectors: Vec<String> = {
            let mut stmt = self.tx.prepare_cached("SELECT code FROM sector")?;
            stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?
        };
        let refs: Vec<&str> = sectors.iter().map(String::as_str).collect();
        let template = anjian_core::checklist::Template::parse(&t.body, &refs)
            .map_err(|e| StoreError::Refused(format!("检查表 {} 无效：{}", t.file_name, e.message())))?;
        if template.id != t.id || i64::from(template.version) != t.version {
            return Err(StoreError::Refused(format!("检查表 {} 的编号或版本与发布记录不符", t.file_name)));
        }
        self.put_template(&template).map_err(|e| match e {
            StoreError::Refused(_) => StoreError::Refused(format!("检查表 {} 第{}版已有不同内容", t.id, t.version)),
            other => other,
        })?;
        Ok(())
    }

    /// The division and sector codes this store knows, read once per transaction.
    fn reference_codes(&self) -> Result<&(Vec<String>, Vec<String>)> {
        if let Some(codes) = self.reference_codes.get() {
            return Ok(codes);
        }
        let codes = |sql: &str| -> Result<Vec<String>> {
            let mut stmt = self.tx.prepare_cached(sql)?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        let read = (codes("SELECT code FROM division")?, codes("SELECT code FROM sector")?);
        Ok(self.reference_codes.get_or_init(|| read))
    }

    /// The district's rules (`anjian_sync::rules`) for a pulled image over the record held
    /// here. A device knows the writers of what it holds only by the record's own device
    /// field, so that field stands for the owner and for the writer.
    fn may_follow(&self, held: &Image, next: &Image) -> Result<()> {
        let owner = |i: &Image| match i {
            Image::Inspection(i) => i.device_id.clone(),
            Image::Hazard(h) => h.device_id.clone(),
            Image::Document(d) => d.device_id.clone(),
            _ => String::new(),
        };
        let (held_owner, writer) = (owner(held), owner(next));
        rules::may_accept(Some(rules::Prior { image: held, owner: &held_owner }), next, &writer)
            .map_err(|why| StoreError::Refused(why.to_string()))
    }

    fn require(&self, table: &'static str, id: &str, missing: &str) -> Result<()> {
        let memo = format!("{table}/{id}");
        if self.known.borrow().contains_key(&memo) {
            return Ok(());
        }
        let found: bool =
            self.one(&format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE id = ?1)"), [id], |r| r.get(0))?;
        if !found {
            return Err(StoreError::Refused(missing.into()));
        }
        self.known.borrow_mut().insert(memo, String::new());
        Ok(())
    }

    /// Keeps downloaded bytes of an attachment a pulled record refers to.
    pub fn save_downloaded_attachment(&mut self, sha: &str, bytes: &[u8]) -> Result<()> {
        if hex::encode(Sha256::digest(bytes)) != sha {
            return Err(StoreError::Refused(format!("下载的附件 {sha} 与摘要不符")));
        }
        self.files.write(sha, bytes)?;
        self.run("DELETE FROM attachment_wanted WHERE sha256 = ?1", [sha])?;
        Ok(())
    }

    /// Remembers which fields a local write set, so a later merge is field by field.
    pub(crate) fn set_field_revs(&mut self, e: &Enterprise, before: Option<&Enterprise>) -> Result<()> {
        let previous = match before {
            Some(b) => field_revs(&self.tx, b)?,
            None => BTreeMap::new(),
        };
        for (name, value) in profile_fields(&e.profile)? {
            let (rev, base) = match previous.get(&name) {
                Some(old) if old.value == value => (old.rev, old.base),
                Some(old) => (e.rev, old.rev),
                None => (e.rev, Hlc::ZERO),
            };
            self.run(
                "INSERT INTO enterprise_field (enterprise_id, field, rev, base) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (enterprise_id, field) DO UPDATE SET rev = excluded.rev, base = excluded.base",
                (e.id.to_string(), &name, rev.to_string(), base.to_string()),
            )?;
        }
        Ok(())
    }
}

/// A status this store wrote.
fn stored_status(s: &str) -> Result<anjian_core::hazard::HazardStatus> {
    anjian_core::hazard::HazardStatus::parse(s).ok_or_else(|| StoreError::Corrupt(format!("bad hazard status {s:?}")))
}

/// An image that does not read as the domain's types is refused with the field named.
fn refused(e: anjian_sync::typed::ImageError) -> StoreError {
    StoreError::Refused(e.to_string())
}
