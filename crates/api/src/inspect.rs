//! Commands of the inspection workflow: checklists, inspections, hazards, the ledger
//! and re-inspection.

use anjian_core::Id;
use anjian_core::checklist::{ScoreAnswer, ScoreSheet, Template};
use anjian_core::hazard::{
    DeadlineDays, DeadlineError, Hazard, HazardStatus, Level, Proposal, check_deadline, deadline_bounds, propose,
};
use anjian_core::inspection::{Answer, AnswerResult, Inspection, InspectionStatus};
use anjian_core::inspector::InspectorInput;
use anjian_core::photo::PhotoType;
use anjian_store::{HazardEvent, HazardPage, HazardRow, InspectionSummary, TemplateProblem, TemplateSummary};
use anjian_store::{HazardFilter, NewHazard, NewInspection, Signature, Store};
use base64::Engine;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::convert::{Done, IdArgs, NoArgs, date, division_name, id, today};
use crate::{ApiError, App};

#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub(crate) struct SectorArgs {
    #[ts(optional)]
    sector: Option<String>,
}

pub(crate) fn list_templates(app: &App, a: SectorArgs) -> Result<Vec<TemplateSummary>, ApiError> {
    Ok(app.store().templates(a.sector.as_deref())?)
}

#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub(crate) struct TemplateArgs {
    id: String,
    version: u32,
}

pub(crate) fn get_template(app: &App, a: TemplateArgs) -> Result<Template, ApiError> {
    Ok(app.store().template(&a.id, a.version)?)
}

/// Bundled checklist files refused at start (empty when all are good).
pub(crate) fn template_problems(app: &App, _: NoArgs) -> Result<Vec<TemplateProblem>, ApiError> {
    Ok(app.template_problems.clone())
}

/// An officer as the forms show one: whether it is this device's own inspector.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "Inspector")]
pub(crate) struct InspectorView {
    id: Id,
    name: String,
    cert_no: String,
    unit: String,
    is_self: bool,
}

impl InspectorView {
    fn new(i: anjian_core::inspector::Inspector, self_id: Option<Id>) -> Self {
        InspectorView {
            id: i.id,
            is_self: Some(i.id) == self_id,
            name: i.name,
            cert_no: i.cert_no,
            unit: i.unit.unwrap_or_default(),
        }
    }
}

pub(crate) fn list_inspectors(app: &App, _: NoArgs) -> Result<Vec<InspectorView>, ApiError> {
    let store = app.store();
    let me = store.profile()?.map(|p| p.id);
    Ok(store.inspectors()?.into_iter().map(|i| InspectorView::new(i, me)).collect())
}

#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub(crate) struct SaveInspectorArgs {
    inspector: InspectorInput,
}

pub(crate) fn save_inspector(app: &App, a: SaveInspectorArgs) -> Result<InspectorView, ApiError> {
    let i = app.store().write(|w| w.put_inspector(&a.inspector))?;
    let me = app.store().profile()?.map(|p| p.id);
    Ok(InspectorView::new(i, me))
}

fn deadline_days(store: &Store) -> Result<DeadlineDays, ApiError> {
    let default = DeadlineDays::DEFAULT;
    let get = |key: &str, default: u32| -> Result<u32, ApiError> {
        Ok(store.setting(key)?.and_then(|v| v.parse().ok()).unwrap_or(default))
    };
    Ok(DeadlineDays {
        deadline_days_general: get("deadline_days_general", default.deadline_days_general)?,
        deadline_days_major: get("deadline_days_major", default.deadline_days_major)?,
    })
}

pub(crate) fn get_settings(app: &App, _: NoArgs) -> Result<DeadlineDays, ApiError> {
    deadline_days(app.store())
}

/// What the finish page starts from: a hazard for each 不符合 item, the deadline a hazard
/// added by hand gets, and the days a deadline may lie between.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct HazardProposals {
    proposals: Vec<Proposal>,
    /// The settings the defaults come from, for the page to say.
    days: DeadlineDays,
    general_deadline: NaiveDate,
    major_deadline: NaiveDate,
    earliest_deadline: NaiveDate,
    latest_deadline: NaiveDate,
}

pub(crate) fn hazard_proposals(app: &App, a: IdArgs) -> Result<HazardProposals, ApiError> {
    let store = app.store();
    let inspection = store.inspection(id(&a.id)?)?;
    let template = store.template(&inspection.template_id, inspection.template_version)?;
    let answers = store.answers(inspection.id)?;
    let days = deadline_days(store)?;
    let today = today();
    let (earliest_deadline, latest_deadline) = deadline_bounds(today);
    Ok(HazardProposals {
        proposals: propose(&template, &answers, days, today),
        days,
        general_deadline: days.deadline(Level::General, today),
        major_deadline: days.deadline(Level::Major, today),
        earliest_deadline,
        latest_deadline,
    })
}

#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub(crate) struct SaveSettingsArgs {
    settings: DeadlineDays,
}

pub(crate) fn save_settings(app: &App, a: SaveSettingsArgs) -> Result<DeadlineDays, ApiError> {
    let days = a.settings.check().map_err(deadline_error)?;
    let store = app.store();
    store.write(|w| {
        w.set_setting("deadline_days_general", &days.deadline_days_general.to_string())?;
        w.set_setting("deadline_days_major", &days.deadline_days_major.to_string())
    })?;
    deadline_days(store)
}

fn deadline_error(e: DeadlineError) -> ApiError {
    ApiError { field: Some(e.field()), ..ApiError::new("deadline_invalid", e.to_string()) }
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct StartInspectionArgs {
    enterprise_id: String,
    template_id: String,
    template_version: u32,
    colleague_id: String,
    #[serde(default)]
    accompanying_person: String,
    /// The task it does (我的任务): its enterprise and officers must be the task's.
    #[ts(optional)]
    task_id: Option<String>,
}

/// 我的任务: the tasks the bureau gave this device's inspector (none before 设置 names one).
pub(crate) fn list_tasks(app: &App, _: NoArgs) -> Result<Vec<anjian_store::TaskRow>, ApiError> {
    let store = app.store();
    let Some(me) = store.profile()? else { return Ok(Vec::new()) };
    Ok(store.tasks(me.id, today())?)
}

pub(crate) fn start_inspection(app: &App, a: StartInspectionArgs) -> Result<InspectionView, ApiError> {
    let enterprise_id = id(&a.enterprise_id)?;
    let colleague = id(&a.colleague_id)?;
    let task_id = a.task_id.as_deref().map(id).transpose()?;
    let inspection = {
        let store = app.store();
        let me = store.profile()?.ok_or_else(|| ApiError::new("no_profile", "请先在“设置”中填写本人姓名和执法证号"))?;
        if Inspection::check_officers(&[me.id, colleague]).is_err() {
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
                task_id,
            })
        })?
    };
    view(app, inspection.id)
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ListInspectionsArgs {
    #[ts(optional)]
    status: Option<InspectionStatus>,
    #[ts(optional)]
    enterprise_id: Option<String>,
}

pub(crate) fn list_inspections(app: &App, a: ListInspectionsArgs) -> Result<Vec<InspectionSummary>, ApiError> {
    let enterprise = a.enterprise_id.as_deref().map(id).transpose()?;
    Ok(app.store().inspections(a.status, enterprise, 200)?)
}

fn score_of(template: &Template, answers: &[Answer]) -> Option<ScoreSheet> {
    template.score(|code| {
        let a = answers.iter().find(|a| a.item_code == code)?;
        Some(match a.result {
            AnswerResult::NotApplicable => ScoreAnswer::NotApplicable,
            _ => ScoreAnswer::Deducted(a.deducted.unwrap_or(0)),
        })
    })
}

/// The enterprise an inspection is of, as its pages show it.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InspectedEnterprise {
    id: Id,
    name: String,
    address: String,
    credit_code: String,
    division_name: String,
}

#[derive(Debug, Serialize, TS)]
pub(crate) struct Progress {
    #[ts(type = "number")]
    answered: usize,
    #[ts(type = "number")]
    total: usize,
}

/// An inspection with everything its pages show.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InspectionView {
    inspection: Inspection,
    enterprise: InspectedEnterprise,
    /// [first officer (this machine's inspector), colleague]
    officers: Vec<InspectorView>,
    score: Option<ScoreSheet>,
    progress: Progress,
    answers: Vec<Answer>,
    template: Template,
    hazards: Vec<Hazard>,
    signatures: Vec<Signature>,
    /// The finish page's saved edits as the UI wrote them (save_finish_draft), or null;
    /// dropped when the inspection finishes.
    #[ts(type = "Record<string, unknown> | null")]
    finish_draft: Option<Value>,
}

pub(crate) fn get_inspection(app: &App, a: IdArgs) -> Result<InspectionView, ApiError> {
    view(app, id(&a.id)?)
}

fn view(app: &App, inspection: Id) -> Result<InspectionView, ApiError> {
    let store = app.store();
    let inspection = store.inspection(inspection)?;
    let template = store.template(&inspection.template_id, inspection.template_version)?;
    let answers = store.answers(inspection.id)?;
    let enterprise = store.enterprise(inspection.enterprise_id)?;
    let division = division_name(store, &enterprise.profile.division_code)?;
    let me = store.profile()?.map(|p| p.id);
    let officers: Vec<InspectorView> = inspection
        .inspectors
        .iter()
        .map(|o| store.inspector(*o).map(|i| InspectorView::new(i, me)))
        .collect::<Result<_, _>>()?;
    let hazards = store
        .hazard_ledger(&HazardFilter { inspection: Some(inspection.id), limit: 500, ..Default::default() }, today())?;
    // An inspection lists its hazards in the order written (UUIDv7 ids are in creation order).
    let mut hazards: Vec<_> = hazards.items.into_iter().map(|h| h.hazard).collect();
    hazards.sort_by_key(|h| h.id);
    let total = template.items().count();
    Ok(InspectionView {
        enterprise: InspectedEnterprise {
            id: enterprise.id,
            name: enterprise.profile.name,
            address: enterprise.profile.address,
            credit_code: enterprise.profile.credit_code,
            division_name: division,
        },
        officers,
        score: score_of(&template, &answers),
        progress: Progress { answered: answers.len(), total },
        signatures: store.signatures(inspection.id)?,
        finish_draft: store.finish_draft(inspection.id)?,
        inspection,
        answers,
        template,
        hazards,
    })
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct PutAnswerArgs {
    inspection_id: String,
    item_code: String,
    result: AnswerResult,
    #[ts(optional)]
    note: Option<String>,
    /// sha256 of attachments (add_attachment).
    #[serde(default)]
    photos: Vec<String>,
    /// Points deducted (scored checklists, result nonCompliant).
    #[ts(optional)]
    deducted: Option<u32>,
}

#[derive(Debug, Serialize, TS)]
pub(crate) struct PutAnswerResult {
    progress: Progress,
    score: Option<ScoreSheet>,
}

pub(crate) fn put_answer(app: &App, a: PutAnswerArgs) -> Result<PutAnswerResult, ApiError> {
    let inspection = id(&a.inspection_id)?;
    let store = app.store();
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
    Ok(PutAnswerResult {
        progress: Progress { answered: answers.len(), total: template.items().count() },
        score: score_of(&template, &answers),
    })
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct NotesArgs {
    inspection_id: String,
    notes: String,
}

pub(crate) fn set_notes(app: &App, a: NotesArgs) -> Result<Done, ApiError> {
    let inspection = id(&a.inspection_id)?;
    app.store().write(|w| w.set_inspection_notes(inspection, &a.notes))?;
    Ok(Done {})
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct SaveFinishDraftArgs {
    inspection_id: String,
    /// The UI's own shape (FinishDraft), kept as it comes.
    #[ts(type = "FinishDraft")]
    draft: Value,
}

pub(crate) fn save_finish_draft(app: &App, a: SaveFinishDraftArgs) -> Result<Done, ApiError> {
    let inspection = id(&a.inspection_id)?;
    app.store().write(|w| w.save_finish_draft(inspection, &a.draft))?;
    Ok(Done {})
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct AddAttachmentArgs {
    #[ts(as = "PhotoType")]
    mime: String,
    data_base64: String,
}

#[derive(Debug, Serialize, TS)]
pub(crate) struct AttachmentRef {
    sha256: String,
    mime: String,
    #[ts(type = "number")]
    size: u64,
}

pub(crate) fn add_attachment(app: &App, a: AddAttachmentArgs) -> Result<AttachmentRef, ApiError> {
    let Some(kind) = PhotoType::from_mime(&a.mime) else {
        return Err(ApiError::new("attachment_invalid", "只能添加 JPEG、PNG 或 WebP 格式的照片"));
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(a.data_base64.as_bytes())
        .map_err(|_| ApiError::new("attachment_invalid", "照片数据已损坏，请重新选择"))?;
    if !kind.matches(&bytes) {
        return Err(ApiError::new("attachment_invalid", "文件内容与照片格式不符，请选择照片文件"));
    }
    let saved = app.store().write(|w| w.put_attachment(&bytes, &a.mime)).map_err(|e| match e {
        anjian_store::StoreError::Refused(_) => ApiError::new("attachment_invalid", "照片过大（最大32MB）或为空"),
        other => other.into(),
    })?;
    Ok(AttachmentRef { sha256: saved.sha256, mime: saved.mime, size: saved.size })
}

#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub(crate) struct AttachmentArgs {
    sha256: String,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AttachmentData {
    mime: String,
    data_base64: String,
}

pub(crate) fn get_attachment(app: &App, a: AttachmentArgs) -> Result<AttachmentData, ApiError> {
    let (meta, bytes) = app.store().attachment(&a.sha256)?;
    Ok(AttachmentData { mime: meta.mime, data_base64: base64::engine::general_purpose::STANDARD.encode(bytes) })
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct HazardInput {
    #[ts(optional)]
    item_code: Option<String>,
    description: String,
    level: Level,
    /// YYYY-MM-DD
    deadline: String,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct FinishInspectionArgs {
    inspection_id: String,
    hazards: Vec<HazardInput>,
    signatures: Vec<SignatureInput>,
}

/// A signature as the finish page sends it: a drawn one's attachment, or a refusal.
#[derive(Debug, Deserialize, TS)]
pub(crate) struct SignatureInput {
    role: anjian_store::SignatureRole,
    #[ts(optional)]
    sha256: Option<String>,
    #[serde(default)]
    #[ts(as = "Option<bool>", optional)]
    refused: bool,
}

impl From<SignatureInput> for Signature {
    fn from(s: SignatureInput) -> Signature {
        Signature { role: s.role, sha256: s.sha256, refused: s.refused }
    }
}

pub(crate) fn finish_inspection(app: &App, a: FinishInspectionArgs) -> Result<InspectionView, ApiError> {
    let inspection_id = id(&a.inspection_id)?;
    {
        let store = app.store();
        let inspection = store.inspection(inspection_id)?;
        let today = today();
        let mut hazards = Vec::new();
        for h in a.hazards {
            let deadline: NaiveDate = h.deadline.parse().map_err(|_| ApiError {
                field: Some("deadline"),
                ..ApiError::new("deadline_invalid", format!("整改期限“{}”不是有效日期", h.deadline))
            })?;
            check_deadline(deadline, today).map_err(deadline_error)?;
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
        let signatures: Vec<Signature> = a.signatures.into_iter().map(Signature::from).collect();
        store.write(|w| w.finish_inspection(inspection_id, &hazards, &signatures))?;
    }
    view(app, inspection_id)
}

/// hazard_ledger arguments; every field narrows, an absent one does not. Dates "YYYY-MM-DD".
#[derive(Debug, Deserialize, Default, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[ts(optional_fields)]
pub(crate) struct LedgerFilter {
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

pub(crate) fn hazard_ledger(app: &App, a: LedgerFilter) -> Result<HazardPage, ApiError> {
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
    Ok(app.store().hazard_ledger(&filter, today())?)
}

pub(crate) fn get_hazard(app: &App, a: IdArgs) -> Result<HazardRow, ApiError> {
    let hazard = id(&a.id)?;
    let page =
        app.store().hazard_ledger(&HazardFilter { hazard: Some(hazard), limit: 1, ..Default::default() }, today())?;
    let row = page.items.into_iter().next().ok_or_else(|| ApiError::new("not_found", "未找到该隐患"))?;
    Ok(row)
}

/// Every status the hazard has had, oldest first.
pub(crate) fn hazard_history(app: &App, a: IdArgs) -> Result<Vec<HazardEvent>, ApiError> {
    Ok(app.store().hazard_history(id(&a.id)?)?)
}

/// 复查: rectified closes the hazard (verified); not rectified keeps its status, with the
/// finding in its history.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ReviewInput {
    hazard_id: String,
    rectified: bool,
    note: String,
    #[serde(default)]
    photos: Vec<String>,
}

/// 单位已报告整改完成 (recorded by an officer): open → rectified, awaiting 复查.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct RectifiedReportInput {
    hazard_id: String,
    note: String,
    #[serde(default)]
    photos: Vec<String>,
}

/// The hazard's status after a report or a 复查.
#[derive(Debug, Serialize, TS)]
pub(crate) struct ReviewResult {
    status: HazardStatus,
}

pub(crate) fn report_rectified(app: &App, a: RectifiedReportInput) -> Result<ReviewResult, ApiError> {
    let hazard = id(&a.hazard_id)?;
    let status = app.store().write(|w| w.report_rectified(hazard, &a.note, &a.photos))?;
    Ok(ReviewResult { status })
}

pub(crate) fn review_hazard(app: &App, a: ReviewInput) -> Result<ReviewResult, ApiError> {
    let hazard = id(&a.hazard_id)?;
    let status = app.store().write(|w| w.review_hazard(hazard, a.rectified, &a.note, &a.photos))?;
    Ok(ReviewResult { status })
}
