//! From a finished inspection to issued documents: drafts, preview, issue with a number,
//! the same bytes on reprint, immutability, void and reissue, and the 复查 that cites the
//! order. Through `App::call`, as the UI does.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed step is the test failing

use std::sync::Arc;

use anjian_api::{App, Config, MemoryKeys};
use base64::Engine;
use serde_json::{Value, json};

fn b64(v: &Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(v.as_str().unwrap()).unwrap()
}

/// A 60×20 PNG, as the signature pad would give (grey strokes on transparency).
fn signature_png() -> String {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, 60, 20);
        enc.set_color(png::ColorType::Rgba);
        let mut w = enc.write_header().unwrap();
        let mut pixels = vec![0u8; 60 * 20 * 4];
        for x in 0..60 {
            let y = 10 + ((x as f32 / 6.0).sin() * 6.0) as usize;
            pixels[(y * 60 + x) * 4 + 3] = 255;
        }
        w.write_image_data(&pixels).unwrap();
    }
    base64::engine::general_purpose::STANDARD.encode(out)
}

/// A finished fireworks inspection with `hazards` hazards (deadlines 10 and 30 days out).
fn finished_inspection(app: &App, hazards: usize) -> (Value, Value) {
    let ent =
        app.call("search_enterprises", json!({ "sector": "fireworks", "limit": 1 })).unwrap()["items"][0]["id"].clone();
    let template = app.call("list_templates", json!({ "sector": "fireworks" })).unwrap()[0].clone();
    app.call("save_profile", json!({ "profile": { "name": "王磊", "certNo": "11010923001", "unit": "" } })).unwrap();
    let colleague = app
        .call("save_inspector", json!({ "inspector": { "name": "李娜", "certNo": "11010923002", "unit": "" } }))
        .unwrap();
    let start = json!({ "enterpriseId": ent, "templateId": template["id"], "templateVersion": template["version"], "colleagueId": colleague["id"], "accompanyingPerson": "刘芳" });
    let view = app.call("start_inspection", start).unwrap();
    let inspection = view["inspection"]["id"].clone();
    for section in view["template"]["sections"].as_array().unwrap() {
        for item in section["items"].as_array().unwrap() {
            app.call("put_answer", json!({ "inspectionId": inspection, "itemCode": item["code"], "result": "compliant", "note": "", "photos": [] })).unwrap();
        }
    }
    app.call(
        "set_inspection_notes",
        json!({ "inspectionId": inspection, "notes": "检查了烟花爆竹储存仓库和销售场所。" }),
    )
    .unwrap();
    let sig =
        app.call("add_attachment", json!({ "mime": "image/png", "dataBase64": signature_png() })).unwrap()["sha256"]
            .clone();
    let day = |n: i64| (anjian_core::beijing::today(chrono::Utc::now()) + chrono::Duration::days(n)).to_string();
    let list: Vec<Value> = (0..hazards)
        .map(|i| json!({ "description": format!("问题{}：仓库内超量储存烟花爆竹", i + 1), "level": "general", "deadline": day(if i % 2 == 0 { 10 } else { 30 }) }))
        .collect();
    let signatures = json!([{ "role": "officer1", "sha256": sig }, { "role": "officer2", "sha256": sig }, { "role": "unit", "refused": true }]);
    app.call("finish_inspection", json!({ "inspectionId": inspection, "hazards": list, "signatures": signatures }))
        .unwrap();
    (inspection, colleague["id"].clone())
}

#[test]
fn inspection_to_issued_order_void_reissue_and_review() {
    let dir = tempfile::tempdir().unwrap();
    let app =
        App::open(&Config { demo: true, ..Config::new(dir.path().to_owned(), Arc::new(MemoryKeys::empty())) }).unwrap();
    let (inspection, colleague) = finished_inspection(&app, 3);

    let docs = app.call("prepare_documents", json!({ "inspectionId": inspection })).unwrap();
    let docs = docs.as_array().unwrap();
    assert_eq!(docs.len(), 2, "a record and an order");
    let order = docs.iter().find(|d| d["kind"] == "rectificationOrder").unwrap()["id"].clone();
    let record = docs.iter().find(|d| d["kind"] == "inspectionRecord").unwrap()["id"].clone();
    // Preparing again brings the drafts up to date; it does not add more.
    let again = app.call("prepare_documents", json!({ "inspectionId": inspection })).unwrap();
    assert_eq!(again.as_array().unwrap().len(), 2);

    // The draft previews as a draft: no number, marked as such.
    let draft = app.call("get_document", json!({ "id": order })).unwrap();
    assert_eq!((draft["status"].as_str(), draft["number"].as_str()), (Some("draft"), None));
    assert_eq!(draft["problem"], Value::Null, "{}", draft["problem"]);
    let snapshot = &draft["snapshot"]["snapshot"];
    assert_eq!(snapshot["items"].as_array().unwrap().len(), 3);
    assert_eq!(snapshot["deadlineGroups"].as_array().unwrap().len(), 2, "two deadlines, two groups");
    assert_eq!(snapshot["deadlineGroups"][0]["items"], json!([1, 3]));
    assert_eq!(snapshot["unitSigner"]["signature"]["kind"], "refused");
    assert_eq!(snapshot["officers"][1]["certificate"], "11010923002");
    let preview = app.call("document_pdf", json!({ "id": order })).unwrap();
    assert!(b64(&preview["pdf"]).starts_with(b"%PDF"));

    // Issue: numbered per kind and year, PDF kept, the same bytes each time it is asked for.
    let issued = app.call("issue_document", json!({ "id": order })).unwrap();
    let number = issued["number"].as_str().unwrap().to_owned();
    assert!(number.starts_with("门应急责改〔") && number.ends_with("第0001号"), "{number}");
    let first = b64(&app.call("document_pdf", json!({ "id": order })).unwrap()["pdf"]);
    let second = b64(&app.call("document_pdf", json!({ "id": order })).unwrap()["pdf"]);
    assert_eq!(first, second);
    // The kept PDF is what the renderer makes of the kept snapshot, byte for byte.
    let kept: anjian_docs::Snapshot = serde_json::from_value(issued["snapshot"].clone()).unwrap();
    assert_eq!(anjian_docs::render(&kept).unwrap().pdf, first);
    assert_eq!(issued["snapshot"]["snapshot"]["head"]["number"], number.as_str());
    assert_eq!(app.call("issue_document", json!({ "id": order })).unwrap_err().code, "cannot_issue");
    // Preparing again leaves the issued order alone.
    app.call("prepare_documents", json!({ "inspectionId": inspection })).unwrap();
    assert_eq!(app.call("get_document", json!({ "id": order })).unwrap()["number"], number.as_str());

    // The record is numbered in its own sequence.
    let rec = app.call("issue_document", json!({ "id": record })).unwrap();
    assert!(rec["number"].as_str().unwrap().contains("检记"), "{}", rec["number"]);

    // Exported for the system viewer: the same bytes, a readable name.
    let exported = app.call("export_document", json!({ "id": order })).unwrap();
    assert_eq!(exported["opened"], false);
    let path = std::path::PathBuf::from(exported["path"].as_str().unwrap());
    assert_eq!(std::fs::read(&path).unwrap(), first);
    assert!(path.file_name().unwrap().to_str().unwrap().starts_with("门应急责改"));

    // A review needs the order issued; it cites its number and states each item.
    let hazards: Vec<Value> = app.call("hazard_ledger", json!({ "status": "open", "limit": 10 })).unwrap()["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["hazard"]["inspectionId"] == inspection)
        .map(|h| h["hazard"]["id"].clone())
        .collect();
    assert_eq!(hazards.len(), 3);
    app.call(
        "review_hazard",
        json!({ "hazardId": hazards[0], "rectified": true, "note": "已清理超量产品", "photos": [] }),
    )
    .unwrap();
    let review = app.call("prepare_review", json!({ "orderId": order, "colleagueId": colleague })).unwrap();
    assert_eq!((review["cites"].clone(), review["problem"].clone()), (order.clone(), Value::Null));
    let rs = &review["snapshot"]["snapshot"];
    assert_eq!(rs["cited"]["number"], number.as_str());
    let rectified: Vec<bool> =
        rs["opinions"].as_array().unwrap().iter().map(|o| o["rectified"].as_bool().unwrap()).collect();
    // Only the hazard re-inspected is in it, under its number in the order.
    assert_eq!(rectified, vec![true]);
    let item = rs["opinions"][0]["number"].as_u64().unwrap() as usize;
    let order_items = kept_items(&kept);
    assert_eq!(rs["opinions"][0]["item"], order_items[item - 1].as_str());
    let issued_review = app.call("issue_document", json!({ "id": review["id"] })).unwrap();
    assert!(issued_review["number"].as_str().unwrap().contains("复查"));

    // A mistake: void with a reason (kept, marked), then a new order is drafted and issued
    // with the next number. A review cannot be prepared for the voided one.
    assert_eq!(app.call("void_document", json!({ "id": order, "reason": " " })).unwrap_err().code, "required");
    let voided = app.call("void_document", json!({ "id": order, "reason": "整改期限填写错误" })).unwrap();
    assert_eq!((voided["status"].as_str(), voided["voidReason"].as_str()), (Some("voided"), Some("整改期限填写错误")));
    // Printed again, a voided one is marked as such; the PDF kept at issue is unchanged.
    let marked = b64(&app.call("document_pdf", json!({ "id": order })).unwrap()["pdf"]);
    assert!(marked.starts_with(b"%PDF") && marked != first);
    assert_eq!(marked, anjian_docs::render_voided(&kept, "整改期限填写错误").unwrap().pdf);
    assert_eq!(voided["pdfSha256"], issued["pdfSha256"]);
    assert_eq!(
        app.call("void_document", json!({ "id": order, "reason": "再次作废" })).unwrap_err().code,
        "cannot_change"
    );
    assert_eq!(
        app.call("prepare_review", json!({ "orderId": order, "colleagueId": colleague })).unwrap_err().code,
        "refused"
    );
    let docs = app.call("prepare_documents", json!({ "inspectionId": inspection })).unwrap();
    let new_order =
        docs.as_array().unwrap().iter().find(|d| d["kind"] == "rectificationOrder" && d["status"] == "draft").unwrap()
            ["id"]
            .clone();
    let reissued = app.call("issue_document", json!({ "id": new_order })).unwrap();
    assert!(reissued["number"].as_str().unwrap().ends_with("第0002号"));
    // A review of the new order: the 复查 made under the voided one is not one of it, so
    // there is nothing to issue until a hazard is re-inspected again.
    let review = app.call("prepare_review", json!({ "orderId": new_order, "colleagueId": colleague })).unwrap();
    assert_eq!(review["snapshot"]["snapshot"]["opinions"].as_array().unwrap().len(), 0);
    assert!(review["problem"].as_str().unwrap().contains("请先对整改指令书所列隐患进行复查"), "{}", review["problem"]);
    app.call(
        "review_hazard",
        json!({ "hazardId": hazards[1], "rectified": false, "note": "仍未整改，责令立即停业整顿", "photos": [] }),
    )
    .unwrap();
    let review = app.call("prepare_review", json!({ "orderId": new_order, "colleagueId": colleague })).unwrap();
    let opinions = review["snapshot"]["snapshot"]["opinions"].as_array().unwrap().clone();
    assert_eq!(opinions.len(), 1);
    assert_eq!(
        (opinions[0]["rectified"].as_bool(), opinions[0]["opinion"].as_str()),
        (Some(false), Some("仍未整改，责令立即停业整顿"))
    );
    assert_eq!(review["problem"], Value::Null);
    let all = app.call("list_documents", json!({})).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 5, "record, voided order, its review, new order, its review");
    let voided_list = app.call("list_documents", json!({ "status": "voided" })).unwrap();
    assert_eq!(voided_list.as_array().unwrap().len(), 1);
}

#[test]
fn document_settings_are_checked_and_used() {
    let dir = tempfile::tempdir().unwrap();
    let app =
        App::open(&Config { demo: true, ..Config::new(dir.path().to_owned(), Arc::new(MemoryKeys::empty())) }).unwrap();
    let defaults = app.call("get_document_settings", json!({})).unwrap();
    assert_eq!(defaults["prefix"], "门应急");
    assert_eq!(defaults["reviewBody"], "北京市门头沟区人民政府");
    let bad = json!({ "settings": { "bureau": "北京市门头沟区应急管理局", "prefix": "门〔应急", "reviewBody": "x", "court": "y" } });
    let e = app.call("save_document_settings", bad).unwrap_err();
    assert_eq!((e.code, e.field), ("invalid_value", Some("prefix")));
    let empty = json!({ "settings": { "bureau": " ", "prefix": "门应急", "reviewBody": "x", "court": "y" } });
    assert_eq!(app.call("save_document_settings", empty).unwrap_err().field, Some("bureau"));
    let good = json!({ "settings": { "bureau": "北京市门头沟区应急管理局", "prefix": "京门应急", "reviewBody": "北京市门头沟区人民政府", "court": "北京市门头沟区人民法院" } });
    app.call("save_document_settings", good).unwrap();
    let (inspection, _) = finished_inspection(&app, 1);
    let docs = app.call("prepare_documents", json!({ "inspectionId": inspection })).unwrap();
    let order = docs.as_array().unwrap().iter().find(|d| d["kind"] == "rectificationOrder").unwrap()["id"].clone();
    let issued = app.call("issue_document", json!({ "id": order })).unwrap();
    assert!(issued["number"].as_str().unwrap().starts_with("京门应急责改"));
    // Unfinished inspections have no documents yet.
    let reserve = app.call("number_reserve", json!({})).unwrap();
    assert_eq!(reserve.as_array().unwrap().len(), 3);
}

fn kept_items(order: &anjian_docs::Snapshot) -> Vec<String> {
    match order {
        anjian_docs::Snapshot::Order(o) => o.items.clone(),
        _ => panic!("not an order"),
    }
}
