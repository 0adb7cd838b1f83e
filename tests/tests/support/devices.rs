//! Devices as the app runs them (the app's own commands on a data directory of their
//! own, the real client and sync engine), for the tests that sync them through a server.

use std::sync::Arc;

use anjian_api::{ApiError, App, Config, KeyStore};
use anjian_sync::protocol::Change;
use anjian_sync::records::Image;
use serde_json::{Value, json};

use super::Server;

pub struct Device {
    pub app: Arc<App>,
    /// Where the store's key is kept (the system's secret store in the app).
    pub keys: Arc<dyn KeyStore>,
    pub dir: tempfile::TempDir,
}

impl Device {
    pub async fn new(server: &Server, name: &str, cert: &str) -> Device {
        Device::new_at(server, &server.url, name, cert).await
    }

    /// A device paired with the server as reached at `url` (through a proxy, say).
    pub async fn new_at(server: &Server, url: &str, name: &str, cert: &str) -> Device {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().to_owned();
        let keys = anjian_tests::test_keys();
        let held = keys.clone();
        let app =
            tokio::task::spawn_blocking(move || Arc::new(App::open(&Config::new(data, held)).unwrap())).await.unwrap();
        let (name, cert) = (name.to_owned(), cert.to_owned());
        let code = server.with(move |s| anjian_server::enrol(s, &name, &cert, 7)).await.unwrap();
        let d = Device { app, keys, dir };
        let status =
            d.call("sync_pair", json!({ "server": url, "code": code, "deviceName": "执法终端" })).await.unwrap();
        assert_eq!(status["state"], "idle", "{status}");
        d
    }

    pub async fn call(&self, name: &str, args: Value) -> Result<Value, ApiError> {
        let (app, name) = (self.app.clone(), name.to_owned());
        tokio::task::spawn_blocking(move || app.call(&name, args)).await.unwrap()
    }

    /// One round as the app runs it, whatever the network does: the status after it.
    pub async fn round(&self) -> Value {
        let app = self.app.clone();
        tokio::task::spawn_blocking(move || app.sync_once()).await.unwrap().unwrap()
    }

    /// One round; it must end without an error and leave nothing pending.
    pub async fn sync(&self) -> Value {
        let app = self.app.clone();
        let status = tokio::task::spawn_blocking(move || app.sync_once()).await.unwrap().unwrap();
        assert!(status["lastError"].is_null(), "{status}");
        assert_eq!(status["pending"]["changes"], 0, "{status}");
        status
    }
}

pub fn code(first16: &str) -> String {
    anjian_core::credit_code::complete(first16).unwrap()
}

pub fn enterprise(credit_code: &str) -> Value {
    json!({
        "name": "北京门头沟斋堂同步测试石材有限公司",
        "creditCode": credit_code,
        "address": "北京市门头沟区斋堂镇东斋堂村1号",
        "divisionCode": "110109108",
        "sectors": ["mine"],
        "legalRepresentative": "赵刚",
        "contactPhone": "010-69812345",
        "status": "operating"
    })
}

/// An enterprise as `get_enterprise` gave it, as the input `update_enterprise` takes.
pub fn editable(current: &Value) -> Value {
    const FIELDS: [&str; 11] = [
        "name",
        "creditCode",
        "creditCodeConfirmed",
        "address",
        "divisionCode",
        "sectors",
        "legalRepresentative",
        "safetyContact",
        "contactPhone",
        "supervisionClass",
        "status",
    ];
    let mut input = current.clone();
    if let Some(fields) = input.as_object_mut() {
        fields.retain(|k, v| FIELDS.contains(&k.as_str()) && !v.is_null());
    }
    input
}

/// A finished inspection of `enterprise` with two hazards: the hazard ids and the
/// signature image's hash.
pub async fn inspect(d: &Device, enterprise: &str) -> (Vec<String>, Value) {
    let colleague = officers(d, ("王磊", "11010923001"), ("赵敏", "11010923009")).await;
    inspect_with(d, enterprise, &colleague).await
}

/// The device's own inspector and a colleague: the colleague's id.
pub async fn officers(d: &Device, me: (&str, &str), colleague: (&str, &str)) -> Value {
    let (app, me, colleague) =
        (d.app.clone(), (me.0.to_owned(), me.1.to_owned()), (colleague.0.to_owned(), colleague.1.to_owned()));
    tokio::task::spawn_blocking(move || anjian_tests::officers(&app, (&me.0, &me.1), (&colleague.0, &colleague.1)))
        .await
        .unwrap()
        .unwrap()
}

/// As `inspect`, with the officers already saved (`officers`).
pub async fn inspect_with(d: &Device, enterprise: &str, colleague: &Value) -> (Vec<String>, Value) {
    let day = (chrono::Utc::now() + chrono::Duration::days(20)).date_naive().to_string();
    let hazards = [
        ("采场边坡未设置安全警示标志".to_owned(), "general", day.clone()),
        ("炸药库值班记录不全".to_owned(), "general", day),
    ];
    let (app, enterprise_id, colleague) = (d.app.clone(), enterprise.to_owned(), colleague.clone());
    let (_, sig) =
        tokio::task::spawn_blocking(move || anjian_tests::inspect(&app, &enterprise_id, "mine", &colleague, &hazards))
            .await
            .unwrap()
            .unwrap();
    let ledger = d.call("hazard_ledger", json!({ "enterpriseId": enterprise })).await.unwrap();
    let ids =
        ledger["items"].as_array().unwrap().iter().map(|h| h["hazard"]["id"].as_str().unwrap().to_owned()).collect();
    (ids, sig)
}

/// The latest image of each record on the server, as a device pulling everything sees it.
pub async fn latest_images(client: &anjian_sync::client::Client) -> std::collections::HashMap<(String, String), Image> {
    let mut images = std::collections::HashMap::new();
    let mut cursor = 0;
    loop {
        let page = client.pull(cursor, 500).await.unwrap();
        for c in &page.changes {
            images.insert(
                (c.record_type.clone(), c.record_id.clone()),
                Image::parse_json(&c.record_type, c.payload.get()).unwrap(),
            );
        }
        cursor = page.next;
        if !page.more {
            return images;
        }
    }
}

/// A change of `image` from `device`, its `n`-th, at `rev`.
pub fn forged(device: &str, n: u64, image: &Image, rev: &str) -> Change {
    Change {
        change_id: format!("{device}:forged-{n}"),
        record_type: image.record_type().into(),
        record_id: image.record_id(),
        op: "put".into(),
        rev: rev.into(),
        payload: image.payload(),
    }
}
