//! What every command shares: argument shapes, record ids from text, dates typed by
//! the inspector, and the empty result.

use anjian_core::Id;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ApiError;

/// Arguments of a command that takes none (`{}`; anything else is refused).
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(type = "Record<string, never>")]
pub(crate) struct NoArgs {}

/// The result of a command that only reports success.
#[derive(Debug, Serialize, TS)]
#[ts(type = "Record<string, never>")]
pub(crate) struct Done {}

/// Arguments naming one record.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub(crate) struct IdArgs {
    pub(crate) id: String,
}

pub(crate) fn id(s: &str) -> Result<Id, ApiError> {
    s.parse().map_err(|_| ApiError::bad_request(format!("记录编号 {s:?} 无效")))
}

/// An optional id argument, where "" means none.
pub(crate) fn optional_id(s: Option<&str>) -> Result<Option<Id>, ApiError> {
    s.filter(|s| !s.is_empty()).map(id).transpose()
}

/// The name of a division, or "" for an unknown code.
pub(crate) fn division_name(store: &anjian_store::Store, code: &str) -> Result<String, ApiError> {
    Ok(store.divisions()?.into_iter().find(|d| d.code == code).map(|d| d.name).unwrap_or_default())
}

/// Today in Beijing, the day deadlines and "overdue" count by.
pub(crate) fn today() -> NaiveDate {
    anjian_core::beijing::today(chrono::Utc::now())
}

/// A date filter typed by the inspector ("YYYY-MM-DD"; "" is none).
pub(crate) fn date(field: &'static str, s: Option<String>) -> Result<Option<NaiveDate>, ApiError> {
    let Some(s) = s.filter(|s| !s.is_empty()) else { return Ok(None) };
    let bad = || ApiError { field: Some(field), ..ApiError::bad_request(format!("日期“{s}”无效")) };
    let d: NaiveDate = s.parse().map_err(|_| bad())?;
    if !anjian_core::beijing::is_record_date(d) {
        return Err(bad());
    }
    Ok(Some(d))
}
