//! Helpers shared by the end-to-end tests, the benchmarks and the district seeder.

pub mod bench;
pub mod changes;
pub mod district;
pub mod inspect;

pub use inspect::{inspect, inspect_task, officers};
