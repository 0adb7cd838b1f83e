//! The shell on Tauri's mock runtime: the one `call` command reaches the API and
//! errors arrive as `{code, message, field}`.

// A test fails loudly on the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use tauri::test::{INVOKE_KEY, get_ipc_response, mock_builder};

fn invoke(webview: &tauri::WebviewWindow<tauri::test::MockRuntime>, name: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(
        webview,
        tauri::webview::InvokeRequest {
            cmd: "call".into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: tauri::ipc::InvokeBody::Json(json!({ "name": name, "args": args })),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().unwrap())
}

/// The mock runtime has no desktop session, so no secret store: a key in memory.
fn memory_keys(_: &std::path::Path) -> std::sync::Arc<dyn anjian_api::KeyStore> {
    std::sync::Arc::new(anjian_api::MemoryKeys::empty())
}

#[test]
fn the_window_reaches_the_store_through_one_command() {
    let dir = tempfile::tempdir().unwrap();
    let app = anjian_shell::builder(mock_builder(), Some(dir.path().to_owned()), memory_keys)
        .build(tauri::generate_context!())
        .unwrap();
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();

    let divisions = invoke(&webview, "list_divisions", json!({})).unwrap();
    assert_eq!(divisions.as_array().unwrap().len(), 14);
    let page = invoke(&webview, "search_enterprises", json!({ "query": "石龙" })).unwrap();
    assert!(page["total"].as_u64().unwrap() > 0);

    let err = invoke(&webview, "create_enterprise", json!({ "input": { "name": "北京测试厂", "creditCode": "123" } }))
        .unwrap_err();
    assert_eq!(err["code"], "credit_code_length");
    assert_eq!(err["field"], "creditCode");
    assert!(err["message"].as_str().unwrap().contains("18位"));

    let err = invoke(&webview, "no_such_command", json!({})).unwrap_err();
    assert_eq!(err["code"], "unknown_command");
    let err = invoke(&webview, "get_enterprise", json!({ "id": 5 })).unwrap_err();
    assert_eq!(err["code"], "bad_request");
}

#[test]
fn a_store_that_cannot_open_answers_every_call_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("anjian.db"), vec![7u8; 4096]).unwrap();
    let app = anjian_shell::builder(mock_builder(), Some(dir.path().to_owned()), memory_keys)
        .build(tauri::generate_context!())
        .unwrap();
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    let err = invoke(&webview, "list_divisions", json!({})).unwrap_err();
    assert_eq!(err["code"], "storage");
}
