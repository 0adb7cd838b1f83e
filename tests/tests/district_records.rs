//! Random sequences of allowed and forbidden changes from three devices, through a proxy
//! that drops, cuts, loses replies, delays, duplicates and replays requests. The devices
//! are the app itself (its commands, its store's outbox, its sync engine, pulls
//! included); the forbidden changes are pushed with a device's own token, as a tampered
//! device would. Afterwards, with SQLite and with PostgreSQL: the server's district
//! records equal the ones rebuilt from its log, every device holds the same records as
//! the server, and no forbidden change is visible anywhere.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed step is the test failing

mod support;

use std::time::Duration;

use anjian_core::hlc::Hlc;
use anjian_sync::client::{Client, RetryPolicy};
use anjian_sync::protocol::{Outcome, PushBatch};
use anjian_sync::records::{Field, Image};
use proptest::prelude::*;
use serde_json::{Value, json};
use support::devices::{Device, code, editable, enterprise, forged, inspect_with, latest_images, officers};
use support::{Server, TestDb, column, fault_proxy, records_rebuild_alike};

const DEVICES: usize = 3;
/// What every forged value carries, to look for it afterwards.
const MARK: &str = "伪造";

#[derive(Debug, Clone, Copy)]
enum Forgery {
    /// Another device's finished inspection, rewritten.
    OthersInspection,
    /// Its own finished inspection, rewritten after the signatures.
    OwnInspection,
    /// The description of a hazard (found by this device or another).
    HazardDescription,
    /// An enterprise edit whose clock lies ten years ahead.
    ClockAhead,
    /// A credit code the enterprise form would refuse.
    CreditCode,
    /// A division the district does not have.
    Division,
}

#[derive(Debug, Clone)]
enum Op {
    Create(usize),
    /// Device, enterprise (by index among those created), the new house number.
    Edit(usize, usize, u8),
    Inspect(usize, usize),
    /// Device, hazard (by index among those found).
    Review(usize, usize),
    Report(usize, usize),
    Sync(usize),
    /// Device whose token pushes it, the forgery, the record (by index).
    Forge(usize, Forgery, usize),
}

fn op() -> impl Strategy<Value = Op> {
    let d = 0..DEVICES;
    let forgery = prop_oneof![
        Just(Forgery::OthersInspection),
        Just(Forgery::OwnInspection),
        Just(Forgery::HazardDescription),
        Just(Forgery::ClockAhead),
        Just(Forgery::CreditCode),
        Just(Forgery::Division),
    ];
    prop_oneof![
        2 => d.clone().prop_map(Op::Create),
        3 => (d.clone(), 0..8usize, 1..200u8).prop_map(|(d, e, n)| Op::Edit(d, e, n)),
        2 => (d.clone(), 0..8usize).prop_map(|(d, e)| Op::Inspect(d, e)),
        2 => (d.clone(), 0..16usize).prop_map(|(d, h)| Op::Review(d, h)),
        1 => (d.clone(), 0..16usize).prop_map(|(d, h)| Op::Report(d, h)),
        4 => d.clone().prop_map(Op::Sync),
        3 => (d, forgery, 0..16usize).prop_map(|(d, f, i)| Op::Forge(d, f, i)),
    ]
}

/// A device with what the test needs of it beside the app.
struct Member {
    device: Device,
    id: String,
    colleague: Value,
    /// Its token against the proxy, for the forged pushes.
    forger: Client,
    /// Its token straight to the server, to read what is there.
    reader: Client,
    forged: u64,
}

/// Reads a paired app's device id and token from its store's settings.
fn credentials(d: &Device) -> (String, String) {
    let db = anjian_tests::open_raw(&d.app.data_dir()).unwrap();
    let setting = |key: &str| -> String {
        db.query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| r.get(0)).unwrap()
    };
    (setting("sync_device_id"), setting("sync_token"))
}

struct World {
    members: Vec<Member>,
    enterprises: Vec<String>,
    hazards: Vec<String>,
    credit_codes: u32,
    /// Forged change ids pushed (each must have been refused).
    forgeries: Vec<String>,
}

impl World {
    async fn run(&mut self, op: &Op) {
        match *op {
            Op::Create(d) => {
                self.credit_codes += 1;
                let credit = code(&format!("91110109MA0TC{:03}", self.credit_codes));
                let e = self.members[d].device.call("create_enterprise", json!({ "input": enterprise(&credit) })).await;
                self.enterprises.push(e.unwrap()["id"].as_str().unwrap().to_owned());
            }
            Op::Edit(d, e, n) => {
                let Some(id) = pick(&self.enterprises, e) else { return };
                let device = &self.members[d].device;
                // Only an enterprise this device holds (synced here, or its own).
                let Ok(current) = device.call("get_enterprise", json!({ "id": id })).await else { return };
                let mut input = editable(&current);
                input["address"] = json!(format!("北京市门头沟区斋堂镇东斋堂村{n}号"));
                let _ =
                    device.call("update_enterprise", json!({ "id": id, "rev": current["rev"], "input": input })).await;
            }
            Op::Inspect(d, e) => {
                let Some(id) = pick(&self.enterprises, e) else { return };
                let m = &self.members[d];
                if m.device.call("get_enterprise", json!({ "id": id })).await.is_err() {
                    return;
                }
                let (found, _) = inspect_with(&m.device, &id, &m.colleague).await;
                for h in found {
                    if !self.hazards.contains(&h) {
                        self.hazards.push(h);
                    }
                }
            }
            Op::Review(d, h) => {
                let Some(id) = pick(&self.hazards, h) else { return };
                let args = json!({ "hazardId": id, "rectified": true, "note": "复查：已整改" });
                // Refused where this device does not hold it, or it is verified already.
                let _ = self.members[d].device.call("review_hazard", args).await;
            }
            Op::Report(d, h) => {
                let Some(id) = pick(&self.hazards, h) else { return };
                let args = json!({ "hazardId": id, "note": "单位报告已整改", "photos": [] });
                let _ = self.members[d].device.call("report_rectified", args).await;
            }
            Op::Sync(d) => {
                self.members[d].device.round().await;
            }
            Op::Forge(d, forgery, i) => self.forge(d, forgery, i).await,
        }
    }

    /// Pushes one forbidden change with device `d`'s token, through the proxy, until the
    /// server answers; it must be refused.
    async fn forge(&mut self, d: usize, forgery: Forgery, i: usize) {
        let m = &mut self.members[d];
        let held = latest_images(&m.reader).await;
        // A record belongs to the device whose change first brought it (the server's
        // rule); a record's own device field is the writing app's local name for itself.
        let owners = first_writers(&m.reader).await;
        let me = m.id.clone();
        let mine = |i: &Image| owners.get(&(i.record_type().to_owned(), i.record_id())) == Some(&me);
        let of_type = |t: &str| {
            let mut v: Vec<&Image> = held.iter().filter(|((kind, _), _)| kind == t).map(|(_, i)| i).collect();
            v.sort_by_key(|i| i.record_id());
            v
        };
        let now = chrono::Utc::now().timestamp_millis() as u64;
        let later = |ms: u64| Hlc { wall_ms: ms, counter: 0, node: 77 }.to_string();
        let soon = later(now + 1_000);
        let finished = |own: bool| {
            of_type("inspection").into_iter().filter_map(move |i| match i {
                Image::Inspection(x) if x.status == "finished" && mine(i) == own => Some(x.clone()),
                _ => None,
            })
        };
        let (image, rev) = match forgery {
            Forgery::OthersInspection | Forgery::OwnInspection => {
                let candidates: Vec<_> = finished(matches!(forgery, Forgery::OwnInspection)).collect();
                let Some(mut x) = pick(&candidates, i) else { return };
                x.notes = format!("{MARK}的检查情况");
                x.rev = soon.clone();
                (Image::Inspection(x), soon)
            }
            Forgery::HazardDescription => {
                let others: Vec<_> = of_type("hazard")
                    .into_iter()
                    .filter_map(|i| match i {
                        // Its own or another's: fixed once found, for every device.
                        Image::Hazard(h) => Some(h.clone()),
                        _ => None,
                    })
                    .collect();
                let Some(mut h) = pick(&others, i) else { return };
                h.description = format!("{MARK}的隐患描述");
                h.rev = soon.clone();
                (Image::Hazard(h), soon)
            }
            Forgery::ClockAhead | Forgery::CreditCode | Forgery::Division => {
                let companies: Vec<_> = of_type("enterprise")
                    .into_iter()
                    .filter_map(|e| match e {
                        Image::Enterprise(e) => Some(e.clone()),
                        _ => None,
                    })
                    .collect();
                let Some(mut e) = pick(&companies, i) else { return };
                let (field, value, rev) = match forgery {
                    Forgery::ClockAhead => {
                        ("name", json!(format!("{MARK}时钟的名称")), later(now + 10 * 366 * 86_400_000))
                    }
                    Forgery::CreditCode => ("creditCode", json!("12345"), soon),
                    _ => ("divisionCode", json!("110109999"), soon),
                };
                e.fields.insert(field.into(), Field { value, rev: rev.clone(), base: None });
                (Image::Enterprise(e), rev)
            }
        };
        m.forged += 1;
        let change = forged(&m.id, m.forged, &image, &rev);
        self.forgeries.push(change.change_id.clone());
        let batch = PushBatch { batch_id: format!("forged-{}", m.forged), changes: vec![change] };
        // The same batch until an answer arrives (a lost reply is answered the same again).
        let mut tries = 0;
        let answer = loop {
            match m.forger.push(&batch).await {
                Ok(answer) => break answer,
                Err(e) => {
                    assert!(e.is_transient(), "only the network fails here: {e}");
                    tries += 1;
                    assert!(tries < 200, "the forged push never got through");
                }
            }
        };
        assert_eq!(answer.results[0].outcome, Outcome::Refused, "{forgery:?}: {answer:?}");
    }
}

/// The device of each record's first change on the server.
async fn first_writers(client: &Client) -> std::collections::HashMap<(String, String), String> {
    let mut first = std::collections::HashMap::new();
    let mut cursor = 0;
    loop {
        let page = client.pull(cursor, 500).await.unwrap();
        for c in page.changes {
            first.entry((c.record_type, c.record_id)).or_insert(c.device_id);
        }
        cursor = page.next;
        if !page.more {
            return first;
        }
    }
}

fn pick<T: Clone>(items: &[T], i: usize) -> Option<T> {
    (!items.is_empty()).then(|| items[i % items.len()].clone())
}

async fn sequence(pg: bool, ops: Vec<Op>, seed: u64) {
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let upstream = server.url.trim_start_matches("http://").to_owned();
    // Pairing goes through untouched (a code is used once); the faults start after.
    let (proxy, counts) = fault_proxy::start(upstream, 0, seed).await.expect("proxy");
    let proxy = format!("http://{proxy}");
    let policy = RetryPolicy {
        attempts: 2,
        first_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        timeout: Duration::from_secs(5),
    };
    let mut members = Vec::new();
    for d in 0..DEVICES {
        let cert = format!("1101092320{d}");
        let device = Device::new_at(&server, &proxy, "王磊", &cert).await;
        let colleague = officers(&device, ("王磊", &cert), ("赵敏", &format!("1101092330{d}"))).await;
        let (id, token) = credentials(&device);
        let forger = Client::new(&proxy, Some(token.clone()), policy).unwrap();
        let reader = Client::new(&server.url, Some(token), policy).unwrap();
        members.push(Member { device, id, colleague, forger, reader, forged: 0 });
    }
    counts.fault_percent.store(30, std::sync::atomic::Ordering::Relaxed);
    let mut world =
        World { members, enterprises: Vec::new(), hazards: Vec::new(), credit_codes: 0, forgeries: Vec::new() };
    // Something to work on: an enterprise from each device, an inspection from two.
    let start: Vec<Op> = (0..DEVICES).map(Op::Create).chain([Op::Inspect(0, 0), Op::Inspect(1, 1)]).collect();
    for (i, op) in start.iter().enumerate() {
        world.run(op).await;
        if i + 1 == DEVICES {
            converge(&world.members).await;
        }
    }
    for op in &ops {
        world.run(op).await;
    }
    converge(&world.members).await;

    // The records kept change by change are the ones the log rebuilds.
    records_rebuild_alike(&server).await;
    // Every forgery was refused, kept for the bureau, and is nowhere.
    let refused: Vec<String> = column(&db.db, "SELECT change_id FROM refused_change ORDER BY id").await;
    for f in &world.forgeries {
        assert!(refused.contains(f), "{f} kept among the refusals");
    }
    let stored = column(&db.db, "SELECT change_id FROM change WHERE change_id LIKE '%:forged-%'").await;
    assert!(stored.is_empty(), "{stored:?}");
    let visible = column(
        &db.db,
        &format!(
            "SELECT id FROM enterprise WHERE name LIKE '%{MARK}%' OR credit_code = '12345' OR division_code = '110109999'
             UNION ALL SELECT id FROM inspection WHERE notes LIKE '%{MARK}%'
             UNION ALL SELECT id FROM hazard WHERE description LIKE '%{MARK}%'"
        ),
    )
    .await;
    assert!(visible.is_empty(), "a forbidden change in the district's records: {visible:?}");
    same_everywhere(&db.db, &world.members).await;
    println!(
        "{} ops, {} enterprises, {} hazards, {} forgeries refused; faults: {}",
        ops.len(),
        world.enterprises.len(),
        world.hazards.len(),
        world.forgeries.len(),
        counts.summary()
    );
    server.stop().await;
}

/// Rounds on every device until one pass where none fails, none has anything to send
/// and none receives anything new: a condition, not a time.
async fn converge(members: &[Member]) {
    let received = |s: &Value| s["received"].as_u64().unwrap_or(0);
    let mut before: Vec<u64> = Vec::new();
    for pass in 0..200 {
        let mut statuses = Vec::new();
        for m in members {
            statuses.push(m.device.round().await);
        }
        let now: Vec<u64> = statuses.iter().map(received).collect();
        let settled = statuses
            .iter()
            .all(|s| s["lastError"].is_null() && s["pending"]["changes"] == 0 && s["pending"]["attachments"] == 0);
        if settled && now == before {
            for s in &statuses {
                assert_eq!(s["problems"], json!([]), "every pulled change applied: {s}");
            }
            return;
        }
        before = now;
        assert!(pass < 199, "the devices never settled: {statuses:?}");
    }
}

/// Each device holds each of the district's records as the server's tables have it.
async fn same_everywhere(db: &support::Db, members: &[Member]) {
    let enterprises = support::query(db, "SELECT id, name, address, credit_code FROM enterprise ORDER BY id").await;
    let inspections = support::query(db, "SELECT id, status, notes FROM inspection ORDER BY id").await;
    let hazards = support::query(db, "SELECT id, status, description FROM hazard ORDER BY id").await;
    let text = |v: &Value| v.as_str().map(str::to_owned);
    for m in members {
        let d = &m.device;
        for row in &enterprises {
            let e = d.call("get_enterprise", json!({ "id": row[0] })).await.unwrap();
            assert_eq!(
                [text(&e["name"]), text(&e["address"]), text(&e["creditCode"])],
                [row[1].clone(), row[2].clone(), row[3].clone()]
            );
        }
        for row in &inspections {
            let i = d.call("get_inspection", json!({ "id": row[0] })).await.unwrap();
            assert_eq!(
                [text(&i["inspection"]["status"]), text(&i["inspection"]["notes"])],
                [row[1].clone(), row[2].clone()]
            );
        }
        for row in &hazards {
            let h = d.call("get_hazard", json!({ "id": row[0] })).await.unwrap();
            assert_eq!(
                [text(&h["hazard"]["status"]), text(&h["hazard"]["description"])],
                [row[1].clone(), row[2].clone()]
            );
        }
        let found = d.call("search_enterprises", json!({ "query": MARK })).await.unwrap();
        assert_eq!(found["total"], 0, "{found}");
    }
}

fn cases(pg: bool) {
    let config =
        ProptestConfig { cases: 8, max_shrink_iters: 4, failure_persistence: None, ..ProptestConfig::default() };
    proptest!(config, |(ops in prop::collection::vec(op(), 16..40), seed in any::<u64>())| {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(sequence(pg, ops, seed | 1));
    });
}

#[test]
fn sqlite_records_hold_through_random_changes_and_a_bad_network() {
    cases(false);
}

#[test]
fn postgresql_records_hold_through_random_changes_and_a_bad_network() {
    cases(true);
}
