//! The desktop shell: opens the app's data directory, hands the UI one command that
//! forwards to `anjian_api`, and nothing else.

mod commands;

use std::path::PathBuf;

use anjian_api::{ApiError, App, Config};
use tauri::{Manager, Runtime};

/// What the window talks to: the open app, or why it could not open (shown in the UI
/// instead of a window that never appears).
pub struct Backend(pub Result<App, ApiError>);

/// The data directory: `ANJIAN_DATA_DIR` if set (portable installs, tests), else the
/// OS convention for the app's data.
fn data_dir<R: Runtime>(app: &tauri::App<R>) -> Result<PathBuf, ApiError> {
    if let Some(dir) = std::env::var_os("ANJIAN_DATA_DIR") {
        return Ok(PathBuf::from(dir));
    }
    app.path()
        .app_data_dir()
        .map_err(|e| ApiError::new("storage", format!("找不到本机的数据目录：{e}")))
}

/// The app's wiring, generic over the runtime so tests can use the mock runtime.
pub fn builder<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .setup(|app| {
            let backend = data_dir(app).and_then(|dir| App::open(&Config { data_dir: dir, demo: true }));
            if let Err(e) = &backend {
                eprintln!("anjian: could not open the store: {e}");
            }
            app.manage(Backend(backend));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![commands::call])
}

pub fn run() {
    let result = builder(tauri::Builder::default()).run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("anjian: {e}");
        std::process::exit(1);
    }
}
