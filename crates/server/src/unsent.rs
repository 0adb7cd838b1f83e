//! The bureau imports what a revoked device never sent (the file the device exports,
//! `anjian_sync::unsent`): only from a revoked device, only with that device's MAC, and
//! through the same push path and rules as a sync, so nothing enters that a push would
//! not let in. Importing a file twice stores nothing twice.

use anjian_sync::protocol::{MAX_ATTACHMENT, Outcome};
use anjian_sync::unsent::{self, UnsentError};
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::ledger::Param;
use crate::storage::{AttachmentState, BatchProblem, Storage, StorageError, batch_problem};

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
    /// Which part of the device's export this file was, of how many.
    pub part: u32,
    pub parts: u32,
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

/// Imports one file (one part of an export; parts import in any order): its attachments,
/// then its changes in batches, as the device's pushes.
pub fn import(storage: &dyn Storage, file: &[u8], now: &str) -> Result<UnsentReport, ImportUnsentError> {
    let sealed = unsent::read(file)?;
    let device = sealed.device_id.clone();
    let mut found: Option<(Option<String>, Option<String>)> = None;
    storage.read(&mut |sql| {
        let rows =
            sql.query("SELECT token_hash, revoked_at FROM device WHERE id = ?", &[Param::Text(Some(device.clone()))])?;
        found = rows.into_iter().next().map(|r| (r[0].clone(), r[1].clone()));
        Ok(())
    })?;
    let (key, revoked) = found.ok_or_else(|| ImportUnsentError::UnknownDevice(device.clone()))?;
    let body = unsent::open(&sealed, key.as_deref().unwrap_or_default())?;
    if revoked.is_none() {
        return Err(ImportUnsentError::NotRevoked(device));
    }
    let mut report =
        UnsentReport { device_id: device.clone(), part: sealed.part, parts: sealed.parts, ..UnsentReport::default() };
    for a in &body.attachments {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&a.data_base64)
            .map_err(|_| ImportUnsentError::Malformed(format!("附件 {} 不是 base64", a.sha256)))?;
        if bytes.is_empty() || bytes.len() as u64 > MAX_ATTACHMENT || hex::encode(Sha256::digest(&bytes)) != a.sha256 {
            return Err(ImportUnsentError::Malformed(format!("附件 {} 与摘要不符", a.sha256)));
        }
        // Part of it may have arrived before the device was revoked: the rest from there.
        let from = match storage.attachment_state(&a.sha256)? {
            AttachmentState::Complete => None,
            AttachmentState::Absent => Some(0),
            AttachmentState::Partial(n) => Some(n.min(bytes.len() as u64)),
        };
        if let Some(from) = from {
            storage.attachment_append(&a.sha256, from, &bytes[from as usize..], bytes.len() as u64)?;
        }
        report.attachments += 1;
    }
    // A batch of its own each time (a batch seen before would get its old answer): a
    // change imported or synced before is then counted as the duplicate it is.
    let tag = &hex::encode(Sha256::digest(sealed.nonce.as_bytes()))[..16];
    let at: String = now.chars().filter(char::is_ascii_digit).take(17).collect();
    let mut rest = body.changes.as_slice();
    let mut n = 0;
    while !rest.is_empty() {
        // Batches as the device's own pushes would have been: by count and by size.
        let (chunk, after) = rest.split_at(anjian_sync::protocol::push_fits(rest));
        rest = after;
        n += 1;
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
