//! The district's areas of responsibility (镇街 and the development zone) and the
//! supervised sectors. Both are reference data loaded from assets/seed.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DivisionKind {
    Street,
    Town,
    Zone,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Division {
    pub code: String,
    pub name: String,
    pub kind: DivisionKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sector {
    pub code: String,
    pub name: String,
}
