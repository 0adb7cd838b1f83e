//! Fills a district server's database as inspectors would: the demo enterprise list
//! imported, then several devices (the app's own commands, the real sync) inspect,
//! record hazards, issue orders and report rectifications, and sync; then a 双随机 draw
//! (of up to twelve) is made and given as this month's tasks, and the first device does one of
//! its tasks. For the console's and the app's tests and screenshots, and for a demo
//! district.
//!
//! seed-district --database <SQLite file | postgres://…> [--devices 3] [--inspections 30]

use std::path::Path;
use std::sync::Arc;

use anjian_api::{App, Config};
use anjian_server::{PgStorage, SqliteStorage, Storage};
use anjian_tests::district::{Rng, finding};
use serde_json::{Value, json};

const INSPECTORS: [(&str, &str); 6] = [
    ("王磊", "11010923001"),
    ("李娜", "11010923002"),
    ("张伟", "11010923003"),
    ("刘洋", "11010923004"),
    ("陈静", "11010923005"),
    ("赵敏", "11010923006"),
];

fn main() {
    if let Err(e) = run() {
        eprintln!("seed-district: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let mut database = None;
    let (mut devices, mut inspections) = (3usize, 30usize);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--database" => database = Some(value()?),
            "--devices" => devices = value()?.parse().map_err(|e| format!("--devices: {e}"))?,
            "--inspections" => inspections = value()?.parse().map_err(|e| format!("--inspections: {e}"))?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let database = database.ok_or("--database is required")?;
    let devices = devices.clamp(1, INSPECTORS.len());
    let storage: Arc<dyn Storage> = if database.starts_with("postgres") {
        Arc::new(PgStorage::open(&database).map_err(|e| e.to_string())?)
    } else {
        Arc::new(SqliteStorage::open(Path::new(&database)).map_err(|e| e.to_string())?)
    };
    let csv = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/demo/district-enterprises.csv"))
        .map_err(|e| e.to_string())?;
    let report =
        anjian_server::import_enterprises(storage.as_ref(), "district-enterprises.csv", &csv, chrono::Utc::now())
            .map_err(|e| e.to_string())?;
    eprintln!("seed-district: {} enterprises imported", report.created + report.updated + report.unchanged);

    let rt = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).map_err(|e| e.to_string())?;
    let url = format!("http://{}", listener.local_addr().map_err(|e| e.to_string())?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = rt.spawn(anjian_server::serve(listener, storage.clone(), Default::default(), async move {
        let _ = stopped.await;
    }));

    let dirs: Vec<tempfile::TempDir> =
        (0..devices).map(|_| tempfile::tempdir()).collect::<Result<_, _>>().map_err(|e| e.to_string())?;
    let mut rng = Rng::new(20_261_204);
    let mut apps = Vec::new();
    for (i, dir) in dirs.iter().enumerate() {
        let (name, cert) = INSPECTORS[i];
        let colleague = INSPECTORS[(i + 1) % INSPECTORS.len()];
        let app =
            App::open(&Config::new(dir.path().to_owned(), anjian_tests::test_keys())).map_err(|e| e.to_string())?;
        let code = anjian_server::enrol(storage.as_ref(), name, cert, 7).map_err(|e| e.to_string())?;
        call(&app, "sync_pair", json!({ "server": url, "code": code, "deviceName": format!("执法终端{}", i + 1) }))?;
        app.sync_once().map_err(|e| e.to_string())?;
        let colleague = anjian_tests::officers(&app, (name, cert), colleague).map_err(|e| e.to_string())?;
        let list = call(&app, "search_enterprises", json!({ "limit": 200 }))?;
        let enterprises: Vec<&Value> = list["items"].as_array().map(|v| v.iter().collect()).unwrap_or_default();
        if enterprises.is_empty() {
            return Err("no enterprise reached the device".into());
        }
        let today = anjian_core::beijing::today(chrono::Utc::now());
        for _ in 0..inspections.div_ceil(devices) {
            let e = enterprises[rng.below(enterprises.len())];
            let sector = e["sectors"][0].as_str().unwrap_or("mine");
            let sector =
                if call(&app, "list_templates", json!({ "sector": sector }))?.as_array().is_some_and(|t| !t.is_empty())
                {
                    sector
                } else {
                    "mine"
                };
            let hazards: Vec<(String, &str, String)> = (0..rng.below(4))
                .map(|_| {
                    let level = if rng.below(6) == 0 { "major" } else { "general" };
                    let deadline = today + chrono::Duration::days(5 + rng.below(25) as i64);
                    (finding(&mut rng), level, deadline.to_string())
                })
                .collect();
            let (inspection, _) =
                anjian_tests::inspect(&app, e["id"].as_str().unwrap_or_default(), sector, &colleague, &hazards)
                    .map_err(|e| e.to_string())?;
            if !hazards.is_empty() && rng.below(2) == 0 {
                let docs = call(&app, "prepare_documents", json!({ "inspectionId": inspection }))?;
                if let Some(order) = docs.as_array().into_iter().flatten().find(|d| d["kind"] == "rectificationOrder") {
                    call(&app, "issue_document", json!({ "id": order["id"] }))?;
                }
            }
            let ledger = call(&app, "hazard_ledger", json!({ "enterpriseId": e["id"], "status": "open" }))?;
            for h in ledger["items"].as_array().into_iter().flatten() {
                if rng.below(3) == 0 {
                    call(
                        &app,
                        "report_rectified",
                        json!({ "hazardId": h["hazard"]["id"], "note": "单位报告已整改", "photos": [] }),
                    )?;
                }
            }
        }
        let status = app.sync_once().map_err(|e| e.to_string())?;
        eprintln!("seed-district: {name}'s device synced ({} pending)", status["pending"]["changes"]);
        apps.push(app);
    }
    // A pair is drawn at most once in a draw: as many as the devices' inspectors allow.
    if apps.len() >= 2 {
        let tasks = draw_tasks(storage.as_ref(), (apps.len() * (apps.len() - 1) / 2).min(12) as u32)?;
        eprintln!("seed-district: a draw given as {tasks} tasks of this month");
    }
    for app in &apps {
        app.sync_once().map_err(|e| e.to_string())?;
    }
    let first = call(&apps[0], "list_tasks", json!({}))?;
    if let Some(task) = first.as_array().and_then(|t| t.first()) {
        anjian_tests::inspect_task(&apps[0], task).map_err(|e| e.to_string())?;
        apps[0].sync_once().map_err(|e| e.to_string())?;
        eprintln!("seed-district: one task done and synced");
    }
    let _ = stop.send(());
    rt.block_on(server).map_err(|e| e.to_string())?.map_err(|e| e.to_string())?;
    Ok(())
}

/// A draw of `count` (a fixed seed: the same district each time), given as tasks due this
/// month, as the console does it.
fn draw_tasks(storage: &dyn Storage, count: u32) -> Result<usize, String> {
    use anjian_server::console::{plans, tasks};
    let now = chrono::Utc::now();
    let request = plans::DrawRequest {
        title: "演示：本月双随机抽查".into(),
        seed: "门头沟-演示-2026".into(),
        count,
        town: String::new(),
        sector: String::new(),
        class: String::new(),
    };
    let mut made = Vec::new();
    storage
        .transact(&mut |sql| {
            let draw = plans::make_draw(sql, &request, "seed-district", "127.0.0.1", now)?;
            let month = anjian_core::task::Month::of(anjian_core::beijing::today(now)).to_string();
            made = tasks::from_draw(sql, &draw.summary.id, &month, "seed-district", now)?;
            Ok(())
        })
        .map_err(|e| e.to_string())?;
    let check = made.clone();
    anjian_server::publish::publish_tasks(storage, made, now, &mut |sql| tasks::check_once(sql, &check))
        .map_err(|e| e.to_string())
}

fn call(app: &App, name: &str, args: Value) -> Result<Value, String> {
    app.call(name, args).map_err(|e| format!("{name}: {e}"))
}
