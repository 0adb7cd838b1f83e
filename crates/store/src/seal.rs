//! Encryption at rest: where the encrypted store lies in the data directory, how a plain
//! store of an earlier version becomes one, and the attachment files' cipher.
//!
//! The encrypted store is the directory `encrypted/` (database and attachments). A plain
//! store (`anjian.db` and `attachments/` at the top) is copied, encrypted, into
//! `encrypted.partial/`, made durable, and switched in by renaming that directory: a
//! rename is atomic, so a kill at any moment leaves the plain store whole (the partial
//! copy is dropped at the next start) or the encrypted one whole (the plain files left
//! are removed at the next start).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rusqlite::Connection;

use crate::error::{Result, StoreError};
use crate::key::{KeyStore, StoreKey};

pub(crate) const DB_FILE: &str = "anjian.db";
pub(crate) const ATTACHMENTS: &str = "attachments";
const ENCRYPTED: &str = "encrypted";
const PARTIAL: &str = "encrypted.partial";
/// Where an earlier version wrote the PDFs it opened in the viewer, unencrypted.
const OLD_EXPORTS: &str = "exports";
/// In `encrypted/`: which plain store was converted into it (`plain_identity`).
const CONVERTED: &str = "converted-from";
/// Where a plain store written after the conversion is set aside, never deleted.
const KEPT_PLAIN: &str = "unencrypted-kept";
/// A wipe the bureau asked for, begun: its notice (when, why).
const WIPING: &str = "wiping";
/// The notice of a wipe done, shown to the inspector.
const WIPED: &str = "wiped";

/// What an attachment file starts with: the format, then the nonce.
const MAGIC: &[u8; 4] = b"AJE1";
const NONCE: usize = 24;

/// The encrypted store's directory in `data_dir`, with its key: made, or converted from a
/// plain store, when there is none yet. A missing or wrong key touches nothing.
pub(crate) fn prepare(data_dir: &Path, keys: &dyn KeyStore) -> Result<(PathBuf, StoreKey)> {
    fs::create_dir_all(data_dir).map_err(|e| StoreError::io(data_dir, e))?;
    if data_dir.join(WIPING).exists() {
        finish_wipe(data_dir, keys)?;
    }
    let encrypted = data_dir.join(ENCRYPTED);
    if encrypted.is_dir() {
        let key = keys.load()?.ok_or(StoreError::KeyMissing)?;
        check_key(&encrypted, &key)?;
        let converted = fs::read_to_string(encrypted.join(CONVERTED)).ok();
        if data_dir.join(DB_FILE).exists() && converted != Some(plain_identity(data_dir)) {
            // Written since by an earlier version (a downgrade): work of the inspector's
            // that this store does not hold. Never deleted; set aside for the IT officer.
            keep_plain_aside(data_dir)?;
        } else {
            // A switch not followed by the whole clean-up (a kill just after the rename).
            remove_plain(data_dir)?;
        }
        return Ok((encrypted, key));
    }
    let key = match keys.load()? {
        Some(key) => key,
        None => {
            let key = StoreKey::generate();
            keys.save(&key)?;
            // A secret store that accepted the key but does not give it back would lose
            // every record written with it.
            if keys.load()?.as_ref() != Some(&key) {
                return Err(StoreError::Key("系统密钥库没有保存本机数据的密钥".into()));
            }
            key
        }
    };
    let partial = data_dir.join(PARTIAL);
    remove_dir(&partial)?;
    fs::create_dir_all(partial.join(ATTACHMENTS)).map_err(|e| StoreError::io(&partial, e))?;
    if data_dir.join(DB_FILE).exists() {
        encrypt_database(&data_dir.join(DB_FILE), &partial.join(DB_FILE), &key)?;
        encrypt_attachments(&data_dir.join(ATTACHMENTS), &partial.join(ATTACHMENTS), &key)?;
        // Taken after the export closed the plain database (closing checkpoints its log).
        write_durably(&partial.join(CONVERTED), plain_identity(data_dir).as_bytes())?;
    }
    sync_dir(&partial.join(ATTACHMENTS))?;
    sync_dir(&partial)?;
    fs::rename(&partial, &encrypted).map_err(|e| StoreError::io(&encrypted, e))?;
    sync_dir(data_dir)?;
    remove_plain(data_dir)?;
    Ok((encrypted, key))
}

/// Begins the wipe the bureau asked for: its notice, durably, before anything else (a kill
/// or a failure from here on still finishes the wipe at the next start, and explains it).
pub(crate) fn begin_wipe(data_dir: &Path, notice: &str) -> Result<()> {
    write_durably(&data_dir.join(WIPING), notice.as_bytes())
}

/// Deletes the key (the data is unreadable from there on), then the files. A secret store
/// that will not forget the key does not keep the files: they go anyway (a key without its
/// data opens nothing), and the notice says so.
pub(crate) fn finish_wipe(data_dir: &Path, keys: &dyn KeyStore) -> Result<()> {
    let forgot = keys.forget();
    remove_dir(&data_dir.join(ENCRYPTED))?;
    remove_dir(&data_dir.join(KEPT_PLAIN))?;
    remove_plain(data_dir)?;
    if let Err(e) = forgot {
        let mut notice = fs::read_to_string(data_dir.join(WIPING)).unwrap_or_default();
        notice.push_str(&format!("（系统密钥库中的旧密钥未能删除：{e}）"));
        write_durably(&data_dir.join(WIPING), notice.as_bytes())?;
    }
    fs::rename(data_dir.join(WIPING), data_dir.join(WIPED)).map_err(|e| StoreError::io(data_dir, e))?;
    sync_dir(data_dir)
}

/// Whether a wipe was begun here and not finished (it finishes at the next start).
pub(crate) fn wipe_unfinished(data_dir: &Path) -> bool {
    data_dir.join(WIPING).exists()
}

/// The notice of a wipe done in this data directory, if one was.
pub(crate) fn wiped_notice(data_dir: &Path) -> Option<String> {
    fs::read_to_string(data_dir.join(WIPED)).ok()
}

/// Opens a connection to the encrypted database and proves the key on its first page,
/// before anything is written.
pub(crate) fn open_keyed(path: &Path, key: &StoreKey, flags: rusqlite::OpenFlags) -> Result<Connection> {
    let conn = Connection::open_with_flags(path, flags)?;
    // A wrong key is answered by the error below; SQLCipher's own log line is noise.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    conn.pragma_update(None, "key", key.sqlcipher_key())?;
    // Temporary tables and sorts stay in memory, never in an unencrypted file.
    conn.execute_batch("PRAGMA temp_store = MEMORY;")?;
    match conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0)) {
        Ok(_) => Ok(conn),
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::NotADatabase => {
            Err(StoreError::WrongKey)
        }
        Err(e) => Err(e.into()),
    }
}

fn check_key(encrypted: &Path, key: &StoreKey) -> Result<()> {
    let db = encrypted.join(DB_FILE);
    if db.exists() {
        open_keyed(&db, key, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    }
    Ok(())
}

/// SQLCipher's own export: every table, index and trigger into the encrypted file, then
/// the schema version, which the export leaves behind.
fn encrypt_database(plain: &Path, target: &Path, key: &StoreKey) -> Result<()> {
    let conn = Connection::open(plain)?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let target_name =
        target.to_str().ok_or_else(|| StoreError::Corrupt(format!("路径不是 UTF-8：{}", target.display())))?;
    conn.execute("ATTACH DATABASE ?1 AS sealed KEY ?2", (target_name, key.sqlcipher_key()))?;
    conn.query_row("SELECT sqlcipher_export('sealed')", [], |_| Ok(()))?;
    conn.execute_batch(&format!("PRAGMA sealed.user_version = {version}; DETACH DATABASE sealed;"))?;
    drop(conn);
    fs::File::open(target).and_then(|f| f.sync_all()).map_err(|e| StoreError::io(target, e))
}

fn encrypt_attachments(plain: &Path, target: &Path, key: &StoreKey) -> Result<()> {
    let Ok(shards) = fs::read_dir(plain) else { return Ok(()) };
    let cipher = FileCipher::new(key);
    for shard in shards {
        let shard = shard.map_err(|e| StoreError::io(plain, e))?.path();
        if !shard.is_dir() {
            continue;
        }
        let out_dir = target.join(shard.file_name().unwrap_or_default());
        fs::create_dir_all(&out_dir).map_err(|e| StoreError::io(&out_dir, e))?;
        for file in fs::read_dir(&shard).map_err(|e| StoreError::io(&shard, e))? {
            let path = file.map_err(|e| StoreError::io(&shard, e))?.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
            // Temporary files of an interrupted write hold nothing a row points at.
            if name.starts_with('.') {
                continue;
            }
            let bytes = fs::read(&path).map_err(|e| StoreError::io(&path, e))?;
            write_durably(&out_dir.join(name), &cipher.seal(name, &bytes)?)?;
        }
        sync_dir(&out_dir)?;
    }
    Ok(())
}

/// The plain database's files as the file system describes them (size, last change):
/// changed by any write to the plain store.
fn plain_identity(data_dir: &Path) -> String {
    let mut out = String::new();
    for name in [DB_FILE, "anjian.db-wal"] {
        let meta = fs::metadata(data_dir.join(name)).ok();
        let modified = meta
            .as_ref()
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        out.push_str(&format!("{name} {} {modified}\n", meta.map_or(0, |m| m.len())));
    }
    out
}

/// Moves a plain store into `unencrypted-kept/<seconds>/`, each file by a rename.
fn keep_plain_aside(data_dir: &Path) -> Result<()> {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let aside = data_dir.join(KEPT_PLAIN).join(secs.to_string());
    fs::create_dir_all(&aside).map_err(|e| StoreError::io(&aside, e))?;
    for name in [DB_FILE, "anjian.db-wal", "anjian.db-shm", "anjian.db-journal", ATTACHMENTS] {
        let path = data_dir.join(name);
        if path.exists() {
            fs::rename(&path, aside.join(name)).map_err(|e| StoreError::io(&path, e))?;
        }
    }
    sync_dir(&aside)?;
    sync_dir(data_dir)?;
    remove_plain(data_dir)
}

/// The plain store's files, once the encrypted one stands. Only what this program wrote.
fn remove_plain(data_dir: &Path) -> Result<()> {
    for name in [DB_FILE, "anjian.db-wal", "anjian.db-shm", "anjian.db-journal"] {
        let path = data_dir.join(name);
        if path.exists() {
            fs::remove_file(&path).map_err(|e| StoreError::io(&path, e))?;
        }
    }
    for dir in [ATTACHMENTS, OLD_EXPORTS, PARTIAL] {
        remove_dir(&data_dir.join(dir))?;
    }
    Ok(())
}

fn remove_dir(dir: &Path) -> Result<()> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(StoreError::io(dir, e)),
        _ => Ok(()),
    }
}

fn sync_dir(dir: &Path) -> Result<()> {
    fs::File::open(dir).and_then(|d| d.sync_all()).map_err(|e| StoreError::io(dir, e))
}

/// Temporary file, fsync, rename, fsync of the directory: after this returns the file
/// survives a power cut, so a row committed next never points at nothing.
pub(crate) fn write_durably(path: &Path, bytes: &[u8]) -> Result<()> {
    let parent = path.parent().ok_or_else(|| StoreError::io(path, std::io::ErrorKind::InvalidInput.into()))?;
    fs::create_dir_all(parent).map_err(|e| StoreError::io(parent, e))?;
    let tmp = parent.join(format!(".{}.tmp", std::process::id()));
    let mut f = fs::File::create(&tmp).map_err(|e| StoreError::io(&tmp, e))?;
    f.write_all(bytes).and_then(|_| f.sync_all()).map_err(|e| StoreError::io(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| StoreError::io(path, e))?;
    sync_dir(parent)
}

/// XChaCha20-Poly1305 (RustCrypto's maintained AEAD; a random 192-bit nonce per file
/// needs no counter kept anywhere). The file's name (its content hash) is the associated
/// data, so a file moved under another name does not open.
#[derive(Clone)]
pub(crate) struct FileCipher(XChaCha20Poly1305);

impl std::fmt::Debug for FileCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FileCipher(…)")
    }
}

impl FileCipher {
    pub(crate) fn new(key: &StoreKey) -> FileCipher {
        FileCipher(XChaCha20Poly1305::new(&key.files().into()))
    }

    pub(crate) fn seal(&self, name: &str, plain: &[u8]) -> Result<Vec<u8>> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self
            .0
            .encrypt(&nonce, Payload { msg: plain, aad: name.as_bytes() })
            .map_err(|_| StoreError::Corrupt(format!("附件 {name} 无法加密")))?;
        let mut out = Vec::with_capacity(MAGIC.len() + NONCE + sealed.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// The plain bytes, or `None` when the file is not one this key sealed under this
    /// name (damaged, truncated, swapped).
    pub(crate) fn open(&self, name: &str, file: &[u8]) -> Option<Vec<u8>> {
        let rest = file.strip_prefix(MAGIC)?;
        if rest.len() < NONCE {
            return None;
        }
        let (nonce, sealed) = rest.split_at(NONCE);
        self.0.decrypt(XNonce::from_slice(nonce), Payload { msg: sealed, aad: name.as_bytes() }).ok()
    }
}
