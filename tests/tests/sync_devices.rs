//! Devices syncing through a real district server, with SQLite and with PostgreSQL:
//! the app's own commands on two devices (each its own data directory), the real
//! client, the real server on port 0. The merge rules of design.md at work.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed step is the test failing

mod support;

use anjian_sync::protocol::{Change, Outcome, PushBatch};
use anjian_sync::records::{DocumentImage, Image};
use serde_json::{Value, json};
use support::devices::{Device, code, editable, enterprise, forged, inspect, latest_images};
use support::{Server, TestDb, both_backends, column, paired, query, records_rebuild_alike};

async fn two_devices_edit_one_enterprise(pg: bool) {
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let a = Device::new(&server, "王磊", "11010923001").await;
    let b = Device::new(&server, "李娜", "11010923002").await;
    let created = a.call("create_enterprise", json!({ "input": enterprise(&code("91110109MA0TB001")) })).await.unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    a.sync().await;
    b.sync().await;
    let on_b = b.call("get_enterprise", json!({ "id": id })).await.unwrap();
    assert_eq!(on_b["name"], created["name"]);

    // Offline, both change the address; A also the phone, B the legal representative.
    let mut from_a = enterprise(&code("91110109MA0TB001"));
    from_a["address"] = json!("北京市门头沟区斋堂镇东斋堂村2号");
    from_a["contactPhone"] = json!("13911112222");
    a.call("update_enterprise", json!({ "id": id, "rev": created["rev"], "input": from_a })).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let mut from_b = enterprise(&code("91110109MA0TB001"));
    from_b["address"] = json!("北京市门头沟区斋堂镇西斋堂村9号");
    from_b["legalRepresentative"] = json!("钱伟");
    b.call("update_enterprise", json!({ "id": id, "rev": on_b["rev"], "input": from_b })).await.unwrap();

    // B pushes first, A later: the later write (B's) still wins the address.
    b.sync().await;
    a.sync().await;
    b.sync().await;
    let (on_a, on_b) = (
        a.call("get_enterprise", json!({ "id": id })).await.unwrap(),
        b.call("get_enterprise", json!({ "id": id })).await.unwrap(),
    );
    for e in [&on_a, &on_b] {
        assert_eq!(e["address"], "北京市门头沟区斋堂镇西斋堂村9号", "{e}");
        assert_eq!(e["contactPhone"], "13911112222", "{e}");
        assert_eq!(e["legalRepresentative"], "钱伟", "{e}");
    }
    // The overwritten address is kept and visible on both devices.
    for d in [&a, &b] {
        let lost = d.call("enterprise_overwrites", json!({ "id": id })).await.unwrap();
        let lost = lost.as_array().unwrap();
        assert_eq!(lost.len(), 1, "{lost:?}");
        assert_eq!(lost[0]["field"], "address");
        assert_eq!(lost[0]["label"], "地址");
        assert_eq!(lost[0]["kept"], "北京市门头沟区斋堂镇西斋堂村9号");
        assert_eq!(lost[0]["overwritten"], "北京市门头沟区斋堂镇东斋堂村2号");
    }
    // A round with nothing new changes nothing.
    let before = a.call("get_enterprise", json!({ "id": id })).await.unwrap();
    a.sync().await;
    assert_eq!(a.call("get_enterprise", json!({ "id": id })).await.unwrap(), before);

    // The district's record holds what the devices hold, with each field's history
    // and the overwritten address.
    let row = query(
        &db.db,
        &format!(
            "SELECT address, contact_phone, legal_representative, division_code FROM enterprise WHERE id = '{id}'"
        ),
    )
    .await;
    let held: Vec<&str> = row[0].iter().map(|c| c.as_deref().unwrap_or_default()).collect();
    assert_eq!(held, ["北京市门头沟区斋堂镇西斋堂村9号", "13911112222", "钱伟", "110109108"]);
    let lost = query(
        &db.db,
        &format!("SELECT field, kept, overwritten FROM enterprise_overwrite WHERE enterprise_id = '{id}'"),
    )
    .await;
    assert_eq!(lost.len(), 1, "{lost:?}");
    assert_eq!(lost[0][0].as_deref(), Some("address"));
    assert_eq!(lost[0][2].as_deref(), Some("\"北京市门头沟区斋堂镇东斋堂村2号\""));
    let addresses = column(
        &db.db,
        &format!("SELECT value FROM enterprise_field WHERE enterprise_id = '{id}' AND field = 'address' ORDER BY rev"),
    )
    .await;
    assert_eq!(addresses.len(), 3, "the first address and both edits: {addresses:?}");
    assert_eq!(
        column(&db.db, &format!("SELECT sector_code FROM enterprise_sector WHERE enterprise_id = '{id}'")).await,
        ["mine"]
    );
    records_rebuild_alike(&server).await;
    server.stop().await;
}

async fn hazard_found_on_a_closed_on_b(pg: bool) {
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let a = Device::new(&server, "王磊", "11010923001").await;
    let b = Device::new(&server, "李娜", "11010923002").await;
    let ent = a.call("create_enterprise", json!({ "input": enterprise(&code("91110109MA0TB002")) })).await.unwrap();
    let ent = ent["id"].as_str().unwrap().to_owned();
    let (hazards, signature) = inspect(&a, &ent).await;
    assert_eq!(hazards.len(), 2);
    a.sync().await;
    let status = b.sync().await;
    assert!(status["received"].as_u64().unwrap() > 0, "{status}");

    // B sees A's hazards and the inspection's signature bytes, and closes one.
    let on_b = b.call("get_hazard", json!({ "id": hazards[0] })).await.unwrap();
    assert_eq!(on_b["hazard"]["status"], "open", "{on_b}");
    let inspection = b.call("get_inspection", json!({ "id": on_b["hazard"]["inspectionId"] })).await.unwrap();
    assert_eq!(inspection["inspection"]["status"], "finished", "{inspection}");
    let image = b.call("get_attachment", json!({ "sha256": signature })).await.unwrap();
    assert_eq!(image["mime"], "image/png");
    b.call("review_hazard", json!({ "hazardId": hazards[0], "rectified": true, "note": "警示标志已设置" }))
        .await
        .unwrap();
    // Meanwhile A records the unit's report on the same hazard: an earlier state.
    a.call("report_rectified", json!({ "hazardId": hazards[0], "note": "单位报告已整改", "photos": [] }))
        .await
        .unwrap();
    b.sync().await;
    a.sync().await;
    b.sync().await;
    for d in [&a, &b] {
        let h = d.call("get_hazard", json!({ "id": hazards[0] })).await.unwrap();
        assert_eq!(h["hazard"]["status"], "verified", "status only moves forward: {h}");
        let history = d.call("hazard_history", json!({ "id": hazards[0] })).await.unwrap();
        let notes: Vec<&str> = history.as_array().unwrap().iter().filter_map(|e| e["note"].as_str()).collect();
        assert!(notes.contains(&"警示标志已设置") && notes.contains(&"单位报告已整改"), "{history}");
        let other = d.call("get_hazard", json!({ "id": hazards[1] })).await.unwrap();
        assert_eq!(other["hazard"]["status"], "open");
    }
    // The district's records: the hazard as far as either device moved it, with both
    // devices' events; the inspection with its answers and both officers.
    let statuses = column(
        &db.db,
        &format!("SELECT status FROM hazard WHERE id IN ('{}', '{}') ORDER BY status", hazards[0], hazards[1]),
    )
    .await;
    assert_eq!(statuses, ["open", "verified"]);
    let notes = column(
        &db.db,
        &format!("SELECT note FROM hazard_event WHERE hazard_id = '{}' AND note IS NOT NULL ORDER BY note", hazards[0]),
    )
    .await;
    assert!(notes.contains(&"警示标志已设置".to_owned()) && notes.contains(&"单位报告已整改".to_owned()), "{notes:?}");
    let finished = query(&db.db, "SELECT id, status, started_day FROM inspection").await;
    assert_eq!(finished.len(), 1);
    assert_eq!(finished[0][1].as_deref(), Some("finished"));
    let inspection_id = finished[0][0].clone().unwrap();
    let answers = column(
        &db.db,
        &format!("SELECT CAST(count(*) AS TEXT) FROM inspection_answer WHERE inspection_id = '{inspection_id}'"),
    )
    .await;
    assert!(answers[0].parse::<u32>().unwrap() > 0, "{answers:?}");
    let officers = column(
        &db.db,
        &format!("SELECT cert_no FROM inspection_officer WHERE inspection_id = '{inspection_id}' ORDER BY position"),
    )
    .await;
    assert_eq!(officers, ["11010923001", "11010923009"]);
    let digests = records_rebuild_alike(&server).await;
    assert!(digests.iter().filter(|d| d.rows > 0).count() >= 8, "{digests:?}");
    // The server granted district number blocks to both devices.
    for d in [&a, &b] {
        let reserve = d.call("number_reserve", json!({})).await.unwrap();
        for r in reserve.as_array().unwrap() {
            assert!(r["left"].as_u64().unwrap() >= 100 && r["local"] == false, "{reserve}");
        }
    }
    server.stop().await;
}

fn document(id: &str, status: &str, snapshot: &str) -> DocumentImage {
    DocumentImage {
        id: id.into(),
        kind: "rectificationOrder".into(),
        enterprise_id: "0190e6a0-0000-7000-8000-000000000001".into(),
        inspection_id: None,
        number: (status != "draft").then(|| "门应急责改〔2026〕第0001号".into()),
        snapshot: snapshot.into(),
        pdf_sha256: None,
        status: status.into(),
        issued_at: (status != "draft").then(|| "2026-11-29T08:00:00+08:00".into()),
        void_reason: (status == "voided").then(|| "单位名称写错".into()),
        cites: None,
        created_at: None,
        device_id: "d".into(),
        rev: String::new(),
        hazards: vec![],
    }
}

/// The document of the issued-documents test.
const DOC: &str = "0190e6a0-0000-7000-8000-00000000d0c1";

async fn issued_documents_never_change(pg: bool) {
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let (client, device, _) = paired(&server, "11010923001").await;
    let change = |n: u64, doc: DocumentImage| {
        let rev = anjian_core::hlc::Hlc { wall_ms: 1_780_000_000_000 + n, counter: 0, node: 1 }.to_string();
        let image = Image::Document(DocumentImage { rev: rev.clone(), ..doc });
        Change {
            change_id: format!("{device}:{n}"),
            record_type: "document".into(),
            record_id: DOC.into(),
            op: "put".into(),
            rev,
            payload: image.payload(),
        }
    };
    let batch = |id: &str, changes: Vec<Change>| PushBatch { batch_id: id.into(), changes };
    let outcomes = |r: anjian_sync::protocol::PushResponse| r.results.iter().map(|r| r.outcome).collect::<Vec<_>>();
    // A draft may change; once issued, a changed image (or a draft again) is refused,
    // in the same batch or a later one; voiding with the same content is accepted.
    let first = client
        .push(&batch(
            "b1",
            vec![
                change(1, document(DOC, "draft", "{\"v\":1}")),
                change(2, document(DOC, "draft", "{\"v\":2}")),
                change(3, document(DOC, "issued", "{\"v\":2}")),
                change(4, document(DOC, "issued", "{\"v\":3}")),
            ],
        ))
        .await
        .unwrap();
    assert_eq!(outcomes(first.clone()), [Outcome::Applied, Outcome::Applied, Outcome::Applied, Outcome::Refused]);
    assert!(first.results[3].reason.as_deref().unwrap().contains("已签发的文书不能修改"), "{first:?}");
    let second = client
        .push(&batch(
            "b2",
            vec![
                change(5, document(DOC, "draft", "{\"v\":2}")),
                change(6, document(DOC, "voided", "{\"v\":2}")),
                change(7, document(DOC, "issued", "{\"v\":2}")),
            ],
        ))
        .await
        .unwrap();
    assert_eq!(outcomes(second), [Outcome::Refused, Outcome::Applied, Outcome::Refused]);
    // Malformed images are refused and stored nowhere.
    let mut bad = change(8, document("doc-2", "draft", "{}"));
    let mut value: Value = serde_json::from_str(bad.payload.get()).unwrap();
    value["status"] = json!(7);
    bad.payload = serde_json::value::to_raw_value(&value).unwrap();
    let mut wrong_id = change(9, document("doc-3", "draft", "{}"));
    wrong_id.record_id = "doc-4".into();
    let mut unknown = change(10, document("doc-5", "draft", "{}"));
    unknown.record_type = "spaceship".into();
    let third = client.push(&batch("b3", vec![bad, wrong_id, unknown])).await.unwrap();
    assert_eq!(outcomes(third), [Outcome::Refused; 3]);
    assert_eq!(server.with(|s| s.change_count()).await.unwrap(), 4);
    // The district's record: issued with its number and content, then voided.
    let row = query(
        &db.db,
        &format!("SELECT status, number, void_reason, issued_day, image FROM document WHERE id = '{DOC}'"),
    )
    .await;
    let row: Vec<&str> = row[0].iter().map(|c| c.as_deref().unwrap_or_default()).collect();
    assert_eq!(&row[..4], ["voided", "门应急责改〔2026〕第0001号", "单位名称写错", "2026-11-29"]);
    assert!(row[4].contains(r#"\"v\":2"#), "{}", row[4]);
    records_rebuild_alike(&server).await;
    server.stop().await;
}

async fn what_the_bureau_publishes_reaches_devices(pg: bool) {
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let a = Device::new(&server, "王磊", "11010923001").await;
    let csv = format!(
        "单位名称,统一社会信用代码,地址,镇街,行业,联系电话\n\
         北京门头沟清水花炮销售有限公司,{},北京市门头沟区清水镇下清水村3号,清水镇,烟花爆竹,010-60855555\n\
         北京门头沟永定建筑工程有限公司,{},北京市门头沟区永定镇永定村8号,永定镇,建筑施工、有限空间,13812345678\n\
         北京门头沟错码商贸有限公司,91110109MA0TB00X0,北京市门头沟区大峪街道1号,大峪街道,人员密集场所,010-69800000\n",
        code("91110109MA0TB003"),
        code("91110109MA0TB004")
    );
    let report = server
        .with(move |s| anjian_server::import_enterprises(s, "名单.csv", csv.as_bytes(), chrono::Utc::now()))
        .await
        .unwrap();
    assert_eq!((report.rows, report.created, report.updated, report.refused.len()), (3, 2, 0, 1), "{report:?}");
    assert_eq!(report.refused[0].row, 4);
    a.sync().await;
    let found = a.call("search_enterprises", json!({ "query": "清水花炮" })).await.unwrap();
    assert_eq!(found["total"], 1, "{found}");
    let id = found["items"][0]["id"].as_str().unwrap().to_owned();

    // The bureau corrects a phone number; the device's own later change of another
    // field stays.
    let current = a.call("get_enterprise", json!({ "id": id })).await.unwrap();
    let mut input = editable(&current);
    input["safetyContact"] = json!("孙强");
    a.call("update_enterprise", json!({ "id": id, "rev": current["rev"], "input": input })).await.unwrap();
    let csv = format!(
        "单位名称,统一社会信用代码,地址,镇街,行业,联系电话\n北京门头沟清水花炮销售有限公司,{},北京市门头沟区清水镇下清水村3号,清水镇,烟花爆竹,010-60856666\n",
        code("91110109MA0TB003")
    );
    let report = server
        .with(move |s| anjian_server::import_enterprises(s, "更正.csv", csv.as_bytes(), chrono::Utc::now()))
        .await
        .unwrap();
    assert_eq!((report.created, report.updated, report.unchanged), (0, 1, 0), "{report:?}");
    a.sync().await;
    let e = a.call("get_enterprise", json!({ "id": id })).await.unwrap();
    assert_eq!((e["contactPhone"].as_str(), e["safetyContact"].as_str()), (Some("010-60856666"), Some("孙强")), "{e}");
    // The bureau's import and the device's edit meet in the district's record too.
    let row =
        query(&db.db, &format!("SELECT contact_phone, safety_contact, created_by FROM enterprise WHERE id = '{id}'"))
            .await;
    let row: Vec<&str> = row[0].iter().map(|c| c.as_deref().unwrap_or_default()).collect();
    assert_eq!(row, ["010-60856666", "孙强", "server"]);
    let sectors = column(&db.db, "SELECT DISTINCT sector_code FROM enterprise_sector ORDER BY sector_code").await;
    assert_eq!(sectors.len(), 3, "fireworks, construction, confined spaces: {sectors:?}");

    // A new checklist version appears without a restart.
    let before = a.call("list_templates", json!({ "sector": "fireworks" })).await.unwrap();
    let file = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/checklists"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("fireworks"))
        .unwrap();
    let mut body: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let version = body["version"].as_u64().unwrap() + 1;
    body["version"] = json!(version);
    let text = serde_json::to_string_pretty(&body).unwrap();
    let published = text.clone();
    assert!(
        server
            .with(move |s| anjian_server::publish_checklist(s, "fw.json", &published, chrono::Utc::now()))
            .await
            .unwrap()
    );
    let again = text.clone();
    assert!(
        !server
            .with(move |s| anjian_server::publish_checklist(s, "fw.json", &again, chrono::Utc::now()))
            .await
            .unwrap()
    );
    let changed = text.replace("烟花", "焰火");
    assert!(
        server
            .with(move |s| anjian_server::publish_checklist(s, "fw.json", &changed, chrono::Utc::now()))
            .await
            .is_err()
    );
    a.sync().await;
    let after = a.call("list_templates", json!({ "sector": "fireworks" })).await.unwrap();
    assert_eq!(after[0]["version"].as_u64().unwrap(), version, "{before} → {after}");
    server.stop().await;
}

/// A pulled change refused here is listed, the rest of the page goes in, and it applies
/// at a later sync once what stood in its way is gone.
async fn a_change_that_cannot_apply_is_listed_and_the_rest_goes_in(pg: bool) {
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let a = Device::new(&server, "王磊", "11010923001").await;
    let b = Device::new(&server, "李娜", "11010923002").await;
    // Both register the same unit offline, under different ids; A also another one.
    let same = code("91110109MA0TB005");
    a.call("create_enterprise", json!({ "input": enterprise(&same) })).await.unwrap();
    let mut other = enterprise(&code("91110109MA0TB006"));
    other["name"] = json!("北京门头沟另一家同步测试有限公司");
    a.call("create_enterprise", json!({ "input": other })).await.unwrap();
    let on_b = b.call("create_enterprise", json!({ "input": enterprise(&same) })).await.unwrap();
    a.sync().await;
    let status = b.sync().await;
    let problems = status["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{status}");
    assert_eq!(problems[0]["direction"], "pull");
    assert_eq!(problems[0]["retrying"], true, "{status}");
    assert!(problems[0]["reason"].as_str().unwrap().contains("统一社会信用代码"), "{status}");
    let found = b.call("search_enterprises", json!({ "query": "另一家同步测试" })).await.unwrap();
    assert_eq!(found["total"], 1, "the rest of the page applied: {found}");
    // B's inspector finds that B's record had the wrong code and corrects it: at the next
    // sync A's record, which had waited, goes in, and the problem goes.
    let mut corrected = enterprise(&code("91110109MA0TB007"));
    corrected["name"] = json!("北京门头沟第三家同步测试有限公司");
    b.call("update_enterprise", json!({ "id": on_b["id"], "rev": on_b["rev"], "input": corrected })).await.unwrap();
    let status = b.sync().await;
    assert_eq!(status["problems"].as_array().unwrap().len(), 0, "{status}");
    let holders = b.call("search_enterprises", json!({ "query": same })).await.unwrap();
    assert_eq!(holders["total"], 1, "A's record is here now: {holders}");
    server.stop().await;
}

/// Two devices issue an order before they ever had district numbers, each numbering
/// from a block of its own: both get 第0001号. Both orders reach the server (legal
/// records, handed over); the later one is flagged to its device and listed for the
/// bureau, and the district's grants start after it.
async fn a_number_two_devices_used_offline_is_flagged(pg: bool) {
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let a = Device::new(&server, "王磊", "11010923001").await;
    let b = Device::new(&server, "李娜", "11010923002").await;
    let mut orders = Vec::new();
    for (d, first16) in [(&a, "91110109MA0TB011"), (&b, "91110109MA0TB012")] {
        let mut input = enterprise(&code(first16));
        input["name"] = json!(format!("北京门头沟文号测试{first16}有限公司"));
        let ent = d.call("create_enterprise", json!({ "input": input })).await.unwrap();
        let (hazards, _) = inspect(d, ent["id"].as_str().unwrap()).await;
        let hazard = d.call("get_hazard", json!({ "id": hazards[0] })).await.unwrap();
        let inspection = hazard["hazard"]["inspectionId"].clone();
        let docs = d.call("prepare_documents", json!({ "inspectionId": inspection })).await.unwrap();
        let order = docs.as_array().unwrap().iter().find(|x| x["kind"] == "rectificationOrder").unwrap()["id"].clone();
        let issued = d.call("issue_document", json!({ "id": order })).await.unwrap();
        assert!(issued["number"].as_str().unwrap().ends_with("第0001号"), "{issued}");
        orders.push(order.as_str().unwrap().to_owned());
    }
    let status = a.sync().await;
    assert!(status["problems"].as_array().unwrap().is_empty(), "{status}");
    let status = b.sync().await;
    let problems = status["problems"].as_array().unwrap();
    let flagged: Vec<&Value> = problems.iter().filter(|p| p["accepted"] == true).collect();
    assert_eq!(flagged.len(), 1, "{status}");
    assert_eq!(flagged[0]["recordId"].as_str(), Some(orders[1].as_str()));
    assert!(flagged[0]["reason"].as_str().unwrap().contains("已被区内另一份文书"), "{status}");
    // A's order cannot be kept on B under a number B's own carries: listed, not applied.
    let pulled: Vec<&Value> = problems.iter().filter(|p| p["direction"] == "pull").collect();
    assert_eq!(pulled.len(), 1, "{status}");
    assert_eq!(pulled[0]["recordId"].as_str(), Some(orders[0].as_str()));
    assert_eq!(pulled[0]["retrying"], false, "a number stays with its document: no use trying again");
    assert!(pulled[0]["reason"].as_str().unwrap().contains("须由区局核实处理"), "{status}");
    let conflicts = server.with(|s| s.number_conflicts()).await.unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(
        (conflicts[0].held_by.as_str(), conflicts[0].document_id.as_str()),
        (orders[0].as_str(), orders[1].as_str())
    );
    // Both devices now hold district numbers, none of them 1.
    for d in [&a, &b] {
        let reserve = d.call("number_reserve", json!({})).await.unwrap();
        assert!(reserve.as_array().unwrap().iter().all(|r| r["local"] == false), "{reserve}");
    }
    server.stop().await;
}

/// What a paired device must not do, tried through the server with the real client: each
/// refused with its reason, nothing stored, and the original as it was on every device.
async fn forbidden_changes_are_refused_and_stored_nowhere(pg: bool) {
    use anjian_core::hlc::Hlc;
    use anjian_sync::records::{Field, InspectionImage};
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let a = Device::new(&server, "王磊", "11010923001").await;
    let b = Device::new(&server, "李娜", "11010923002").await;
    let ent = a.call("create_enterprise", json!({ "input": enterprise(&code("91110109MA0TB003")) })).await.unwrap();
    let ent = ent["id"].as_str().unwrap().to_owned();
    let (hazards, _) = inspect(&a, &ent).await;
    a.sync().await;
    b.sync().await;

    let (intruder, device, _) = paired(&server, "11010923008").await;
    let held = latest_images(&intruder).await;
    let find = |kind: &str| held.iter().find(|((t, _), _)| t == kind).map(|(_, i)| i.clone()).unwrap();
    let Image::Inspection(inspection) = find("inspection") else { unreachable!() };
    let Image::Hazard(hazard) = held[&("hazard".to_owned(), hazards[0].clone())].clone() else { unreachable!() };
    let Image::Enterprise(company) = find("enterprise") else { unreachable!() };
    let now = chrono::Utc::now().timestamp_millis() as u64;
    let later = |ms: u64| Hlc { wall_ms: ms, counter: 0, node: 99 }.to_string();
    let soon = later(now + 1_000);

    // 1. Another device's finished inspection: other notes, another answer.
    let mut rewritten = inspection.clone();
    rewritten.notes = "伪造的检查情况".into();
    rewritten.answers[0].result =
        if rewritten.answers[0].result == "compliant" { "nonCompliant" } else { "compliant" }.into();
    rewritten.rev = soon.clone();
    // 2. Its own finished inspection, rewritten after the signatures.
    let own = InspectionImage {
        id: anjian_core::Id::new().to_string(),
        device_id: device.clone(),
        rev: later(now),
        ..inspection.clone()
    };
    let own_rewritten = InspectionImage { notes: "签字后改写".into(), rev: soon.clone(), ..own.clone() };
    // 3. The description of a hazard another device found.
    let mut described = hazard.clone();
    described.description = "改写的隐患描述".into();
    described.rev = soon.clone();
    // 4. An enterprise edit whose clock lies ten years ahead.
    // 5. A field the enterprise form would refuse.
    let mut malformed = company.clone();
    if let Some(f) = malformed.fields.get_mut("creditCode") {
        f.value = json!("12345");
        f.rev = soon.clone();
    }
    // 6. A division the district does not have.
    let mut nowhere = company.clone();
    if let Some(f) = nowhere.fields.get_mut("divisionCode") {
        f.value = json!("110109999");
        f.rev = soon.clone();
    }
    let supervision = anjian_sync::records::SupervisionImage {
        hazard_id: described.id.clone(),
        supervisor: "某设备".into(),
        due: "2099-12-31".into(),
        status: "lifted".into(),
        note: None,
        set_by: "冒充区局".into(),
        set_at: "2026-12-04T00:00:00Z".into(),
        rev: soon.clone(),
    };
    let mut ahead = company.clone();
    let ten_years = later(now + 10 * 366 * 24 * 3600 * 1000);
    ahead.fields.insert("name".into(), Field { value: json!("时钟超前的名称"), rev: ten_years.clone(), base: None });

    let first = intruder
        .push(&PushBatch {
            batch_id: "own".into(),
            changes: vec![forged(&device, 0, &Image::Inspection(own), &later(now))],
        })
        .await
        .unwrap();
    assert_eq!(first.results[0].outcome, Outcome::Applied, "{first:?}");
    let before = server.with(|s| s.change_count()).await.unwrap();
    let tries = [
        (Image::Inspection(rewritten), soon.clone(), "检查记录只能由制作它的设备修改"),
        (Image::Inspection(own_rewritten), soon.clone(), "已完成的检查不能再修改"),
        (Image::Hazard(described), soon.clone(), "隐患的内容（单位、检查项、描述、级别、整改期限）发现时已确定"),
        (Image::Enterprise(ahead), ten_years, "设备时钟比服务器快一天以上"),
        (Image::Enterprise(malformed), soon.clone(), "统一社会信用代码应为18位"),
        (Image::Enterprise(nowhere), soon.clone(), "请选择所属镇街"),
        // 7. A 挂牌督办, which only the bureau writes.
        (Image::Supervision(supervision), soon.clone(), "挂牌督办只能由区局发布"),
    ];
    for (n, (image, rev, why)) in tries.into_iter().enumerate() {
        let batch =
            PushBatch { batch_id: format!("forged-{n}"), changes: vec![forged(&device, n as u64 + 1, &image, &rev)] };
        let answer = intruder.push(&batch).await.unwrap();
        assert_eq!(answer.results[0].outcome, Outcome::Refused, "{why}: {answer:?}");
        assert!(answer.results[0].reason.as_deref().unwrap_or_default().contains(why), "{why}: {answer:?}");
    }
    assert_eq!(server.with(|s| s.change_count()).await.unwrap(), before, "nothing refused is stored");
    // The bureau sees each refusal: who, what, why.
    let refusals = server.with(|s| s.refusals()).await.unwrap();
    assert_eq!(refusals.len(), 7, "{refusals:?}");
    assert!(refusals.iter().all(|r| r.device_id == device), "{refusals:?}");
    assert!(
        refusals[3].reason.contains("设备时钟比服务器快一天以上") && refusals[3].record_type == "enterprise",
        "{refusals:?}"
    );

    // Every device still holds the originals.
    a.sync().await;
    b.sync().await;
    for d in [&a, &b] {
        let i = d.call("get_inspection", json!({ "id": inspection.id })).await.unwrap();
        assert_eq!(i["inspection"]["notes"], inspection.notes, "{i}");
        let h = d.call("get_hazard", json!({ "id": hazards[0] })).await.unwrap();
        assert_eq!(h["hazard"]["description"], hazard.description, "{h}");
        let e = d.call("get_enterprise", json!({ "id": ent })).await.unwrap();
        assert_eq!(e["name"], "北京门头沟斋堂同步测试石材有限公司", "{e}");
    }
    // And so does the district's record.
    let notes = column(&db.db, &format!("SELECT notes FROM inspection WHERE id = '{}'", inspection.id)).await;
    assert_eq!(notes, std::slice::from_ref(&inspection.notes));
    let described = column(&db.db, &format!("SELECT description FROM hazard WHERE id = '{}'", hazards[0])).await;
    assert_eq!(described, std::slice::from_ref(&hazard.description));
    let names = column(&db.db, &format!("SELECT name FROM enterprise WHERE id = '{ent}'")).await;
    assert_eq!(names, ["北京门头沟斋堂同步测试石材有限公司"]);
    records_rebuild_alike(&server).await;
}

both_backends!(
    a_number_two_devices_used_offline_is_flagged,
    a_change_that_cannot_apply_is_listed_and_the_rest_goes_in,
    two_devices_edit_one_enterprise,
    hazard_found_on_a_closed_on_b,
    issued_documents_never_change,
    what_the_bureau_publishes_reaches_devices,
    forbidden_changes_are_refused_and_stored_nowhere,
);
