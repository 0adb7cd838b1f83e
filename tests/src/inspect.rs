//! An inspection done through the app's own commands, as an inspector does it.

use anjian_api::{ApiError, App};
use serde_json::{Value, json};

/// A 1×1 PNG the store accepts as a signature.
pub const SIGNATURE_PNG: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

/// Saves the device's own inspector and a colleague: the colleague's id.
pub fn officers(app: &App, me: (&str, &str), colleague: (&str, &str)) -> Result<Value, ApiError> {
    app.call("save_profile", json!({ "profile": { "name": me.0, "certNo": me.1, "unit": "" } }))?;
    let colleague =
        app.call("save_inspector", json!({ "inspector": { "name": colleague.0, "certNo": colleague.1, "unit": "" } }))?;
    Ok(colleague["id"].clone())
}

/// A finished inspection of `enterprise` with the checklist of `sector`, every item
/// compliant, the given hazards (description, level, deadline) recorded at the finish
/// and signed by both officers (the unit refusing): the inspection's id and the
/// signature's hash.
pub fn inspect(
    app: &App,
    enterprise: &str,
    sector: &str,
    colleague: &Value,
    hazards: &[(String, &str, String)],
) -> Result<(Value, Value), ApiError> {
    let template = app.call("list_templates", json!({ "sector": sector }))?[0].clone();
    let start = json!({ "enterpriseId": enterprise, "templateId": template["id"], "templateVersion": template["version"], "colleagueId": colleague, "accompanyingPerson": "刘芳" });
    finish_started(app, start, hazards)
}

/// A task of 我的任务 done as the page does it: started with the task's enterprise, the
/// checklist of its first sector and the task's colleague, every item compliant, signed.
pub fn inspect_task(app: &App, task: &Value) -> Result<(Value, Value), ApiError> {
    let enterprise = app.call("get_enterprise", json!({ "id": task["enterpriseId"] }))?;
    let sector = enterprise["sectors"][0].clone();
    // The sector's checklist, or any when the sector has none (as the page offers).
    let mut templates = app.call("list_templates", json!({ "sector": sector }))?;
    if templates.as_array().is_none_or(Vec::is_empty) {
        templates = app.call("list_templates", json!({}))?;
    }
    let template = templates[0].clone();
    let start = json!({ "enterpriseId": task["enterpriseId"], "templateId": template["id"], "templateVersion": template["version"], "colleagueId": task["colleagueId"], "taskId": task["id"] });
    finish_started(app, start, &[])
}

/// The checklist's items of an inspection's view, in order, across its sections.
pub fn checklist_items(view: &Value) -> Vec<Value> {
    view["template"]["sections"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["items"].as_array().cloned().unwrap_or_default())
        .collect()
}

fn finish_started(app: &App, start: Value, hazards: &[(String, &str, String)]) -> Result<(Value, Value), ApiError> {
    let view = app.call("start_inspection", start)?;
    let inspection = view["inspection"]["id"].clone();
    for item in checklist_items(&view) {
        app.call("put_answer", json!({ "inspectionId": inspection, "itemCode": item["code"], "result": "compliant", "note": "", "photos": [] }))?;
    }
    let sig =
        app.call("add_attachment", json!({ "mime": "image/png", "dataBase64": SIGNATURE_PNG }))?["sha256"].clone();
    let hazards: Vec<Value> = hazards
        .iter()
        .map(|(description, level, deadline)| json!({ "description": description, "level": level, "deadline": deadline }))
        .collect();
    let signatures = json!([{ "role": "officer1", "sha256": sig }, { "role": "officer2", "sha256": sig }, { "role": "unit", "refused": true }]);
    app.call("finish_inspection", json!({ "inspectionId": inspection, "hazards": hazards, "signatures": signatures }))?;
    Ok((inspection, sig))
}
