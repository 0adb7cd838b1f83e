//! The desktop shell: opens the app's data directory, hands the UI one command that
//! forwards to `anjian_api`, and nothing else.

mod commands;
mod opener;
pub mod secrets;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anjian_api::{ApiError, App, Config, KeyStore};
use tauri::{Manager, Runtime};

/// What the window talks to: the open app, or why it could not open (shown in the UI
/// instead of a window that never appears).
#[derive(Debug)]
pub struct Backend(pub Result<App, ApiError>);

/// Where the store's key is kept for a data directory: the system's secret store in the
/// app (`secrets::SystemKeys`).
pub type Keys = fn(&Path) -> Arc<dyn KeyStore>;

/// The system's secret store, one entry per data directory.
pub fn system_keys(dir: &Path) -> Arc<dyn KeyStore> {
    Arc::new(secrets::SystemKeys::for_dir(dir))
}

/// Where the OS puts a user's files: documents to print in the app's cache, files for
/// the bureau in the downloads folder.
struct Places {
    print: PathBuf,
    export: PathBuf,
}

fn open(dir: PathBuf, places: Option<Places>, keys: Keys) -> Backend {
    let mut config =
        Config { demo: true, opener: Some(opener::open_in_viewer), ..Config::new(dir.clone(), keys(&dir)) };
    if let Some(places) = places {
        config.print_dir = places.print;
        config.export_dir = places.export;
    }
    let backend = App::open(&config);
    if let Ok(app) = &backend {
        pair_from_env(app);
        app.start_sync();
    }
    if let Err(e) = &backend {
        eprintln!("anjian: could not open the store: {e}");
    }
    Backend(backend)
}

/// `scripts/run-app` starts a local district server and hands the app a pairing code
/// (ANJIAN_PAIR_SERVER, ANJIAN_PAIR_CODE), so a newcomer sees sync at once. An app
/// already paired keeps its pairing.
fn pair_from_env(app: &App) {
    let (Ok(server), Ok(code)) = (std::env::var("ANJIAN_PAIR_SERVER"), std::env::var("ANJIAN_PAIR_CODE")) else {
        return;
    };
    let paired = app.call("sync_status", serde_json::json!({})).is_ok_and(|s| s["paired"] == true);
    if !paired {
        let args = serde_json::json!({ "server": server, "code": code, "deviceName": "本机（演示）" });
        if let Err(e) = app.call("sync_pair", args) {
            eprintln!("anjian: could not pair with {server}: {}", e.message);
        }
    }
}

/// The app's wiring, generic over the runtime so tests can use the mock runtime.
/// With `data_dir` the store opens there at once (documents to print go beside it, in
/// `<dir>-print`); without, in the OS convention's app-data directory once the app knows
/// its paths (documents to print in its cache directory).
pub fn builder<R: Runtime>(builder: tauri::Builder<R>, data_dir: Option<PathBuf>, keys: Keys) -> tauri::Builder<R> {
    let builder = match data_dir {
        Some(dir) => builder.manage(open(dir, None, keys)),
        None => builder.setup(move |app| {
            let path = app.path();
            let paths = (path.app_data_dir(), path.app_cache_dir());
            let export = path.download_dir().or_else(|_| path.home_dir());
            let backend = match (paths, export) {
                ((Ok(dir), Ok(cache)), Ok(export)) => {
                    open(dir, Some(Places { print: cache.join("print"), export }), keys)
                }
                ((Err(e), _), _) | ((_, Err(e)), _) | (_, Err(e)) => {
                    Backend(Err(ApiError::new("storage", format!("找不到本机的数据目录：{e}"))))
                }
            };
            app.manage(backend);
            Ok(())
        }),
    };
    builder.invoke_handler(tauri::generate_handler![commands::call])
}

/// Starts the app. `ANJIAN_DATA_DIR` moves the data directory (portable installs, tests).
pub fn run() {
    let data_dir = std::env::var_os("ANJIAN_DATA_DIR").map(PathBuf::from);
    let result = builder(tauri::Builder::default(), data_dir, system_keys).run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("anjian: {e}");
        std::process::exit(1);
    }
}
