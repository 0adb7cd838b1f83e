//! A lost device, revoked by the bureau: without wiping it keeps its data readable, syncs
//! no more and says so; with wiping it deletes its data and its key at its next contact,
//! says why, and starts again empty. Both backends, the real app and server.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed step is the test failing

mod support;

use std::sync::Arc;

use anjian_api::{App, Config};
use serde_json::json;
use support::devices::{Device, code, enterprise, inspect};
use support::{Server, TestDb, both_backends};

both_backends!(
    a_revoked_device_keeps_its_data_and_syncs_no_more,
    a_device_revoked_with_wiping_deletes_its_data_and_key,
    an_attachment_begun_before_the_revocation_is_finished_by_the_import
);

async fn revoke(server: &Server, cert: &str, wipe: bool) -> String {
    let cert = cert.to_owned();
    server
        .with(move |s| {
            let device = s.devices().unwrap().into_iter().find(|d| d.inspector_cert_no == cert).expect("paired").id;
            s.revoke(&device, "2026-12-05T00:00:00Z", wipe).unwrap();
            device
        })
        .await
}

async fn a_revoked_device_keeps_its_data_and_syncs_no_more(pg: bool) {
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let d = Device::new(&server, "王磊", "11010923001").await;
    let e = d.call("create_enterprise", json!({ "input": enterprise(&code("91110109MA0KEP10")) })).await.unwrap();
    let eid = e["id"].as_str().unwrap().to_owned();
    let (hazards, _) = inspect(&d, &eid).await;
    d.sync().await;
    // Written after the last sync: waits on the device.
    d.call("create_enterprise", json!({ "input": enterprise(&code("91110109MA0KEP11")) })).await.unwrap();
    let device = revoke(&server, "11010923001", false).await;

    let status = d.round().await;
    assert_eq!(status["state"], "revoked", "{status}");
    assert_eq!(status["lastError"]["code"], "device_revoked", "{status}");
    assert!(status["revokedAt"].is_string(), "{status}");
    assert_eq!(status["pending"]["changes"], 1, "what was never sent still waits: {status}");
    assert_eq!(d.call("sync_now", json!({})).await.unwrap_err().code, "device_revoked");
    // Its records stay readable.
    assert_eq!(d.call("get_enterprise", json!({ "id": eid })).await.unwrap()["id"], eid);
    let ledger = d.call("hazard_ledger", json!({ "enterpriseId": eid })).await.unwrap();
    assert_eq!(ledger["counts"]["total"], hazards.len());
    // The server knows the device was told.
    let id = device.clone();
    let told = server.with(move |s| s.devices().unwrap().into_iter().find(|x| x.id == id).unwrap()).await;
    assert!(told.revocation_told_at.is_some() && !told.wipe);

    // What it never sent goes to the bureau as one file, imported by the same rules.
    let export = d.call("sync_export_unsent", json!({})).await.unwrap();
    assert_eq!(export["changes"], 1, "{export}");
    assert_eq!(export["paths"].as_array().unwrap().len(), 1, "{export}");
    let file = std::fs::read(export["paths"][0].as_str().unwrap()).unwrap();
    // Encrypted for the server: a finder of the file reads nothing of the records.
    let text = String::from_utf8(file.clone()).unwrap();
    assert!(!text.contains("KEP11") && !text.contains("91110109"), "the file holds the records readably");
    let import =
        |bytes: Vec<u8>, now: &'static str| server.with(move |s| anjian_server::unsent::import(s, &bytes, now));
    let report = import(file.clone(), "2026-12-05T01:00:00Z").await.unwrap();
    assert_eq!((report.device_id.as_str(), report.applied, report.duplicates), (device.as_str(), 1, 0), "{report:?}");
    assert!(report.refused.is_empty(), "{report:?}");
    let names = support::column(&db.db, "SELECT credit_code FROM enterprise ORDER BY credit_code").await;
    assert!(names.contains(&code("91110109MA0KEP11")), "{names:?}");
    // Twice: nothing stored twice.
    let again = import(file.clone(), "2026-12-05T02:00:00Z").await.unwrap();
    assert_eq!((again.applied, again.duplicates), (0, 1));
    // Altered, or not a file of ours: refused, nothing stored.
    let mut sealed: anjian_sync::unsent::Sealed = serde_json::from_slice(&file).unwrap();
    let flipped = if sealed.body.starts_with('A') { "B" } else { "A" };
    sealed.body.replace_range(..1, flipped);
    let altered = serde_json::to_vec(&sealed).unwrap();
    assert!(matches!(
        import(altered, "2026-12-05T03:00:00Z").await,
        Err(anjian_server::unsent::ImportUnsentError::File(anjian_sync::unsent::UnsentError::BadMac))
    ));
    assert!(import(b"{}".to_vec(), "2026-12-05T03:00:00Z").await.is_err());

    // Asked to wipe after it was told: it still shows its token at each round, so it hears.
    let revoked_at = status["revokedAt"].clone();
    assert_eq!(d.round().await["revokedAt"], revoked_at, "told again, still revoked since the first time");
    revoke(&server, "11010923001", true).await;
    let app = d.app.clone();
    let err = tokio::task::spawn_blocking(move || app.sync_once()).await.unwrap().unwrap_err();
    assert_eq!(err.code, "device_wiped", "{err:?}");
    assert!(!d.dir.path().join("encrypted").exists(), "the store is still there");
    assert_eq!(d.keys.load().unwrap(), None, "the key is still there");
    server.stop().await;
}

async fn a_device_revoked_with_wiping_deletes_its_data_and_key(pg: bool) {
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let d = Device::new(&server, "李娜", "11010923002").await;
    let e = d.call("create_enterprise", json!({ "input": enterprise(&code("91110109MA0WPE10")) })).await.unwrap();
    inspect(&d, e["id"].as_str().unwrap()).await;
    d.sync().await;
    assert!(d.dir.path().join("encrypted").is_dir());
    // A document printed earlier: an unencrypted copy for the viewer.
    let print_dir = Config::new(d.dir.path().to_owned(), d.keys.clone()).print_dir;
    std::fs::create_dir_all(&print_dir).unwrap();
    std::fs::write(print_dir.join("门应急责改〔2026〕第0001号.pdf"), b"%PDF-1.7").unwrap();
    revoke(&server, "11010923002", true).await;

    let app = d.app.clone();
    let err = tokio::task::spawn_blocking(move || app.sync_once()).await.unwrap().unwrap_err();
    assert_eq!(err.code, "device_wiped", "{err:?}");
    // The data and the key are gone; every command says why.
    assert!(!d.dir.path().join("encrypted").exists(), "the store is still there");
    assert_eq!(d.keys.load().unwrap(), None, "the key is still there");
    assert_eq!(std::fs::read_dir(&print_dir).unwrap().count(), 0, "a printed copy is still there");
    let err = d.call("search_enterprises", json!({})).await.unwrap_err();
    assert_eq!(err.code, "device_wiped");
    assert!(err.message.contains("清除"), "{}", err.message);
    let left: Vec<_> = std::fs::read_dir(d.dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, vec![std::ffi::OsString::from("wiped")], "only the notice stays");

    // Started again: a new, empty store, and the notice shown on the 同步 page.
    let (dir, keys) = (d.dir.path().to_owned(), d.keys.clone());
    drop(d.app);
    let app = tokio::task::spawn_blocking(move || Arc::new(App::open(&Config::new(dir, keys)).unwrap())).await.unwrap();
    let status = app.call("sync_status", json!({})).unwrap();
    assert_eq!(status["state"], "unpaired", "{status}");
    assert!(status["wipedNotice"].as_str().unwrap().contains("清除"), "{status}");
    assert_eq!(app.call("search_enterprises", json!({})).unwrap()["total"], 0);
    server.stop().await;
}

async fn an_attachment_begun_before_the_revocation_is_finished_by_the_import(pg: bool) {
    use base64::Engine;
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let d = Device::new(&server, "王磊", "11010923001").await;
    let e = d.call("create_enterprise", json!({ "input": enterprise(&code("91110109MA0PRT10")) })).await.unwrap();
    d.sync().await;
    // Inspected after the last sync: the signatures' image is still on the device only.
    let (_, sig) = inspect(&d, e["id"].as_str().unwrap()).await;
    let data = d.call("get_attachment", json!({ "sha256": sig })).await.unwrap();
    let bytes = base64::engine::general_purpose::STANDARD.decode(data["dataBase64"].as_str().unwrap()).unwrap();
    assert!(bytes.len() > 2, "an image too small to be cut");
    // Its first half reached the server before the connection was cut.
    let (sha, half) = (sig.as_str().unwrap().to_owned(), bytes[..bytes.len() / 2].to_vec());
    let total = bytes.len() as u64;
    let state = server.with(move |s| s.attachment_append(&sha, 0, &half, total).unwrap()).await;
    assert!(matches!(state, anjian_server::storage::AttachmentState::Partial(n) if n == total / 2), "{state:?}");
    revoke(&server, "11010923001", false).await;
    assert_eq!(d.round().await["state"], "revoked");

    let export = d.call("sync_export_unsent", json!({})).await.unwrap();
    assert_eq!(export["attachments"], 1, "{export}");
    let file = std::fs::read(export["paths"][0].as_str().unwrap()).unwrap();
    let report = server.with(move |s| anjian_server::unsent::import(s, &file, "2026-12-05T01:00:00Z")).await.unwrap();
    assert_eq!(report.attachments, 1, "{report:?}");
    assert!(report.refused.is_empty(), "{report:?}");
    // Finished from where it stopped: the server holds the image whole.
    let sha = sig.as_str().unwrap().to_owned();
    let held = server.with(move |s| s.attachment(&sha).unwrap()).await;
    assert_eq!(held, bytes);
    server.stop().await;
}
