//! Sync between devices and the district server: the protocol types both sides share
//! (`protocol`), and with feature `client` the device's HTTP client (`client`).
//!
//! Invariant: the protocol module knows nothing of either side's storage; the client
//! knows nothing of the device's tables (it is handed changes and bytes).

pub mod protocol;

#[cfg(feature = "client")]
pub mod client;
