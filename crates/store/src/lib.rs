//! The local store: one SQLite file in the user's data directory plus the attachment
//! files beside it. Every write runs in one transaction together with its outbox row
//! (what sync will push) and its audit event (the hash chain of 执法全过程记录), so a
//! crash or a refused write leaves nothing half-written.
//!
//! Knows nothing of Tauri, HTTP or the UI; callers pass reference data in.

mod attachments;
mod audit;
mod documents;
mod enterprises;
mod error;
mod hazards;
mod inspections;
mod key;
mod migrations;
mod reference;
mod seal;
mod search;
pub mod seed;
mod sync;
mod tasks;
mod templates;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use anjian_core::Id;
use anjian_core::hlc::{Clock, Hlc};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};

use crate::attachments::Files;
use crate::seal::DB_FILE;
use serde::Serialize;

pub use attachments::Attachment;
pub use audit::ChainReport;
pub use documents::{DocumentFilter, DocumentSummary, IssuedContent, NewDocument, NumberReserve};
pub use enterprises::{EnterprisePage, EnterpriseQuery, EnterpriseSummary};
pub use error::{Result, StoreError};
pub use hazards::{HazardCounts, HazardEvent, HazardFilter, HazardPage, HazardRow, NewHazard};
pub use inspections::{FinishError, InspectionSummary, NewInspection, Signature, SignatureRole};
pub use key::{KeyError, KeyStore, MemoryKeys, StoreKey};
pub use search::NoteHit;
pub use sync::{OverwrittenValue, SyncLocal, SyncProblem};
pub use tasks::{TaskRow, TaskStart};
pub use templates::{TemplateProblem, TemplateSummary};

/// The open store, one per process, shared by the app's commands and the sync task.
/// Writes take the one writer connection in turn; reads take a connection of their own
/// (WAL lets them read the last committed state while a write is in progress), so a
/// sync page being applied never holds up the list the inspector is looking at.
#[derive(Debug)]
pub struct Store {
    writer: Mutex<WriteSide>,
    readers: Readers,
    data_dir: PathBuf,
    files: Files,
    device_id: String,
    /// Set once the store was wiped: nothing reads or writes it any more.
    wiped: std::sync::atomic::AtomicBool,
}

#[derive(Debug)]
struct WriteSide {
    conn: Connection,
    clock: Clock,
}

/// Read connections, opened when needed and kept for the next read.
#[derive(Debug)]
struct Readers {
    path: PathBuf,
    key: StoreKey,
    idle: Mutex<Vec<Connection>>,
    /// Set by a wipe: no connection opened or kept from then on.
    closed: std::sync::atomic::AtomicBool,
}

/// A read connection, back to the pool when dropped.
#[derive(Debug)]
pub(crate) struct ReadConn<'a> {
    conn: Option<Connection>,
    readers: &'a Readers,
}

impl std::ops::Deref for ReadConn<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        // Taken only in Drop.
        self.conn.as_ref().unwrap_or_else(|| unreachable!("a read connection is used after it was returned"))
    }
}

impl Drop for ReadConn<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            let mut idle = lock(&self.readers.idle);
            if !self.readers.closed.load(std::sync::atomic::Ordering::SeqCst) {
                idle.push(conn);
            }
        }
    }
}

impl Readers {
    /// Closes the idle connections; one in use is closed when it is handed back.
    fn close(&self) {
        let mut idle = lock(&self.idle);
        self.closed.store(true, std::sync::atomic::Ordering::SeqCst);
        idle.clear();
    }

    fn get(&self) -> Result<ReadConn<'_>> {
        let idle = lock(&self.idle).pop();
        let conn = match idle {
            Some(c) => c,
            None => {
                let c = seal::open_keyed(
                    &self.path,
                    &self.key,
                    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                c.busy_timeout(Duration::from_secs(5))?;
                c.set_prepared_statement_cache_capacity(64);
                // A read connection never writes, whatever a query asks.
                // The same page cache as the writer: the ledger over years of records reads that much.
                c.execute_batch("PRAGMA query_only = ON; PRAGMA cache_size = -32768;")?;
                c
            }
        };
        Ok(ReadConn { conn: Some(conn), readers: self })
    }
}

/// A panic mid-write dropped its transaction, which rolled back: what the lock guards
/// is sound.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The write side: everything done through one `Writer` commits together or not at all.
#[derive(Debug)]
pub struct Writer<'a> {
    tx: rusqlite::Transaction<'a>,
    clock: Clock,
    device_id: &'a str,
    files: &'a Files,
    now: DateTime<Utc>,
    /// The next full-text key of each table, read once per transaction (which holds the
    /// write lock) and counted on from there.
    fts_next: std::cell::RefCell<Vec<(&'static str, i64)>>,
    /// What a pulled page looks up thousands of times (a record's enterprise, an
    /// officer's id by 执法证号), remembered for this transaction: nothing here is
    /// deleted or re-keyed while a page applies.
    known: std::cell::RefCell<std::collections::HashMap<String, String>>,
    /// The division and sector codes, read once per transaction when a pulled enterprise
    /// is checked against them.
    reference_codes: std::cell::OnceCell<(Vec<String>, Vec<String>)>,
}

impl Store {
    /// Opens (creating if needed) the encrypted store in the data directory `dir` with
    /// the key `keys` holds (made and saved there for a new store; a plain store of an
    /// earlier version is encrypted first), and brings its schema up to date. A missing
    /// or wrong key is refused before anything is written.
    pub fn open(dir: &Path, keys: &dyn KeyStore) -> Result<Store> {
        let (store_dir, key) = seal::prepare(dir, keys)?;
        let path = store_dir.join(DB_FILE);
        let mut conn = seal::open_keyed(
            &path,
            &key,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(5))?;
        // Enough for every statement of a sync page, so none is parsed twice.
        conn.set_prepared_statement_cache_capacity(128);
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Corrupt(format!("journal mode {mode} instead of WAL")));
        }
        // FULL: a committed enforcement record survives a power cut, not only a crash.
        // 32 MiB of page cache (the default is 2): years of records put their indexes past
        // the default, and a sync's large transactions re-read pages from the OS otherwise.
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA cache_size = -32768;")?;
        let quick: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if quick != "ok" {
            return Err(StoreError::Corrupt(quick));
        }
        migrations::migrate(&mut conn)?;
        let device_id = match get_setting(&conn, "device_id")? {
            Some(id) => id,
            None => {
                let id = Id::new().to_string();
                set_setting(&conn, "device_id", &id)?;
                id
            }
        };
        let last = match get_setting(&conn, "hlc_last")? {
            Some(s) => Some(s.parse::<Hlc>().map_err(|e| StoreError::Corrupt(e.to_string()))?),
            None => None,
        };
        let clock = Clock::new(node_of(&device_id), last);
        Ok(Store {
            writer: Mutex::new(WriteSide { conn, clock }),
            readers: Readers { path, key: key.clone(), idle: Mutex::new(Vec::new()), closed: Default::default() },
            data_dir: dir.to_owned(),
            files: Files::new(&store_dir, seal::FileCipher::new(&key)),
            device_id,
            wiped: Default::default(),
        })
    }

    /// Deletes this store, its files and its key, as the bureau asked for a lost device;
    /// `notice` (when and why) stays for the inspector. Nothing reads or writes the store
    /// after this.
    /// The files are deleted with every connection closed (Windows deletes no open file);
    /// a wipe that could not finish says so, and finishes at the next start.
    pub fn wipe(&self, keys: &dyn KeyStore, notice: &str) -> Result<()> {
        // A notice that cannot be written leaves the store as it was: the server says
        // the same at the next contact, and the wipe is tried again.
        seal::begin_wipe(&self.data_dir, notice)?;
        self.wiped.store(true, std::sync::atomic::Ordering::SeqCst);
        let mut writer = lock(&self.writer);
        self.readers.close();
        let open = std::mem::replace(&mut writer.conn, Connection::open_in_memory()?);
        // A connection that will not close is dropped all the same (its handle with it).
        let _ = open.close();
        seal::finish_wipe(&self.data_dir, keys)
    }

    fn wiped_error(&self) -> StoreError {
        if seal::wipe_unfinished(&self.data_dir) { StoreError::WipeUnfinished } else { StoreError::Wiped }
    }

    pub fn is_wiped(&self) -> bool {
        self.wiped.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The notice of a wipe done in `data_dir` before (the store there now is a new one).
    pub fn wiped_notice(data_dir: &Path) -> Option<String> {
        seal::wiped_notice(data_dir)
    }

    /// The data directory the store was opened in.
    pub fn dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    /// Runs `f` in one immediate transaction; commits only if it returns `Ok`.
    pub fn write<T>(&self, f: impl FnOnce(&mut Writer<'_>) -> Result<T>) -> Result<T> {
        let mut side = lock(&self.writer);
        if self.is_wiped() {
            return Err(self.wiped_error());
        }
        let WriteSide { conn, clock } = &mut *side;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut w = Writer {
            tx,
            clock: clock.clone(),
            device_id: &self.device_id,
            files: &self.files,
            now: Utc::now(),
            fts_next: Default::default(),
            known: Default::default(),
            reference_codes: Default::default(),
        };
        let out = f(&mut w)?;
        let Writer { tx, clock: ticked, .. } = w;
        set_setting(&tx, "hlc_last", &ticked.last().to_string())?;
        tx.commit()?;
        *clock = ticked;
        Ok(out)
    }

    /// A read connection for queries.
    pub(crate) fn conn(&self) -> Result<ReadConn<'_>> {
        if self.is_wiped() {
            return Err(self.wiped_error());
        }
        self.readers.get()
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        get_setting(&*self.conn()?, key)
    }

    /// Number of changes waiting to be pushed.
    pub fn outbox_len(&self) -> Result<u64> {
        Ok(self.conn()?.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?)
    }

    /// SQLite's full integrity check (the audit chain has `verify_audit_chain`).
    pub fn integrity_check(&self) -> Result<()> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare("PRAGMA integrity_check")?;
        let rows: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        if rows != ["ok"] {
            return Err(StoreError::Corrupt(rows.join("; ")));
        }
        Ok(())
    }
}

impl Writer<'_> {
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    fn tick(&mut self) -> Hlc {
        let ms = u64::try_from(self.now.timestamp_millis()).unwrap_or(0);
        self.clock.tick(ms)
    }

    /// Appends the audit event and, for records that sync, the outbox row.
    fn record(
        &mut self,
        record_type: &'static str,
        record_id: &str,
        action: &'static str,
        payload: &impl Serialize,
        sync: bool,
    ) -> Result<()> {
        let body = serde_json::to_string(payload).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let at = self.now.to_rfc3339();
        audit::append(&self.tx, &at, self.device_id, record_type, record_id, action, &body)?;
        if sync {
            // Only which record changed: the push reads the record as it is then.
            self.tx.execute("INSERT INTO outbox (record_type, record_id) VALUES (?1, ?2)", (record_type, record_id))?;
        }
        Ok(())
    }

    /// The record's key in its full-text table, given on first use.
    fn fts_key(&self, table: &'static str, id: &str) -> Result<i64> {
        let key: Option<i64> =
            self.one(&format!("SELECT fts_key FROM {table} WHERE id = ?1"), [id], |r| r.get(0)).optional()?.flatten();
        match key {
            Some(k) => Ok(k),
            None => self.give_fts_key(table, id),
        }
    }

    fn give_fts_key(&self, table: &'static str, id: &str) -> Result<i64> {
        let key = self.next_fts_key(table)?;
        self.run(&format!("UPDATE {table} SET fts_key = ?2 WHERE id = ?1"), (id, key))?;
        Ok(key)
    }

    /// A full-text key of `table` not used yet.
    fn next_fts_key(&self, table: &'static str) -> Result<i64> {
        let mut next = self.fts_next.borrow_mut();
        if let Some((_, k)) = next.iter_mut().find(|(t, _)| *t == table) {
            *k += 1;
            return Ok(*k);
        }
        let k: i64 = self.one(&format!("SELECT coalesce(max(fts_key), 0) + 1 FROM {table}"), [], |r| r.get(0))?;
        next.push((table, k));
        Ok(k)
    }

    /// (Re)indexes one record's text in `<table>_fts` (a pairs/singles table). The key
    /// is a column of ours, given on first use (unlike the implicit rowid, it survives
    /// VACUUM); a record indexed for the first time has no old entry to remove.
    fn index_text(&self, table: &'static str, id: &str, text: &str) -> Result<()> {
        let key: Option<i64> =
            self.one(&format!("SELECT fts_key FROM {table} WHERE id = ?1"), [id], |r| r.get(0)).optional()?.flatten();
        let rowid = match key {
            Some(k) => {
                self.run(&format!("DELETE FROM {table}_fts WHERE rowid = ?1"), [k])?;
                self.run("DELETE FROM search_backlog WHERE tbl = ?1 AND fts_key = ?2", (table, k))?;
                k
            }
            None => self.give_fts_key(table, id)?,
        };
        self.index_new(table, rowid, text)
    }

    /// Indexes text under a key with no entry yet.
    fn index_new(&self, table: &'static str, rowid: i64, text: &str) -> Result<()> {
        self.run(
            &format!("INSERT INTO {table}_fts (rowid, pairs, singles) VALUES (?1, ?2, ?3)"),
            (rowid, anjian_core::search_text::pairs(text), anjian_core::search_text::singles(text)),
        )?;
        Ok(())
    }

    /// Leaves a pulled record's index entry to `index_backlog` (its old entry, if it had
    /// one, goes now). Entries written together after a pull cost a fraction of one at a
    /// time inside it, and searches read the waiting records directly meanwhile.
    fn index_later(&self, table: &'static str, rowid: i64, had_entry: bool) -> Result<()> {
        if had_entry {
            self.run(&format!("DELETE FROM {table}_fts WHERE rowid = ?1"), [rowid])?;
        }
        self.run("INSERT INTO search_backlog (tbl, fts_key) VALUES (?1, ?2) ON CONFLICT DO NOTHING", (table, rowid))?;
        Ok(())
    }

    /// Writes up to `limit` waiting index entries; how many were written.
    pub fn index_backlog(&mut self, limit: u32) -> Result<usize> {
        let mut done = 0;
        for (table, text) in [("inspection", "notes"), ("hazard", "description")] {
            let rows: Vec<(i64, Option<String>)> = {
                let mut stmt = self.tx.prepare_cached(&format!(
                    "SELECT b.fts_key, t.{text} FROM search_backlog b LEFT JOIN {table} t ON t.fts_key = b.fts_key
                     WHERE b.tbl = ?1 LIMIT ?2"
                ))?;
                stmt.query_map((table, i64::from(limit) - done as i64), |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?
            };
            for (key, text) in rows {
                // A key whose record is gone has nothing to index.
                if let Some(text) = text {
                    self.index_new(table, key, &text)?;
                }
                self.run("DELETE FROM search_backlog WHERE tbl = ?1 AND fts_key = ?2", (table, key))?;
                done += 1;
            }
        }
        Ok(done)
    }

    /// One statement through the connection's cache (a sync applies thousands a page).
    pub(crate) fn run(&self, sql: &str, params: impl rusqlite::Params) -> Result<usize> {
        Ok(self.tx.prepare_cached(sql)?.execute(params)?)
    }

    /// One row through the connection's cache.
    pub(crate) fn one<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        f: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        self.tx.prepare_cached(sql)?.query_row(params, f)
    }

    pub fn clear_settings(&mut self, keys: &[&str]) -> Result<()> {
        for k in keys {
            self.tx.execute("DELETE FROM setting WHERE key = ?1", [k])?;
        }
        Ok(())
    }

    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        set_setting(&self.tx, key, value)
    }
}

fn get_setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

fn set_setting(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute((key, value))?;
    Ok(())
}

/// The clock's node id: stable per device, from its id.
fn node_of(device_id: &str) -> u32 {
    use sha2::Digest;
    let h = sha2::Sha256::digest(device_id.as_bytes());
    u32::from_be_bytes([h[0], h[1], h[2], h[3]])
}

fn parse_time(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::Corrupt(format!("bad timestamp {s:?}")))
}

fn parse_id(s: &str) -> Result<Id> {
    s.parse().map_err(|_| StoreError::Corrupt(format!("bad id {s:?}")))
}

fn parse_rev(s: &str) -> Result<Hlc> {
    s.parse().map_err(|_| StoreError::Corrupt(format!("bad revision {s:?}")))
}
