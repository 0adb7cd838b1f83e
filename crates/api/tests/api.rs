//! The command table at its boundary: JSON in, JSON or `{code, message, field}` out.

// A test fails loudly on the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use anjian_api::{App, CODES, Config, MemoryKeys};
use serde_json::{Value, json};

fn app() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let app =
        App::open(&Config { demo: true, ..Config::new(dir.path().to_owned(), Arc::new(MemoryKeys::empty())) }).unwrap();
    (dir, app)
}

fn code(first16: &str) -> String {
    anjian_core::credit_code::complete(first16).unwrap()
}

fn input(credit_code: &str) -> Value {
    json!({
        "name": "北京门头沟军庄测试建材有限公司",
        "creditCode": credit_code,
        "creditCodeConfirmed": false,
        "address": "北京市门头沟区军庄镇军庄村8号",
        "divisionCode": "110109104",
        "sectors": ["dust"],
        "legalRepresentative": "赵刚",
        "safetyContact": "",
        "contactPhone": "010-69841234",
        "supervisionClass": null,
        "status": "operating"
    })
}

#[test]
fn create_read_update_search() {
    let (_dir, app) = app();
    let created = app.call("create_enterprise", json!({ "input": input(&code("91110109MA0JK001")) })).unwrap();
    assert_eq!(created["divisionName"], "军庄镇");
    assert_eq!(created["isDemo"], false);
    let id = created["id"].as_str().unwrap().to_owned();
    let got = app.call("get_enterprise", json!({ "id": id })).unwrap();
    assert_eq!(got, created);
    let mut changed = input(&code("91110109MA0JK001"));
    changed["contactPhone"] = json!("13800001111");
    let updated = app.call("update_enterprise", json!({ "id": id, "rev": created["rev"], "input": changed })).unwrap();
    assert_eq!(updated["contactPhone"], "13800001111");
    let stale = app
        .call(
            "update_enterprise",
            json!({ "id": id, "rev": created["rev"], "input": input(&code("91110109MA0JK001")) }),
        )
        .unwrap_err();
    assert_eq!(stale.code, "conflict");
    let page = app.call("search_enterprises", json!({ "query": "军庄测试" })).unwrap();
    assert_eq!(page["items"][0]["id"], json!(id));
}

#[test]
fn each_bad_input_has_its_code_and_field() {
    let (_dir, app) = app();
    let good = code("91110109MA0JK002");
    let wrong_check = format!("{}{}", &good[..17], if good.ends_with('0') { '1' } else { '0' });
    let cases: Vec<(&str, Value, &str, Option<&str>)> = vec![
        ("short code", json!({ "creditCode": "9111" }), "credit_code_length", Some("creditCode")),
        ("letter O", json!({ "creditCode": good.replacen('M', "O", 1) }), "credit_code_chars", Some("creditCode")),
        ("type", json!({ "creditCode": code("99110109MA0JK002") }), "credit_code_type", Some("creditCode")),
        ("division", json!({ "creditCode": code("9111A109MA0JK002") }), "credit_code_division", Some("creditCode")),
        ("check", json!({ "creditCode": wrong_check }), "credit_code_check", Some("creditCode")),
        ("name", json!({ "name": " " }), "required", Some("name")),
        ("long address", json!({ "address": "村".repeat(201) }), "too_long", Some("address")),
        ("phone", json!({ "contactPhone": "12345" }), "phone_invalid", Some("contactPhone")),
        ("division", json!({ "divisionCode": "110109999" }), "division_unknown", Some("divisionCode")),
        ("sector", json!({ "sectors": ["bakery"] }), "sector_unknown", Some("sectors")),
        ("no sector", json!({ "sectors": [] }), "sector_required", Some("sectors")),
        // The class is the bureau's (分类分级): a device does not set it.
        ("class", json!({ "supervisionClass": "A" }), "refused", Some("supervisionClass")),
        ("control char", json!({ "safetyContact": "张\u{1b}" }), "invalid_value", Some("safetyContact")),
        ("bad status", json!({ "status": "bankrupt" }), "bad_request", None),
        ("unknown field", json!({ "colour": "red" }), "bad_request", None),
    ];
    for (what, patch, want_code, want_field) in cases {
        let mut i = input(&good);
        for (k, v) in patch.as_object().unwrap() {
            i[k] = v.clone();
        }
        let e = app.call("create_enterprise", json!({ "input": i })).unwrap_err();
        assert_eq!((e.code, e.field), (want_code, want_field), "{what}: {}", e.message);
        assert!(!e.message.is_empty() && !e.message.is_ascii(), "{what}: message should be Chinese");
    }
    assert_eq!(app.call("search_enterprises", json!({ "query": "军庄测试" })).unwrap()["total"], 0);
    // A confirmed check mismatch is saved and flagged.
    let mut i = input(&wrong_check);
    i["creditCodeConfirmed"] = json!(true);
    assert_eq!(app.call("create_enterprise", json!({ "input": i })).unwrap()["creditCodeConfirmed"], true);
    let mut again = input(&wrong_check);
    again["creditCodeConfirmed"] = json!(true);
    again["name"] = json!("北京门头沟军庄另一家建材厂");
    let dup = app.call("create_enterprise", json!({ "input": again })).unwrap_err();
    assert_eq!((dup.code, dup.field), ("credit_code_duplicate", Some("creditCode")));
}

#[test]
fn malformed_calls_are_typed() {
    let (_dir, app) = app();
    assert_eq!(app.call("nope", json!({})).unwrap_err().code, "unknown_command");
    assert_eq!(app.call("get_enterprise", json!({ "id": "x" })).unwrap_err().code, "bad_request");
    assert_eq!(
        app.call("get_enterprise", json!({ "id": "0190c2a5-8b1e-7c3d-9f00-000000000000" })).unwrap_err().code,
        "not_found"
    );
    assert_eq!(app.call("get_enterprise", json!([1, 2])).unwrap_err().code, "bad_request");
    assert_eq!(app.call("search_enterprises", json!({ "query": "长".repeat(101) })).unwrap_err().code, "too_long");
    assert_eq!(
        app.call(
            "update_enterprise",
            json!({ "id": "0190c2a5-8b1e-7c3d-9f00-000000000000", "rev": "yesterday", "input": {} })
        )
        .unwrap_err()
        .code,
        "bad_request"
    );
}

#[test]
fn credit_code_check_and_profile() {
    let (_dir, app) = app();
    let ok = app.call("check_credit_code", json!({ "code": "914403001922038216" })).unwrap();
    assert_eq!(ok["status"], "ok");
    let warn = app.call("check_credit_code", json!({ "code": "914403001922038217" })).unwrap();
    assert_eq!(warn["status"], "warning");
    assert!(warn["message"].as_str().unwrap().contains("校验位"));
    assert_eq!(app.call("check_credit_code", json!({ "code": "abc" })).unwrap()["status"], "invalid");
    assert_eq!(app.call("get_profile", json!({})).unwrap(), Value::Null);
    let e =
        app.call("save_profile", json!({ "profile": { "name": "王磊", "certNo": "执法证", "unit": "" } })).unwrap_err();
    assert_eq!((e.code, e.field), ("cert_no_invalid", Some("certNo")));
    let saved = app
        .call(
            "save_profile",
            json!({ "profile": { "name": "王磊", "certNo": "11010923001", "unit": "门头沟区应急管理局" } }),
        )
        .unwrap();
    assert_eq!(app.call("get_profile", json!({})).unwrap(), saved);
    let info = app.call("app_info", json!({})).unwrap();
    assert!(info["demoCount"].as_u64().unwrap() >= 300);
    let removed = app.call("remove_demo", json!({})).unwrap();
    assert_eq!(removed["removed"], info["demoCount"]);
    assert_eq!(app.call("app_info", json!({})).unwrap()["enterpriseCount"], 0);
}

/// The UI has its own Chinese text for every code the backend can send.
#[test]
fn the_ui_knows_every_error_code() {
    let ts =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../ui/src/lib/backend/errors.ts")).unwrap();
    for code in CODES {
        assert!(
            ts.contains(&format!("{code}:"))
                || ts.contains(&format!("'{code}'"))
                || ts.contains(&format!("\"{code}\"")),
            "errors.ts lacks {code}"
        );
    }
}

#[test]
fn every_bundled_checklist_loads() {
    let (_dir, app) = app();
    assert_eq!(app.call("template_problems", json!({})).unwrap(), json!([]));
    let templates = app.call("list_templates", json!({})).unwrap();
    let sectors: std::collections::BTreeSet<&str> =
        templates.as_array().unwrap().iter().map(|t| t["sector"].as_str().unwrap()).collect();
    assert_eq!(sectors.len(), 8, "{sectors:?}");
    for t in templates.as_array().unwrap() {
        assert!(t["itemCount"].as_u64().unwrap() >= 24, "{t}");
    }
    let construction = templates.as_array().unwrap().iter().find(|t| t["sector"] == "construction").unwrap();
    assert_eq!(construction["scored"], true);
}

const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

#[test]
fn a_whole_inspection_and_its_re_inspection() {
    let (_dir, app) = app();
    let ent =
        app.call("search_enterprises", json!({ "sector": "fireworks", "limit": 1 })).unwrap()["items"][0]["id"].clone();
    let fireworks = app.call("list_templates", json!({ "sector": "fireworks" })).unwrap()[0].clone();
    let start = json!({ "enterpriseId": ent, "templateId": fireworks["id"], "templateVersion": fireworks["version"], "colleagueId": "0190c2a5-8b1e-7c3d-9f00-000000000000", "accompanyingPerson": "店长 刘芳" });
    assert_eq!(app.call("start_inspection", start.clone()).unwrap_err().code, "no_profile");
    let me = app
        .call("save_profile", json!({ "profile": { "name": "王磊", "certNo": "11010923001", "unit": "" } }))
        .unwrap();
    let _ = me;
    let myself = app.call("list_inspectors", json!({})).unwrap()[0]["id"].clone();
    let mut same = start.clone();
    same["colleagueId"] = myself;
    assert_eq!(app.call("start_inspection", same).unwrap_err().code, "same_officer");
    let colleague = app
        .call("save_inspector", json!({ "inspector": { "name": "李娜", "certNo": "11010923002", "unit": "" } }))
        .unwrap();
    let mut ok = start.clone();
    ok["colleagueId"] = colleague["id"].clone();
    let view = app.call("start_inspection", ok).unwrap();
    let inspection = view["inspection"]["id"].clone();
    assert_eq!(view["officers"].as_array().unwrap().len(), 2);
    let photo = app.call("add_attachment", json!({ "mime": "image/png", "dataBase64": PNG })).unwrap();
    assert_eq!(
        app.call("add_attachment", json!({ "mime": "image/jpeg", "dataBase64": PNG })).unwrap_err().code,
        "attachment_invalid"
    );
    let items: Vec<Value> = view["template"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["items"].as_array().unwrap().clone())
        .collect();
    let failed = items.iter().find(|i| !i["major"].is_null()).unwrap_or(&items[3]).clone();
    for item in &items {
        let result = if item["code"] == failed["code"] { "nonCompliant" } else { "compliant" };
        let photos = if result == "nonCompliant" { json!([photo["sha256"]]) } else { json!([]) };
        app.call("put_answer", json!({ "inspectionId": inspection, "itemCode": item["code"], "result": result, "note": "现场查看", "photos": photos })).unwrap();
    }
    // The finish page starts from core's proposals: the failed item, with its note, at the default deadline.
    let proposed = app.call("hazard_proposals", json!({ "id": inspection })).unwrap();
    let today = anjian_core::beijing::today(chrono::Utc::now());
    let level = if failed["major"].is_null() { "general" } else { "major" };
    let days = if level == "major" { 90 } else { 30 };
    assert_eq!(proposed["proposals"].as_array().unwrap().len(), 1);
    assert_eq!(proposed["proposals"][0]["itemCode"], failed["code"]);
    assert_eq!(
        proposed["proposals"][0]["description"],
        format!("{}（现场查看）", failed["requirement"].as_str().unwrap())
    );
    assert_eq!(proposed["proposals"][0]["level"], level);
    assert_eq!(proposed["proposals"][0]["deadline"], (today + chrono::Days::new(days)).to_string());
    assert_eq!(proposed["earliestDeadline"], today.to_string());
    let drafts = app.call("list_inspections", json!({ "status": "draft" })).unwrap();
    assert_eq!(drafts[0]["answered"], drafts[0]["total"]);
    let signature =
        app.call("add_attachment", json!({ "mime": "image/png", "dataBase64": PNG })).unwrap()["sha256"].clone();
    // The finish page's edits are kept until the inspection finishes.
    let soon = (chrono::Utc::now() + chrono::Duration::days(30)).date_naive().to_string();
    let draft = json!({ "hazards": [{ "itemCode": failed["code"], "description": "已编辑的描述", "level": "major", "deadline": soon }] });
    app.call("save_finish_draft", json!({ "inspectionId": inspection, "draft": draft })).unwrap();
    assert_eq!(app.call("get_inspection", json!({ "id": inspection })).unwrap()["finishDraft"], draft);
    assert_eq!(
        app.call("save_finish_draft", json!({ "inspectionId": inspection, "draft": [1] })).unwrap_err().code,
        "refused"
    );
    let hazards = json!([{ "itemCode": failed["code"], "description": failed["requirement"], "level": "major", "deadline": soon }]);
    let unsigned = json!({ "inspectionId": inspection, "hazards": hazards, "signatures": [{ "role": "officer1", "sha256": signature }] });
    assert_eq!(app.call("finish_inspection", unsigned).unwrap_err().code, "signature_missing");
    let signatures = json!([{ "role": "officer1", "sha256": signature }, { "role": "officer2", "sha256": signature }, { "role": "unit", "refused": true }]);
    let far = json!({ "inspectionId": inspection, "hazards": [{ "description": "x", "level": "general", "deadline": "2099-12-31" }], "signatures": signatures });
    assert_eq!(app.call("finish_inspection", far).unwrap_err().code, "deadline_invalid");
    let twice = json!({ "inspectionId": inspection, "hazards": [], "signatures": [signatures[0].clone(), signatures[0].clone(), signatures[1].clone(), signatures[2].clone()] });
    assert_eq!(app.call("finish_inspection", twice).unwrap_err().code, "bad_request");
    let past = json!({ "inspectionId": inspection, "hazards": [{ "description": "x", "level": "general", "deadline": "2001-01-01" }], "signatures": signatures });
    assert_eq!(app.call("finish_inspection", past).unwrap_err().code, "deadline_invalid");
    let mut hazards = hazards;
    let free: Vec<Value> = (1..=3)
        .map(|n| json!({ "description": format!("另发现问题{n}"), "level": "general", "deadline": soon }))
        .collect();
    hazards.as_array_mut().unwrap().extend(free);
    let done = app
        .call("finish_inspection", json!({ "inspectionId": inspection, "hazards": hazards, "signatures": signatures }))
        .unwrap();
    // Listed in the order written.
    let order: Vec<&str> =
        done["hazards"].as_array().unwrap().iter().map(|h| h["description"].as_str().unwrap()).collect();
    assert_eq!(&order[1..], ["另发现问题1", "另发现问题2", "另发现问题3"]);
    assert_eq!(done["inspection"]["status"], "finished");
    assert_eq!(done["finishDraft"], Value::Null);
    let hazard = done["hazards"][0]["id"].clone();
    let row = app.call("get_hazard", json!({ "id": hazard })).unwrap();
    assert_eq!((row["hazard"]["level"].as_str(), row["overdue"].as_bool()), (Some("major"), Some(false)));
    assert_eq!(
        app.call("get_hazard", json!({ "id": "0190c2a5-8b1e-7c3d-9f00-000000000000" })).unwrap_err().code,
        "not_found"
    );
    let ledger = app.call("hazard_ledger", json!({ "enterpriseId": ent, "status": "open" })).unwrap();
    assert_eq!(ledger["counts"]["open"], 4);
    assert_eq!(ledger["counts"]["major"], 1);
    let call = |name: &str, args: Value| app.call(name, args);
    // Not rectified needs a note saying what is still wrong.
    let no_note = json!({ "hazardId": hazard, "rectified": false, "note": " ", "photos": [] });
    assert_eq!(call("review_hazard", no_note).unwrap_err().code, "required");
    // The unit reports it done; the ledger shows it awaiting re-inspection.
    let report = json!({ "hazardId": hazard, "note": "单位书面报告已整改", "photos": [photo["sha256"]] });
    assert_eq!(call("report_rectified", report).unwrap()["status"], "rectified");
    assert_eq!(call("hazard_ledger", json!({ "enterpriseId": ent })).unwrap()["counts"]["rectified"], 1);
    // Dates far outside the records' years are refused, not a panic.
    assert_eq!(call("hazard_ledger", json!({ "foundTo": "+262142-12-31" })).unwrap_err().code, "bad_request");
    assert_eq!(call("hazard_ledger", json!({ "foundFrom": "1900-01-01" })).unwrap_err().code, "bad_request");
    assert_eq!(
        app.call(
            "review_hazard",
            json!({ "hazardId": hazard, "rectified": true, "note": "已整改", "photos": [photo["sha256"]] })
        )
        .unwrap()["status"],
        "verified"
    );
    let again = json!({ "hazardId": hazard, "rectified": true, "note": "再次复查", "photos": [] });
    assert_eq!(app.call("review_hazard", again).unwrap_err().code, "refused");
    let history = app.call("hazard_history", json!({ "id": hazard })).unwrap();
    assert_eq!(history.as_array().unwrap().len(), 3);
    assert_eq!(app.call("get_attachment", json!({ "sha256": photo["sha256"] })).unwrap()["dataBase64"], PNG);
}
