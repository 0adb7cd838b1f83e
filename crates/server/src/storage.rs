//! What the server stores, behind one trait so SQLite (the default) and PostgreSQL (in
//! production) behave the same. Methods are blocking; the HTTP layer calls them on the
//! blocking pool. Each method is one transaction.

use anjian_sync::protocol::{Change, ChangeResult, NumberBlock, PullPage, PushResponse, ServerChange};

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("not found: {0}")]
    NotFound(String),
    #[error("refused: {0}")]
    Refused(String),
    #[error("database: {0}")]
    Database(String),
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
}

impl From<rusqlite::Error> for StorageError {
    fn from(e: rusqlite::Error) -> Self {
        StorageError::Database(e.to_string())
    }
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Inspector {
    pub id: String,
    pub name: String,
    pub cert_no: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Device {
    pub id: String,
    pub name: String,
    pub inspector_name: String,
    pub inspector_cert_no: String,
    pub paired_at: String,
    pub revoked_at: Option<String>,
}

/// An attachment's state on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentState {
    Absent,
    Partial(u64),
    Complete,
}

pub trait Storage: Send + Sync + 'static {
    /// Adds (or finds, by 执法证号) an inspector and makes a one-time pairing code for them;
    /// the code is stored as its hash only.
    fn enrol(&self, name: &str, cert_no: &str, code_hash: &str, expires_at: &str, now: &str) -> Result<Inspector>;
    /// Uses a pairing code once: a new device for its inspector, keeping the token's hash.
    fn pair(
        &self,
        code_hash: &str,
        now: &str,
        device_id: &str,
        device_name: &str,
        token_hash: &str,
    ) -> Result<Inspector>;
    /// The device a token hash belongs to, if paired and not revoked.
    fn device_by_token(&self, token_hash: &str) -> Result<Option<String>>;
    fn devices(&self) -> Result<Vec<Device>>;
    fn revoke(&self, device_id: &str, now: &str) -> Result<()>;

    /// Applies a batch once: a batch id seen before gets the answer it got then; a change
    /// id seen before (in another batch) is a duplicate. Changes get the next sequence
    /// numbers in order.
    fn push(&self, device_id: &str, batch_id: &str, changes: &[Change], now: &str) -> Result<PushResponse>;
    /// Changes after `after`, at most `limit`, in sequence order.
    fn pull(&self, after: u64, limit: u32) -> Result<PullPage>;

    fn attachment_state(&self, sha256: &str) -> Result<AttachmentState>;
    /// Appends `bytes` at `offset` (which must be what has arrived so far) and, when
    /// `total` bytes are there, verifies the hash and marks the attachment complete.
    fn attachment_append(&self, sha256: &str, offset: u64, bytes: &[u8], total: u64) -> Result<AttachmentState>;
    fn attachment(&self, sha256: &str) -> Result<Vec<u8>>;

    /// The next `count` numbers of a kind and year for a device; blocks never overlap.
    fn grant_block(&self, device_id: &str, kind: &str, year: i32, count: u32, now: &str) -> Result<NumberBlock>;

    /// Every stored change's id, for the tests' accounting.
    fn change_count(&self) -> Result<u64>;
}

/// A batch's change ids, one per line: what a repeat of the batch must match.
pub(crate) fn change_ids(changes: &[Change]) -> String {
    changes.iter().map(|c| c.change_id.as_str()).collect::<Vec<_>>().join("\n")
}

/// The answer to a batch id seen before: the same answer if it is the same batch;
/// refused if the id now carries other changes (they would be taken as stored).
pub(crate) fn repeat(batch_id: &str, earlier_ids: &str, ids: &str, results: &str) -> Result<PushResponse> {
    if earlier_ids != ids {
        return Err(StorageError::Refused(format!("batch {batch_id} was sent before with other changes")));
    }
    let results: Vec<ChangeResult> =
        serde_json::from_str(results).map_err(|e| StorageError::Database(e.to_string()))?;
    Ok(PushResponse { batch_id: batch_id.to_owned(), results })
}

/// What a push did with each change, in order.
pub(crate) fn results_json(results: &[ChangeResult]) -> String {
    serde_json::to_string(results).unwrap_or_else(|_| "[]".into())
}

/// A pull page from up to `limit + 1` changes read after `after`: the extra one only
/// says that more follow.
pub(crate) fn page(after: u64, limit: u32, mut changes: Vec<ServerChange>) -> PullPage {
    let more = changes.len() > limit as usize;
    changes.truncate(limit as usize);
    let next = changes.last().map_or(after, |c| c.seq);
    PullPage { changes, next, more }
}
