//! The device's side of sync: outbox rows become record images to push, and pulled
//! images are merged into the tables by the rules of `anjian_sync::records`. Applying
//! a page and moving the cursor happen in one transaction; a change that cannot be
//! applied here (a changed issued document, a number already used on this device…) is
//! kept as a problem with its reason, and the rest of the page goes on.

use std::sync::Arc;

use anjian_core::Id;
use anjian_sync::device::{Applied, Local, LocalError, Outgoing, Pending};
use anjian_sync::protocol::{Change, ChangeResult, NumberBlock, PullPage};
use serde::Serialize;

use crate::Store;
use crate::error::{Result, StoreError};

const CURSOR_KEY: &str = "sync_cursor";
/// Ask the server for more numbers when fewer than this are left of a kind.
const LOW_NUMBERS: u32 = 20;
const BLOCK: u32 = 100;

/// The store as the sync engine sees it, shared with the app: each step a transaction
/// of its own, so the inspector keeps working while a sync runs.
#[derive(Debug, Clone)]
pub struct SyncLocal(pub Arc<Store>);

impl SyncLocal {
    fn store(&self) -> &Store {
        &self.0
    }
}

fn local<T>(r: Result<T>) -> std::result::Result<T, LocalError> {
    r.map_err(|e| LocalError(e.to_string()))
}

impl Local for SyncLocal {
    fn outgoing(&self, device_id: &str, limit: usize) -> std::result::Result<Outgoing, LocalError> {
        local(self.store().sync_outgoing(device_id, limit))
    }

    fn attachment_bytes(&self, sha256: &str) -> std::result::Result<Vec<u8>, LocalError> {
        local(self.store().attachment(sha256)).map(|(_, bytes)| bytes)
    }

    fn acknowledge(
        &self,
        up_to: u64,
        pushed: &[Change],
        results: &[ChangeResult],
    ) -> std::result::Result<(), LocalError> {
        local(self.store().write(|w| w.sync_acknowledge(up_to, results, pushed)))
    }

    fn cursor(&self) -> std::result::Result<u64, LocalError> {
        local(self.store().sync_cursor())
    }

    fn apply(&self, own_device: &str, page: &PullPage) -> std::result::Result<Applied, LocalError> {
        local(self.store().sync_apply(own_device, page))
    }

    fn wanted_attachments(&self) -> std::result::Result<Vec<String>, LocalError> {
        local(self.store().sync_wanted())
    }

    fn save_attachment(&self, sha256: &str, bytes: &[u8]) -> std::result::Result<(), LocalError> {
        local(self.store().write(|w| w.save_downloaded_attachment(sha256, bytes)))
    }

    fn number_blocks_wanted(&self) -> std::result::Result<Vec<(String, i32, u32)>, LocalError> {
        // Documents are numbered by the year in Beijing.
        let year = chrono::Datelike::year(&anjian_core::beijing::today(chrono::Utc::now()));
        let kinds = local(self.store().number_blocks_low(year, LOW_NUMBERS))?;
        Ok(kinds.into_iter().map(|k| (k.as_str().to_owned(), year, BLOCK)).collect())
    }

    fn add_number_block(&self, block: &NumberBlock) -> std::result::Result<(), LocalError> {
        let kind = anjian_core::document::DocumentKind::parse(&block.kind)
            .ok_or_else(|| LocalError(format!("文书种类无效：{}", block.kind)))?;
        local(self.store().write(|w| w.add_number_block(kind, block.year, block.first, block.last)))
    }

    fn pending(&self) -> std::result::Result<Pending, LocalError> {
        local(self.store().sync_pending())
    }
}

/// A change the server refused (pushed) or this device could not apply (pulled).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncProblem {
    pub change_id: String,
    pub direction: String,
    pub record_type: String,
    pub record_id: String,
    pub reason: String,
    pub at: String,
    /// A pulled change kept whole: tried again at the end of each sync.
    pub retrying: bool,
    /// A pushed change the server stored, with a problem it found (the reason).
    pub accepted: bool,
}

/// A value of an enterprise that lost a merge, kept for review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct OverwrittenValue {
    pub field: String,
    pub kept: serde_json::Value,
    pub kept_rev: String,
    pub overwritten: serde_json::Value,
    pub overwritten_rev: String,
    pub at: String,
}

impl Store {
    /// Kinds whose numbers granted by the district server for `year` run low (fewer
    /// than `low` left): what to ask for at the next sync.
    pub fn number_blocks_low(&self, year: i32, low: u32) -> Result<Vec<anjian_core::document::DocumentKind>> {
        let mut out = Vec::new();
        for kind in anjian_core::document::DocumentKind::ALL {
            let left: i64 = self.conn()?.query_row(
                "SELECT coalesce(sum(last - next + 1), 0) FROM number_block WHERE kind = ?1 AND year = ?2 AND source = 'server'",
                (kind.as_str(), year),
                |r| r.get(0),
            )?;
            if left < i64::from(low) {
                out.push(kind);
            }
        }
        Ok(out)
    }

    pub fn sync_cursor(&self) -> Result<u64> {
        Ok(self.setting(CURSOR_KEY)?.and_then(|s| s.parse().ok()).unwrap_or(0))
    }

    /// Attachments pulled records refer to whose bytes are not here yet.
    pub fn sync_wanted(&self) -> Result<Vec<String>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached("SELECT sha256 FROM attachment_wanted ORDER BY sha256")?;
        Ok(stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?)
    }

    pub fn sync_pending(&self) -> Result<Pending> {
        let (changes, attachments): (i64, i64) = self.conn()?.query_row(
            "SELECT count(*), count(*) FILTER (WHERE record_type = 'attachment') FROM outbox
             WHERE record_type IN ('enterprise', 'inspector', 'inspection', 'answer', 'hazard', 'document', 'attachment')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(Pending { changes: changes as u64, attachments: attachments as u64 })
    }

    pub fn sync_problems(&self) -> Result<Vec<SyncProblem>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(
            "SELECT change_id, direction, record_type, record_id, reason, at, change IS NOT NULL, accepted
             FROM sync_problem ORDER BY at DESC LIMIT 200",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(SyncProblem {
                change_id: r.get(0)?,
                direction: r.get(1)?,
                record_type: r.get(2)?,
                record_id: r.get(3)?,
                reason: r.get(4)?,
                at: r.get(5)?,
                retrying: r.get(6)?,
                accepted: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The values of an enterprise that lost a merge, newest first.
    pub fn enterprise_overwrites(&self, id: Id) -> Result<Vec<OverwrittenValue>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(
            "SELECT field, kept, kept_rev, overwritten, overwritten_rev, at FROM enterprise_overwrite
             WHERE enterprise_id = ?1 ORDER BY seq DESC",
        )?;
        let rows = stmt.query_map([id.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get::<_, String>(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?;
        rows.map(|row| {
            let (field, kept, kept_rev, overwritten, overwritten_rev, at) = row?;
            Ok(OverwrittenValue {
                field,
                kept: json(&kept)?,
                kept_rev,
                overwritten: json(&overwritten)?,
                overwritten_rev,
                at,
            })
        })
        .collect()
    }
}

fn json(s: &str) -> Result<serde_json::Value> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn to_json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

mod images;
mod incoming;
mod outgoing;
