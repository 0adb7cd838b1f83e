//! The desktop shell: opens the app's data directory, hands the UI one command that
//! forwards to `anjian_api`, and nothing else.

mod commands;

use std::path::PathBuf;

use anjian_api::{ApiError, App, Config};
use tauri::{Manager, Runtime};

/// What the window talks to: the open app, or why it could not open (shown in the UI
/// instead of a window that never appears).
#[derive(Debug)]
pub struct Backend(pub Result<App, ApiError>);

/// The data directory: the one given, else the OS convention for the app's data.
fn data_dir<R: Runtime>(app: &tauri::App<R>, given: Option<PathBuf>) -> Result<PathBuf, ApiError> {
    if let Some(dir) = given {
        return Ok(dir);
    }
    app.path()
        .app_data_dir()
        .map_err(|e| ApiError::new("storage", format!("找不到本机的数据目录：{e}")))
}

/// The app's wiring, generic over the runtime so tests can use the mock runtime.
/// `data_dir` overrides where the store lives.
pub fn builder<R: Runtime>(builder: tauri::Builder<R>, data_dir: Option<PathBuf>) -> tauri::Builder<R> {
    builder
        .setup(move |app| {
            let backend = self::data_dir(app, data_dir).and_then(|dir| App::open(&Config { data_dir: dir, demo: true }));
            if let Err(e) = &backend {
                eprintln!("anjian: could not open the store: {e}");
            }
            app.manage(Backend(backend));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![commands::call])
}

/// Starts the app. `ANJIAN_DATA_DIR` moves the data directory (portable installs, tests).
pub fn run() {
    let data_dir = std::env::var_os("ANJIAN_DATA_DIR").map(PathBuf::from);
    let result = builder(tauri::Builder::default(), data_dir).run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("anjian: {e}");
        std::process::exit(1);
    }
}
