//! Commands of the inspection workflow: checklists, inspections, hazards, the ledger
//! and re-inspection.

use anjian_core::Id;
use anjian_core::checklist::{ScoreAnswer, Template};
use anjian_core::hazard::{HazardStatus, Level};
use anjian_core::inspection::{Answer, AnswerResult, InspectionStatus};
use anjian_core::inspector::InspectorInput;
use anjian_store::{HazardFilter, NewHazard, NewInspection, Signature, Store};
use base64::Engine;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::commands::{IdArgs, args, division_name, id, to_json};
use crate::{ApiError, App};

pub(crate) fn dispatch(app: &App, name: &str, a: Value) -> Result<Value, ApiError> {
    match name {
        "list_templates" => list_templates(app, args(a)?),
        "get_template" => get_template(app, args(a)?),
        "template_problems" => to_json(&app.template_problems),
        "list_inspectors" => list_inspectors(app),
        "save_inspector" => save_inspector(app, args(a)?),
        "get_settings" => get_settings(&app.store()),
        "save_settings" => save_settings(app, args(a)?),
        "start_inspection" => start_inspection(app, args(a)?),
        "list_inspections" => list_inspections(app, args(a)?),
        "get_inspection" => get_inspection(app, args::<IdArgs>(a)?.id),
        "put_answer" => put_answer(app, args(a)?),
        "set_inspection_notes" => set_notes(app, args(a)?),
        "save_finish_draft" => save_finish_draft(app, args(a)?),
        "add_attachment" => add_attachment(app, args(a)?),
        "get_attachment" => get_attachment(app, args(a)?),
        "finish_inspection" => finish_inspection(app, args(a)?),
        "hazard_ledger" => hazard_ledger(app, args(a)?),
        "get_hazard" => get_hazard(app, id(&args::<IdArgs>(a)?.id)?),
        "hazard_history" => to_json(app.store().hazard_history(id(&args::<IdArgs>(a)?.id)?)?),
        "review_hazard" => review_hazard(app, args(a)?),
        "report_rectified" => report_rectified(app, args(a)?),
        _ => crate::documents::dispatch(app, name, a),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SectorArgs {
    sector: Option<String>,
}

fn list_templates(app: &App, a: SectorArgs) -> Result<Value, ApiError> {
    to_json(app.store().templates(a.sector.as_deref())?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateArgs {
    id: String,
    version: u32,
}

fn get_template(app: &App, a: TemplateArgs) -> Result<Value, ApiError> {
    to_json(app.store().template(&a.id, a.version)?)
}

fn inspector_json(i: &anjian_core::inspector::Inspector, self_id: Option<Id>) -> Value {
    json!({ "id": i.id, "name": i.name, "certNo": i.cert_no, "unit": i.unit.clone().unwrap_or_default(), "isSelf": Some(i.id) == self_id })
}

fn list_inspectors(app: &App) -> Result<Value, ApiError> {
    let store = app.store();
    let me = store.profile()?.map(|p| p.id);
    Ok(Value::Array(store.inspectors()?.iter().map(|i| inspector_json(i, me)).collect()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InspectorArgs {
    inspector: InspectorInput,
}

fn save_inspector(app: &App, a: InspectorArgs) -> Result<Value, ApiError> {
    let i = app.store().write(|w| w.put_inspector(&a.inspector))?;
    let me = app.store().profile()?.map(|p| p.id);
    Ok(inspector_json(&i, me))
}

/// Days to rectify by level, until the bureau sets its own.
const DEFAULT_DAYS: (u32, u32) = (30, 90);

fn deadline_days(store: &Store) -> Result<(u32, u32), ApiError> {
    let get = |key: &str, default: u32| -> Result<u32, ApiError> {
        Ok(store.setting(key)?.and_then(|v| v.parse().ok()).unwrap_or(default))
    };
    Ok((get("deadline_days_general", DEFAULT_DAYS.0)?, get("deadline_days_major", DEFAULT_DAYS.1)?))
}

fn get_settings(store: &Store) -> Result<Value, ApiError> {
    let (general, major) = deadline_days(store)?;
    Ok(json!({ "deadlineDaysGeneral": general, "deadlineDaysMajor": major }))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Settings {
    deadline_days_general: u32,
    deadline_days_major: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsArgs {
    settings: Settings,
}

fn save_settings(app: &App, a: SettingsArgs) -> Result<Value, ApiError> {
    for (field, days) in [
        ("deadlineDaysGeneral", a.settings.deadline_days_general),
        ("deadlineDaysMajor", a.settings.deadline_days_major),
    ] {
        if !(1..=365).contains(&days) {
            return Err(ApiError {
                field: Some(field), ..ApiError::new("deadline_invalid", "整改期限应为1到365天")
            });
        }
    }
    let mut store = app.store();
    store.write(|w| {
        w.set_setting("deadline_days_general", &a.settings.deadline_days_general.to_string())?;
        w.set_setting("deadline_days_major", &a.settings.deadline_days_major.to_string())
    })?;
    get_settings(&store)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StartArgs {
    enterprise_id: String,
    template_id: String,
    template_version: u32,
    colleague_id: String,
    #[serde(default)]
    accompanying_person: String,
}

fn start_inspection(app: &App, a: StartArgs) -> Result<Value, ApiError> {
    let enterprise_id = id(&a.enterprise_id)?;
    let colleague = id(&a.colleague_id)?;
    let inspection = {
        let mut store = app.store();
        let me = store.profile()?.ok_or_else(|| ApiError::new("no_profile", "请先在“设置”中填写本人姓名和执法证号"))?;
        if me.id == colleague {
            return Err(ApiError {
                field: Some("colleagueId"),
                ..ApiError::new("same_officer", "现场检查须由两名执法人员进行：请选择另一名执法人员")
            });
        }
        store.write(|w| {
            w.insert_inspection(&NewInspection {
                enterprise_id,
                template_id: a.template_id,
                template_version: a.template_version,
                inspectors: vec![me.id, colleague],
                accompanying_person: Some(a.accompanying_person),
                notes: String::new(),
                started_at: None,
            })
        })?
    };
    get_inspection(app, inspection.id.to_string())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ListArgs {
    status: Option<InspectionStatus>,
    enterprise_id: Option<String>,
}

fn list_inspections(app: &App, a: ListArgs) -> Result<Value, ApiError> {
    let enterprise = a.enterprise_id.as_deref().map(id).transpose()?;
    to_json(app.store().inspections(a.status, enterprise, 200)?)
}

fn score_of(template: &Template, answers: &[Answer]) -> Option<anjian_core::checklist::ScoreSheet> {
    template.score(|code| {
        let a = answers.iter().find(|a| a.item_code == code)?;
        Some(match a.result {
            AnswerResult::NotApplicable => ScoreAnswer::NotApplicable,
            _ => ScoreAnswer::Deducted(a.deducted.unwrap_or(0)),
        })
    })
}

fn get_inspection(app: &App, inspection: String) -> Result<Value, ApiError> {
    let store = app.store();
    let inspection = store.inspection(id(&inspection)?)?;
    let template = store.template(&inspection.template_id, inspection.template_version)?;
    let answers = store.answers(inspection.id)?;
    let enterprise = store.enterprise(inspection.enterprise_id)?;
    let division = division_name(&store, &enterprise.profile.division_code)?;
    let me = store.profile()?.map(|p| p.id);
    let officers: Vec<Value> = inspection
        .inspectors
        .iter()
        .map(|o| store.inspector(*o).map(|i| inspector_json(&i, me)))
        .collect::<Result<_, _>>()?;
    let hazards = store
        .hazard_ledger(&HazardFilter { inspection: Some(inspection.id), limit: 500, ..Default::default() }, today())?;
    // An inspection lists its hazards in the order written (UUIDv7 ids are in creation order).
    let mut hazards: Vec<_> = hazards.items.into_iter().map(|h| h.hazard).collect();
    hazards.sort_by_key(|h| h.id);
    let total = template.items().count();
    Ok(json!({
        "inspection": inspection,
        "enterprise": {
            "id": enterprise.id, "name": enterprise.profile.name, "address": enterprise.profile.address,
            "creditCode": enterprise.profile.credit_code, "divisionName": division,
        },
        "officers": officers,
        "score": score_of(&template, &answers),
        "progress": { "answered": answers.len(), "total": total },
        "answers": answers,
        "template": template,
        "hazards": hazards,
        "signatures": store.signatures(inspection.id)?,
        "finishDraft": store.finish_draft(inspection.id)?,
    }))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AnswerArgs {
    inspection_id: String,
    item_code: String,
    result: AnswerResult,
    note: Option<String>,
    #[serde(default)]
    photos: Vec<String>,
    deducted: Option<u32>,
}

fn put_answer(app: &App, a: AnswerArgs) -> Result<Value, ApiError> {
    let inspection = id(&a.inspection_id)?;
    let mut store = app.store();
    let answer = Answer {
        inspection_id: inspection,
        item_code: a.item_code,
        result: a.result,
        note: a.note,
        photos: a.photos,
        deducted: a.deducted,
    };
    store.write(|w| w.put_answer(&answer))?;
    let current = store.inspection(inspection)?;
    let template = store.template(&current.template_id, current.template_version)?;
    let answers = store.answers(inspection)?;
    Ok(json!({
        "progress": { "answered": answers.len(), "total": template.items().count() },
        "score": score_of(&template, &answers),
    }))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NotesArgs {
    inspection_id: String,
    notes: String,
}

fn set_notes(app: &App, a: NotesArgs) -> Result<Value, ApiError> {
    let inspection = id(&a.inspection_id)?;
    app.store().write(|w| w.set_inspection_notes(inspection, &a.notes))?;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FinishDraftArgs {
    inspection_id: String,
    draft: Value,
}

fn save_finish_draft(app: &App, a: FinishDraftArgs) -> Result<Value, ApiError> {
    let inspection = id(&a.inspection_id)?;
    app.store().write(|w| w.save_finish_draft(inspection, &a.draft))?;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AttachmentArgs {
    mime: String,
    data_base64: String,
}

const PHOTO_TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];

fn add_attachment(app: &App, a: AttachmentArgs) -> Result<Value, ApiError> {
    if !PHOTO_TYPES.contains(&a.mime.as_str()) {
        return Err(ApiError::new("attachment_invalid", "只能添加 JPEG、PNG 或 WebP 格式的照片"));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(a.data_base64.as_bytes())
        .map_err(|_| ApiError::new("attachment_invalid", "照片数据已损坏，请重新选择"))?;
    // The bytes must be the image they claim to be.
    let magic_ok = match a.mime.as_str() {
        "image/jpeg" => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        "image/png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        _ => bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP",
    };
    if !magic_ok {
        return Err(ApiError::new("attachment_invalid", "文件内容与照片格式不符，请选择照片文件"));
    }
    let saved = app.store().write(|w| w.put_attachment(&bytes, &a.mime)).map_err(|e| match e {
        anjian_store::StoreError::Refused(_) => ApiError::new("attachment_invalid", "照片过大（最大32MB）或为空"),
        other => other.into(),
    })?;
    Ok(json!({ "sha256": saved.sha256, "mime": saved.mime, "size": saved.size }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShaArgs {
    sha256: String,
}

fn get_attachment(app: &App, a: ShaArgs) -> Result<Value, ApiError> {
    let (meta, bytes) = app.store().attachment(&a.sha256)?;
    Ok(json!({ "mime": meta.mime, "dataBase64": base64::engine::general_purpose::STANDARD.encode(bytes) }))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct HazardInput {
    item_code: Option<String>,
    description: String,
    level: Level,
    deadline: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FinishArgs {
    inspection_id: String,
    hazards: Vec<HazardInput>,
    signatures: Vec<Signature>,
}

/// The longest rectification period accepted (5 years).
const MAX_DEADLINE_DAYS: u64 = 5 * 366;

/// Today in Beijing.
pub(crate) fn today() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

fn finish_inspection(app: &App, a: FinishArgs) -> Result<Value, ApiError> {
    let inspection_id = id(&a.inspection_id)?;
    {
        let mut store = app.store();
        let inspection = store.inspection(inspection_id)?;
        let mut hazards = Vec::new();
        for h in a.hazards {
            let deadline: NaiveDate = h.deadline.parse().map_err(|_| ApiError {
                field: Some("deadline"),
                ..ApiError::new("deadline_invalid", format!("整改期限“{}”不是有效日期", h.deadline))
            })?;
            if deadline < today() {
                return Err(ApiError {
                    field: Some("deadline"),
                    ..ApiError::new("deadline_invalid", "整改期限不能早于今天")
                });
            }
            if deadline > today() + chrono::Days::new(MAX_DEADLINE_DAYS) {
                return Err(ApiError {
                    field: Some("deadline"),
                    ..ApiError::new("deadline_invalid", "整改期限不能超过5年")
                });
            }
            hazards.push(NewHazard {
                enterprise_id: inspection.enterprise_id,
                inspection_id: Some(inspection_id),
                item_code: h.item_code,
                description: h.description,
                level: h.level,
                deadline,
                found_at: None,
            });
        }
        store.write(|w| w.finish_inspection(inspection_id, &hazards, &a.signatures))?;
    }
    get_inspection(app, a.inspection_id)
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct LedgerArgs {
    status: Option<HazardStatus>,
    overdue: Option<bool>,
    level: Option<Level>,
    division: Option<String>,
    sector: Option<String>,
    enterprise_id: Option<String>,
    found_from: Option<String>,
    found_to: Option<String>,
    text: Option<String>,
    limit: Option<u32>,
    offset: Option<u32>,
}

fn date(field: &'static str, s: Option<String>) -> Result<Option<NaiveDate>, ApiError> {
    let Some(s) = s.filter(|s| !s.is_empty()) else { return Ok(None) };
    let bad = || ApiError { field: Some(field), ..ApiError::bad_request(format!("日期“{s}”无效")) };
    let d: NaiveDate = s.parse().map_err(|_| bad())?;
    // Dates far outside the records' years are typing mistakes (and out of range for date arithmetic).
    if !(2000..=2100).contains(&chrono::Datelike::year(&d)) {
        return Err(bad());
    }
    Ok(Some(d))
}

fn hazard_ledger(app: &App, a: LedgerArgs) -> Result<Value, ApiError> {
    let filter = HazardFilter {
        status: a.status,
        overdue: a.overdue,
        level: a.level,
        division: a.division.filter(|d| !d.is_empty()),
        sector: a.sector.filter(|s| !s.is_empty()),
        enterprise: a.enterprise_id.as_deref().map(id).transpose()?,
        inspection: None,
        hazard: None,
        found_from: date("foundFrom", a.found_from)?,
        found_to: date("foundTo", a.found_to)?,
        text: a.text,
        limit: a.limit.unwrap_or(50),
        offset: a.offset.unwrap_or(0),
    };
    to_json(app.store().hazard_ledger(&filter, today())?)
}

fn get_hazard(app: &App, hazard: Id) -> Result<Value, ApiError> {
    let page =
        app.store().hazard_ledger(&HazardFilter { hazard: Some(hazard), limit: 1, ..Default::default() }, today())?;
    let row = page.items.into_iter().next().ok_or_else(|| ApiError::new("not_found", "未找到该隐患"))?;
    to_json(row)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ReviewArgs {
    hazard_id: String,
    rectified: bool,
    note: String,
    #[serde(default)]
    photos: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ReportArgs {
    hazard_id: String,
    note: String,
    #[serde(default)]
    photos: Vec<String>,
}

fn report_rectified(app: &App, a: ReportArgs) -> Result<Value, ApiError> {
    let hazard = id(&a.hazard_id)?;
    let status = app.store().write(|w| w.report_rectified(hazard, &a.note, &a.photos))?;
    Ok(json!({ "status": status }))
}

fn review_hazard(app: &App, a: ReviewArgs) -> Result<Value, ApiError> {
    let hazard = id(&a.hazard_id)?;
    let status = app.store().write(|w| w.review_hazard(hazard, a.rectified, &a.note, &a.photos))?;
    Ok(json!({ "status": status }))
}
