//! The HTTP test backend: serves the built UI and `POST /api/call/<name>` over the
//! same `anjian_api::App` the desktop shell uses, so the UI runs in a browser for tests.
//!
//! ui-backend --ui <dist dir> --data <data dir> [--listen 127.0.0.1:0] [--no-demo]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anjian_api::{ApiError, App, Config};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

struct Args {
    ui: PathBuf,
    data: PathBuf,
    listen: SocketAddr,
    demo: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut ui = None;
    let mut data = None;
    let mut listen: SocketAddr = ([127, 0, 0, 1], 0).into();
    let mut demo = true;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--ui" => ui = it.next().map(PathBuf::from),
            "--data" => data = it.next().map(PathBuf::from),
            "--listen" => {
                listen = it.next().ok_or("--listen needs an address")?.parse().map_err(|e| format!("--listen: {e}"))?
            }
            "--no-demo" => demo = false,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Args { ui: ui.ok_or("--ui is required")?, data: data.ok_or("--data is required")?, listen, demo })
}

fn status_of(e: &ApiError) -> StatusCode {
    match e.code {
        "not_found" => StatusCode::NOT_FOUND,
        "conflict" => StatusCode::CONFLICT,
        "storage" | "corrupt" | "internal" => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

async fn call(State(app): State<Arc<App>>, UrlPath(name): UrlPath<String>, body: Bytes) -> Response {
    let args = if body.is_empty() {
        Ok(serde_json::Value::Null)
    } else {
        serde_json::from_slice(&body).map_err(ApiError::bad_request)
    };
    let result = match args {
        Ok(args) => tokio::task::spawn_blocking(move || app.call(&name, args))
            .await
            .unwrap_or_else(|e| Err(ApiError::new("internal", format!("内部错误：{e}")))),
        Err(e) => Err(e),
    };
    match result {
        Ok(v) => axum::Json(v).into_response(),
        Err(e) => (status_of(&e), axum::Json(e)).into_response(),
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        // pdf.js's worker is an .mjs module; browsers refuse a module served as anything else.
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        Some("woff2") => "font/woff2",
        Some("pdf") => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Static files of the built UI; any other path is the single-page app's index.
async fn static_file(State(root): State<Arc<PathBuf>>, uri: Uri) -> Response {
    let rel = uri.path().trim_start_matches('/');
    let safe = !rel.split('/').any(|p| p == ".." || p.starts_with('.'));
    let candidate = root.join(rel);
    let path = if safe && !rel.is_empty() && candidate.is_file() { candidate } else { root.join("index.html") };
    match tokio::fs::read(&path).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, content_type(&path))], bytes).into_response(),
        Err(_) => (StatusCode::NOT_FOUND, "UI not built: run npm --prefix ui run build").into_response(),
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("ui-backend: {e}");
            std::process::exit(2);
        }
    };
    let app = match App::open(&Config { demo: args.demo, ..Config::new(args.data.clone(), anjian_tests::test_keys()) })
    {
        Ok(app) => {
            app.start_sync();
            Arc::new(app)
        }
        Err(e) => {
            eprintln!("ui-backend: {e}");
            std::process::exit(1);
        }
    };
    let api = Router::new().route("/api/call/{name}", post(call)).with_state(app);
    let router = api.fallback(static_file).with_state(Arc::new(args.ui));
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("ui-backend: cannot listen on {}: {e}", args.listen);
            std::process::exit(1);
        }
    };
    let addr = listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
    println!("listening on http://{addr}");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    if let Err(e) = axum::serve(listener, router).with_graceful_shutdown(shutdown).await {
        eprintln!("ui-backend: {e}");
        std::process::exit(1);
    }
}
