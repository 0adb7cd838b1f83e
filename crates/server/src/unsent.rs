//! The bureau imports what a revoked device never sent (the file the device exports,
//! `anjian_sync::unsent`): only from a revoked device, only with that device's MAC, and
//! through the same push path and rules as a sync, so nothing enters that a push would
//! not let in. Importing a file twice stores nothing twice.

use anjian_sync::protocol::{Change, MAX_ATTACHMENT, MAX_BATCH, Outcome};
use anjian_sync::unsent::{self, UnsentError};
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::ledger::Param;
use crate::storage::{AttachmentState, Storage, StorageError};

#[derive(Debug, thiserror::Error)]
pub enum ImportUnsentError {
    #[error(transparent)]
    File(#[from] UnsentError),
    #[error("没有这台设备：{0}")]
    UnknownDevice(String),
    #[error("设备 {0} 没有被停用：它的记录请让它直接同步")]
    NotRevoked(String),
    #[error("文件中的记录不符合要求：{0}")]
    Malformed(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UnsentReport {
    pub device_id: String,
    pub applied: u64,
    /// Stored before (synced, or imported already).
    pub duplicates: u64,
    /// Refused by the rules, each with its reason.
    pub refused: Vec<RefusedImport>,
    pub attachments: u64,
}

/// A change of the file the rules refused.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefusedImport {
    pub change_id: String,
    pub reason: String,
}

/// Why a batch of changes cannot be taken from `device` at all (what else is wrong with a
/// change is answered in its result, by the rules): the push route and the import say it
/// alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchProblem {
    Malformed(String),
    /// A change id names another device: a device cannot write in another's name.
    NotOwn,
}

pub fn batch_problem(device: &str, batch_id: &str, changes: &[Change]) -> Option<BatchProblem> {
    // BATCH_ID_PATTERN of the HTTP contract.
    let id_char = |c: char| c.is_ascii_alphanumeric() || "_.:-".contains(c);
    if batch_id.is_empty() || batch_id.len() > 64 || !batch_id.chars().all(id_char) {
        return Some(BatchProblem::Malformed("批次编号无效".into()));
    }
    if changes.len() > MAX_BATCH {
        return Some(BatchProblem::Malformed(format!("一批最多{MAX_BATCH}条记录")));
    }
    if changes.iter().any(|c| c.op != anjian_sync::records::OP_PUT || !c.payload.get().trim_start().starts_with('{')) {
        return Some(BatchProblem::Malformed("每条记录应为 put，内容应为 JSON 对象".into()));
    }
    if changes.iter().any(|c| !c.change_id.starts_with(&format!("{device}:"))) {
        return Some(BatchProblem::NotOwn);
    }
    None
}

/// Imports the file: its attachments, then its changes in batches, as the device's pushes.
pub fn import(storage: &dyn Storage, file: &[u8], now: &str) -> Result<UnsentReport, ImportUnsentError> {
    let (sealed, body) = unsent::device_of(file)?;
    let device = body.device_id.clone();
    let mut found: Option<(Option<String>, Option<String>)> = None;
    storage.read(&mut |sql| {
        let rows =
            sql.query("SELECT token_hash, revoked_at FROM device WHERE id = ?", &[Param::Text(Some(device.clone()))])?;
        found = rows.into_iter().next().map(|r| (r[0].clone(), r[1].clone()));
        Ok(())
    })?;
    let (key, revoked) = found.ok_or_else(|| ImportUnsentError::UnknownDevice(device.clone()))?;
    unsent::verify(&sealed, key.as_deref().unwrap_or_default())?;
    if revoked.is_none() {
        return Err(ImportUnsentError::NotRevoked(device));
    }
    let mut report = UnsentReport { device_id: device.clone(), ..UnsentReport::default() };
    for a in &body.attachments {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&a.data_base64)
            .map_err(|_| ImportUnsentError::Malformed(format!("附件 {} 不是 base64", a.sha256)))?;
        if bytes.is_empty() || bytes.len() as u64 > MAX_ATTACHMENT || hex::encode(Sha256::digest(&bytes)) != a.sha256 {
            return Err(ImportUnsentError::Malformed(format!("附件 {} 与摘要不符", a.sha256)));
        }
        if storage.attachment_state(&a.sha256)? != AttachmentState::Complete {
            storage.attachment_append(&a.sha256, 0, &bytes, bytes.len() as u64)?;
        }
        report.attachments += 1;
    }
    // A batch of its own each time (a batch seen before would get its old answer): a
    // change imported or synced before is then counted as the duplicate it is.
    let tag = &hex::encode(Sha256::digest(sealed.body.as_bytes()))[..16];
    let at: String = now.chars().filter(char::is_ascii_digit).take(17).collect();
    for (n, chunk) in body.changes.chunks(MAX_BATCH).enumerate() {
        let batch_id = format!("unsent-{tag}-{at}-{n}");
        match batch_problem(&device, &batch_id, chunk) {
            Some(BatchProblem::Malformed(why)) => return Err(ImportUnsentError::Malformed(why)),
            Some(BatchProblem::NotOwn) => return Err(ImportUnsentError::Malformed("记录编号不属于本设备".into())),
            None => {}
        }
        for r in storage.push(&device, &batch_id, chunk, now)?.results {
            match r.outcome {
                Outcome::Applied => report.applied += 1,
                Outcome::Duplicate => report.duplicates += 1,
                Outcome::Refused => {
                    report.refused.push(RefusedImport { change_id: r.change_id, reason: r.reason.unwrap_or_default() });
                }
            }
        }
    }
    Ok(report)
}
