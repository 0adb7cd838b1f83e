//! The district's records as tables the bureau queries (by 镇街, 行业, month, status,
//! overdue): enterprises with each field's history and overwritten values, officers,
//! inspections with their officers and answers, hazards with their events, documents
//! with their hazards. Kept from the change log in the transaction that stores each
//! change, and made again from the log by `rebuild`: the same `apply`, so a rebuilt
//! table equals the kept one. Each record folds as on the devices (`anjian_sync::fold`).
//!
//! The statements are written once for both backends (`$n` parameters, numbered in order
//! of first use, read the same by SQLite and PostgreSQL); a backend only binds and runs
//! them (`RecordTx`).

use anjian_sync::fold::{Folded, fold};
use anjian_sync::records::{DocumentImage, EnterpriseImage, HazardImage, Image, InspectionImage, InspectorImage};
use sha2::Digest;

use crate::storage::Result;

/// A statement's parameter: text or a whole number, either possibly null.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Param {
    Text(Option<String>),
    Int(Option<i64>),
}

fn text(s: &str) -> Param {
    Param::Text(Some(s.to_owned()))
}

fn maybe(s: Option<&str>) -> Param {
    Param::Text(s.map(str::to_owned))
}

/// A stored change as the tables are rebuilt from it.
pub(crate) struct LoggedChange {
    pub seq: i64,
    pub device_id: String,
    pub record_type: String,
    pub payload: String,
    pub received_at: String,
}

/// What the tables need of a backend, inside one transaction.
pub(crate) trait RecordTx {
    /// The first column of the first row, as text.
    fn query_text(&mut self, sql: &str, params: &[Param]) -> Result<Option<String>>;
    fn execute(&mut self, sql: &str, params: &[Param]) -> Result<()>;
    /// Every row of a query, each column as text (`None` for null).
    fn rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>>;
    /// Stored changes after `after`, at most `limit`, in sequence order.
    fn changes_after(&mut self, after: i64, limit: i64) -> Result<Vec<LoggedChange>>;
}

/// The record tables, children after parents, each with the columns that order it.
pub(crate) const TABLES: &[(&str, &str)] = &[
    ("enterprise", "id"),
    ("enterprise_sector", "enterprise_id, sector_code"),
    ("enterprise_field", "enterprise_id, field, rev"),
    ("enterprise_overwrite", "enterprise_id, field, overwritten_rev"),
    ("officer", "id"),
    ("inspection", "id"),
    ("inspection_officer", "inspection_id, position"),
    ("inspection_answer", "inspection_id, item_code"),
    ("hazard", "id"),
    ("hazard_event", "hazard_id, rev"),
    ("document", "id"),
    ("document_hazard", "document_id, item"),
];

/// The log as `rebuild` reads it, the same in both dialects.
pub(crate) const CHANGES_AFTER: &str =
    "SELECT seq, device_id, record_type, payload, received_at FROM change WHERE seq > $1 ORDER BY seq LIMIT $2";

/// The schema whose migration creates the tables: filled from the log as it runs.
pub(crate) const SCHEMA: usize = 6;
pub(crate) const MIGRATION: &str = include_str!("../migrations/common/0006_district_records.sql");

/// Keeps the tables current with one stored change (`device_id` wrote it, the server
/// stored it `at`). Record types the tables do not hold (attachments, checklists,
/// number blocks) leave them as they are.
pub(crate) fn apply(tx: &mut impl RecordTx, image: &Image, device_id: &str, at: &str) -> Result<()> {
    let held_sql = match image {
        Image::Enterprise(_) => "SELECT image FROM enterprise WHERE id = $1",
        Image::Inspection(_) => "SELECT image FROM inspection WHERE id = $1",
        Image::Hazard(_) => "SELECT image FROM hazard WHERE id = $1",
        Image::Document(_) => "SELECT image FROM document WHERE id = $1",
        Image::Inspector(i) => return officer(tx, i, device_id, at),
        Image::Attachment(_) | Image::Checklist(_) | Image::NumberBlock(_) => return Ok(()),
    };
    let held = tx
        .query_text(held_sql, &[text(&image.record_id())])?
        .and_then(|json| Image::parse_json(image.record_type(), &json).ok());
    if let Image::Enterprise(next) = image {
        field_history(tx, held.as_ref(), next, device_id, at)?;
    }
    let Some(Folded { image: folded, overwritten }) = fold(held.as_ref(), image) else {
        return Ok(());
    };
    let fresh = held.is_none();
    match (&folded, held.as_ref()) {
        (Image::Enterprise(e), _) => {
            enterprise(tx, e, device_id, at)?;
            for o in overwritten {
                tx.execute(
                    "INSERT INTO enterprise_overwrite
                        (enterprise_id, field, overwritten_rev, overwritten, kept_rev, kept, found_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                    &[
                        text(&e.id),
                        text(&o.field),
                        text(&o.overwritten.rev),
                        text(&o.overwritten.value.to_string()),
                        text(&o.kept.rev),
                        text(&o.kept.value.to_string()),
                        text(at),
                    ],
                )?;
            }
            Ok(())
        }
        (Image::Inspection(i), _) => inspection(tx, i, fresh, at),
        (Image::Hazard(h), held) => {
            let held_events = match held {
                Some(Image::Hazard(held)) => held.events.iter().map(|e| e.rev.clone()).collect(),
                _ => Vec::new(),
            };
            hazard(tx, h, &held_events)
        }
        (Image::Document(d), held) => {
            let same_hazards = matches!(held, Some(Image::Document(h)) if h.hazards == d.hazards);
            document(tx, d, !same_hazards && !fresh, fresh || !same_hazards)
        }
        _ => Ok(()),
    }
}

/// The Beijing day of an RFC 3339 instant (`None` for text that is not one).
fn beijing_day(instant: &str) -> Option<String> {
    let at = chrono::DateTime::parse_from_rfc3339(instant).ok()?;
    Some(anjian_core::beijing::today(at.with_timezone(&chrono::Utc)).to_string())
}

fn image_json(image: &Image) -> Param {
    text(image.payload().get())
}

fn enterprise(tx: &mut impl RecordTx, e: &EnterpriseImage, device_id: &str, at: &str) -> Result<()> {
    let field = |name: &str| e.fields.get(name).and_then(|f| f.value.as_str()).map(str::to_owned);
    let required = |name: &str| Param::Text(Some(field(name).unwrap_or_default()));
    let rev = e.fields.values().map(|f| f.rev.as_str()).max().unwrap_or_default();
    tx.execute(
        "INSERT INTO enterprise (id, name, credit_code, address, division_code, supervision_class, status,
            legal_representative, safety_contact, contact_phone, created_at, created_by, updated_at, rev, image)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, credit_code = excluded.credit_code,
            address = excluded.address, division_code = excluded.division_code,
            supervision_class = excluded.supervision_class, status = excluded.status,
            legal_representative = excluded.legal_representative, safety_contact = excluded.safety_contact,
            contact_phone = excluded.contact_phone, updated_at = excluded.updated_at, rev = excluded.rev,
            image = excluded.image",
        &[
            text(&e.id),
            required("name"),
            required("creditCode"),
            required("address"),
            required("divisionCode"),
            Param::Text(field("supervisionClass")),
            required("status"),
            Param::Text(field("legalRepresentative")),
            Param::Text(field("safetyContact")),
            Param::Text(field("contactPhone")),
            text(&e.created_at),
            text(device_id),
            text(at),
            text(rev),
            image_json(&Image::Enterprise(e.clone())),
        ],
    )?;
    tx.execute("DELETE FROM enterprise_sector WHERE enterprise_id = $1", &[text(&e.id)])?;
    let sectors = e.fields.get("sectors").and_then(|f| f.value.as_array());
    for code in sectors.into_iter().flatten().filter_map(|v| v.as_str()) {
        tx.execute(
            "INSERT INTO enterprise_sector (enterprise_id, sector_code) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[text(&e.id), text(code)],
        )?;
    }
    Ok(())
}

/// Each value the image's fields carry that the record has not held before, kept in
/// the field's history whether or not it wins the merge.
fn field_history(
    tx: &mut impl RecordTx,
    held: Option<&Image>,
    next: &EnterpriseImage,
    device_id: &str,
    at: &str,
) -> Result<()> {
    let held = match held {
        Some(Image::Enterprise(h)) => Some(h),
        _ => None,
    };
    for (name, f) in &next.fields {
        if held.and_then(|h| h.fields.get(name)).is_some_and(|h| h.rev == f.rev) {
            continue;
        }
        tx.execute(
            "INSERT INTO enterprise_field (enterprise_id, field, rev, base, value, device_id, received_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            &[
                text(&next.id),
                text(name),
                text(&f.rev),
                maybe(f.base.as_deref()),
                text(&f.value.to_string()),
                text(device_id),
                text(at),
            ],
        )?;
    }
    Ok(())
}

fn officer(tx: &mut impl RecordTx, i: &InspectorImage, device_id: &str, at: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO officer (id, name, cert_no, unit, device_id, received_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT DO NOTHING",
        &[text(&i.id), text(&i.name), text(&i.cert_no), maybe(i.unit.as_deref()), text(device_id), text(at)],
    )
}

fn inspection(tx: &mut impl RecordTx, i: &InspectionImage, fresh: bool, at: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO inspection (id, enterprise_id, template_id, template_version, accompanying_person, started_at,
            started_day, finished_at, status, notes, device_id, rev, image)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (id) DO UPDATE SET enterprise_id = excluded.enterprise_id, template_id = excluded.template_id,
            template_version = excluded.template_version, accompanying_person = excluded.accompanying_person,
            started_at = excluded.started_at, started_day = excluded.started_day, finished_at = excluded.finished_at,
            status = excluded.status, notes = excluded.notes, device_id = excluded.device_id, rev = excluded.rev,
            image = excluded.image",
        &[
            text(&i.id),
            text(&i.enterprise_id),
            text(&i.template_id),
            Param::Int(Some(i.template_version)),
            maybe(i.accompanying_person.as_deref()),
            text(&i.started_at),
            Param::Text(Some(beijing_day(&i.started_at).unwrap_or_default())),
            maybe(i.finished_at.as_deref()),
            text(&i.status),
            text(&i.notes),
            text(&i.device_id),
            text(&i.rev),
            image_json(&Image::Inspection(i.clone())),
        ],
    )?;
    // A record new here has no rows to replace.
    if !fresh {
        tx.execute("DELETE FROM inspection_officer WHERE inspection_id = $1", &[text(&i.id)])?;
        tx.execute("DELETE FROM inspection_answer WHERE inspection_id = $1", &[text(&i.id)])?;
    }
    for (position, o) in i.officers.iter().enumerate() {
        officer(tx, o, &i.device_id, at)?;
        tx.execute(
            "INSERT INTO inspection_officer (inspection_id, position, inspector_id, name, cert_no)
             VALUES ($1, $2, $3, $4, $5)",
            &[text(&i.id), Param::Int(Some(position as i64)), text(&o.id), text(&o.name), text(&o.cert_no)],
        )?;
    }
    for a in &i.answers {
        tx.execute(
            "INSERT INTO inspection_answer (inspection_id, item_code, result, note, deducted, photos)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            &[
                text(&i.id),
                text(&a.item_code),
                text(&a.result),
                maybe(a.note.as_deref()),
                Param::Int(a.deducted),
                text(&serde_json::to_string(&a.photos).unwrap_or_default()),
            ],
        )?;
    }
    Ok(())
}

fn hazard(tx: &mut impl RecordTx, h: &HazardImage, held_events: &[String]) -> Result<()> {
    let closed_at = h
        .events
        .iter()
        .filter(|e| e.status == "rectified" || e.status == "verified")
        .map(|e| e.at.as_str())
        .min();
    tx.execute(
        "INSERT INTO hazard (id, enterprise_id, inspection_id, item_code, description, level, deadline, status,
            found_at, found_day, closed_at, device_id, rev, image)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, closed_at = excluded.closed_at,
            rev = excluded.rev, image = excluded.image",
        &[
            text(&h.id),
            text(&h.enterprise_id),
            maybe(h.inspection_id.as_deref()),
            maybe(h.item_code.as_deref()),
            text(&h.description),
            text(&h.level),
            text(&h.deadline),
            text(&h.status),
            text(&h.found_at),
            Param::Text(Some(beijing_day(&h.found_at).unwrap_or_default())),
            maybe(closed_at),
            text(&h.device_id),
            text(&h.rev),
            image_json(&Image::Hazard(h.clone())),
        ],
    )?;
    for e in h.events.iter().filter(|e| !held_events.contains(&e.rev)) {
        tx.execute(
            "INSERT INTO hazard_event (hazard_id, rev, at, status, note, review, photos)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            &[
                text(&h.id),
                text(&e.rev),
                text(&e.at),
                text(&e.status),
                maybe(e.note.as_deref()),
                maybe(e.review.as_deref()),
                text(&serde_json::to_string(&e.photos).unwrap_or_default()),
            ],
        )?;
    }
    Ok(())
}

/// The addressee a document's snapshot names (`{"kind", "snapshot": {"addressee"}}`).
fn addressee(d: &DocumentImage) -> Option<String> {
    let snapshot: serde_json::Value = serde_json::from_str(&d.snapshot).ok()?;
    snapshot.get("snapshot")?.get("addressee")?.as_str().map(str::to_owned)
}

fn document(tx: &mut impl RecordTx, d: &DocumentImage, replace_hazards: bool, write_hazards: bool) -> Result<()> {
    tx.execute(
        "INSERT INTO document (id, kind, enterprise_id, inspection_id, number, status, addressee, pdf_sha256,
            issued_at, issued_day, void_reason, cites, created_at, device_id, rev, image)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, enterprise_id = excluded.enterprise_id,
            inspection_id = excluded.inspection_id, number = excluded.number, status = excluded.status,
            addressee = excluded.addressee, pdf_sha256 = excluded.pdf_sha256, issued_at = excluded.issued_at,
            issued_day = excluded.issued_day, void_reason = excluded.void_reason, cites = excluded.cites,
            created_at = excluded.created_at, device_id = excluded.device_id, rev = excluded.rev,
            image = excluded.image",
        &[
            text(&d.id),
            text(&d.kind),
            text(&d.enterprise_id),
            maybe(d.inspection_id.as_deref()),
            maybe(d.number.as_deref()),
            text(&d.status),
            Param::Text(addressee(d)),
            maybe(d.pdf_sha256.as_deref()),
            maybe(d.issued_at.as_deref()),
            Param::Text(d.issued_at.as_deref().and_then(beijing_day)),
            maybe(d.void_reason.as_deref()),
            maybe(d.cites.as_deref()),
            maybe(d.created_at.as_deref()),
            text(&d.device_id),
            text(&d.rev),
            image_json(&Image::Document(d.clone())),
        ],
    )?;
    if replace_hazards {
        tx.execute("DELETE FROM document_hazard WHERE document_id = $1", &[text(&d.id)])?;
    }
    if write_hazards {
        for (item, hazard) in d.hazards.iter().enumerate() {
            tx.execute(
                "INSERT INTO document_hazard (document_id, item, hazard_id) VALUES ($1, $2, $3)",
                &[text(&d.id), Param::Int(Some(item as i64 + 1)), text(hazard)],
            )?;
        }
    }
    Ok(())
}

/// Empties the tables and applies every stored change again, in order. The number of
/// changes read.
pub(crate) fn rebuild(tx: &mut impl RecordTx) -> Result<u64> {
    for (table, _) in TABLES.iter().rev() {
        tx.execute(&format!("DELETE FROM {table}"), &[])?;
    }
    let (mut after, mut read) = (0, 0u64);
    loop {
        let page = tx.changes_after(after, 1_000)?;
        let Some(last) = page.last() else { return Ok(read) };
        after = last.seq;
        read += page.len() as u64;
        for c in page {
            // Every stored change was checked on its way in.
            if let Ok(image) = Image::parse_json(&c.record_type, &c.payload) {
                apply(tx, &image, &c.device_id, &c.received_at)?;
            }
        }
    }
}

/// A table's rows and the SHA-256 of their text, in key order: two servers (or one
/// before and after `rebuild`) hold the same records when their digests agree.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TableDigest {
    pub table: String,
    pub rows: u64,
    pub sha256: String,
}

pub(crate) fn digests(tx: &mut impl RecordTx) -> Result<Vec<TableDigest>> {
    let mut out = Vec::with_capacity(TABLES.len());
    for (table, order) in TABLES {
        let rows = tx.rows(&format!("SELECT * FROM {table} ORDER BY {order}"))?;
        let mut hash = sha2::Sha256::new();
        for row in &rows {
            for column in row {
                match column {
                    Some(v) => {
                        hash.update([1]);
                        hash.update((v.len() as u64).to_le_bytes());
                        hash.update(v.as_bytes());
                    }
                    None => hash.update([0]),
                }
            }
        }
        out.push(TableDigest { table: (*table).to_owned(), rows: rows.len() as u64, sha256: hex::encode(hash.finalize()) });
    }
    Ok(out)
}
