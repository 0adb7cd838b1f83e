//! Helpers shared by the end-to-end tests and the benchmarks.

pub mod changes;
pub mod district;
