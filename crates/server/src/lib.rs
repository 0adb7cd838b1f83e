//! The district server: protocol v1 over HTTP (axum), a storage trait with SQLite (the
//! default) and PostgreSQL behind it, and the bureau's admin commands.
//!
//! Invariant: knows nothing of the device's store or of reqwest; shares only the protocol
//! types of `anjian-sync`.

pub mod auth;
pub mod console;
mod http;
pub mod import;
mod ledger;
pub mod pg;
pub mod publish;
mod pull_cache;
mod pull_notes;
pub mod sqlite;
pub mod storage;
mod token_cache;
pub mod unsent;

use std::future::Future;
use std::sync::Arc;

use anjian_core::inspector::InspectorInput;

pub use http::{ApiDoc, AppState, router};
pub use ledger::TableDigest;
pub use pg::PgStorage;
pub use publish::{ImportReport, PublishError, grant_numbers, import_enterprises, publish_checklist};
pub use sqlite::SqliteStorage;
pub use storage::{NumberConflict, PullNote, RefusedChange, Storage, StorageError, StoredChange, StoredPage};

/// Serves on `listener` until `shutdown` resolves, then finishes the requests in flight
/// (a push half-applied is impossible: each is one transaction) and returns.
pub async fn serve(
    listener: tokio::net::TcpListener,
    storage: Arc<dyn Storage>,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, whole_router(storage, options).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}

/// How the server is reached.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServeOptions {
    /// The console's cookies marked Secure (the server is reached over HTTPS, by a proxy).
    pub secure_cookies: bool,
}

/// The device protocol, the console, /v/ and the console's files: the whole district side.
pub fn whole_router(storage: Arc<dyn Storage>, options: ServeOptions) -> axum::Router {
    router(AppState::new(storage.clone())).merge(console::router(storage, options.secure_cookies))
}

/// What the bureau runs to enrol an inspector: the pairing code to hand over (valid for
/// `valid_days`), kept on the server as its hash only.
pub fn enrol(storage: &dyn Storage, name: &str, cert_no: &str, valid_days: i64) -> Result<String, StorageError> {
    // The same rule as the app's profile and colleague forms.
    let input = InspectorInput { name: name.to_owned(), cert_no: cert_no.to_owned(), unit: String::new() };
    let (name, cert_no, _) = input.check().map_err(|e| StorageError::Refused(e.message()))?;
    let (name, cert_no) = (name.as_str(), cert_no.as_str());
    let code = auth::new_pairing_code()?;
    let now = chrono::Utc::now();
    let expires = (now + chrono::Duration::days(valid_days)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let now = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    storage.enrol(name, cert_no, &anjian_sync::protocol::secret_hash(&auth::normalise_code(&code)), &expires, &now)?;
    Ok(code)
}
