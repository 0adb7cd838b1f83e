//! What the bureau publishes to every device: enterprises imported from its lists and
//! checklist versions. Both become changes of the device "server" in the same change
//! log the devices push to, so they reach every device by the same pull.

use std::collections::BTreeMap;

use anjian_core::hlc::{Clock, Hlc};
use anjian_core::merge::{Versioned, merge_fields};
use anjian_sync::protocol::Change;
use anjian_sync::records::{self, ChecklistImage, EnterpriseImage, Field, Image};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::import::{self, Reference, RowRefusal};
use crate::storage::{Storage, StorageError};

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error(transparent)]
    Import(#[from] import::ImportError),
    #[error("检查表无效：{0}")]
    Checklist(String),
    #[error(transparent)]
    Supervision(#[from] anjian_core::supervision::SupervisionError),
    #[error("没有这条隐患")]
    NoHazard,
    #[error("没有这家单位")]
    NoEnterprise,
    #[error("{0}")]
    Task(String),
    #[error("没有这项任务")]
    NoTask,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Held from the read of what is published to the publication of what follows from it
/// (an import's new enterprises, a checklist version, a 督办): two of them at once could
/// otherwise both find a credit code new, or both pass the 督办 rules on the same state.
/// It covers this process: a second server on the same PostgreSQL, or the `import`
/// command run beside a serving process, is not held back by it.
static PUBLISHING: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn publishing() -> std::sync::MutexGuard<'static, ()> {
    // Nothing is kept under the lock: one that panicked left nothing half-done in it.
    PUBLISHING.lock().unwrap_or_else(|p| p.into_inner())
}

/// What an import did, row by row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub refused: Vec<RowRefusal>,
}

/// The district's enterprises as the change log holds them: every image merged.
struct Current {
    by_id: BTreeMap<String, BTreeMap<String, Versioned<serde_json::Value>>>,
    by_code: BTreeMap<String, String>,
}

fn current(storage: &dyn Storage) -> Result<Current, PublishError> {
    let mut by_id: BTreeMap<String, BTreeMap<String, Versioned<serde_json::Value>>> = BTreeMap::new();
    for c in storage.changes_of_type(records::ENTERPRISE)? {
        let Ok(Image::Enterprise(img)) = Image::parse_json(&c.record_type, &c.payload) else { continue };
        let fields: BTreeMap<String, Versioned<serde_json::Value>> = img
            .fields
            .into_iter()
            .filter_map(|(k, f)| {
                let base = f.base.as_deref().and_then(|b| b.parse().ok()).unwrap_or(Hlc::ZERO);
                f.rev.parse().ok().map(|rev| (k, Versioned { value: f.value, rev, base }))
            })
            .collect();
        let merged = match by_id.get(&img.id) {
            Some(ours) => merge_fields(ours, &fields).fields,
            None => fields,
        };
        by_id.insert(img.id, merged);
    }
    let by_code = by_id
        .iter()
        .filter_map(|(id, f)| f.get("creditCode").and_then(|v| v.value.as_str()).map(|c| (c.to_owned(), id.clone())))
        .collect();
    Ok(Current { by_id, by_code })
}

/// Imports an XLSX or CSV list: new credit codes become new enterprises, known ones
/// get the fields that differ (a newer write than any before it); refused rows are
/// reported and nothing of them is published.
pub fn import_enterprises(
    storage: &dyn Storage,
    file_name: &str,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<ImportReport, PublishError> {
    import_enterprises_then(storage, file_name, bytes, now, &mut |_, _| Ok(()))
}

/// As `import_enterprises`, with `then` run in the transaction that publishes (the
/// console's audit row: the import and its record stand or fall together).
pub fn import_enterprises_then(
    storage: &dyn Storage,
    file_name: &str,
    bytes: &[u8],
    now: DateTime<Utc>,
    then: &mut dyn FnMut(&mut dyn crate::storage::Sql, &ImportReport) -> Result<(), StorageError>,
) -> Result<ImportReport, PublishError> {
    let parsed = import::parse(file_name, bytes, &Reference::bundled()?)?;
    let _held = publishing();
    let current = current(storage)?;
    let mut clock = Clock::new(0, None);
    let now_ms = millis(now);
    let mut report = ImportReport {
        rows: parsed.rows.len() + parsed.refused.len(),
        created: 0,
        updated: 0,
        unchanged: 0,
        refused: parsed.refused,
    };
    let mut changes = Vec::new();
    for row in parsed.rows {
        let values = match serde_json::to_value(&row.profile) {
            Ok(serde_json::Value::Object(m)) => m,
            _ => continue,
        };
        let rev = clock.tick(now_ms);
        let (id, fields) = match current.by_code.get(&row.profile.credit_code) {
            Some(id) => {
                let known = &current.by_id[id];
                let mut changed = false;
                let fields: BTreeMap<String, Field> = values
                    .into_iter()
                    .map(|(k, v)| match known.get(&k) {
                        Some(old) if old.value == v => {
                            let base = (old.base != Hlc::ZERO).then(|| old.base.to_string());
                            (k, Field { value: v, rev: old.rev.to_string(), base })
                        }
                        // The bureau's list replaces what the district holds: not a
                        // concurrent edit of it.
                        old => {
                            changed = true;
                            let base = old.map(|o| o.rev.to_string());
                            (k, Field { value: v, rev: rev.to_string(), base })
                        }
                    })
                    .collect();
                if !changed {
                    report.unchanged += 1;
                    continue;
                }
                report.updated += 1;
                (id.clone(), fields)
            }
            None => {
                report.created += 1;
                let fields = values
                    .into_iter()
                    .map(|(k, v)| (k, Field { value: v, rev: rev.to_string(), base: None }))
                    .collect();
                (anjian_core::Id::new().to_string(), fields)
            }
        };
        let image = Image::Enterprise(EnterpriseImage { id: id.clone(), fields, created_at: now.to_rfc3339() });
        changes.push(published(&image, rev)?);
    }
    storage.publish_then(&changes, &now.to_rfc3339(), &mut |sql| then(sql, &report))?;
    Ok(report)
}

/// Sets an enterprise's supervision class (分类分级) as the bureau decides it: a change
/// of the enterprise's `supervisionClass` field (its other fields as the district holds
/// them), so it reaches every device and stays in the field's history. Returns whether
/// anything changed.
pub fn set_class(
    storage: &dyn Storage,
    enterprise_id: &str,
    class: Option<anjian_core::enterprise::SupervisionClass>,
    now: DateTime<Utc>,
    then: &mut dyn FnMut(&mut dyn crate::storage::Sql) -> Result<(), StorageError>,
) -> Result<bool, PublishError> {
    let _held = publishing();
    let current = current(storage)?;
    let known = current.by_id.get(enterprise_id).ok_or(PublishError::NoEnterprise)?;
    let value = class.map_or(serde_json::Value::Null, |c| serde_json::Value::from(c.as_str()));
    if known.get("supervisionClass").is_some_and(|f| f.value == value) {
        return Ok(false);
    }
    // After the field's last revision, whatever the clocks: the bureau's setting wins.
    let rev = Clock::new(0, known.get("supervisionClass").map(|f| f.rev)).tick(millis(now));
    let mut fields: BTreeMap<String, Field> = known
        .iter()
        .map(|(k, f)| {
            let base = (f.base != Hlc::ZERO).then(|| f.base.to_string());
            (k.clone(), Field { value: f.value.clone(), rev: f.rev.to_string(), base })
        })
        .collect();
    let base = known.get("supervisionClass").map(|f| f.rev.to_string());
    fields.insert("supervisionClass".to_owned(), Field { value, rev: rev.to_string(), base });
    let image =
        Image::Enterprise(EnterpriseImage { id: enterprise_id.to_owned(), fields, created_at: now.to_rfc3339() });
    storage.publish_then(&[published(&image, rev)?], &now.to_rfc3339(), then)?;
    Ok(true)
}

/// Publishes one checklist version (a file in the format of `assets/checklists/`). The
/// same version published again with the same content is a no-op; with other content
/// it is refused: a published version never changes. Returns whether it was new.
pub fn publish_checklist(
    storage: &dyn Storage,
    file_name: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<bool, PublishError> {
    publish_checklist_then(storage, file_name, body, now, &mut |_, _| Ok(()))
}

/// As `publish_checklist`, with `then` (told whether the version was new) run in the
/// transaction that publishes it, or alone when the same version was published before.
pub fn publish_checklist_then(
    storage: &dyn Storage,
    file_name: &str,
    body: &str,
    now: DateTime<Utc>,
    then: &mut dyn FnMut(&mut dyn crate::storage::Sql, bool) -> Result<(), StorageError>,
) -> Result<bool, PublishError> {
    let reference = Reference::bundled()?;
    let sectors: Vec<&str> = reference.sectors.iter().map(|(code, _)| code.as_str()).collect();
    let template =
        anjian_core::checklist::Template::parse(body, &sectors).map_err(|e| PublishError::Checklist(e.message()))?;
    let image = Image::Checklist(ChecklistImage {
        id: template.id.clone(),
        version: i64::from(template.version),
        file_name: file_name.to_owned(),
        body: body.to_owned(),
    });
    let key = image.record_id();
    let _held = publishing();
    for c in storage.changes_of_type(records::CHECKLIST)? {
        if c.record_id == key {
            let same =
                matches!(Image::parse_json(&c.record_type, &c.payload), Ok(Image::Checklist(t)) if t.body == body);
            if same {
                storage.transact(&mut |sql| then(sql, false))?;
                return Ok(false);
            }
            return Err(PublishError::Checklist(format!(
                "{} 第{}版已发布过不同的内容；修改请发布新版本",
                template.id, template.version
            )));
        }
    }
    storage.publish_then(&[published(&image, server_rev(now))?], &now.to_rfc3339(), &mut |sql| then(sql, true))?;
    Ok(true)
}

/// Grants a device the next block of numbers and tells it through the change log (a
/// device also asks for blocks itself when it syncs and runs low).
pub fn grant_numbers(
    storage: &dyn Storage,
    device_id: &str,
    kind: &str,
    year: i32,
    count: u32,
    now: DateTime<Utc>,
) -> Result<anjian_sync::protocol::NumberBlock, PublishError> {
    let block = storage.grant_block(device_id, kind, year, count, &now.to_rfc3339())?;
    let image = Image::NumberBlock(records::NumberBlockImage {
        device_id: device_id.to_owned(),
        kind: block.kind.clone(),
        year: block.year,
        first: block.first,
        last: block.last,
    });
    storage.publish(&[published(&image, server_rev(now))?], &now.to_rfc3339())?;
    Ok(block)
}

/// What the bureau's staff do to a hazard's 挂牌督办.
#[derive(Debug, Clone)]
pub enum Supervise<'a> {
    /// Put under supervision, or change who supervises it and by when.
    Set(anjian_core::supervision::Input<'a>),
    /// 摘牌, with a note.
    Lift { note: &'a str },
}

/// Puts a 重大隐患 under 挂牌督办, changes it or lifts it (`core::supervision` rules), as a
/// change of the device "server" that reaches every device by the next pull. `by` is
/// the bureau account's name. Returns the image published.
pub fn supervise(
    storage: &dyn Storage,
    hazard_id: &str,
    action: &Supervise<'_>,
    by: &str,
    now: DateTime<Utc>,
    then: &mut dyn FnMut(&mut dyn crate::storage::Sql, &records::SupervisionImage) -> Result<(), StorageError>,
) -> Result<records::SupervisionImage, PublishError> {
    use anjian_core::supervision::{self as rules, Status};
    let _held = publishing();
    let mut found: Option<(String, String, Option<String>)> = None;
    storage.transact(&mut |sql| {
        let rows = sql.query(
            "SELECT h.level, h.status, coalesce(s.image, c.payload) FROM hazard h
             LEFT JOIN hazard_supervision s ON s.id = h.id LEFT JOIN change c ON c.seq = s.image_seq
             WHERE h.id = ?",
            &[crate::ledger::Param::Text(Some(hazard_id.to_owned()))],
        )?;
        found = rows.into_iter().next().map(|r| {
            let mut r = r.into_iter();
            (r.next().flatten().unwrap_or_default(), r.next().flatten().unwrap_or_default(), r.next().flatten())
        });
        Ok(())
    })?;
    let (level, status, held) = found.ok_or(PublishError::NoHazard)?;
    let held = match held.map(|json| Image::parse_json(records::SUPERVISION, &json)) {
        Some(Ok(Image::Supervision(s))) => Some(s),
        _ => None,
    };
    let current = held.as_ref().and_then(|s| Status::parse(&s.status));
    let level = anjian_core::hazard::Level::parse(&level).ok_or(PublishError::NoHazard)?;
    let hazard_status = anjian_core::hazard::HazardStatus::parse(&status).ok_or(PublishError::NoHazard)?;
    let today = anjian_core::beijing::today(now);
    let image = match action {
        Supervise::Set(input) => {
            let checked = rules::set(level, current, input, today)?;
            records::SupervisionImage {
                hazard_id: hazard_id.to_owned(),
                supervisor: checked.supervisor,
                due: checked.due.to_string(),
                status: Status::Active.as_str().to_owned(),
                note: checked.note,
                set_by: by.to_owned(),
                set_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                rev: String::new(),
            }
        }
        Supervise::Lift { note } => {
            rules::lift(hazard_status, current)?;
            let held = held.clone().ok_or(anjian_core::supervision::SupervisionError::NotSupervised)?;
            let (_, note) = rules::check_fields(&held.supervisor, Some(note))?;
            records::SupervisionImage {
                status: Status::Lifted.as_str().to_owned(),
                note,
                set_by: by.to_owned(),
                set_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                ..held
            }
        }
    };
    // Later than the one held, even within the same millisecond.
    let last = held.as_ref().and_then(|s| s.rev.parse::<Hlc>().ok());
    let rev = Clock::new(0, last).tick(millis(now));
    let image = records::SupervisionImage { rev: rev.to_string(), ..image };
    storage.publish_then(&[published(&Image::Supervision(image.clone()), rev)?], &now.to_rfc3339(), &mut |sql| {
        then(sql, &image)
    })?;
    Ok(image)
}

/// The clock of one thing the bureau publishes now (the server is node 0).
fn server_rev(now: DateTime<Utc>) -> Hlc {
    Clock::new(0, None).tick(millis(now))
}

fn millis(now: DateTime<Utc>) -> u64 {
    u64::try_from(now.timestamp_millis()).unwrap_or(0)
}

fn published(image: &Image, rev: Hlc) -> Result<Change, PublishError> {
    let id = crate::auth::new_id().map_err(StorageError::Io)?;
    Ok(Change {
        change_id: format!("{}:{id}", records::SERVER_DEVICE),
        record_type: image.record_type().to_owned(),
        record_id: image.record_id(),
        op: records::OP_PUT.to_owned(),
        rev: rev.to_string(),
        payload: image.payload(),
    })
}

/// Publishes tasks (each to its officers' devices only, `storage::set_audiences`) in one
/// transaction with `then` (the check that the source made none before, the audit).
pub fn publish_tasks(
    storage: &dyn Storage,
    tasks: Vec<records::TaskImage>,
    now: DateTime<Utc>,
    then: &mut dyn FnMut(&mut dyn crate::storage::Sql) -> Result<(), StorageError>,
) -> Result<usize, PublishError> {
    let rev = server_rev(now);
    let changes = tasks
        .into_iter()
        .map(|t| published(&Image::Task(records::TaskImage { rev: rev.to_string(), ..t }), rev))
        .collect::<Result<Vec<_>, _>>()?;
    let _held = publishing();
    storage.publish_then(&changes, &now.to_rfc3339(), then)?;
    Ok(changes.len())
}

/// Cancels an open task (after its last revision, whatever the clocks), read by `held`
/// under the publishing lock (two cancels at once: the second finds it cancelled); `then`
/// runs in the same transaction as the change (the check that it is not done, the audit).
pub fn cancel_task(
    storage: &dyn Storage,
    held: &mut dyn FnMut() -> Result<Option<records::TaskImage>, StorageError>,
    now: DateTime<Utc>,
    then: &mut dyn FnMut(&mut dyn crate::storage::Sql, &records::TaskImage) -> Result<(), StorageError>,
) -> Result<records::TaskImage, PublishError> {
    let _held = publishing();
    let held = held()?.ok_or(PublishError::NoTask)?;
    if held.status != anjian_core::task::Status::Open.as_str() {
        return Err(PublishError::Task("这项任务已经取消".into()));
    }
    let last = held.rev.parse::<Hlc>().ok();
    let rev = Clock::new(0, last).tick(millis(now));
    let image = records::TaskImage {
        status: anjian_core::task::Status::Cancelled.as_str().to_owned(),
        rev: rev.to_string(),
        ..held
    };
    storage.publish_then(&[published(&Image::Task(image.clone()), rev)?], &now.to_rfc3339(), &mut |sql| {
        then(sql, &image)
    })?;
    Ok(image)
}
