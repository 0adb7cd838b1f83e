//! Helpers shared by the end-to-end tests, the benchmarks and the district seeder.

pub mod bench;
pub mod changes;
pub mod district;
pub mod inspect;

pub use inspect::{inspect, inspect_task, officers};

use std::sync::Arc;

use anjian_api::{KeyStore, MemoryKeys, StoreKey};

/// The key of every store the tests, the test backend and the seeder open: the same in
/// each process, so a store written by one (a killed writer) opens in the next. The app
/// keeps its key in the system's secret store instead.
pub fn test_keys() -> Arc<dyn KeyStore> {
    Arc::new(MemoryKeys::holding(StoreKey::from_bytes(&[0x5a; 32]).unwrap_or_else(StoreKey::generate)))
}
