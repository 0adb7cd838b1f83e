//! Sync between devices and the district server: the protocol types both sides share
//! (`protocol`, and the record images changes carry, `records`), what the engine needs
//! of the device's store (`device`), and with feature `client` the device's HTTP client
//! (`client`) and one sync round (`engine`).
//!
//! Invariant: the protocol modules know nothing of either side's storage; the client
//! and the engine know nothing of the device's tables (they are handed changes and bytes).

pub mod device;
pub mod fold;
pub mod protocol;
pub mod records;
pub mod rules;
pub mod strict;
pub mod typed;
pub mod unsent;

/// The checklists every device ships with (assets/checklists, put in at build time): the
/// district's first versions, which the bureau's later publications add to.
pub mod bundled {
    include!(concat!(env!("OUT_DIR"), "/checklists.rs"));
}

#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "client")]
pub mod engine;
