//! Domain types and rules of anjian. No I/O: no files, no database, no clock reads
//! except through the caller (the hybrid logical clock is fed the wall time).

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod beijing;
pub mod checklist;
pub mod credit_code;
pub mod division;
pub mod document;
pub mod enterprise;
pub mod hazard;
pub mod hlc;
pub mod id;
pub mod inspection;
pub mod inspector;
pub mod merge;
pub mod pairing;
pub mod photo;
pub mod plan;
pub mod search_text;
pub mod supervision;
pub mod task;
pub mod validate;

pub use id::Id;
