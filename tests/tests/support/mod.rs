//! What the sync tests share: a fresh database per test (SQLite or PostgreSQL), a real
//! server on port 0, paired devices and generated changes.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // each test file uses a part

pub mod devices;
pub mod fault_proxy;
pub mod tls_front;

use std::sync::Arc;

use anjian_server::{PgStorage, SqliteStorage, Storage};
use anjian_sync::client::{Client, RetryPolicy};
use anjian_sync::protocol::{Change, PushBatch};
use tokio::sync::oneshot;

/// Where a test server keeps its data: a SQLite file, or a fresh PostgreSQL database.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(std::path::PathBuf),
    Postgres(String),
}

impl Db {
    /// The database opened as the server opens it; a second one on the same database is
    /// what an admin command in another process works with.
    pub async fn open(&self) -> Arc<dyn Storage> {
        let db = self.clone();
        tokio::task::spawn_blocking(move || match db {
            Db::Sqlite(path) => Arc::new(SqliteStorage::open(&path).expect("open SQLite")) as Arc<dyn Storage>,
            Db::Postgres(url) => Arc::new(PgStorage::open(&url).expect("open PostgreSQL")) as Arc<dyn Storage>,
        })
        .await
        .expect("open")
    }
}

/// A fresh database for one test: a file in `dir`, or a new database on the PostgreSQL
/// server named by ANJIAN_TEST_PG (default: the local one), dropped when the test ends.
pub struct TestDb {
    pub db: Db,
    _dir: tempfile::TempDir,
}

impl TestDb {
    pub fn new(postgres: bool) -> TestDb {
        let dir = tempfile::tempdir().expect("tempdir");
        if !postgres {
            return TestDb { db: Db::Sqlite(dir.path().join("district.db")), _dir: dir };
        }
        let base = pg_base();
        let name = format!("anjian_test_{}", anjian_server::auth::new_id().expect("id"));
        let admin = base.clone();
        let create = name.clone();
        // The synchronous client must not run on the async runtime's threads.
        std::thread::spawn(move || {
            let mut c = postgres::Client::connect(&admin, postgres::NoTls)
                .expect("PostgreSQL at ANJIAN_TEST_PG (scripts/test-all installs and starts one)");
            c.batch_execute(&format!("CREATE DATABASE {create}")).expect("create database");
        })
        .join()
        .expect("create database");
        let url = match base.rfind('/') {
            Some(i) if base[..i].ends_with(|c: char| c != '/') => format!("{}/{name}", &base[..i]),
            _ => format!("{base}/{name}"),
        };
        TestDb { db: Db::Postgres(url), _dir: dir }
    }
}

fn pg_base() -> String {
    std::env::var("ANJIAN_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Db::Postgres(url) = &self.db {
            let name = url.rsplit('/').next().unwrap_or_default().to_owned();
            let admin = pg_base();
            let _ = std::thread::spawn(move || {
                if let Ok(mut c) = postgres::Client::connect(&admin, postgres::NoTls) {
                    let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
            })
            .join();
        }
    }
}

pub struct Server {
    pub url: String,
    pub storage: Arc<dyn Storage>,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    pub async fn start(db: &Db) -> Server {
        Server::start_with(db.open().await).await
    }

    pub async fn start_with(storage: Arc<dyn Storage>) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(anjian_server::serve(listener, storage.clone(), Default::default(), async move {
            let _ = rx.await;
        }));
        Server { url, storage, stop: Some(tx), task }
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        self.task.await.expect("join").expect("served");
    }

    /// The storage's answers, off the async threads.
    pub async fn with<T: Send + 'static>(&self, f: impl FnOnce(&dyn Storage) -> T + Send + 'static) -> T {
        let storage = self.storage.clone();
        tokio::task::spawn_blocking(move || f(storage.as_ref())).await.expect("storage call")
    }
}

pub fn quick() -> RetryPolicy {
    RetryPolicy {
        attempts: 3,
        first_delay: std::time::Duration::from_millis(10),
        max_delay: std::time::Duration::from_millis(50),
        timeout: std::time::Duration::from_secs(10),
    }
}

/// Enrols an inspector and pairs a device: the client with its token, the device id, the token.
pub async fn paired(server: &Server, cert: &str) -> (Client, String, String) {
    let cert = cert.to_owned();
    let code = server.with(move |s| anjian_server::enrol(s, "王磊", &cert, 7)).await.expect("enrol");
    let client = Client::new(&server.url, None, quick()).expect("client");
    // Typed as given, in lower case and with its dashes: accepted the same.
    let pair = client.pair(&code.to_lowercase(), "执法终端").await.expect("pair");
    (client.with_token(pair.token.clone()), pair.device_id, pair.token)
}

pub fn change(device: &str, n: u64) -> Change {
    anjian_tests::changes::hazard(device, n)
}

pub fn batch(device: &str, from: u64, to: u64) -> PushBatch {
    PushBatch { batch_id: format!("{device}-{from}-{to}"), changes: (from..to).map(|n| change(device, n)).collect() }
}

/// Each test runs against SQLite and against PostgreSQL.
#[allow(unused_macros)] // one test file takes its backends its own way
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(false).await;
                }
            )*
        }
        mod postgresql {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(true).await;
                }
            )*
        }
    };
}
#[allow(unused_imports)]
pub(crate) use both_backends;

/// Rows of a query on the server's database as the bureau's tools would read it, each
/// column as text (write `CAST(x AS TEXT)` for numbers): SQL alike on both backends.
pub async fn query(db: &Db, sql: &str) -> Vec<Vec<Option<String>>> {
    let (db, sql) = (db.clone(), sql.to_owned());
    tokio::task::spawn_blocking(move || match db {
        Db::Sqlite(path) => {
            let c = rusqlite::Connection::open(&path).expect("open SQLite");
            let mut stmt = c.prepare(&sql).expect("prepare");
            let n = stmt.column_count();
            stmt.query_map([], |r| (0..n).map(|i| r.get::<_, Option<String>>(i)).collect())
                .expect("query")
                .collect::<rusqlite::Result<_>>()
                .expect("rows")
        }
        Db::Postgres(url) => {
            let mut c = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
            let rows = c.query(&sql, &[]).expect("query");
            rows.iter().map(|r| (0..r.len()).map(|i| r.get::<_, Option<String>>(i)).collect()).collect()
        }
    })
    .await
    .expect("query")
}

/// The first column of each row of `query`.
pub async fn column(db: &Db, sql: &str) -> Vec<String> {
    query(db, sql).await.into_iter().map(|r| r.into_iter().next().flatten().unwrap_or_default()).collect()
}

/// The district record tables kept change by change equal the ones `rebuild` makes from
/// the log; the digests of the rebuilt tables are returned.
pub async fn records_rebuild_alike(server: &Server) -> Vec<anjian_server::TableDigest> {
    let kept = server.with(|s| s.record_digests()).await.expect("digests");
    let read = server.with(|s| s.rebuild_records()).await.expect("rebuild");
    assert!(read > 0, "the log is read");
    let rebuilt = server.with(|s| s.record_digests()).await.expect("digests");
    assert_eq!(kept, rebuilt, "the tables kept as changes arrived equal the ones rebuilt from the log");
    rebuilt
}
