//! One function per command; `dispatch` is the table both adapters use.

use anjian_core::Id;
use anjian_core::credit_code::{self, Verdict};
use anjian_core::enterprise::EnterpriseInput;
use anjian_core::hlc::Hlc;
use anjian_core::inspector::InspectorInput;
use anjian_store::EnterpriseQuery;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::{ApiError, App};

pub(crate) fn args<T: DeserializeOwned>(v: Value) -> Result<T, ApiError> {
    let v = if v.is_null() { json!({}) } else { v };
    serde_json::from_value(v).map_err(ApiError::bad_request)
}

pub(crate) fn to_json(v: impl Serialize) -> Result<Value, ApiError> {
    serde_json::to_value(v).map_err(|e| ApiError::new("internal", format!("结果无法编码：{e}")))
}

pub(crate) fn id(s: &str) -> Result<Id, ApiError> {
    s.parse().map_err(|_| ApiError::bad_request(format!("记录编号 {s:?} 无效")))
}

pub(crate) fn dispatch(app: &App, name: &str, a: Value) -> Result<Value, ApiError> {
    match name {
        "app_info" => app_info(app),
        "list_divisions" => to_json(app.store().divisions()?),
        "list_sectors" => to_json(app.store().sectors()?),
        "search_enterprises" => search_enterprises(app, args(a)?),
        "get_enterprise" => get_enterprise(app, args(a)?),
        "create_enterprise" => create_enterprise(app, args(a)?),
        "update_enterprise" => update_enterprise(app, args(a)?),
        "check_credit_code" => check_credit_code(args(a)?),
        "get_profile" => get_profile(app),
        "save_profile" => save_profile(app, args(a)?),
        "remove_demo" => {
            let removed = app.store().write(|w| w.remove_demo_enterprises())?;
            Ok(json!({ "removed": removed }))
        }
        "sync_status" => crate::sync::status(app),
        "sync_pair" => crate::sync::pair(app, args(a)?),
        "sync_now" => crate::sync::now(app),
        "sync_unpair" => crate::sync::unpair(app),
        "enterprise_overwrites" => {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct ById {
                id: Id,
            }
            let ById { id } = args(a)?;
            crate::sync::overwrites(app, id)
        }
        _ => crate::inspect::dispatch(app, name, a),
    }
}

fn app_info(app: &App) -> Result<Value, ApiError> {
    let counts = app.store().counts()?;
    Ok(json!({
        "version": env!("CARGO_PKG_VERSION"),
        "dataDir": app.data_dir().display().to_string(),
        "enterpriseCount": counts.enterprises,
        "demoCount": counts.demo_enterprises,
    }))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SearchArgs {
    query: Option<String>,
    division: Option<String>,
    sector: Option<String>,
    limit: Option<u32>,
    offset: Option<u32>,
}

fn search_enterprises(app: &App, a: SearchArgs) -> Result<Value, ApiError> {
    if a.query.as_deref().is_some_and(|q| q.chars().count() > 100) {
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
    to_json(app.store().search_enterprises(&q)?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IdArgs {
    pub(crate) id: String,
}

/// The name of a division, or "" for an unknown code.
pub(crate) fn division_name(store: &anjian_store::Store, code: &str) -> Result<String, ApiError> {
    Ok(store.divisions()?.into_iter().find(|d| d.code == code).map(|d| d.name).unwrap_or_default())
}

/// The enterprise with its division's name, as the detail page shows it.
fn enterprise_json(app: &App, e: &anjian_core::enterprise::Enterprise) -> Result<Value, ApiError> {
    let division_name = division_name(&app.store(), &e.profile.division_code)?;
    let mut v = to_json(e)?;
    v["divisionName"] = json!(division_name);
    Ok(v)
}

fn get_enterprise(app: &App, a: IdArgs) -> Result<Value, ApiError> {
    let e = app.store().enterprise(id(&a.id)?)?;
    enterprise_json(app, &e)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateArgs {
    input: EnterpriseInput,
}

fn create_enterprise(app: &App, a: CreateArgs) -> Result<Value, ApiError> {
    let e = app.store().write(|w| w.insert_enterprise(&a.input, false))?;
    enterprise_json(app, &e)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateArgs {
    id: String,
    rev: String,
    input: EnterpriseInput,
}

fn update_enterprise(app: &App, a: UpdateArgs) -> Result<Value, ApiError> {
    let rev: Hlc = a.rev.parse().map_err(ApiError::bad_request)?;
    let target = id(&a.id)?;
    let e = app.store().write(|w| w.update_enterprise(target, rev, &a.input))?;
    enterprise_json(app, &e)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeArgs {
    code: String,
}

fn check_credit_code(a: CodeArgs) -> Result<Value, ApiError> {
    if a.code.chars().count() > 64 {
        return Err(ApiError::bad_request("信用代码过长"));
    }
    Ok(match credit_code::check(&a.code) {
        Verdict::Ok { normalized } => {
            json!({"status": "ok", "normalized": normalized, "message": "统一社会信用代码校验通过"})
        }
        Verdict::Warning { normalized, problem } => {
            json!({"status": "warning", "normalized": normalized, "problem": problem, "message": problem.message()})
        }
        Verdict::Invalid { problem } => {
            json!({"status": "invalid", "normalized": Value::Null, "problem": problem, "message": problem.message()})
        }
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProfileOut {
    name: String,
    cert_no: String,
    unit: String,
}

fn get_profile(app: &App) -> Result<Value, ApiError> {
    match app.store().profile()? {
        Some(i) => to_json(ProfileOut { name: i.name, cert_no: i.cert_no, unit: i.unit.unwrap_or_default() }),
        None => Ok(Value::Null),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileArgs {
    profile: InspectorInput,
}

fn save_profile(app: &App, a: ProfileArgs) -> Result<Value, ApiError> {
    let i = app.store().write(|w| w.save_profile(&a.profile))?;
    to_json(ProfileOut { name: i.name, cert_no: i.cert_no, unit: i.unit.unwrap_or_default() })
}
