//! The bureau's console over five district-years on the server (2,000 enterprises,
//! 65,000 inspections, 39,000 hazards, 14,000 documents, pushed by a device through the
//! real sync): 总览 for the busiest year and the ledger's filters, p95 over repeated runs,
//! beside the baseline a server without district records would have: the same answer
//! read from the change log (every payload of the record type parsed, the latest image
//! of each record kept, then counted or filtered). Then the XLSX export of every hazard:
//! its time and how far it raised the process's peak resident memory (Linux's VmHWM,
//! reset before it).
//! Goals: 总览 p95 ≤ 100 ms, ledger filters p95 ≤ 50 ms, the export ≤ 5 s.
//!
//! `cargo bench -p anjian-tests --bench console` (SQLite); with ANJIAN_BENCH_PG set to a
//! PostgreSQL URL the same run follows against a fresh database there.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot run just stops

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anjian_server::console::{export, records};
use anjian_server::{PgStorage, SqliteStorage, Storage};
use anjian_store::SyncLocal;
use anjian_store::seed::Reference;
use anjian_sync::client::{Client, RetryPolicy};
use anjian_sync::engine;
use anjian_sync::records::Image;
use anjian_tests::bench::{PgDatabase, Stats, measure};
use anjian_tests::district::{self, FIVE_YEARS};

/// This process's resident memory and its peak (kB), from /proc/self/status.
fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (kb("VmRSS:"), kb("VmHWM:"))
}

/// Starts a new peak: Linux resets VmHWM to the current RSS when "5" is written here.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

const DIVISIONS: &str = include_str!("../../assets/seed/divisions.json");
const SECTORS: &str = include_str!("../../assets/seed/sectors.json");
const RUNS: usize = 40;
const BASELINE_RUNS: usize = 5;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let reference = Reference::parse(DIVISIONS, SECTORS).expect("reference");
    let dir = tempfile::tempdir().expect("tempdir");
    // The same district (one seed) on a fresh writing device for each backend.
    let writer = |name: &str| {
        eprintln!("generating five district-years on the writing device…");
        let store = Arc::new(
            anjian_store::Store::open(&dir.path().join(name), anjian_tests::test_keys().as_ref()).expect("store"),
        );
        store.seed(&reference, None).expect("seed");
        store.load_templates(anjian_api::CHECKLISTS).expect("templates");
        district::generate(&store, &reference, FIVE_YEARS, 7).expect("generate");
        store
    };

    println!("| backend | query | p50 ms | p95 ms | baseline (change log) p95 ms | goal |");
    println!("|---|---|---:|---:|---:|---|");
    let sqlite: Arc<dyn Storage> = Arc::new(SqliteStorage::open(&dir.path().join("district.db")).expect("sqlite"));
    let mut exports = vec![rt.block_on(run("SQLite", sqlite, writer("writer-sqlite"), "11010900001"))];
    if let Ok(base) = std::env::var("ANJIAN_BENCH_PG") {
        let db = PgDatabase::create(&base, "anjian_console_bench").expect("a database for the benchmark");
        let pg: Arc<dyn Storage> = Arc::new(PgStorage::open(&db.url).expect("pg"));
        exports.push(rt.block_on(run("PostgreSQL", pg, writer("writer-pg"), "11010900002")));
    }
    println!();
    println!("| backend | XLSX export of every hazard | rows | seconds | peak memory above the start, MiB | goal |");
    println!("|---|---|---:|---:|---:|---|");
    for (backend, rows, time, peak) in exports {
        println!(
            "| {backend} | whole ledger | {rows} | {:.2} | {:.1} | ≤ 5 s, rows never held whole |",
            time.as_secs_f64(),
            peak as f64 / 1024.0 / 1024.0
        );
    }
}

/// Fills `storage` from the writer by one sync round, then measures: the export's
/// (backend, rows, time, peak heap).
async fn run(
    backend: &'static str,
    storage: Arc<dyn Storage>,
    writer: Arc<anjian_store::Store>,
    cert: &'static str,
) -> (&'static str, u64, Duration, usize) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(anjian_server::serve(listener, storage.clone(), Default::default(), async move {
        let _ = stopped.await;
    }));
    let s = storage.clone();
    let code = tokio::task::spawn_blocking(move || anjian_server::enrol(s.as_ref(), "执法人员", cert, 1))
        .await
        .unwrap()
        .unwrap();
    let policy = RetryPolicy { attempts: 1, timeout: Duration::from_secs(300), ..RetryPolicy::default() };
    let client = Client::new(&url, None, policy).unwrap();
    let paired = client.pair(&code, "终端").await.unwrap();
    let client = client.with_token(paired.token);
    let t = Instant::now();
    let pushed =
        engine::round(&client, &SyncLocal(writer.clone()), &paired.device_id, &|_, _, _| {}).await.expect("push");
    eprintln!("{backend}: pushed {} records in {:.1} s", pushed.pushed, t.elapsed().as_secs_f64());
    // The generator leaves its inspections open (drafts); a district's past years are
    // finished inspections: marked so in the record tables, for 总览 to count them.
    let s = storage.clone();
    tokio::task::spawn_blocking(move || {
        s.transact(&mut |sql| {
            sql.execute("UPDATE inspection SET status = 'finished', finished_at = started_at", &[]).map(drop)
        })
    })
    .await
    .expect("finish")
    .expect("finish the inspections");
    let _ = stop.send(());
    server.await.expect("server").expect("served");

    tokio::task::spawn_blocking(move || queries(backend, storage.as_ref())).await.expect("queries")
}

fn queries(backend: &'static str, storage: &dyn Storage) -> (&'static str, u64, Duration, usize) {
    let query = |sql: &str| {
        let mut out = Vec::new();
        storage
            .transact(&mut |tx| {
                out = tx.query(sql, &[])?;
                Ok(())
            })
            .expect("query");
        out
    };
    let year = query("SELECT substr(started_day, 1, 4) FROM inspection GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1")[0]
        [0]
    .clone()
    .unwrap();
    let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
    let today = anjian_core::beijing::today(chrono::Utc::now());

    // 总览 for the year.
    let mut answer = None;
    let ours = measure(RUNS, || {
        storage
            .transact(&mut |sql| {
                answer = Some(records::overview(sql, &from, &to, today)?);
                Ok(())
            })
            .expect("overview");
    });
    let overview = answer.expect("an overview");
    let mut counted = None;
    let baseline = measure(BASELINE_RUNS, || counted = Some(overview_from_log(storage, &from, &to)));
    let (inspections, hazards) = counted.expect("counted");
    assert_eq!(
        (inspections, hazards),
        (overview.totals.inspections, overview.totals.hazards),
        "the baseline counts alike"
    );
    row(
        backend,
        &format!("总览 of {year} ({inspections} inspections, {hazards} hazards)"),
        ours,
        baseline,
        "p95 ≤ 100 ms",
    );

    // The ledger's filters, each a page of 50 with its count.
    let town = query("SELECT division_code FROM enterprise GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1")[0][0].clone();
    let filters: Vec<(&str, records::HazardQuery)> = vec![
        ("ledger, no filter", records::HazardQuery::default()),
        (
            "ledger, a year",
            records::HazardQuery { from: Some(from.clone()), to: Some(to.clone()), ..Default::default() },
        ),
        ("ledger, a town", records::HazardQuery { town: town.clone(), ..Default::default() }),
        ("ledger, a sector", records::HazardQuery { sector: Some("mine".into()), ..Default::default() }),
        (
            "ledger, 重大 and open",
            records::HazardQuery { level: Some("major".into()), status: Some("open".into()), ..Default::default() },
        ),
        ("ledger, overdue", records::HazardQuery { overdue: Some(true), ..Default::default() }),
        (
            "ledger, words in name or description",
            records::HazardQuery { q: Some("灭火器".into()), ..Default::default() },
        ),
        ("ledger, an inspector", records::HazardQuery { inspector: Some("王".into()), ..Default::default() }),
        (
            "ledger, a town, a year, 重大",
            records::HazardQuery {
                town,
                from: Some(from.clone()),
                to: Some(to.clone()),
                level: Some("major".into()),
                ..Default::default()
            },
        ),
    ];
    for (what, q) in &filters {
        let mut total = 0;
        let ours = measure(RUNS, || {
            storage
                .transact(&mut |sql| {
                    total = records::hazards(sql, q, today)?.total;
                    Ok(())
                })
                .expect("ledger");
        });
        let mut found = 0;
        let baseline = measure(BASELINE_RUNS, || found = ledger_from_log(storage, q, today));
        assert_eq!(found as i64, total, "{what}: the baseline finds alike");
        row(backend, &format!("{what} ({total} hazards)"), ours, baseline, "p95 ≤ 50 ms");
    }

    // The export of every hazard, rows streamed to a file.
    let file = tempfile::NamedTempFile::new().expect("temp file");
    reset_peak();
    let (before, _) = memory();
    let t = Instant::now();
    let mut rows = 0;
    let progress = export::Progress::default();
    storage
        .read(&mut |sql| {
            let q = records::HazardQuery::default();
            rows = export::hazards(sql, &q, today, export::Format::Xlsx, file.path(), &progress)?;
            Ok(())
        })
        .expect("export");
    let time = t.elapsed();
    let (_, peak) = memory();
    (backend, rows, time, usize::try_from(peak.saturating_sub(before) * 1024).unwrap_or(usize::MAX))
}

fn row(backend: &str, what: &str, ours: Stats, baseline: Stats, goal: &str) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("| {backend} | {what} | {:.1} | {:.1} | {:.0} | {goal} |", ms(ours.p50), ms(ours.p95), ms(baseline.p95));
}

/// Every record of one type as the log's latest image of each (what a server without
/// district records would have to read for any question).
fn latest(storage: &dyn Storage, record_type: &str) -> HashMap<String, Image> {
    let mut out = HashMap::new();
    for c in storage.changes_of_type(record_type).expect("log") {
        if let Ok(image) = Image::parse_json(&c.record_type, &c.payload) {
            out.insert(c.record_id, image);
        }
    }
    out
}

fn beijing_day(instant: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(instant)
        .map(|t| anjian_core::beijing::local(t.with_timezone(&chrono::Utc)).date().to_string())
        .unwrap_or_default()
}

/// 检查家次 and 发现隐患 for a period, from the log.
fn overview_from_log(storage: &dyn Storage, from: &str, to: &str) -> (i64, i64) {
    let inside = |day: &str| day >= from && day <= to;
    let inspections = latest(storage, "inspection")
        .values()
        // Every one taken as finished, as the record tables were marked (see `run`).
        .filter(|i| matches!(i, Image::Inspection(i) if inside(&beijing_day(&i.started_at))))
        .count();
    let hazards = latest(storage, "hazard")
        .values()
        .filter(|h| matches!(h, Image::Hazard(h) if inside(&beijing_day(&h.found_at))))
        .count();
    (inspections as i64, hazards as i64)
}

/// How many hazards a ledger filter passes, from the log.
fn ledger_from_log(storage: &dyn Storage, q: &records::HazardQuery, today: chrono::NaiveDate) -> usize {
    let enterprises = latest(storage, "enterprise");
    let inspections = latest(storage, "inspection");
    let field = |id: &str, name: &str| match enterprises.get(id) {
        Some(Image::Enterprise(e)) => e.fields.get(name).map(|f| f.value.clone()),
        _ => None,
    };
    latest(storage, "hazard")
        .values()
        .filter_map(|h| if let Image::Hazard(h) = h { Some(h) } else { None })
        .filter(|h| {
            let day = beijing_day(&h.found_at);
            let name = field(&h.enterprise_id, "name").and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
            q.from.as_ref().is_none_or(|f| day >= *f)
                && q.to.as_ref().is_none_or(|t| day <= *t)
                && q.town.as_ref().is_none_or(|t| field(&h.enterprise_id, "divisionCode").is_some_and(|v| v == *t.as_str()))
                && q.sector.as_ref().is_none_or(|s| {
                    field(&h.enterprise_id, "sectors").is_some_and(|v| v.as_array().is_some_and(|a| a.iter().any(|x| x == s.as_str())))
                })
                && q.level.as_ref().is_none_or(|l| h.level == *l)
                && q.status.as_ref().is_none_or(|s| h.status == *s)
                && (q.overdue != Some(true) || (h.status == "open" && h.deadline < today.to_string()))
                && q.q.as_ref().is_none_or(|w| name.contains(w.as_str()) || h.description.contains(w.as_str()))
                && q.inspector.as_ref().is_none_or(|w| {
                    h.inspection_id.as_ref().is_some_and(|i| {
                        matches!(inspections.get(i), Some(Image::Inspection(i)) if i.officers.iter().any(|o| o.name.contains(w.as_str())))
                    })
                })
        })
        .count()
}
