//! A new device's first sync: five district-years (2,000 enterprises, 65,000
//! inspections, 39,000 hazards, 14,000 documents, 20 inspectors) pulled from the
//! district server and merged into an empty local store, in records per second, beside
//! the limit: the bare bulk insert of the same rows into an empty store in one
//! transaction (prepared INSERTs, no merge, no search index, no audit, no network).
//! Goals: ≥ 20,000 records/s and ≥ 1/3 of the bare insert.
//!
//! `cargo bench -p anjian-tests --bench initial_pull`

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot run just stops

use std::sync::Arc;
use std::time::{Duration, Instant};

use anjian_core::search_text::{pairs, singles};
use anjian_server::{SqliteStorage, Storage};
use anjian_store::seed::Reference;
use anjian_store::{Store, SyncLocal};
use anjian_sync::client::{Client, RetryPolicy};
use anjian_sync::device::Local;
use anjian_sync::engine;
use anjian_sync::protocol::{PullPage, ServerChange};
use anjian_sync::records::Image;
use anjian_tests::district::{self, FIVE_YEARS};

const DIVISIONS: &str = include_str!("../../assets/seed/divisions.json");
const SECTORS: &str = include_str!("../../assets/seed/sectors.json");

fn open_store(dir: &std::path::Path, reference: &Reference) -> Store {
    let store = Store::open(dir, anjian_tests::test_keys().as_ref()).expect("store");
    store.seed(reference, None).expect("seed");
    store.load_templates(anjian_api::CHECKLISTS).expect("templates");
    store
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let reference = Reference::parse(DIVISIONS, SECTORS).expect("reference");
    let dir = tempfile::tempdir().expect("tempdir");
    let storage: Arc<dyn Storage> = Arc::new(SqliteStorage::open(&dir.path().join("district.db")).expect("server db"));

    eprintln!("generating five district-years on the writing device…");
    let writer = Arc::new(open_store(&dir.path().join("writer"), &reference));
    district::generate(&writer, &reference, FIVE_YEARS, 7).expect("generate");

    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(anjian_server::serve(listener, storage.clone(), Default::default(), async move {
            let _ = stopped.await;
        }));
        let policy = RetryPolicy { attempts: 1, timeout: Duration::from_secs(120), ..RetryPolicy::default() };
        let pair = |cert: &'static str| {
            let (s, url) = (storage.clone(), url.clone());
            async move {
                let code = tokio::task::spawn_blocking(move || anjian_server::enrol(s.as_ref(), "执法人员", cert, 1))
                    .await
                    .unwrap()
                    .unwrap();
                let client = Client::new(&url, None, policy).unwrap();
                let p = client.pair(&code, "终端").await.unwrap();
                (client.with_token(p.token), p.device_id)
            }
        };
        let quiet = |_: engine::Phase, _: u64, _: Option<u64>| {};

        let (client, device) = pair("11010900001").await;
        let t = Instant::now();
        let pushed = engine::round(&client, &SyncLocal(writer.clone()), &device, &quiet).await.expect("push");
        let push_time = t.elapsed();
        eprintln!("pushed {} records in {:.1} s", pushed.pushed, push_time.as_secs_f64());

        // The new device: an empty store, its first sync.
        let fresh = tempfile::tempdir().expect("tempdir");
        let store = Arc::new(open_store(fresh.path(), &reference));
        let (client, device) = pair("11010900002").await;
        let t = Instant::now();
        let pulled = engine::round(&client, &SyncLocal(store.clone()), &device, &quiet).await.expect("pull");
        let pull_time = t.elapsed();
        assert_eq!(pulled.problems, 0, "every record applies");
        assert_eq!(pulled.applied, pushed.pushed, "every record arrives");
        // What the app does next, a chunk per lock: the search-index entries of the
        // pulled records (searches read those records directly until then).
        let t = Instant::now();
        let mut entries = 0;
        loop {
            let n = store.write(|w| w.index_backlog(5_000)).expect("index");
            entries += n;
            if n < 5_000 {
                break;
            }
        }
        let index_time = t.elapsed();

        // The same pages applied without the network: where the time goes.
        let changes = all_changes(storage.as_ref());
        let offline = tempfile::tempdir().expect("tempdir");
        let local = SyncLocal(Arc::new(open_store(offline.path(), &reference)));
        let t = Instant::now();
        for chunk in changes.chunks(10_000) {
            let page = PullPage { next: chunk.last().map_or(0, |c| c.seq), more: true, changes: chunk.to_vec() };
            local.apply("another-device", &page).expect("apply");
        }
        let apply_time = t.elapsed();

        // The limit: the same rows inserted bare into an empty store in one transaction.
        let bare = tempfile::tempdir().expect("tempdir");
        drop(open_store(bare.path(), &reference));
        let t = Instant::now();
        let inserted = bare_insert(bare.path(), &changes, false);
        let bare_time = t.elapsed();
        assert_eq!(inserted, changes.len());
        // The same with the search index's rows, which the store keeps for every record.
        let indexed = tempfile::tempdir().expect("tempdir");
        drop(open_store(indexed.path(), &reference));
        let t = Instant::now();
        bare_insert(indexed.path(), &changes, true);
        let indexed_time = t.elapsed();

        let rate = |n: u64, d: Duration| n as f64 / d.as_secs_f64();
        let ours = rate(pulled.applied, pull_time);
        let limit = rate(inserted as u64, bare_time);
        println!("| what | records | seconds | records/s |");
        println!("|---|---:|---:|---:|");
        println!("| first sync of a new device (pull over HTTP, merge, audit; every record listed and searchable) | {} | {:.2} | {:.0} |", pulled.applied, pull_time.as_secs_f64(), ours);
        println!("| then the search-index entries of the pulled records, 5,000 per transaction | {} | {:.2} | {:.0} |", entries, index_time.as_secs_f64(), rate(entries as u64, index_time));
        println!("| first sync and search index together | {} | {:.2} | {:.0} |", pulled.applied, (pull_time + index_time).as_secs_f64(), rate(pulled.applied, pull_time + index_time));
        println!("| the same pages applied locally, no network | {} | {:.2} | {:.0} |", changes.len(), apply_time.as_secs_f64(), rate(changes.len() as u64, apply_time));
        println!("| bare bulk insert, one transaction (the limit) | {} | {:.2} | {:.0} |", inserted, bare_time.as_secs_f64(), limit);
        println!("| bare bulk insert with the search index rows, one transaction | {} | {:.2} | {:.0} |", inserted, indexed_time.as_secs_f64(), rate(inserted as u64, indexed_time));
        println!("| the writing device's push (for reference) | {} | {:.2} | {:.0} |", pushed.pushed, push_time.as_secs_f64(), rate(pushed.pushed, push_time));
        println!();
        println!(
            "ratio to the bare insert: {:.2}, to the bare insert with index rows: {:.2} (goal ≥ 0.33); goal ≥ 20,000 records/s",
            ours / limit,
            ours / rate(inserted as u64, indexed_time)
        );
        let _ = stop.send(());
        server.await.expect("server").expect("served");
    });
}

fn all_changes(storage: &dyn Storage) -> Vec<ServerChange> {
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let page = storage.pull("bench-device", after, 500).expect("pull").into_protocol();
        out.extend(page.changes);
        after = page.next;
        if !page.more {
            return out;
        }
    }
}

/// Prepared INSERTs of each record's rows (and, with `index`, its search-index rows),
/// nothing else.
fn bare_insert(data_dir: &std::path::Path, changes: &[ServerChange], index: bool) -> usize {
    let mut conn = anjian_tests::open_raw(data_dir).expect("open");
    // The store's own settings.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -32768;",
    )
    .expect("pragmas");
    let tx = conn.transaction().expect("tx");
    let mut n = 0;
    {
        let mut inspector = tx
            .prepare("INSERT INTO inspector (id, name, cert_no, unit, updated_at, rev) VALUES (?1, ?2, ?3, ?4, '', '')")
            .unwrap();
        let mut enterprise = tx
            .prepare(
                "INSERT INTO enterprise (id, name, credit_code, credit_code_confirmed, address, division_code, legal_representative,
                    safety_contact, contact_phone, supervision_class, status, is_demo, created_at, updated_at, rev, device_id)
                 VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6, ?7, ?8, NULL, 'operating', 0, ?9, ?9, ?10, 'd')",
            )
            .unwrap();
        let mut sector =
            tx.prepare("INSERT INTO enterprise_sector (enterprise_id, sector_code) VALUES (?1, ?2)").unwrap();
        let mut inspection = tx
            .prepare(
                "INSERT INTO inspection (id, enterprise_id, template_id, template_version, accompanying_person, started_at,
                    finished_at, status, notes, device_id, rev) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .unwrap();
        let mut officer = tx
            .prepare("INSERT INTO inspection_officer (inspection_id, position, inspector_id) VALUES (?1, ?2, (SELECT id FROM inspector WHERE cert_no = ?3))")
            .unwrap();
        let mut hazard = tx
            .prepare(
                "INSERT INTO hazard (id, enterprise_id, inspection_id, item_code, description, level, deadline, status,
                    found_at, device_id, rev) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .unwrap();
        let mut event = tx
            .prepare("INSERT INTO hazard_event (hazard_id, at, status, note, rev, review, photos) VALUES (?1, ?2, ?3, ?4, ?5, ?6, '[]')")
            .unwrap();
        let mut fts_inspection =
            tx.prepare("INSERT INTO inspection_fts (rowid, pairs, singles) VALUES (?1, ?2, ?3)").unwrap();
        let mut fts_hazard = tx.prepare("INSERT INTO hazard_fts (rowid, pairs, singles) VALUES (?1, ?2, ?3)").unwrap();
        let mut fts_enterprise = tx
            .prepare("INSERT INTO enterprise_fts (rowid, name_pairs, address_pairs, singles) VALUES (?1, ?2, ?3, ?4)")
            .unwrap();
        let mut key = 0i64;
        let mut document = tx
            .prepare(
                "INSERT INTO document (id, kind, enterprise_id, inspection_id, snapshot, status, device_id, rev, cites, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .unwrap();
        for c in changes {
            let field = |f: &std::collections::BTreeMap<String, anjian_sync::records::Field>, k: &str| {
                f.get(k).and_then(|v| v.value.as_str().map(str::to_owned))
            };
            match Image::parse_json(&c.record_type, c.payload.get()).expect("image") {
                Image::Inspector(i) => {
                    inspector.execute((&i.id, &i.name, &i.cert_no, &i.unit)).unwrap();
                }
                Image::Enterprise(e) => {
                    let f = &e.fields;
                    enterprise
                        .execute(rusqlite::params![
                            e.id,
                            field(f, "name"),
                            field(f, "creditCode"),
                            field(f, "address"),
                            field(f, "divisionCode"),
                            field(f, "legalRepresentative"),
                            field(f, "safetyContact"),
                            field(f, "contactPhone"),
                            e.created_at,
                            c.rev
                        ])
                        .unwrap();
                    for s in f["sectors"].value.as_array().unwrap() {
                        sector.execute((&e.id, s.as_str().unwrap())).unwrap();
                    }
                    if index {
                        key += 1;
                        let (name, address) =
                            (field(f, "name").unwrap_or_default(), field(f, "address").unwrap_or_default());
                        fts_enterprise
                            .execute((key, pairs(&name), pairs(&address), singles(&format!("{name} {address}"))))
                            .unwrap();
                    }
                }
                Image::Inspection(i) => {
                    inspection
                        .execute(rusqlite::params![
                            i.id,
                            i.enterprise_id,
                            i.template_id,
                            i.template_version,
                            i.accompanying_person,
                            i.started_at,
                            i.finished_at,
                            i.status,
                            i.notes,
                            i.device_id,
                            i.rev
                        ])
                        .unwrap();
                    for (pos, o) in i.officers.iter().enumerate() {
                        officer.execute((&i.id, pos as i64, &o.cert_no)).unwrap();
                    }
                    if index {
                        key += 1;
                        fts_inspection.execute((key, pairs(&i.notes), singles(&i.notes))).unwrap();
                    }
                }
                Image::Hazard(h) => {
                    hazard
                        .execute(rusqlite::params![
                            h.id,
                            h.enterprise_id,
                            h.inspection_id,
                            h.item_code,
                            h.description,
                            h.level,
                            h.deadline,
                            h.status,
                            h.found_at,
                            h.device_id,
                            h.rev
                        ])
                        .unwrap();
                    for ev in &h.events {
                        event.execute((&h.id, &ev.at, &ev.status, &ev.note, &ev.rev, &ev.review)).unwrap();
                    }
                    if index {
                        key += 1;
                        fts_hazard.execute((key, pairs(&h.description), singles(&h.description))).unwrap();
                    }
                }
                Image::Document(d) => {
                    document
                        .execute(rusqlite::params![
                            d.id,
                            d.kind,
                            d.enterprise_id,
                            d.inspection_id,
                            d.snapshot,
                            d.status,
                            d.device_id,
                            d.rev,
                            d.cites,
                            d.created_at
                        ])
                        .unwrap();
                }
                other => panic!("unexpected record {:?}", other.record_type()),
            }
            n += 1;
        }
    }
    tx.commit().expect("commit");
    n
}
