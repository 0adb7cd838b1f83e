//! Helpers shared by the end-to-end tests, the benchmarks and the district seeder.

pub mod bench;
pub mod changes;
pub mod district;
pub mod inspect;

pub use inspect::{checklist_items, inspect, inspect_task, officers};

use std::sync::Arc;

use anjian_api::{KeyStore, MemoryKeys, StoreKey};

/// The key of every store the tests, the test backend and the seeder open: the same in
/// each process, so a store written by one (a killed writer) opens in the next. The app
/// keeps its key in the system's secret store instead.
pub fn test_keys() -> Arc<dyn KeyStore> {
    Arc::new(MemoryKeys::holding(test_key()))
}

fn test_key() -> StoreKey {
    StoreKey::from_bytes(&[0x5a; 32]).unwrap_or_else(StoreKey::generate)
}

/// The database of a store opened with `test_keys`, opened beside the store (for tests
/// that read or write its tables directly, and the benchmarks' baselines).
pub fn open_raw(data_dir: &std::path::Path) -> rusqlite::Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open(data_dir.join("encrypted").join("anjian.db"))?;
    conn.pragma_update(None, "key", test_key().sqlcipher_key())?;
    Ok(conn)
}
