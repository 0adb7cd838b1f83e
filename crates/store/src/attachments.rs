//! Attachments (photos, signature images, PDFs) stored once by SHA-256 under the store's
//! directory, each file encrypted (`seal::FileCipher`), written to a temporary file and
//! renamed, and verified against its hash on every read.

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::OptionalExtension;
use sha2::{Digest, Sha256};

use crate::error::{Result, StoreError};
use crate::seal::{ATTACHMENTS, FileCipher, write_durably};
use crate::{Store, Writer};

/// Photos from a tablet camera are a few MB; anything far larger is a mistake.
pub const MAX_ATTACHMENT: usize = 32 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub sha256: String,
    pub mime: String,
    pub size: u64,
}

/// The attachment files: where they lie and how they are sealed.
#[derive(Debug)]
pub(crate) struct Files {
    dir: PathBuf,
    cipher: FileCipher,
}

impl Files {
    pub(crate) fn new(store_dir: &Path, cipher: FileCipher) -> Files {
        Files { dir: store_dir.join(ATTACHMENTS), cipher }
    }

    fn path_of(&self, sha: &str) -> PathBuf {
        self.dir.join(&sha[..2]).join(sha)
    }

    /// The plain bytes of `sha`'s file if it is here, opens with this key and holds
    /// exactly those bytes.
    fn read(&self, sha: &str) -> Option<Vec<u8>> {
        let file = fs::read(self.path_of(sha)).ok()?;
        let bytes = self.cipher.open(sha, &file)?;
        (hex::encode(Sha256::digest(&bytes)) == sha).then_some(bytes)
    }

    /// Whether the file for `sha` is here and holds its bytes.
    pub(crate) fn intact(&self, sha: &str) -> bool {
        self.read(sha).is_some()
    }

    /// Keeps bytes already checked against `sha` (a download), sealed.
    pub(crate) fn write(&self, sha: &str, bytes: &[u8]) -> Result<()> {
        write_durably(&self.path_of(sha), &self.cipher.seal(sha, bytes)?)
    }
}

fn is_sha(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

pub(crate) const MIMES: [&str; 5] = ["image/jpeg", "image/png", "image/webp", "application/pdf", "image/svg+xml"];

impl Writer<'_> {
    /// Refuses a reference to an attachment this store does not hold.
    pub(crate) fn ensure_attachments<'s>(&self, shas: impl IntoIterator<Item = &'s String>) -> Result<()> {
        for sha in shas {
            let known: bool =
                self.tx.query_row("SELECT EXISTS (SELECT 1 FROM attachment WHERE sha256 = ?1)", [sha], |r| r.get(0))?;
            if !known {
                return Err(StoreError::NotFound { kind: "attachment", id: sha.clone() });
            }
        }
        Ok(())
    }

    /// Stores the bytes (once) and returns their hash. The file is durable before the
    /// row commits, so a committed row always has its file.
    pub fn put_attachment(&mut self, bytes: &[u8], mime: &str) -> Result<Attachment> {
        if bytes.is_empty() || bytes.len() > MAX_ATTACHMENT {
            return Err(StoreError::Refused(format!("attachment size {} outside 1..={MAX_ATTACHMENT}", bytes.len())));
        }
        if !MIMES.contains(&mime) {
            return Err(StoreError::Refused(format!("attachment type {mime} not accepted")));
        }
        let sha = hex::encode(Sha256::digest(bytes));
        // A file already there is reused only if it still holds these bytes: a damaged
        // or truncated one is replaced.
        if !self.files.intact(&sha) {
            self.files.write(&sha, bytes)?;
        }
        let size = bytes.len() as u64;
        let known: bool =
            self.tx.query_row("SELECT EXISTS (SELECT 1 FROM attachment WHERE sha256 = ?1)", [&sha], |r| r.get(0))?;
        if !known {
            self.tx.execute(
                "INSERT INTO attachment (sha256, mime, size, created_at) VALUES (?1, ?2, ?3, ?4)",
                (&sha, mime, size as i64, self.now.to_rfc3339()),
            )?;
            let a = Attachment { sha256: sha.clone(), mime: mime.to_owned(), size };
            self.record("attachment", &sha, "insert", &serde_json::json!({"mime": mime, "size": size}), true)?;
            return Ok(a);
        }
        Ok(Attachment { sha256: sha, mime: mime.to_owned(), size })
    }
}

impl Store {
    /// The attachment's bytes, checked against their hash.
    pub fn attachment(&self, sha: &str) -> Result<(Attachment, Vec<u8>)> {
        if !is_sha(sha) {
            return Err(StoreError::NotFound { kind: "attachment", id: sha.to_owned() });
        }
        let row: Option<(String, i64)> = self
            .conn()?
            .query_row("SELECT mime, size FROM attachment WHERE sha256 = ?1", [sha], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let (mime, size) = row.ok_or_else(|| StoreError::NotFound { kind: "attachment", id: sha.to_owned() })?;
        let path = self.files.path_of(sha);
        fs::metadata(&path).map_err(|e| StoreError::io(&path, e))?;
        let bytes = self
            .files
            .read(sha)
            .ok_or_else(|| StoreError::Corrupt(format!("attachment {sha} does not match its hash")))?;
        Ok((Attachment { sha256: sha.to_owned(), mime, size: size as u64 }, bytes))
    }
}
