//! What the sync engine needs of the device's store, and nothing more: the engine is
//! handed changes and bytes, it never sees tables. The store's side implements this.

use crate::protocol::{Change, ChangeResult, NumberBlock, PullPage};

/// A store-side failure, with a message for the inspector.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct LocalError(pub String);

/// Changes waiting to be sent, in outbox order.
#[derive(Debug, Clone, Default)]
pub struct Outgoing {
    pub changes: Vec<Change>,
    /// The last outbox position these changes cover: acknowledging removes every
    /// outbox row up to it (several writes to one record travel as one image).
    pub up_to: u64,
    /// Attachments the changes' records refer to, to upload first.
    pub attachments: Vec<String>,
}

/// What applying a pulled page did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    pub applied: u64,
    /// Changes refused here (reported, not applied; the cursor moves past them).
    pub problems: u64,
}

/// How many changes are waiting: for the 同步 page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pending {
    pub changes: u64,
    pub attachments: u64,
}

pub trait Local: Send + Sync {
    /// The next changes to push for device `device_id` (the server's name for this
    /// device, which prefixes every change id), at most `limit`.
    fn outgoing(&self, device_id: &str, limit: usize) -> Result<Outgoing, LocalError>;
    fn attachment_bytes(&self, sha256: &str) -> Result<Vec<u8>, LocalError>;
    /// The server's answer to a push: removes the outbox rows up to `up_to`, keeping
    /// refused changes (with the reason) for the inspector to see.
    fn acknowledge(&self, up_to: u64, pushed: &[Change], results: &[ChangeResult]) -> Result<(), LocalError>;
    /// The last server sequence applied here.
    fn cursor(&self) -> Result<u64, LocalError>;
    /// Applies a page and moves the cursor to `page.next` in the same transaction.
    /// Changes written by `own_device` are skipped: they are this device's own.
    fn apply(&self, own_device: &str, page: &PullPage) -> Result<Applied, LocalError>;
    /// Attachments that pulled records refer to and whose bytes are not here yet.
    fn wanted_attachments(&self) -> Result<Vec<String>, LocalError>;
    /// Keeps downloaded bytes (checked against the hash by the store).
    fn save_attachment(&self, sha256: &str, bytes: &[u8]) -> Result<(), LocalError>;
    /// Number blocks worth asking for now: (kind, year, count).
    fn number_blocks_wanted(&self) -> Result<Vec<(String, i32, u32)>, LocalError>;
    fn add_number_block(&self, block: &NumberBlock) -> Result<(), LocalError>;
    fn pending(&self) -> Result<Pending, LocalError>;
}
