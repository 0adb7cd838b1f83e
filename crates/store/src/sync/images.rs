//! The images: a record as the tables hold it, read into the image that travels
//! (`anjian_sync::records`), with the attachments it refers to.

use std::collections::BTreeMap;

use anjian_core::enterprise::{Enterprise, Profile};
use anjian_core::hlc::Hlc;
use anjian_core::merge::Versioned;
use anjian_sync::records::{
    self, AnswerImage, AttachmentImage, DocumentImage, EnterpriseImage, Field, HazardEventImage, HazardImage, Image,
    InspectionImage, InspectorImage, SignatureImage, SupervisionImage,
};
use rusqlite::{Connection, OptionalExtension};

use crate::error::{Result, StoreError};
use crate::{parse_id, parse_rev};

/// A record's image and the attachments it refers to; `None` for a record that must
/// not leave the device (a demo enterprise and what was done to one) or no longer exists.
pub(super) fn image_of(conn: &Connection, kind: &str, id: &str) -> Result<Option<(Image, Vec<String>)>> {
    Ok(match kind {
        records::ENTERPRISE => {
            let Ok(key) = parse_id(id) else { return Ok(None) };
            let e = match crate::enterprises::enterprise(conn, key) {
                Ok(e) if !e.is_demo => e,
                Ok(_) | Err(StoreError::NotFound { .. }) => return Ok(None),
                Err(err) => return Err(err),
            };
            let fields = field_revs(conn, &e)?
                .into_iter()
                .map(|(k, v)| {
                    let base = (v.base != Hlc::ZERO).then(|| v.base.to_string());
                    (k, Field { value: v.value, rev: v.rev.to_string(), base })
                })
                .collect();
            Some((
                Image::Enterprise(EnterpriseImage { id: id.to_owned(), fields, created_at: e.created_at.to_rfc3339() }),
                vec![],
            ))
        }
        records::INSPECTOR => inspector_image(conn, id)?.map(|i| (Image::Inspector(i), vec![])),
        records::INSPECTION => inspection_image(conn, id)?.map(|(i, shas)| (Image::Inspection(i), shas)),
        records::HAZARD => hazard_image(conn, id)?.map(|(h, shas)| (Image::Hazard(h), shas)),
        records::DOCUMENT => {
            let Some(d) = document_image(conn, id)? else { return Ok(None) };
            if is_demo_enterprise(conn, &d.enterprise_id)? {
                return Ok(None);
            }
            let shas = d.pdf_sha256.iter().cloned().collect();
            Some((Image::Document(d), shas))
        }
        // An attachment travels with a record that refers to it: a photo taken during a
        // demo inspection, or never used, stays on the device.
        _ => None,
    })
}

fn is_demo_enterprise(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn
        .query_row("SELECT is_demo FROM enterprise WHERE id = ?1", [id], |r| r.get::<_, bool>(0))
        .optional()?
        .unwrap_or(true))
}

fn inspector_image(conn: &Connection, id: &str) -> Result<Option<InspectorImage>> {
    Ok(conn
        .query_row("SELECT id, name, cert_no, unit FROM inspector WHERE id = ?1", [id], |r| {
            Ok(InspectorImage { id: r.get(0)?, name: r.get(1)?, cert_no: r.get(2)?, unit: r.get(3)? })
        })
        .optional()?)
}

pub(super) fn inspection_image(conn: &Connection, id: &str) -> Result<Option<(InspectionImage, Vec<String>)>> {
    let row = conn
        .query_row(
            "SELECT i.enterprise_id, i.template_id, i.template_version, i.accompanying_person, i.started_at, i.finished_at,
                    i.status, i.notes, i.device_id, i.rev, e.is_demo, i.task_id
             FROM inspection i JOIN enterprise e ON e.id = i.enterprise_id WHERE i.id = ?1",
            [id],
            |r| {
                Ok((
                    InspectionImage {
                        id: id.to_owned(),
                        enterprise_id: r.get(0)?,
                        template_id: r.get(1)?,
                        template_version: r.get(2)?,
                        accompanying_person: r.get(3)?,
                        started_at: r.get(4)?,
                        finished_at: r.get(5)?,
                        status: r.get(6)?,
                        notes: r.get(7)?,
                        device_id: r.get(8)?,
                        rev: r.get(9)?,
                        officers: vec![],
                        answers: vec![],
                        signatures: vec![],
                        task_id: r.get(11)?,
                    },
                    r.get::<_, bool>(10)?,
                ))
            },
        )
        .optional()?;
    let Some((mut img, demo)) = row else { return Ok(None) };
    if demo {
        return Ok(None);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.name, p.cert_no, p.unit FROM inspection_officer o JOIN inspector p ON p.id = o.inspector_id
         WHERE o.inspection_id = ?1 ORDER BY o.position",
    )?;
    img.officers = stmt
        .query_map([id], |r| {
            Ok(InspectorImage { id: r.get(0)?, name: r.get(1)?, cert_no: r.get(2)?, unit: r.get(3)? })
        })?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT item_code, result, note, photos, deducted, rev FROM answer WHERE inspection_id = ?1 ORDER BY item_code",
    )?;
    let answers: Vec<(AnswerImage, String)> = stmt
        .query_map([id], |r| {
            Ok((
                AnswerImage {
                    item_code: r.get(0)?,
                    result: r.get(1)?,
                    note: r.get(2)?,
                    photos: vec![],
                    deducted: r.get(4)?,
                    rev: r.get(5)?,
                },
                r.get::<_, String>(3)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    let mut shas = Vec::new();
    for (mut a, photos) in answers {
        a.photos = serde_json::from_str(&photos).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        shas.extend(a.photos.iter().cloned());
        img.answers.push(a);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT role, sha256, refused FROM inspection_signature WHERE inspection_id = ?1 ORDER BY role",
    )?;
    img.signatures = stmt
        .query_map([id], |r| Ok(SignatureImage { role: r.get(0)?, sha256: r.get(1)?, refused: r.get(2)? }))?
        .collect::<Result<_, _>>()?;
    shas.extend(img.signatures.iter().filter_map(|s| s.sha256.clone()));
    Ok(Some((img, shas)))
}

pub(super) fn hazard_image(conn: &Connection, id: &str) -> Result<Option<(HazardImage, Vec<String>)>> {
    let row = conn
        .query_row(
            "SELECT h.enterprise_id, h.inspection_id, h.item_code, h.description, h.level, h.deadline, h.status, h.found_at,
                    h.device_id, h.rev, e.is_demo
             FROM hazard h JOIN enterprise e ON e.id = h.enterprise_id WHERE h.id = ?1",
            [id],
            |r| {
                Ok((
                    HazardImage {
                        id: id.to_owned(),
                        enterprise_id: r.get(0)?,
                        inspection_id: r.get(1)?,
                        item_code: r.get(2)?,
                        description: r.get(3)?,
                        level: r.get(4)?,
                        deadline: r.get(5)?,
                        status: r.get(6)?,
                        found_at: r.get(7)?,
                        device_id: r.get(8)?,
                        rev: r.get(9)?,
                        events: vec![],
                    },
                    r.get::<_, bool>(10)?,
                ))
            },
        )
        .optional()?;
    let Some((mut img, demo)) = row else { return Ok(None) };
    if demo {
        return Ok(None);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT at, status, note, review, photos, rev FROM hazard_event WHERE hazard_id = ?1 ORDER BY seq",
    )?;
    let events: Vec<(HazardEventImage, String)> = stmt
        .query_map([id], |r| {
            Ok((
                HazardEventImage {
                    at: r.get(0)?,
                    status: r.get(1)?,
                    note: r.get(2)?,
                    review: r.get(3)?,
                    photos: vec![],
                    rev: r.get(5)?,
                },
                r.get::<_, String>(4)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    let mut shas = Vec::new();
    for (mut ev, photos) in events {
        ev.photos = serde_json::from_str(&photos).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        shas.extend(ev.photos.iter().cloned());
        img.events.push(ev);
    }
    Ok(Some((img, shas)))
}

pub(super) fn document_image(conn: &Connection, id: &str) -> Result<Option<DocumentImage>> {
    let img = conn
        .prepare_cached(
            "SELECT kind, enterprise_id, inspection_id, number, snapshot, pdf_sha256, status, issued_at, void_reason, cites,
                    created_at, device_id, rev FROM document WHERE id = ?1",
        )?
        .query_row(
            [id],
            |r| {
                Ok(DocumentImage {
                    id: id.to_owned(),
                    kind: r.get(0)?,
                    enterprise_id: r.get(1)?,
                    inspection_id: r.get(2)?,
                    number: r.get(3)?,
                    snapshot: r.get(4)?,
                    pdf_sha256: r.get(5)?,
                    status: r.get(6)?,
                    issued_at: r.get(7)?,
                    void_reason: r.get(8)?,
                    cites: r.get(9)?,
                    created_at: r.get(10)?,
                    device_id: r.get(11)?,
                    rev: r.get(12)?,
                    hazards: vec![],
                })
            },
        )
        .optional()?;
    let Some(mut img) = img else { return Ok(None) };
    let mut stmt = conn.prepare_cached("SELECT hazard_id FROM document_hazard WHERE document_id = ?1 ORDER BY item")?;
    img.hazards = stmt.query_map([id], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(Some(img))
}

/// A hazard's 挂牌督办 as held here (only the bureau writes it: it never leaves the device).
pub(super) fn supervision_image(conn: &Connection, hazard_id: &str) -> Result<Option<SupervisionImage>> {
    Ok(conn
        .query_row(
            "SELECT hazard_id, supervisor, due, status, note, set_by, set_at, rev FROM hazard_supervision
             WHERE hazard_id = ?1",
            [hazard_id],
            |r| {
                Ok(SupervisionImage {
                    hazard_id: r.get(0)?,
                    supervisor: r.get(1)?,
                    due: r.get(2)?,
                    status: r.get(3)?,
                    note: r.get(4)?,
                    set_by: r.get(5)?,
                    set_at: r.get(6)?,
                    rev: r.get(7)?,
                })
            },
        )
        .optional()?)
}

pub(super) fn attachment_image(conn: &Connection, sha: &str) -> Result<Option<AttachmentImage>> {
    Ok(conn
        .query_row("SELECT mime, size FROM attachment WHERE sha256 = ?1", [sha], |r| {
            Ok(AttachmentImage { sha256: sha.to_owned(), mime: r.get(0)?, size: r.get::<_, i64>(1)? as u64 })
        })
        .optional()?)
}

pub(super) fn profile_fields(p: &Profile) -> Result<BTreeMap<String, serde_json::Value>> {
    match serde_json::to_value(p).map_err(|e| StoreError::Corrupt(e.to_string()))? {
        serde_json::Value::Object(m) => Ok(m.into_iter().collect()),
        _ => Err(StoreError::Corrupt("profile is not an object".into())),
    }
}

/// Each field with the clock of the write that set it and of the value it replaced
/// (the row's clock for records written before fields had their own).
pub(super) fn field_revs(conn: &Connection, e: &Enterprise) -> Result<BTreeMap<String, Versioned<serde_json::Value>>> {
    let mut stmt = conn.prepare_cached("SELECT field, rev, base FROM enterprise_field WHERE enterprise_id = ?1")?;
    let revs: BTreeMap<String, (String, String)> =
        stmt.query_map([e.id.to_string()], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?.collect::<Result<_, _>>()?;
    profile_fields(&e.profile)?
        .into_iter()
        .map(|(name, value)| {
            let (rev, base) = match revs.get(&name) {
                Some((rev, base)) => (parse_rev(rev)?, parse_rev(base)?),
                None => (e.rev, Hlc::ZERO),
            };
            Ok((name, Versioned { value, rev, base }))
        })
        .collect()
}
