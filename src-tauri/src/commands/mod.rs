//! The one command: the UI names an `anjian_api` command and passes its arguments.
//! Errors cross as `{code, message, field}`.

use anjian_api::ApiError;
use serde_json::Value;
use tauri::State;

use crate::Backend;

// async: runs off the main thread, so a slow query never freezes the window.
#[tauri::command]
pub async fn call(backend: State<'_, Backend>, name: String, args: Value) -> Result<Value, ApiError> {
    match &backend.0 {
        Ok(app) => app.call(&name, args),
        Err(startup) => Err(startup.clone()),
    }
}
