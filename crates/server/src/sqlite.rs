//! The default storage: one SQLite file, attachments as files beside it.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anjian_migrate::UserVersion;
use anjian_sync::protocol::{Change, NumberBlock, PushResponse};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::ledger::{LoggedChange, Param, RecordTx, Table, TableDigest};
use crate::storage::{
    AccountTx, AttachmentState, Device, GroupCommit, GroupTx, Inspector, NewChange, NewRefusal, NumberClaim,
    NumberConflict, PullNote, PushJob, RefusedChange, Result, Storage, StorageError, StoredBatch, StoredChange,
    StoredPage, UploadStep, UploadTx,
};

const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/sqlite/0001_foundation.sql"),
    include_str!("../migrations/sqlite/0002_batch_per_device.sql"),
    include_str!("../migrations/sqlite/0003_record_index.sql"),
    crate::storage::NUMBERS_MIGRATION,
    include_str!("../migrations/sqlite/0005_refused_change.sql"),
    crate::ledger::MIGRATION,
    crate::console::MIGRATION,
    crate::ledger::SUPERVISION_MIGRATION,
    crate::storage::DEVICE_PULL_MIGRATION,
    include_str!("../migrations/common/0010_ledger_order.sql"),
    crate::console::plans::MIGRATION,
    crate::console::plans::YEAR_PLAN_MIGRATION,
    crate::ledger::TASK_MIGRATION,
    crate::storage::REVOCATION_MIGRATION,
    include_str!("../migrations/common/0015_redundant_hazard_index.sql"),
    include_str!("../migrations/common/0016_change_lookup_index.sql"),
];

const CHANGE_COLUMNS: &str = "seq, change_id, device_id, record_type, record_id, op, rev, payload";

fn stored_change(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredChange> {
    Ok(StoredChange {
        seq: r.get::<_, i64>(0)? as u64,
        change_id: r.get(1)?,
        device_id: r.get(2)?,
        record_type: r.get(3)?,
        record_id: r.get(4)?,
        op: r.get(5)?,
        rev: r.get(6)?,
        payload: r.get(7)?,
    })
}

/// One group of pushes in one transaction.
fn write_group(conn: &mut Connection, group: &[PushJob], notes: &[PullNote]) -> Result<crate::storage::Written> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let written = crate::storage::write_group(&mut SqliteGroup(&tx), group, notes)?;
    tx.commit()?;
    Ok(written)
}

/// A group's statements, one row at a time (no round trips in process).
struct SqliteGroup<'c>(&'c Connection);

impl rusqlite::ToSql for Param {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        match self {
            Param::Text(v) => v.to_sql(),
            Param::Int(v) => v.to_sql(),
        }
    }
}

/// The console's statements, in one SQLite transaction.
struct SqliteSql<'a>(&'a rusqlite::Transaction<'a>);

impl crate::storage::Sql for SqliteSql<'_> {
    fn query(&mut self, sql: &str, params: &[Param]) -> Result<Vec<Vec<Option<String>>>> {
        use rusqlite::types::ValueRef;
        let mut stmt = self.0.prepare_cached(sql)?;
        let columns = stmt.column_count();
        let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| {
            (0..columns)
                .map(|i| {
                    Ok(match r.get_ref(i)? {
                        ValueRef::Null => None,
                        ValueRef::Integer(n) => Some(n.to_string()),
                        ValueRef::Real(f) => Some(f.to_string()),
                        ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t).into_owned()),
                    })
                })
                .collect()
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn execute(&mut self, sql: &str, params: &[Param]) -> Result<u64> {
        Ok(self.0.prepare_cached(sql)?.execute(rusqlite::params_from_iter(params))? as u64)
    }
}

impl RecordTx for SqliteGroup<'_> {
    fn held(&mut self, table: &Table, ids: &[String]) -> Result<HashMap<String, (String, String)>> {
        let mut stmt = self.0.prepare_cached(&table.held_one_sql())?;
        let mut out = HashMap::new();
        for id in ids {
            let row = stmt.query_row([id], |r| Ok((r.get::<_, Option<String>>(0)?, r.get(1)?))).optional()?;
            // A record whose text cannot be found (a damaged database) is as if not held.
            if let Some((Some(image), owner)) = row {
                out.insert(id.clone(), (image, owner));
            }
        }
        Ok(out)
    }

    fn delete_children(&mut self, table: &Table, parents: &[String]) -> Result<()> {
        let mut stmt = self.0.prepare_cached(&table.delete_one_sql())?;
        for id in parents {
            stmt.execute([id])?;
        }
        Ok(())
    }

    fn insert(&mut self, table: &Table, rows: &[Vec<Param>]) -> Result<()> {
        let mut stmt = self.0.prepare_cached(&table.insert_row_sql())?;
        for row in rows {
            stmt.execute(rusqlite::params_from_iter(row))?;
        }
        Ok(())
    }

    fn execute(&mut self, sql: &str, params: &[Param]) -> Result<()> {
        self.0.prepare_cached(sql)?.execute(rusqlite::params_from_iter(params))?;
        Ok(())
    }

    fn rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>> {
        use rusqlite::types::ValueRef;
        let mut stmt = self.0.prepare(sql)?;
        let columns = stmt.column_count();
        let rows = stmt.query_map([], |r| {
            (0..columns)
                .map(|i| {
                    Ok(match r.get_ref(i)? {
                        ValueRef::Null => None,
                        ValueRef::Integer(n) => Some(n.to_string()),
                        ValueRef::Real(x) => Some(x.to_string()),
                        ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t).into_owned()),
                    })
                })
                .collect()
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn changes_after(&mut self, after: i64, limit: i64) -> Result<Vec<LoggedChange>> {
        let mut stmt = self.0.prepare_cached(crate::ledger::CHANGES_AFTER)?;
        let rows = stmt.query_map((after, limit), |r| {
            Ok(LoggedChange {
                seq: r.get(0)?,
                device_id: r.get(1)?,
                record_type: r.get(2)?,
                payload: r.get(3)?,
                received_at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl GroupTx for SqliteGroup<'_> {
    fn earlier_batches(&mut self, keys: &[(&str, &str)]) -> Result<HashMap<(String, String), (String, String)>> {
        let mut stmt = self
            .0
            .prepare_cached("SELECT change_ids, results FROM push_batch WHERE batch_id = ?1 AND device_id = ?2")?;
        let mut out = HashMap::new();
        for &(batch, device) in keys {
            if let Some(found) = stmt.query_row((batch, device), |r| Ok((r.get(0)?, r.get(1)?))).optional()? {
                out.insert((batch.to_owned(), device.to_owned()), found);
            }
        }
        Ok(out)
    }

    fn insert_changes(&mut self, rows: &[NewChange<'_>]) -> Result<Vec<Option<i64>>> {
        let mut insert = self.0.prepare_cached(
            "INSERT INTO change (change_id, device_id, record_type, record_id, op, rev, payload, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (change_id) DO NOTHING",
        )?;
        let mut new = Vec::with_capacity(rows.len());
        for NewChange { change: c, device_id, payload, now } in rows {
            let n =
                insert.execute((&c.change_id, device_id, &c.record_type, &c.record_id, &c.op, &c.rev, payload, now))?;
            new.push((n == 1).then(|| self.0.last_insert_rowid()));
        }
        Ok(new)
    }

    fn insert_batches(&mut self, rows: &[StoredBatch<'_>]) -> Result<()> {
        let mut insert = self.0.prepare_cached(
            "INSERT INTO push_batch (batch_id, device_id, change_ids, results, received_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for b in rows {
            insert.execute((b.batch_id, b.device_id, &b.change_ids, &b.results, b.now))?;
        }
        Ok(())
    }

    fn insert_refusals(&mut self, rows: &[NewRefusal<'_>]) -> Result<()> {
        let mut insert = self.0.prepare_cached(
            "INSERT INTO refused_change (change_id, device_id, record_type, record_id, reason, payload, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for r in rows {
            insert.execute((&r.change_id, r.device_id, &r.record_type, &r.record_id, &r.reason, &r.payload, r.now))?;
        }
        let mut trim = self.0.prepare_cached(crate::storage::TRIM_REFUSALS)?;
        let devices: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.device_id).collect();
        for device in devices {
            trim.execute((device, crate::storage::REFUSALS_PER_DEVICE))?;
        }
        Ok(())
    }

    fn claim_numbers(&mut self, claims: &[NumberClaim<'_>]) -> Result<Vec<Option<String>>> {
        let mut holders = Vec::with_capacity(claims.len());
        for c in claims {
            let holder: String = self
                .0
                .prepare_cached(
                    "INSERT INTO document_number (kind, year, serial, number, document_id, device_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT DO UPDATE SET document_id = document_id RETURNING document_id",
                )?
                .query_row((c.kind, c.year, c.serial, c.number, c.document_id, c.device_id), |r| r.get(0))?;
            if holder == c.document_id {
                holders.push(None);
                continue;
            }
            self.0
                .prepare_cached(
                    "INSERT INTO number_conflict (kind, year, serial, number, document_id, device_id, found_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
                )?
                .execute((c.kind, c.year, c.serial, c.number, c.document_id, c.device_id, c.now))?;
            holders.push(Some(holder));
        }
        Ok(holders)
    }

    fn note_pulls(&mut self, notes: &[PullNote]) -> Result<()> {
        let mut st = self.0.prepare_cached(&format!(
            "INSERT INTO device_pull (device_id, after, at) VALUES (?1, ?2, ?3) {}",
            crate::storage::NOTE_PULL_CONFLICT
        ))?;
        for n in notes {
            st.execute((&n.device_id, i64::try_from(n.after).unwrap_or(i64::MAX), &n.at))?;
        }
        Ok(())
    }
}

/// An upload's bytes in a file beside the database (`<sha>.part` until complete), its
/// progress in the attachment table.
struct SqliteUploads<'c> {
    tx: &'c Connection,
    files: &'c Path,
}

impl SqliteUploads<'_> {
    fn part(&self, sha: &str) -> PathBuf {
        self.files.join(format!("{sha}.part"))
    }

    fn record(&self, sha: &str, total: u64, received: u64, complete: bool) -> Result<()> {
        self.tx.execute(
            "INSERT INTO attachment (sha256, size, received, complete) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (sha256) DO UPDATE SET size = excluded.size, received = excluded.received,
                complete = excluded.complete",
            (sha, total as i64, received as i64, complete),
        )?;
        Ok(())
    }
}

impl UploadTx for SqliteUploads<'_> {
    fn upload(&mut self, sha256: &str) -> Result<Option<(u64, u64, bool)>> {
        Ok(self
            .tx
            .query_row("SELECT size, received, complete FROM attachment WHERE sha256 = ?1", [sha256], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64, r.get(2)?))
            })
            .optional()?)
    }

    fn restart(&mut self, sha256: &str, total: u64) -> Result<()> {
        self.record(sha256, total, 0, false)
    }

    fn begin(&mut self, sha256: &str, total: u64) -> Result<()> {
        self.record(sha256, total, 0, false)
    }

    fn append(&mut self, sha256: &str, received: u64, bytes: &[u8], now_received: u64, total: u64) -> Result<()> {
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(self.part(sha256))?;
        // A part written earlier but not recorded (crash between file and row) is cut back.
        f.set_len(received)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        self.record(sha256, total, now_received, false)
    }

    fn content(&mut self, sha256: &str) -> Result<Vec<u8>> {
        Ok(std::fs::read(self.part(sha256))?)
    }

    fn discard(&mut self, sha256: &str) -> Result<()> {
        std::fs::remove_file(self.part(sha256))?;
        self.tx.execute("DELETE FROM attachment WHERE sha256 = ?1", [sha256])?;
        Ok(())
    }

    fn complete(&mut self, sha256: &str) -> Result<()> {
        std::fs::rename(self.part(sha256), self.files.join(sha256))?;
        self.tx.execute("UPDATE attachment SET complete = 1 WHERE sha256 = ?1", [sha256])?;
        Ok(())
    }
}

/// Enrolment's and pairing's statements (an IMMEDIATE transaction holds the locks).
struct SqliteAccounts<'c>(&'c Connection);

impl AccountTx for SqliteAccounts<'_> {
    fn inspector_by_cert(&mut self, cert_no: &str) -> Result<Option<String>> {
        Ok(self.0.query_row("SELECT id FROM inspector WHERE cert_no = ?1", [cert_no], |r| r.get(0)).optional()?)
    }

    fn rename_inspector(&mut self, id: &str, name: &str) -> Result<()> {
        self.0.execute("UPDATE inspector SET name = ?2 WHERE id = ?1", (id, name))?;
        Ok(())
    }

    fn insert_inspector(&mut self, id: &str, name: &str, cert_no: &str, now: &str) -> Result<()> {
        self.0.execute(
            "INSERT INTO inspector (id, name, cert_no, created_at) VALUES (?1, ?2, ?3, ?4)",
            (id, name, cert_no, now),
        )?;
        Ok(())
    }

    fn insert_code(&mut self, code_hash: &str, inspector_id: &str, expires_at: &str) -> Result<()> {
        self.0.execute(
            "INSERT INTO pairing_code (code_hash, inspector_id, expires_at) VALUES (?1, ?2, ?3)",
            (code_hash, inspector_id, expires_at),
        )?;
        Ok(())
    }

    fn code(&mut self, code_hash: &str) -> Result<Option<(String, String, Option<String>)>> {
        Ok(self
            .0
            .query_row(
                "SELECT inspector_id, expires_at, used_at FROM pairing_code WHERE code_hash = ?1",
                [code_hash],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
    }

    fn use_code(&mut self, code_hash: &str, now: &str) -> Result<()> {
        self.0.execute("UPDATE pairing_code SET used_at = ?2 WHERE code_hash = ?1", (code_hash, now))?;
        Ok(())
    }

    fn insert_device(&mut self, id: &str, inspector_id: &str, name: &str, token_hash: &str, now: &str) -> Result<()> {
        self.0.execute(
            "INSERT INTO device (id, inspector_id, name, token_hash, paired_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            (id, inspector_id, name, token_hash, now),
        )?;
        Ok(())
    }

    fn inspector(&mut self, id: &str) -> Result<Inspector> {
        Ok(self.0.query_row("SELECT id, name, cert_no FROM inspector WHERE id = ?1", [id], |r| {
            Ok(Inspector { id: r.get(0)?, name: r.get(1)?, cert_no: r.get(2)? })
        })?)
    }
}

fn connect(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(conn)
}

/// Read-only connections kept for reuse (more are opened while many read at once).
const READERS_KEPT: usize = 4;

#[derive(Debug)]
pub struct SqliteStorage {
    /// Reads and the bureau's writes; pushes go through `pushes`, on a connection of their own.
    conn: Mutex<Connection>,
    /// Read-only connections for snapshots (console pages, exports), kept for reuse: in
    /// WAL mode they read beside the writers.
    readers: Mutex<Vec<Connection>>,
    path: PathBuf,
    pushes: GroupCommit,
    files: PathBuf,
    /// Dropped with the storage: the checkpointing thread then stops.
    _checkpoints: std::sync::mpsc::Sender<()>,
}

/// How often the write-ahead log is copied into the database.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

/// A log this long (pages of 4 KiB) is made to start again even if pushes must wait.
const RESTART_AT: i64 = 50_000;

/// Copies the write-ahead log into the database on a thread of its own, every
/// `CHECKPOINT_EVERY`, without waiting for readers or holding up the writer (a passive
/// checkpoint). The log starts again from its beginning at the first write after a
/// checkpoint that copied all of it with no reader on it; under reads and writes that
/// never pause it would only grow, so past `RESTART_AT` pages a restarting checkpoint waits
/// for the writer and the readers once. Stops when the returned sender is dropped.
fn checkpoints(path: &Path) -> Result<std::sync::mpsc::Sender<()>> {
    let conn = connect(path)?;
    let (stop, stopped) = std::sync::mpsc::channel::<()>();
    std::thread::Builder::new().name("anjian-sqlite-checkpoint".into()).spawn(move || {
        while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(CHECKPOINT_EVERY) {
            // (busy, pages in the log, pages copied): a busy database is tried again next time.
            let pages = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(1));
            let restarted = match pages {
                Ok(pages) if pages > RESTART_AT => {
                    conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |r| r.get::<_, i64>(1))
                }
                other => other,
            };
            if let Err(e) = restarted {
                eprintln!("anjian-server: checkpoint of the database failed: {e}");
            }
        }
    })?;
    Ok(stop)
}

impl SqliteStorage {
    /// Opens (or creates) the database at `path`; attachments go to `<path>.attachments/`.
    pub fn open(path: &Path) -> Result<SqliteStorage> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut conn = connect(path)?;
        // The number table's migration claims the numbers of the documents already stored.
        let backfill = |tx: &rusqlite::Transaction<'_>, version: usize| -> Result<()> {
            if version == crate::storage::NUMBERS_SCHEMA {
                let stored: Vec<(String, String, String)> = tx
                    .prepare(crate::storage::STORED_DOCUMENTS)?
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                crate::storage::claim_stored(&mut SqliteGroup(tx), &stored)?;
            }
            if version == crate::ledger::SCHEMA {
                crate::ledger::rebuild(&mut SqliteGroup(tx))?;
            }
            Ok(())
        };
        anjian_migrate::migrate(&mut UserVersion::with_after(&mut conn, backfill), MIGRATIONS)
            .map_err(crate::storage::refused_newer)?;
        let files = PathBuf::from(format!("{}.attachments", path.display()));
        std::fs::create_dir_all(&files)?;
        let pushes = {
            let path = path.to_owned();
            GroupCommit::start(
                "anjian-sqlite-push",
                move || {
                    let conn = connect(&path)?;
                    // The log is copied into the database by `checkpoints`, beside the
                    // writes: done after a commit, it held up every push waiting (and a
                    // fallback here at 10,000 pages made one round in ten of the benchmark
                    // wait 40 ms more). The file is cut back to 64 MiB when the log starts
                    // again from its beginning.
                    conn.execute_batch("PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 67108864;")?;
                    Ok(conn)
                },
                write_group,
            )?
        };
        let checkpoints = checkpoints(path)?;
        Ok(SqliteStorage {
            conn: Mutex::new(conn),
            readers: Mutex::default(),
            path: path.to_owned(),
            pushes,
            files,
            _checkpoints: checkpoints,
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic mid-transaction rolled it back: the connection is sound.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A read-only connection: one kept from before, or a new one.
    fn reader(&self) -> Result<Connection> {
        if let Some(conn) = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop() {
            return Ok(conn);
        }
        let conn = Connection::open_with_flags(
            &self.path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        Ok(conn)
    }

    fn file_path(&self, sha: &str) -> PathBuf {
        self.files.join(sha)
    }
}

impl Storage for SqliteStorage {
    fn enrol(&self, name: &str, cert_no: &str, code_hash: &str, expires_at: &str, now: &str) -> Result<Inspector> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let inspector = crate::storage::enrol(&mut SqliteAccounts(&tx), name, cert_no, code_hash, expires_at, now)?;
        tx.commit()?;
        Ok(inspector)
    }

    fn pair(
        &self,
        code_hash: &str,
        now: &str,
        device_id: &str,
        device_name: &str,
        token_hash: &str,
    ) -> Result<Inspector> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let inspector =
            crate::storage::pair(&mut SqliteAccounts(&tx), code_hash, now, device_id, device_name, token_hash)?;
        tx.commit()?;
        Ok(inspector)
    }

    fn device_by_token(&self, token_hash: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row("SELECT id FROM device WHERE token_hash = ?1 AND revoked_at IS NULL", [token_hash], |r| r.get(0))
            .optional()?)
    }

    fn devices(&self) -> Result<Vec<Device>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT d.id, d.name, i.name, i.cert_no, d.paired_at, d.revoked_at, d.wipe, d.revocation_told_at FROM device d JOIN inspector i ON i.id = d.inspector_id ORDER BY d.paired_at",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Device {
                id: r.get(0)?,
                name: r.get(1)?,
                inspector_name: r.get(2)?,
                inspector_cert_no: r.get(3)?,
                paired_at: r.get(4)?,
                revoked_at: r.get(5)?,
                wipe: r.get::<_, i64>(6)? != 0,
                revocation_told_at: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn revoke(&self, device_id: &str, now: &str, wipe: bool) -> Result<()> {
        let n = self.conn().execute(
            "UPDATE device SET revoked_at = coalesce(revoked_at, ?2), wipe = max(wipe, ?3) WHERE id = ?1",
            (device_id, now, i64::from(wipe)),
        )?;
        if n == 0 {
            return Err(StorageError::NotFound(format!("设备 {device_id}")));
        }
        Ok(())
    }

    fn push(&self, device_id: &str, batch_id: &str, changes: &[Change], now: &str) -> Result<PushResponse> {
        self.pushes.push(device_id, batch_id, changes, now)
    }

    fn pull(&self, device_id: &str, after: u64, limit: u32) -> Result<StoredPage> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {CHANGE_COLUMNS} FROM change WHERE seq > ?1 AND {} ORDER BY seq LIMIT ?2",
            crate::storage::reaches("?3")
        ))?;
        // One more than asked tells whether more follow.
        let rows = stmt.query_map((after as i64, i64::from(limit) + 1, device_id), stored_change)?;
        Ok(StoredPage::new(after, limit, rows.collect::<Result<_, _>>()?))
    }

    fn note_pulls(&self, notes: Vec<PullNote>) {
        self.pushes.note_pulls(notes);
    }

    fn pull_notes_written(&self) -> Result<()> {
        self.pushes.written()
    }

    fn pull_seqs(&self, device_id: &str, after: u64, limit: u32) -> Result<Vec<u64>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT seq FROM change WHERE seq > ?1 AND {} ORDER BY seq LIMIT ?2",
            crate::storage::reaches("?3")
        ))?;
        let rows = stmt.query_map((after as i64, i64::from(limit) + 1, device_id), |r| r.get::<_, i64>(0))?;
        Ok(rows.map(|r| r.map(|seq| seq as u64)).collect::<Result<_, _>>()?)
    }

    fn publish_then(
        &self,
        changes: &[Change],
        now: &str,
        then: &mut dyn FnMut(&mut dyn crate::storage::Sql) -> Result<()>,
    ) -> Result<u64> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n = crate::storage::publish(&mut SqliteGroup(&tx), changes, now)?;
        then(&mut SqliteSql(&tx))?;
        tx.commit()?;
        Ok(n)
    }

    fn rebuild_records(&self) -> Result<u64> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n = crate::ledger::rebuild(&mut SqliteGroup(&tx))?;
        tx.commit()?;
        Ok(n)
    }

    fn record_digests(&self) -> Result<Vec<TableDigest>> {
        let mut conn = self.conn();
        // One snapshot for every table.
        let tx = conn.transaction()?;
        crate::ledger::digests(&mut SqliteGroup(&tx))
    }

    fn changes_of_type(&self, record_type: &str) -> Result<Vec<StoredChange>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&crate::storage::changes_of_type_sql(CHANGE_COLUMNS, record_type)?)?;
        let rows = stmt.query_map([], stored_change)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn attachment_state(&self, sha256: &str) -> Result<AttachmentState> {
        let row: Option<(i64, bool)> = self
            .conn()
            .query_row("SELECT received, complete FROM attachment WHERE sha256 = ?1", [sha256], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        Ok(match row {
            None => AttachmentState::Absent,
            Some((_, true)) => AttachmentState::Complete,
            Some((n, false)) => AttachmentState::Partial(n as u64),
        })
    }

    fn attachment_append(&self, sha256: &str, offset: u64, bytes: &[u8], total: u64) -> Result<AttachmentState> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let step = crate::storage::append_upload(
            &mut SqliteUploads { tx: &tx, files: &self.files },
            sha256,
            offset,
            bytes,
            total,
        )?;
        tx.commit()?;
        match step {
            UploadStep::Done(state) => Ok(state),
            UploadStep::Refused(why) => Err(StorageError::Refused(why)),
        }
    }

    fn attachment(&self, sha256: &str) -> Result<Vec<u8>> {
        if self.attachment_state(sha256)? != AttachmentState::Complete {
            return Err(StorageError::NotFound(format!("附件 {sha256}")));
        }
        Ok(std::fs::read(self.file_path(sha256))?)
    }

    fn grant_block(&self, device_id: &str, kind: &str, year: i32, count: u32, now: &str) -> Result<NumberBlock> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // After every number granted and every number used (a device numbers from a block
        // of its own when it ran out offline).
        let last: Option<i64> = tx.query_row(
            "SELECT max(n) FROM (SELECT max(last) AS n FROM number_block WHERE kind = ?1 AND year = ?2
                                 UNION ALL SELECT max(serial) FROM document_number WHERE kind = ?1 AND year = ?2)",
            (kind, year),
            |r| r.get(0),
        )?;
        let (first, last) = crate::storage::next_block(last, count)?;
        tx.execute(
            "INSERT INTO number_block (kind, year, first, last, device_id, granted_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            (kind, year, first, last, device_id, now),
        )?;
        tx.commit()?;
        // Within u32: `next_block` keeps to MAX_SERIAL.
        Ok(NumberBlock { kind: kind.to_owned(), year, first: first as u32, last: last as u32 })
    }

    fn transact(&self, work: &mut dyn FnMut(&mut dyn crate::storage::Sql) -> Result<()>) -> Result<()> {
        let mut conn = self.conn();
        // Immediate: pushes commit on their own connection, and a deferred transaction that
        // read before one of them committed could not write after (SQLITE_BUSY_SNAPSHOT,
        // not covered by the busy timeout): a sign-in or a session's extension would fail.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        work(&mut SqliteSql(&tx))?;
        tx.commit()?;
        Ok(())
    }

    fn read(&self, work: &mut dyn FnMut(&mut dyn crate::storage::Sql) -> Result<()>) -> Result<()> {
        let mut conn = self.reader()?;
        let done = (|| {
            // Deferred: the snapshot starts at the first read and holds no lock a writer waits on.
            let tx = conn.transaction()?;
            work(&mut SqliteSql(&tx))?;
            tx.commit()?;
            Ok(())
        })();
        let mut readers = self.readers.lock().unwrap_or_else(|p| p.into_inner());
        if readers.len() < READERS_KEPT {
            readers.push(conn);
        }
        done
    }

    fn refusals(&self) -> Result<Vec<RefusedChange>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(crate::storage::REFUSALS)?;
        let rows = stmt.query_map([], |r| {
            Ok(RefusedChange {
                device_id: r.get(0)?,
                record_type: r.get(1)?,
                record_id: r.get(2)?,
                reason: r.get(3)?,
                received_at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn number_conflicts(&self) -> Result<Vec<NumberConflict>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(crate::storage::NUMBER_CONFLICTS)?;
        let rows = stmt.query_map([], |r| {
            Ok(NumberConflict {
                number: r.get(0)?,
                held_by: r.get(1)?,
                held_by_device: r.get(2)?,
                document_id: r.get(3)?,
                device_id: r.get(4)?,
                found_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn change_count(&self) -> Result<u64> {
        Ok(self.conn().query_row("SELECT count(*) FROM change", [], |r| r.get::<_, i64>(0))? as u64)
    }
}
