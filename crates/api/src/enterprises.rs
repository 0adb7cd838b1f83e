//! Commands of the enterprise register, the reference lists and the inspector's profile.

use anjian_core::credit_code::{self, Problem, Verdict};
use anjian_core::division::{Division, Sector};
use anjian_core::enterprise::{Enterprise, EnterpriseInput};
use anjian_core::hlc::Hlc;
use anjian_core::inspector::InspectorInput;
use anjian_store::{EnterprisePage, EnterpriseQuery};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::convert::{IdArgs, NoArgs, division_name, id};
use crate::{ApiError, App};

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AppInfo {
    version: String,
    data_dir: String,
    #[ts(type = "number")]
    enterprise_count: u64,
    #[ts(type = "number")]
    demo_count: u64,
}

pub(crate) fn app_info(app: &App, _: NoArgs) -> Result<AppInfo, ApiError> {
    let counts = app.store().counts()?;
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        data_dir: app.data_dir().display().to_string(),
        enterprise_count: counts.enterprises,
        demo_count: counts.demo_enterprises,
    })
}

pub(crate) fn list_divisions(app: &App, _: NoArgs) -> Result<Vec<Division>, ApiError> {
    Ok(app.store().divisions()?)
}

pub(crate) fn list_sectors(app: &App, _: NoArgs) -> Result<Vec<Sector>, ApiError> {
    Ok(app.store().sectors()?)
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct SearchArgs {
    #[ts(optional)]
    query: Option<String>,
    #[ts(optional)]
    division: Option<String>,
    #[ts(optional)]
    sector: Option<String>,
    #[ts(optional)]
    limit: Option<u32>,
    #[ts(optional)]
    offset: Option<u32>,
}

pub(crate) fn search_enterprises(app: &App, a: SearchArgs) -> Result<EnterprisePage, ApiError> {
    if a.query.as_deref().is_some_and(anjian_core::search_text::query_too_long) {
        return Err(ApiError {
            field: Some("query"), ..ApiError::new("too_long", "搜索内容不能超过100个字")
        });
    }
    let q = EnterpriseQuery {
        text: a.query,
        division: a.division,
        sector: a.sector,
        limit: a.limit.unwrap_or(50),
        offset: a.offset.unwrap_or(0),
    };
    Ok(app.store().search_enterprises(&q)?)
}

/// The enterprise with its division's name, as the detail page shows it.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "Enterprise")]
pub(crate) struct EnterpriseView {
    #[serde(flatten)]
    enterprise: Enterprise,
    division_name: String,
}

fn view(app: &App, enterprise: Enterprise) -> Result<EnterpriseView, ApiError> {
    let division_name = division_name(app.store(), &enterprise.profile.division_code)?;
    Ok(EnterpriseView { enterprise, division_name })
}

pub(crate) fn get_enterprise(app: &App, a: IdArgs) -> Result<EnterpriseView, ApiError> {
    let e = app.store().enterprise(id(&a.id)?)?;
    view(app, e)
}

#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateEnterpriseArgs {
    input: EnterpriseInput,
}

pub(crate) fn create_enterprise(app: &App, a: CreateEnterpriseArgs) -> Result<EnterpriseView, ApiError> {
    let e = app.store().write(|w| w.insert_enterprise(&a.input, false))?;
    view(app, e)
}

#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub(crate) struct UpdateEnterpriseArgs {
    id: String,
    /// The revision the form was read at, sent back as received.
    rev: String,
    input: EnterpriseInput,
}

pub(crate) fn update_enterprise(app: &App, a: UpdateEnterpriseArgs) -> Result<EnterpriseView, ApiError> {
    let rev: Hlc = a.rev.parse().map_err(ApiError::bad_request)?;
    let target = id(&a.id)?;
    let e = app.store().write(|w| w.update_enterprise(target, rev, &a.input))?;
    view(app, e)
}

#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreditCodeArgs {
    code: String,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub(crate) enum CreditCodeStatus {
    Ok,
    Warning,
    Invalid,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreditCodeCheck {
    status: CreditCodeStatus,
    /// Upper case, trimmed; null when the code is invalid.
    normalized: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    problem: Option<Problem>,
    /// A Chinese sentence for the inspector.
    message: String,
}

pub(crate) fn check_credit_code(_: &App, a: CreditCodeArgs) -> Result<CreditCodeCheck, ApiError> {
    if a.code.chars().count() > 64 {
        return Err(ApiError::bad_request("信用代码过长"));
    }
    Ok(match credit_code::check(&a.code) {
        Verdict::Ok { normalized } => CreditCodeCheck {
            status: CreditCodeStatus::Ok,
            normalized: Some(normalized),
            problem: None,
            message: "统一社会信用代码校验通过".to_owned(),
        },
        Verdict::Warning { normalized, problem } => CreditCodeCheck {
            status: CreditCodeStatus::Warning,
            normalized: Some(normalized),
            message: problem.message(),
            problem: Some(problem),
        },
        Verdict::Invalid { problem } => CreditCodeCheck {
            status: CreditCodeStatus::Invalid,
            normalized: None,
            message: problem.message(),
            problem: Some(problem),
        },
    })
}

/// The inspector using this device.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "Profile")]
pub(crate) struct ProfileView {
    name: String,
    cert_no: String,
    unit: String,
}

impl From<anjian_core::inspector::Inspector> for ProfileView {
    fn from(i: anjian_core::inspector::Inspector) -> Self {
        ProfileView { name: i.name, cert_no: i.cert_no, unit: i.unit.unwrap_or_default() }
    }
}

pub(crate) fn get_profile(app: &App, _: NoArgs) -> Result<Option<ProfileView>, ApiError> {
    Ok(app.store().profile()?.map(ProfileView::from))
}

#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub(crate) struct SaveProfileArgs {
    profile: InspectorInput,
}

pub(crate) fn save_profile(app: &App, a: SaveProfileArgs) -> Result<ProfileView, ApiError> {
    Ok(app.store().write(|w| w.save_profile(&a.profile))?.into())
}

/// How many demo enterprises were deleted (those nothing refers to).
#[derive(Debug, Serialize, TS)]
pub(crate) struct RemoveDemoResult {
    #[ts(type = "number")]
    removed: u64,
}

pub(crate) fn remove_demo(app: &App, _: NoArgs) -> Result<RemoveDemoResult, ApiError> {
    let removed = app.store().write(|w| w.remove_demo_enterprises())?;
    Ok(RemoveDemoResult { removed })
}
