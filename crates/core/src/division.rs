//! The district's areas of responsibility (镇街 and the development zone) and the
//! supervised sectors. Both are reference data loaded from assets/seed.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum DivisionKind {
    Street,
    Town,
    Zone,
}

impl DivisionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Street => "street",
            Self::Town => "town",
            Self::Zone => "zone",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Street, Self::Town, Self::Zone].into_iter().find(|v| v.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Division {
    pub code: String,
    pub name: String,
    pub kind: DivisionKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Sector {
    pub code: String,
    pub name: String,
}
