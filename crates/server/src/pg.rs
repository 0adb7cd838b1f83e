//! PostgreSQL storage, for production: the same behaviour and tables as SQLite. The
//! synchronous `postgres` client runs on the blocking threads the HTTP layer calls the
//! storage from; connections come from an r2d2 pool, and pushes have one more of their
//! own (`GroupCommit`). Over TLS (rustls) when the URL says `sslmode=require`, the
//! server's certificate verified against the system's roots and the bureau's own CA.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Weak};
use std::time::Duration;

use anjian_sync::protocol::{Change, NumberBlock, PushResponse};
use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, NoTls};

use crate::ledger::{Kind, LoggedChange, Param, RecordTx, Table, TableDigest};
use crate::storage::{
    AccountTx, AttachmentState, Device, GroupCommit, GroupTx, Inspector, NewChange, NewRefusal, NumberClaim,
    NumberConflict, PullNote, PushJob, RefusedChange, Result, Storage, StorageError, StoredBatch, StoredChange,
    StoredPage, UploadStep, UploadTx,
};
use crate::token_cache::TokenCache;

/// Connections for pulls, token checks and uploads, side by side; pushes have one more,
/// their own (`GroupCommit`).
const CONNECTIONS: u32 = 8;

const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/postgres/0001_foundation.sql"),
    include_str!("../migrations/postgres/0002_batch_per_device.sql"),
    include_str!("../migrations/postgres/0003_record_index.sql"),
    crate::storage::NUMBERS_MIGRATION,
    include_str!("../migrations/postgres/0005_refused_change.sql"),
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

fn stored_change(r: &postgres::Row) -> StoredChange {
    StoredChange {
        seq: r.get::<_, i64>(0) as u64,
        change_id: r.get(1),
        device_id: r.get(2),
        record_type: r.get(3),
        record_id: r.get(4),
        op: r.get(5),
        rev: r.get(6),
        payload: r.get(7),
    }
}

/// How to reach the database: its parsed URL, and TLS when the URL asks for it.
#[derive(Clone)]
struct Target {
    config: postgres::Config,
    tls: Option<tokio_postgres_rustls::MakeRustlsConnect>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target").field("tls", &self.tls.is_some()).finish_non_exhaustive()
    }
}

impl Target {
    /// `url` parsed; with `sslmode=require`, TLS trusting the system's roots and the
    /// certificates in `ca` (PEM), the host's name (or address) checked against the
    /// server's certificate. Without it, a plain connection (a database on this host).
    fn new(url: &str, ca: Option<&Path>) -> Result<Target> {
        let config: postgres::Config =
            url.parse().map_err(|e| StorageError::Refused(format!("数据库地址无效：{e}")))?;
        let tls = match config.get_ssl_mode() {
            postgres::config::SslMode::Require => Some(tls_connector(ca)?),
            _ => None,
        };
        Ok(Target { config, tls })
    }

    fn connect(&self) -> Result<Client> {
        let connected = match &self.tls {
            Some(tls) => self.config.connect(tls.clone()),
            None => self.config.connect(NoTls),
        };
        connected.map_err(|e| match &self.tls {
            Some(_) => StorageError::Database(format!("无法以 TLS 连接数据库（请核对服务器证书与 CA 证书）：{e}")),
            None => StorageError::from(e),
        })
    }
}

fn tls_connector(ca: Option<&Path>) -> Result<tokio_postgres_rustls::MakeRustlsConnect> {
    let mut roots = rustls::RootCertStore::empty();
    // The system's roots (a database certificate from a public CA); unreadable ones are skipped.
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    if let Some(ca) = ca {
        use rustls::pki_types::pem::PemObject;
        let certs = rustls::pki_types::CertificateDer::pem_file_iter(ca)
            .and_then(|certs| certs.collect::<std::result::Result<Vec<_>, _>>())
            .map_err(|e| StorageError::Refused(format!("无法读取数据库的 CA 证书 {}：{e}", ca.display())))?;
        if certs.is_empty() {
            return Err(StorageError::Refused(format!("{} 中没有证书", ca.display())));
        }
        for cert in certs {
            roots.add(cert).map_err(|e| StorageError::Refused(format!("CA 证书无效（{}）：{e}", ca.display())))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| StorageError::Database(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// What the pool makes: a connection with its prepared statements.
#[derive(Debug)]
struct Manager(Target);

impl r2d2::ManageConnection for Manager {
    type Connection = Conn;
    type Error = StorageError;

    fn connect(&self) -> Result<Conn> {
        Ok(Conn { client: self.0.connect()?, prepared: HashMap::new() })
    }

    fn is_valid(&self, conn: &mut Conn) -> Result<()> {
        conn.client.simple_query("").map(drop).map_err(StorageError::from)
    }

    /// A connection the database closed (a restart, a failover) is dropped and made again.
    fn has_broken(&self, conn: &mut Conn) -> bool {
        conn.client.is_closed()
    }
}

/// A pool connection with the statements of the hottest routes (every request's token
/// check, pulls) prepared once, not parsed and planned on each call.
struct Conn {
    client: Client,
    prepared: HashMap<String, postgres::Statement>,
}

impl Conn {
    fn statement(&mut self, sql: &str) -> Result<postgres::Statement> {
        prepared(&mut self.prepared, &mut self.client, sql)
    }
}

/// `sql` as a statement prepared once on this connection (`on` is it, or a transaction
/// on it: preparing is not undone with a transaction).
fn prepared(
    cache: &mut HashMap<String, postgres::Statement>,
    on: &mut impl postgres::GenericClient,
    sql: &str,
) -> Result<postgres::Statement> {
    if let Some(s) = cache.get(sql) {
        return Ok(s.clone());
    }
    let s = on.prepare(sql)?;
    cache.insert(sql.to_owned(), s.clone());
    Ok(s)
}

impl std::ops::Deref for Conn {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}

impl std::ops::DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut Client {
        &mut self.client
    }
}

#[derive(Debug)]
pub struct PgStorage {
    /// `None` only while dropping (see `Drop`).
    pool: Option<r2d2::Pool<Manager>>,
    pushes: GroupCommit,
    tokens: Arc<TokenCache>,
}

/// Where revocations are announced, by whichever process makes them: every server on the
/// database listens and forgets the tokens it has checked.
const REVOKED: &str = "anjian_device_revoked";

impl From<postgres::Error> for StorageError {
    fn from(e: postgres::Error) -> Self {
        // "db error" alone says nothing in the log: the server's own message does.
        match e.as_db_error() {
            Some(db) => StorageError::Database(format!("{}: {}", db.code().code(), db.message())),
            None => StorageError::Database(e.to_string()),
        }
    }
}

impl From<r2d2::Error> for StorageError {
    fn from(e: r2d2::Error) -> Self {
        StorageError::Database(format!("数据库连接不可用：{e}"))
    }
}

impl PgStorage {
    /// Connects (`postgres://user@host/db`, `?sslmode=require` for TLS) and brings the
    /// schema up to date.
    pub fn open(url: &str) -> Result<PgStorage> {
        PgStorage::open_with_ca(url, None)
    }

    /// As `open`, trusting also the CA certificates (PEM) in `ca` for TLS: a bureau's
    /// database with a certificate from its own CA.
    pub fn open_with_ca(url: &str, ca: Option<&Path>) -> Result<PgStorage> {
        let target = Target::new(url, ca)?;
        // One server migrates at a time (the schema table's lock), before any pool connection.
        migrate(&mut target.connect()?)?;
        let pool = r2d2::Pool::builder()
            .max_size(CONNECTIONS)
            .min_idle(Some(2))
            // A connection is checked by `has_broken` (no round trip); a query on one the
            // database has just closed fails once and the connection is made again.
            .test_on_check_out(false)
            .connection_timeout(Duration::from_secs(10))
            .build(Manager(target.clone()))?;
        let pushes = {
            let target = target.clone();
            GroupCommit::start(
                "anjian-postgres-push",
                move || Ok((Conn { client: target.connect()?, prepared: HashMap::new() }, target)),
                write_group,
            )?
        };
        let tokens = Arc::new(TokenCache::default());
        let weak = Arc::downgrade(&tokens);
        std::thread::Builder::new().name("anjian-postgres-listen".into()).spawn(move || listen(&target, &weak))?;
        Ok(PgStorage { pool: Some(pool), pushes, tokens })
    }

    /// Runs `f` on a pool connection.
    fn run<T>(&self, f: impl FnOnce(&mut Conn) -> Result<T>) -> Result<T> {
        let pool = self.pool.as_ref().ok_or_else(|| StorageError::Database("数据库连接已关闭".into()))?;
        let mut conn = pool.get()?;
        f(&mut conn)
    }
}

impl Drop for PgStorage {
    /// A synchronous client closes its connection by blocking on its own runtime, which
    /// it cannot do on an async thread: the pool is closed on a plain thread.
    fn drop(&mut self) {
        if let Some(pool) = self.pool.take() {
            let _ = std::thread::spawn(move || drop(pool)).join();
        }
    }
}

/// Hears revocations for the token cache until the storage is dropped. While the
/// connection is down nothing is cached; it is made again every second.
fn listen(target: &Target, tokens: &Weak<TokenCache>) {
    const TICK: Duration = Duration::from_secs(1);
    loop {
        if let Ok(mut client) = target.connect()
            && client.batch_execute(&format!("LISTEN {REVOKED}")).is_ok()
        {
            let Some(cache) = tokens.upgrade() else { return };
            cache.set_listening(true);
            drop(cache);
            while !client.is_closed() {
                let heard = match client.notifications().timeout_iter(TICK).next() {
                    Ok(heard) => heard.is_some(),
                    Err(_) => break,
                };
                let Some(cache) = tokens.upgrade() else { return };
                if heard {
                    cache.revoked();
                }
            }
        }
        let Some(cache) = tokens.upgrade() else { return };
        cache.set_listening(false);
        drop(cache);
        std::thread::sleep(TICK);
    }
}

/// One group of pushes in one transaction. Sequence numbers must become visible in
/// order, or a reader could move its cursor past one still being committed: the group
/// holds the change table's write lock.
fn write_group(conn: &mut (Conn, Target), group: &[PushJob], notes: &[PullNote]) -> Result<crate::storage::Written> {
    let (conn, target) = conn;
    if conn.client.is_closed() {
        // Statements belong to the connection they were prepared on.
        *conn = Conn { client: target.connect()?, prepared: HashMap::new() };
    }
    let Conn { client, prepared } = conn;
    let mut tx = client.transaction()?;
    tx.batch_execute("LOCK TABLE change IN EXCLUSIVE MODE")?;
    let written = crate::storage::write_group(&mut PgGroup { tx: &mut tx, prepared }, group, notes)?;
    tx.commit()?;
    Ok(written)
}

/// A group's statements, each one round trip for the whole group, prepared once.
struct PgGroup<'t, 'c> {
    tx: &'t mut postgres::Transaction<'c>,
    prepared: &'t mut HashMap<String, postgres::Statement>,
}

impl PgGroup<'_, '_> {
    fn statement(&mut self, sql: &str) -> Result<postgres::Statement> {
        prepared(self.prepared, self.tx, sql)
    }
}

fn bound(params: &[Param]) -> Vec<&(dyn postgres::types::ToSql + Sync)> {
    params
        .iter()
        .map(|p| match p {
            Param::Text(v) => v as &(dyn postgres::types::ToSql + Sync),
            Param::Int(v) => v as &(dyn postgres::types::ToSql + Sync),
        })
        .collect()
}

/// The console's statements, in one PostgreSQL transaction, each prepared once per
/// connection.
struct PgSql<'a, 'b> {
    tx: &'a mut postgres::Transaction<'b>,
    prepared: &'a mut HashMap<String, postgres::Statement>,
}

impl crate::storage::Sql for PgSql<'_, '_> {
    fn query(&mut self, sql: &str, params: &[Param]) -> Result<Vec<Vec<Option<String>>>> {
        let st = prepared(self.prepared, self.tx, &crate::storage::numbered_placeholders(sql))?;
        let rows = self.tx.query(&st, &bound(params))?;
        rows.iter().map(row_as_text).collect()
    }

    fn execute(&mut self, sql: &str, params: &[Param]) -> Result<u64> {
        let st = prepared(self.prepared, self.tx, &crate::storage::numbered_placeholders(sql))?;
        Ok(self.tx.execute(&st, &bound(params))?)
    }
}

/// Each column as text, whole numbers written out.
fn row_as_text(r: &postgres::Row) -> Result<Vec<Option<String>>> {
    use postgres::types::Type;
    (0..r.len())
        .map(|i| {
            let ty = r.columns()[i].type_();
            Ok(if *ty == Type::INT8 {
                r.try_get::<_, Option<i64>>(i)?.map(|n| n.to_string())
            } else if *ty == Type::INT4 {
                r.try_get::<_, Option<i32>>(i)?.map(|n| n.to_string())
            } else if *ty == Type::FLOAT8 {
                r.try_get::<_, Option<f64>>(i)?.map(|n| n.to_string())
            } else if *ty == Type::BOOL {
                r.try_get::<_, Option<bool>>(i)?.map(|b| if b { "1" } else { "0" }.to_owned())
            } else {
                r.try_get::<_, Option<String>>(i)?
            })
        })
        .collect()
}

impl RecordTx for PgGroup<'_, '_> {
    fn held(&mut self, table: &Table, ids: &[String]) -> Result<HashMap<String, (String, String)>> {
        let st = self.statement(&table.held_many_sql())?;
        let rows = self.tx.query(&st, &[&ids])?;
        // A record whose text cannot be found (a damaged database) is as if not held.
        Ok(rows.iter().filter_map(|r| Some((r.get(0), (r.try_get::<_, Option<String>>(1).ok()??, r.get(2))))).collect())
    }

    fn delete_children(&mut self, table: &Table, parents: &[String]) -> Result<()> {
        let st = self.statement(&table.delete_many_sql())?;
        self.tx.execute(&st, &[&parents])?;
        Ok(())
    }

    /// One statement for every row: a column's values as one array.
    fn insert(&mut self, table: &Table, rows: &[Vec<Param>]) -> Result<()> {
        enum Column {
            Text(Vec<Option<String>>),
            Int(Vec<Option<i64>>),
        }
        let mut columns: Vec<Column> = table
            .columns
            .iter()
            .map(|(_, kind)| match kind {
                Kind::Text => Column::Text(Vec::with_capacity(rows.len())),
                Kind::Int => Column::Int(Vec::with_capacity(rows.len())),
            })
            .collect();
        for row in rows {
            for (column, value) in columns.iter_mut().zip(row) {
                match (column, value) {
                    (Column::Text(v), Param::Text(x)) => v.push(x.clone()),
                    (Column::Int(v), Param::Int(x)) => v.push(*x),
                    _ => return Err(StorageError::Database(format!("{}: a value of the wrong kind", table.name))),
                }
            }
        }
        let params: Vec<&(dyn postgres::types::ToSql + Sync)> = columns
            .iter()
            .map(|c| match c {
                Column::Text(v) => v as &(dyn postgres::types::ToSql + Sync),
                Column::Int(v) => v as &(dyn postgres::types::ToSql + Sync),
            })
            .collect();
        let st = self.statement(&table.insert_arrays_sql())?;
        self.tx.execute(&st, &params)?;
        Ok(())
    }

    fn execute(&mut self, sql: &str, params: &[Param]) -> Result<()> {
        let st = self.statement(sql)?;
        self.tx.execute(&st, &bound(params))?;
        Ok(())
    }

    fn rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>> {
        self.tx.query(sql, &[])?.iter().map(row_as_text).collect()
    }

    fn changes_after(&mut self, after: i64, limit: i64) -> Result<Vec<LoggedChange>> {
        let st = self.statement(crate::ledger::CHANGES_AFTER)?;
        let rows = self.tx.query(&st, &[&after, &limit])?;
        Ok(rows
            .iter()
            .map(|r| LoggedChange {
                seq: r.get(0),
                device_id: r.get(1),
                record_type: r.get(2),
                payload: r.get(3),
                received_at: r.get(4),
            })
            .collect())
    }
}

impl GroupTx for PgGroup<'_, '_> {
    fn claim_numbers(&mut self, claims: &[NumberClaim<'_>]) -> Result<Vec<Option<String>>> {
        if claims.is_empty() {
            return Ok(Vec::new());
        }
        // A grant at the same moment must see these numbers as used (see `grant_block`).
        self.tx.batch_execute("LOCK TABLE number_block IN EXCLUSIVE MODE")?;
        // The holder comes back whether the row is new or was there (a no-op update).
        let claim = self.statement(
            "INSERT INTO document_number (kind, year, serial, number, document_id, device_id)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (kind, year, serial) DO UPDATE SET document_id = document_number.document_id
             RETURNING document_id",
        )?;
        let conflict = self.statement(
            "INSERT INTO number_conflict (kind, year, serial, number, document_id, device_id, found_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
        )?;
        // Issued documents are few in a group: a statement or two each.
        let mut holders = Vec::with_capacity(claims.len());
        for c in claims {
            let holder: String = self
                .tx
                .query_one(&claim, &[&c.kind, &c.year, &c.serial, &c.number, &c.document_id, &c.device_id])?
                .get(0);
            if holder == c.document_id {
                holders.push(None);
                continue;
            }
            self.tx
                .execute(&conflict, &[&c.kind, &c.year, &c.serial, &c.number, &c.document_id, &c.device_id, &c.now])?;
            holders.push(Some(holder));
        }
        Ok(holders)
    }

    fn note_pulls(&mut self, notes: &[PullNote]) -> Result<()> {
        // One device once per group (the writing thread keeps each device's latest note).
        let st = self.statement(&format!(
            "INSERT INTO device_pull (device_id, after, at) SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[]) {}",
            crate::storage::NOTE_PULL_CONFLICT
        ))?;
        let devices: Vec<&str> = notes.iter().map(|n| n.device_id.as_str()).collect();
        let afters: Vec<i64> = notes.iter().map(|n| i64::try_from(n.after).unwrap_or(i64::MAX)).collect();
        let ats: Vec<&str> = notes.iter().map(|n| n.at.as_str()).collect();
        self.tx.execute(&st, &[&devices, &afters, &ats])?;
        Ok(())
    }

    fn earlier_batches(&mut self, keys: &[(&str, &str)]) -> Result<HashMap<(String, String), (String, String)>> {
        let batches: Vec<&str> = keys.iter().map(|k| k.0).collect();
        let devices: Vec<&str> = keys.iter().map(|k| k.1).collect();
        let st = self.statement(
            "SELECT b.batch_id, b.device_id, b.change_ids, b.results FROM push_batch b
             JOIN unnest($1::text[], $2::text[]) AS k(batch_id, device_id)
               ON b.batch_id = k.batch_id AND b.device_id = k.device_id",
        )?;
        let rows = self.tx.query(&st, &[&batches, &devices])?;
        Ok(rows.iter().map(|r| ((r.get(0), r.get(1)), (r.get(2), r.get(3)))).collect())
    }

    fn insert_changes(&mut self, rows: &[NewChange<'_>]) -> Result<Vec<Option<i64>>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let column = |f: for<'r> fn(&'r NewChange<'r>) -> &'r str| rows.iter().map(f).collect::<Vec<&str>>();
        // One statement, in the rows' order; RETURNING names what was new.
        let st = self.statement(
            "INSERT INTO change (change_id, device_id, record_type, record_id, op, rev, payload, received_at)
             SELECT c, d, t, r, o, v, p, w
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
                  WITH ORDINALITY AS u(c, d, t, r, o, v, p, w, n)
             ORDER BY n
             ON CONFLICT (change_id) DO NOTHING
             RETURNING change_id, seq",
        )?;
        let inserted = self.tx.query(
            &st,
            &[
                &column(|r| &r.change.change_id),
                &column(|r| r.device_id),
                &column(|r| &r.change.record_type),
                &column(|r| &r.change.record_id),
                &column(|r| &r.change.op),
                &column(|r| &r.change.rev),
                &column(|r| r.payload),
                &column(|r| r.now),
            ],
        )?;
        let mut new: HashMap<String, i64> = inserted.iter().map(|r| (r.get(0), r.get(1))).collect();
        // A change id twice: the first was stored, the second is a duplicate.
        Ok(rows.iter().map(|r| new.remove(&r.change.change_id)).collect())
    }

    fn insert_refusals(&mut self, rows: &[NewRefusal<'_>]) -> Result<()> {
        let st = self.statement(
            "INSERT INTO refused_change (change_id, device_id, record_type, record_id, reason, payload, received_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )?;
        for r in rows {
            self.tx.execute(
                &st,
                &[
                    &r.change_id.as_ref(),
                    &r.device_id,
                    &r.record_type.as_ref(),
                    &r.record_id.as_ref(),
                    &r.reason,
                    &r.payload.as_ref(),
                    &r.now,
                ],
            )?;
        }
        let trim = self.statement(crate::storage::TRIM_REFUSALS)?;
        let devices: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.device_id).collect();
        for device in devices {
            self.tx.execute(&trim, &[&device, &crate::storage::REFUSALS_PER_DEVICE])?;
        }
        Ok(())
    }

    fn insert_batches(&mut self, rows: &[StoredBatch<'_>]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let column = |f: for<'r> fn(&'r StoredBatch<'r>) -> &'r str| rows.iter().map(f).collect::<Vec<&str>>();
        let st = self.statement(
            "INSERT INTO push_batch (batch_id, device_id, change_ids, results, received_at)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])",
        )?;
        self.tx.execute(
            &st,
            &[
                &column(|b| b.batch_id),
                &column(|b| b.device_id),
                &column(|b| &b.change_ids),
                &column(|b| &b.results),
                &column(|b| b.now),
            ],
        )?;
        Ok(())
    }
}

/// PostgreSQL counts its migrations in `schema_version`, all of them in one transaction
/// that holds the table's lock: one server migrates at a time, and a failure leaves
/// the database as it was.
struct SchemaVersion<'t, 'c>(&'t mut postgres::Transaction<'c>);

impl anjian_migrate::Schema for SchemaVersion<'_, '_> {
    type Error = StorageError;

    fn version(&mut self) -> Result<usize> {
        let found: i32 = self.0.query_opt("SELECT version FROM schema_version", &[])?.map_or(0, |r| r.get(0));
        Ok(usize::try_from(found).unwrap_or(usize::MAX))
    }

    fn apply(&mut self, version: usize, sql: &str) -> Result<()> {
        let tx = &mut *self.0;
        tx.batch_execute(sql)?;
        if version == crate::storage::NUMBERS_SCHEMA {
            // No push may store a document between this read and the commit.
            tx.batch_execute("LOCK TABLE change IN SHARE MODE")?;
            let stored: Vec<(String, String, String)> = tx
                .query(crate::storage::STORED_DOCUMENTS, &[])?
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2)))
                .collect();
            crate::storage::claim_stored(&mut PgGroup { tx, prepared: &mut HashMap::new() }, &stored)?;
        }
        if version == crate::ledger::SCHEMA {
            tx.batch_execute("LOCK TABLE change IN SHARE MODE")?;
            crate::ledger::rebuild(&mut PgGroup { tx, prepared: &mut HashMap::new() })?;
        }
        tx.execute("DELETE FROM schema_version", &[])?;
        tx.execute("INSERT INTO schema_version (version) VALUES ($1)", &[&(version as i32)])?;
        Ok(())
    }
}

fn migrate(c: &mut Client) -> Result<()> {
    c.batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")?;
    let mut tx = c.transaction()?;
    tx.batch_execute("LOCK TABLE schema_version IN EXCLUSIVE MODE")?;
    anjian_migrate::migrate(&mut SchemaVersion(&mut tx), MIGRATIONS).map_err(crate::storage::refused_newer)?;
    tx.commit()?;
    Ok(())
}

impl Storage for PgStorage {
    fn enrol(&self, name: &str, cert_no: &str, code_hash: &str, expires_at: &str, now: &str) -> Result<Inspector> {
        self.run(|c| {
            let mut tx = c.transaction()?;
            let inspector = crate::storage::enrol(&mut PgAccounts(&mut tx), name, cert_no, code_hash, expires_at, now)?;
            tx.commit()?;
            Ok(inspector)
        })
    }

    fn pair(
        &self,
        code_hash: &str,
        now: &str,
        device_id: &str,
        device_name: &str,
        token_hash: &str,
    ) -> Result<Inspector> {
        self.run(|c| {
            let mut tx = c.transaction()?;
            let inspector =
                crate::storage::pair(&mut PgAccounts(&mut tx), code_hash, now, device_id, device_name, token_hash)?;
            tx.commit()?;
            Ok(inspector)
        })
    }

    fn device_by_token(&self, token_hash: &str) -> Result<Option<String>> {
        let ticket = self.tokens.ticket();
        let device: Option<String> = self.run(|c| {
            let st = c.statement("SELECT id FROM device WHERE token_hash = $1 AND revoked_at IS NULL")?;
            Ok(c.query_opt(&st, &[&token_hash])?.map(|r| r.get(0)))
        })?;
        if let Some(d) = &device {
            self.tokens.keep(ticket, token_hash, d);
        }
        Ok(device)
    }

    fn known_device(&self, token_hash: &str) -> Option<String> {
        self.tokens.get(token_hash)
    }

    fn devices(&self) -> Result<Vec<Device>> {
        self.run(|c| {
            Ok(c.query(
                "SELECT d.id, d.name, i.name, i.cert_no, d.paired_at, d.revoked_at, d.wipe, d.revocation_told_at FROM device d JOIN inspector i ON i.id = d.inspector_id ORDER BY d.paired_at",
                &[],
            )?
            .iter()
            .map(|r| Device {
                id: r.get(0),
                name: r.get(1),
                inspector_name: r.get(2),
                inspector_cert_no: r.get(3),
                paired_at: r.get(4),
                revoked_at: r.get(5),
                wipe: r.get::<_, i32>(6) != 0,
                revocation_told_at: r.get(7),
            })
            .collect())
        })
    }

    fn transact(&self, work: &mut dyn FnMut(&mut dyn crate::storage::Sql) -> Result<()>) -> Result<()> {
        self.run(|c| {
            let Conn { client, prepared } = c;
            let mut tx = client.transaction()?;
            work(&mut PgSql { tx: &mut tx, prepared })?;
            tx.commit()?;
            Ok(())
        })
    }

    fn read(&self, work: &mut dyn FnMut(&mut dyn crate::storage::Sql) -> Result<()>) -> Result<()> {
        self.run(|c| {
            let Conn { client, prepared } = c;
            let mut tx = client
                .build_transaction()
                .isolation_level(postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()?;
            work(&mut PgSql { tx: &mut tx, prepared })?;
            tx.commit()?;
            Ok(())
        })
    }

    fn revoke(&self, device_id: &str, now: &str, wipe: bool) -> Result<()> {
        self.run(|c| {
            let mut tx = c.transaction()?;
            let n = tx.execute(
                "UPDATE device SET revoked_at = coalesce(revoked_at, $2), wipe = greatest(wipe, $3) WHERE id = $1",
                &[&device_id, &now, &i32::from(wipe)],
            )?;
            if n == 0 {
                return Err(StorageError::NotFound(format!("设备 {device_id}")));
            }
            // Sent on commit, to every server listening (this one too).
            tx.execute("SELECT pg_notify($1, $2)", &[&REVOKED, &device_id])?;
            tx.commit()?;
            Ok(())
        })?;
        // This process forgets at once, without waiting for its own announcement.
        self.tokens.revoked();
        Ok(())
    }

    fn push(&self, device_id: &str, batch_id: &str, changes: &[Change], now: &str) -> Result<PushResponse> {
        self.pushes.push(device_id, batch_id, changes, now)
    }

    fn pull(&self, device_id: &str, after: u64, limit: u32) -> Result<StoredPage> {
        self.run(|c| {
            let st = c.statement(&format!(
                "SELECT {CHANGE_COLUMNS} FROM change WHERE seq > $1 AND {} ORDER BY seq LIMIT $2",
                crate::storage::reaches("$3")
            ))?;
            let rows = c.query(&st, &[&(after as i64), &(i64::from(limit) + 1), &device_id])?;
            Ok(StoredPage::new(after, limit, rows.iter().map(stored_change).collect()))
        })
    }

    fn note_pulls(&self, notes: Vec<PullNote>) {
        self.pushes.note_pulls(notes);
    }

    fn pull_notes_written(&self) -> Result<()> {
        self.pushes.written()
    }

    fn pull_seqs(&self, device_id: &str, after: u64, limit: u32) -> Result<Vec<u64>> {
        self.run(|c| {
            let st = c.statement(&format!(
                "SELECT seq FROM change WHERE seq > $1 AND {} ORDER BY seq LIMIT $2",
                crate::storage::reaches("$3")
            ))?;
            let rows = c.query(&st, &[&(after as i64), &(i64::from(limit) + 1), &device_id])?;
            Ok(rows.iter().map(|r| r.get::<_, i64>(0) as u64).collect())
        })
    }

    fn publish_then(
        &self,
        changes: &[Change],
        now: &str,
        then: &mut dyn FnMut(&mut dyn crate::storage::Sql) -> Result<()>,
    ) -> Result<u64> {
        self.run(|c| {
            let Conn { client, prepared } = c;
            let mut tx = client.transaction()?;
            tx.batch_execute("LOCK TABLE change IN EXCLUSIVE MODE")?;
            let n = crate::storage::publish(&mut PgGroup { tx: &mut tx, prepared }, changes, now)?;
            then(&mut PgSql { tx: &mut tx, prepared })?;
            tx.commit()?;
            Ok(n)
        })
    }

    fn rebuild_records(&self) -> Result<u64> {
        self.run(|c| {
            let Conn { client, prepared } = c;
            let mut tx = client.transaction()?;
            // Pushes wait (they lock the log exclusively) until the tables are whole again.
            tx.batch_execute("LOCK TABLE change IN SHARE MODE")?;
            let n = crate::ledger::rebuild(&mut PgGroup { tx: &mut tx, prepared })?;
            tx.commit()?;
            Ok(n)
        })
    }

    fn record_digests(&self) -> Result<Vec<TableDigest>> {
        self.run(|c| {
            let Conn { client, prepared } = c;
            // One snapshot for every table.
            let mut tx = client
                .build_transaction()
                .isolation_level(postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()?;
            crate::ledger::digests(&mut PgGroup { tx: &mut tx, prepared })
        })
    }

    fn changes_of_type(&self, record_type: &str) -> Result<Vec<StoredChange>> {
        self.run(|c| {
            let rows = c.query(&crate::storage::changes_of_type_sql(CHANGE_COLUMNS, record_type)?, &[])?;
            Ok(rows.iter().map(stored_change).collect())
        })
    }

    fn attachment_state(&self, sha256: &str) -> Result<AttachmentState> {
        self.run(|c| {
            Ok(match c.query_opt("SELECT received, complete FROM attachment WHERE sha256 = $1", &[&sha256])? {
                None => AttachmentState::Absent,
                Some(r) if r.get::<_, bool>(1) => AttachmentState::Complete,
                Some(r) => AttachmentState::Partial(r.get::<_, i64>(0) as u64),
            })
        })
    }

    fn attachment_append(&self, sha256: &str, offset: u64, bytes: &[u8], total: u64) -> Result<AttachmentState> {
        self.run(|c| {
            let mut tx = c.transaction()?;
            let step = crate::storage::append_upload(&mut PgUploads(&mut tx), sha256, offset, bytes, total)?;
            tx.commit()?;
            match step {
                UploadStep::Done(state) => Ok(state),
                UploadStep::Refused(why) => Err(StorageError::Refused(why)),
            }
        })
    }

    fn attachment(&self, sha256: &str) -> Result<Vec<u8>> {
        self.run(|c| match c.query_opt("SELECT data FROM attachment WHERE sha256 = $1 AND complete", &[&sha256])? {
            Some(r) => Ok(r.get(0)),
            None => Err(StorageError::NotFound(format!("附件 {sha256}"))),
        })
    }

    fn grant_block(&self, device_id: &str, kind: &str, year: i32, count: u32, now: &str) -> Result<NumberBlock> {
        self.run(|c| {
            let mut tx = c.transaction()?;
            // Two grants at once must not both take the same next number.
            tx.batch_execute("LOCK TABLE number_block IN EXCLUSIVE MODE")?;
            // After every number granted and every number used (a device numbers from a
            // block of its own when it ran out offline); pushes claiming numbers take the
            // same lock.
            let last: Option<i64> = tx
                .query_one(
                    "SELECT greatest((SELECT max(last) FROM number_block WHERE kind = $1 AND year = $2),
                                     (SELECT max(serial) FROM document_number WHERE kind = $1 AND year = $2))",
                    &[&kind, &year],
                )?
                .get(0);
            let (first, last) = crate::storage::next_block(last, count)?;
            tx.execute(
                "INSERT INTO number_block (kind, year, first, last, device_id, granted_at) VALUES ($1, $2, $3, $4, $5, $6)",
                &[&kind, &year, &first, &last, &device_id, &now],
            )?;
            tx.commit()?;
            // Within u32: `next_block` keeps to MAX_SERIAL.
            Ok(NumberBlock { kind: kind.to_owned(), year, first: first as u32, last: last as u32 })
        })
    }

    fn refusals(&self) -> Result<Vec<RefusedChange>> {
        self.run(|c| {
            Ok(c.query(crate::storage::REFUSALS, &[])?
                .iter()
                .map(|r| RefusedChange {
                    device_id: r.get(0),
                    record_type: r.get(1),
                    record_id: r.get(2),
                    reason: r.get(3),
                    received_at: r.get(4),
                })
                .collect())
        })
    }

    fn number_conflicts(&self) -> Result<Vec<NumberConflict>> {
        self.run(|c| {
            Ok(c.query(crate::storage::NUMBER_CONFLICTS, &[])?
                .iter()
                .map(|r| NumberConflict {
                    number: r.get(0),
                    held_by: r.get(1),
                    held_by_device: r.get(2),
                    document_id: r.get(3),
                    device_id: r.get(4),
                    found_at: r.get(5),
                })
                .collect())
        })
    }

    fn change_count(&self) -> Result<u64> {
        self.run(|c| Ok(c.query_one("SELECT count(*) FROM change", &[])?.get::<_, i64>(0) as u64))
    }
}

/// Enrolment's and pairing's statements; the rows read are locked (FOR UPDATE).
struct PgAccounts<'a, 'b>(&'a mut postgres::Transaction<'b>);

impl AccountTx for PgAccounts<'_, '_> {
    fn inspector_by_cert(&mut self, cert_no: &str) -> Result<Option<String>> {
        Ok(self.0.query_opt("SELECT id FROM inspector WHERE cert_no = $1 FOR UPDATE", &[&cert_no])?.map(|r| r.get(0)))
    }

    fn rename_inspector(&mut self, id: &str, name: &str) -> Result<()> {
        self.0.execute("UPDATE inspector SET name = $2 WHERE id = $1", &[&id, &name])?;
        Ok(())
    }

    fn insert_inspector(&mut self, id: &str, name: &str, cert_no: &str, now: &str) -> Result<()> {
        self.0.execute(
            "INSERT INTO inspector (id, name, cert_no, created_at) VALUES ($1, $2, $3, $4)",
            &[&id, &name, &cert_no, &now],
        )?;
        Ok(())
    }

    fn insert_code(&mut self, code_hash: &str, inspector_id: &str, expires_at: &str) -> Result<()> {
        self.0.execute(
            "INSERT INTO pairing_code (code_hash, inspector_id, expires_at) VALUES ($1, $2, $3)",
            &[&code_hash, &inspector_id, &expires_at],
        )?;
        Ok(())
    }

    fn code(&mut self, code_hash: &str) -> Result<Option<(String, String, Option<String>)>> {
        Ok(self
            .0
            .query_opt(
                "SELECT inspector_id, expires_at, used_at FROM pairing_code WHERE code_hash = $1 FOR UPDATE",
                &[&code_hash],
            )?
            .map(|r| (r.get(0), r.get(1), r.get(2))))
    }

    fn use_code(&mut self, code_hash: &str, now: &str) -> Result<()> {
        self.0.execute("UPDATE pairing_code SET used_at = $2 WHERE code_hash = $1", &[&code_hash, &now])?;
        Ok(())
    }

    fn insert_device(&mut self, id: &str, inspector_id: &str, name: &str, token_hash: &str, now: &str) -> Result<()> {
        self.0.execute(
            "INSERT INTO device (id, inspector_id, name, token_hash, paired_at) VALUES ($1, $2, $3, $4, $5)",
            &[&id, &inspector_id, &name, &token_hash, &now],
        )?;
        Ok(())
    }

    fn inspector(&mut self, id: &str) -> Result<Inspector> {
        let r = self.0.query_one("SELECT id, name, cert_no FROM inspector WHERE id = $1", &[&id])?;
        Ok(Inspector { id: r.get(0), name: r.get(1), cert_no: r.get(2) })
    }
}

/// An upload's bytes in the attachment row itself; the row read is locked (FOR UPDATE).
struct PgUploads<'a, 'b>(&'a mut postgres::Transaction<'b>);

impl UploadTx for PgUploads<'_, '_> {
    fn upload(&mut self, sha256: &str) -> Result<Option<(u64, u64, bool)>> {
        Ok(self
            .0
            .query_opt("SELECT size, received, complete FROM attachment WHERE sha256 = $1 FOR UPDATE", &[&sha256])?
            .map(|r| (r.get::<_, i64>(0) as u64, r.get::<_, i64>(1) as u64, r.get(2))))
    }

    fn restart(&mut self, sha256: &str, total: u64) -> Result<()> {
        self.0.execute(
            "UPDATE attachment SET size = $2, received = 0, data = '' WHERE sha256 = $1",
            &[&sha256, &(total as i64)],
        )?;
        Ok(())
    }

    fn begin(&mut self, sha256: &str, total: u64) -> Result<()> {
        self.0.execute(
            "INSERT INTO attachment (sha256, size, received, complete) VALUES ($1, $2, 0, FALSE)
             ON CONFLICT (sha256) DO NOTHING",
            &[&sha256, &(total as i64)],
        )?;
        Ok(())
    }

    fn append(&mut self, sha256: &str, _received: u64, bytes: &[u8], now_received: u64, _total: u64) -> Result<()> {
        self.0.execute(
            "UPDATE attachment SET data = data || $2, received = $3 WHERE sha256 = $1",
            &[&sha256, &bytes, &(now_received as i64)],
        )?;
        Ok(())
    }

    fn content(&mut self, sha256: &str) -> Result<Vec<u8>> {
        Ok(self.0.query_one("SELECT data FROM attachment WHERE sha256 = $1", &[&sha256])?.get(0))
    }

    fn discard(&mut self, sha256: &str) -> Result<()> {
        self.0.execute("DELETE FROM attachment WHERE sha256 = $1", &[&sha256])?;
        Ok(())
    }

    fn complete(&mut self, sha256: &str) -> Result<()> {
        self.0.execute("UPDATE attachment SET complete = TRUE WHERE sha256 = $1", &[&sha256])?;
        Ok(())
    }
}
