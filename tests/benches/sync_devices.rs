//! 100 devices syncing at once against the district server: each round every device
//! pushes a batch of 20 changes and pulls the next page, all at the same moment; the
//! time of each device's round, p50 and p99 (goal: p99 < 200 ms).
//!
//! `cargo bench -p anjian-tests --bench sync_devices` (SQLite); with ANJIAN_BENCH_PG set
//! to a PostgreSQL URL the same run follows against a fresh database there.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot run just stops

use std::sync::Arc;
use std::time::{Duration, Instant};

use anjian_server::{PgStorage, SqliteStorage, Storage};
use anjian_sync::client::{Client, RetryPolicy};
use anjian_sync::protocol::{Change, PushBatch};
use anjian_tests::bench::PgDatabase;

const DEVICES: usize = 100;
const ROUNDS: usize = 10;
const BATCH: u64 = 20;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite: Arc<dyn Storage> = Arc::new(SqliteStorage::open(&dir.path().join("district.db")).expect("sqlite"));
    println!("| backend | device rounds | p50 ms | p99 ms | max ms | changes/s |");
    println!("|---|---:|---:|---:|---:|---:|");
    rt.block_on(run("SQLite", sqlite));
    if let Ok(base) = std::env::var("ANJIAN_BENCH_PG") {
        let db = PgDatabase::create(&base, "anjian_bench").expect("a database for the benchmark");
        let pg: Arc<dyn Storage> = Arc::new(PgStorage::open(&db.url).expect("pg"));
        rt.block_on(run("PostgreSQL", pg));
    }
}

async fn run(backend: &str, storage: Arc<dyn Storage>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(anjian_server::serve(listener, storage.clone(), Default::default(), async move {
        let _ = stopped.await;
    }));
    let policy = RetryPolicy { attempts: 1, timeout: Duration::from_secs(30), ..RetryPolicy::default() };
    let mut devices = Vec::new();
    for d in 0..DEVICES {
        let s = storage.clone();
        let code = tokio::task::spawn_blocking(move || {
            anjian_server::enrol(s.as_ref(), "执法人员", &format!("110109{d:05}"), 1)
        })
        .await
        .expect("enrol")
        .expect("enrol");
        let client = Client::new(&url, None, policy).expect("client");
        let pair = client.pair(&code, &format!("终端{d}")).await.expect("pair");
        devices.push((client.with_token(pair.token), pair.device_id));
    }
    let mut times = Vec::new();
    // The push's part of each round and the pull's, where the time goes.
    let (mut pushes, mut pulls) = (Vec::new(), Vec::new());
    let mut rounds = Vec::new();
    let started = Instant::now();
    for round in 0..=ROUNDS {
        let mut tasks = Vec::new();
        for (client, id) in &devices {
            let (client, id) = (client.clone(), id.clone());
            tasks.push(tokio::spawn(async move {
                let from = round as u64 * BATCH;
                let changes: Vec<Change> =
                    (from..from + BATCH).map(|n| anjian_tests::changes::hazard(&id, n)).collect();
                let t = Instant::now();
                client.push(&PushBatch { batch_id: format!("{id}-{round}"), changes }).await.expect("push");
                let pushed = t.elapsed();
                client.pull(from * DEVICES as u64 / 2, 200).await.expect("pull");
                (pushed, t.elapsed())
            }));
        }
        let mut slowest = Duration::ZERO;
        for t in tasks {
            let (pushed, elapsed) = t.await.expect("device");
            slowest = slowest.max(elapsed);
            // Round 0 warms the server up and is not counted.
            if round > 0 {
                times.push(elapsed);
                pushes.push(pushed);
                pulls.push(elapsed - pushed);
            }
        }
        rounds.push(format!("{:.0}", slowest.as_secs_f64() * 1000.0));
    }
    let wall = started.elapsed();
    let pick_of = |times: &mut Vec<Duration>, q: f64| {
        times.sort();
        times[((times.len() as f64 * q) as usize).min(times.len() - 1)].as_secs_f64() * 1000.0
    };
    let pick = |q: f64| pick_of(&mut times.clone(), q);
    let changes = (DEVICES * (ROUNDS + 1)) as f64 * BATCH as f64;
    println!(
        "| {backend} | {} | {:.1} | {:.1} | {:.1} | {:.0} |",
        times.len(),
        pick(0.50),
        pick(0.99),
        pick(1.0),
        changes / wall.as_secs_f64()
    );
    let _ = stop.send(());
    server.await.expect("join").expect("served");
    let p99 = pick(0.99);
    println!("p99 {p99:.1} ms (goal < 200 ms: {})", if p99 < 200.0 { "met" } else { "missed" });
    println!(
        "push p50 {:.1} ms, p99 {:.1} ms; pull p50 {:.1} ms, p99 {:.1} ms",
        pick_of(&mut pushes, 0.5),
        pick_of(&mut pushes, 0.99),
        pick_of(&mut pulls, 0.5),
        pick_of(&mut pulls, 0.99)
    );
    println!("slowest device of each round, ms (the first is round 0, not counted): {}", rounds.join(" "));
}
