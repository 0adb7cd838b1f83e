//! Attachments (photos, signature images, PDFs) stored once by SHA-256 under the data
//! directory, written to a temporary file and renamed, and verified on every read.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::OptionalExtension;
use sha2::{Digest, Sha256};

use crate::error::{Result, StoreError};
use crate::{Store, Writer};

/// Photos from a tablet camera are a few MB; anything far larger is a mistake.
pub const MAX_ATTACHMENT: usize = 32 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub sha256: String,
    pub mime: String,
    pub size: u64,
}

fn path_of(dir: &Path, sha: &str) -> PathBuf {
    dir.join("attachments").join(&sha[..2]).join(sha)
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
        let path = path_of(self.dir, &sha);
        // A file already there is reused only if it still holds these bytes: a damaged
        // or truncated one is replaced.
        let intact = fs::read(&path).is_ok_and(|old| hex::encode(Sha256::digest(&old)) == sha);
        if !intact {
            write_durably(&path, bytes)?;
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

/// Whether the file for `sha` is here and holds its bytes.
pub(crate) fn file_intact(dir: &Path, sha: &str) -> bool {
    fs::read(path_of(dir, sha)).is_ok_and(|b| hex::encode(Sha256::digest(&b)) == sha)
}

/// Keeps bytes already checked against `sha` (a download).
pub(crate) fn write_file(dir: &Path, sha: &str, bytes: &[u8]) -> Result<()> {
    write_durably(&path_of(dir, sha), bytes)
}

/// Temporary file, fsync, rename, fsync of the directory: after this returns the file
/// survives a power cut, so a row committed next never points at nothing.
fn write_durably(path: &Path, bytes: &[u8]) -> Result<()> {
    let parent = path.parent().ok_or_else(|| StoreError::io(path, std::io::ErrorKind::InvalidInput.into()))?;
    fs::create_dir_all(parent).map_err(|e| StoreError::io(parent, e))?;
    let tmp = parent.join(format!(".{}.tmp", std::process::id()));
    let mut f = fs::File::create(&tmp).map_err(|e| StoreError::io(&tmp, e))?;
    f.write_all(bytes).and_then(|_| f.sync_all()).map_err(|e| StoreError::io(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| StoreError::io(path, e))?;
    fs::File::open(parent).and_then(|d| d.sync_all()).map_err(|e| StoreError::io(parent, e))
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
        let path = path_of(self.dir(), sha);
        let bytes = fs::read(&path).map_err(|e| StoreError::io(&path, e))?;
        if hex::encode(Sha256::digest(&bytes)) != sha {
            return Err(StoreError::Corrupt(format!("attachment {sha} does not match its hash")));
        }
        Ok((Attachment { sha256: sha.to_owned(), mime, size: size as u64 }, bytes))
    }
}
