//! Child process of the kill-mid-inspection test: an inspector answering a checklist
//! through the app's own commands, one item at a time, printing each item once its
//! answer is saved, until killed. Started again, it resumes the same draft.
//!
//! inspect-writer <data dir>

use std::io::Write;

use anjian_api::{ApiError, App, Config};
use serde_json::{Value, json};

fn run(dir: &std::path::Path) -> Result<(), ApiError> {
    let app = App::open(&Config { demo: true, ..Config::new(dir.to_owned(), anjian_tests::test_keys()) })?;
    let drafts = app.call("list_inspections", json!({ "status": "draft" }))?;
    let inspection = match drafts.as_array().and_then(|d| d.first()) {
        Some(d) => d["id"].clone(),
        None => {
            app.call("save_profile", json!({ "profile": { "name": "王磊", "certNo": "11010923001", "unit": "" } }))?;
            let colleague = app.call(
                "save_inspector",
                json!({ "inspector": { "name": "李娜", "certNo": "11010923002", "unit": "" } }),
            )?;
            let ent =
                app.call("search_enterprises", json!({ "sector": "crowded", "limit": 1 }))?["items"][0]["id"].clone();
            let t = app.call("list_templates", json!({ "sector": "crowded" }))?[0].clone();
            let view = app.call(
                "start_inspection",
                json!({ "enterpriseId": ent, "templateId": t["id"], "templateVersion": t["version"], "colleagueId": colleague["id"], "accompanyingPerson": "值班经理" }),
            )?;
            view["inspection"]["id"].clone()
        }
    };
    let view = app.call("get_inspection", json!({ "id": inspection }))?;
    let answered: Vec<Value> =
        view["answers"].as_array().cloned().unwrap_or_default().iter().map(|a| a["itemCode"].clone()).collect();
    let items = anjian_tests::checklist_items(&view);
    let mut out = std::io::stdout().lock();
    for (n, item) in items.iter().enumerate().filter(|(_, i)| !answered.contains(&i["code"])) {
        let result = if n % 5 == 0 { "nonCompliant" } else { "compliant" };
        let code = item["code"].as_str().unwrap_or_default();
        app.call("put_answer", json!({ "inspectionId": inspection, "itemCode": code, "result": result, "note": format!("{code} 现场记录\n第二行") }))?;
        // Printed only after the answer was saved.
        if writeln!(out, "{code} {result}").and_then(|_| out.flush()).is_err() {
            return Ok(());
        }
    }
    let _ = writeln!(out, "done").and_then(|_| out.flush());
    std::thread::sleep(std::time::Duration::from_secs(60));
    Ok(())
}

fn main() {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: inspect-writer <data dir>");
        std::process::exit(2);
    };
    if let Err(e) = run(std::path::Path::new(&dir)) {
        eprintln!("inspect-writer: {e}");
        std::process::exit(1);
    }
}
