//! Commands of the enforcement documents: drafts made from an inspection or a 复查, their
//! preview, issue (number, PDF, kept unchanged), void, lists, export and the settings that
//! fill the fixed wording (bureau, prefix, review body, court).

use anjian_core::Id;
use anjian_core::document::{Document, DocumentKind, DocumentSettings, DocumentStatus};
use anjian_core::inspection::InspectionStatus;
use anjian_docs::compose::{self, Finding, InspectionFacts, IssuedOrder, ReviewOutcome, Wording};
use anjian_docs::snapshot::{Officer, Signature};
use anjian_docs::{Snapshot, check_for_issue, render};
use anjian_store::{DocumentFilter, HazardFilter, IssuedContent, NewDocument, SignatureRole, Store};
use anjian_store::{DocumentSummary, NumberReserve};
use base64::Engine;
use chrono::Datelike;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::convert::{IdArgs, NoArgs, id, optional_id};
use crate::{ApiError, App};

fn shipped() -> Result<Wording, ApiError> {
    Wording::shipped().map_err(|e| ApiError::new("internal", format!("内置文书用语有误：{e}")))
}

fn wording(store: &Store) -> Result<Wording, ApiError> {
    let w = shipped()?;
    let s = settings_over(store, &w)?;
    Ok(w.with(s))
}

const SETTING_KEYS: [&str; 4] = ["doc_bureau", "doc_prefix", "doc_review_body", "doc_court"];

fn document_settings(store: &Store) -> Result<DocumentSettings, ApiError> {
    settings_over(store, &shipped()?)
}

pub(crate) fn get_document_settings(app: &App, _: NoArgs) -> Result<DocumentSettings, ApiError> {
    document_settings(app.store())
}

/// The bureau's settings, each falling back to the shipped wording.
fn settings_over(store: &Store, shipped: &Wording) -> Result<DocumentSettings, ApiError> {
    let get = |key: &str, default: &str| -> Result<String, ApiError> {
        Ok(store.setting(key)?.unwrap_or_else(|| default.to_owned()))
    };
    let d = shipped.settings();
    Ok(DocumentSettings {
        bureau: get(SETTING_KEYS[0], &d.bureau)?,
        prefix: get(SETTING_KEYS[1], &d.prefix)?,
        review_body: get(SETTING_KEYS[2], &d.review_body)?,
        court: get(SETTING_KEYS[3], &d.court)?,
    })
}

#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub(crate) struct SaveDocumentSettingsArgs {
    settings: DocumentSettings,
}

pub(crate) fn save_document_settings(app: &App, a: SaveDocumentSettingsArgs) -> Result<DocumentSettings, ApiError> {
    let s = a.settings.check()?;
    let store = app.store();
    store.write(|w| {
        for (key, value) in SETTING_KEYS.iter().zip([&s.bureau, &s.prefix, &s.review_body, &s.court]) {
            w.set_setting(key, value)?;
        }
        Ok(())
    })?;
    document_settings(store)
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct InspectionArgs {
    inspection_id: String,
}

fn officers(store: &Store, ids: &[Id]) -> Result<Vec<Officer>, ApiError> {
    ids.iter()
        .map(|i| {
            let o = store.inspector(*i)?;
            Ok(Officer { name: o.name, certificate: o.cert_no })
        })
        .collect()
}

fn signature(store: &Store, sig: Option<&anjian_store::Signature>) -> Result<Signature, ApiError> {
    Ok(match sig {
        Some(s) if s.refused => Signature::Refused,
        Some(anjian_store::Signature { sha256: Some(sha), .. }) => {
            let (_, bytes) = store.attachment(sha)?;
            Signature::Drawn { png: base64::engine::general_purpose::STANDARD.encode(bytes) }
        }
        _ => Signature::Blank,
    })
}

/// Makes (or brings up to date) the drafts of a finished inspection: the 现场检查记录,
/// and the 责令限期整改指令书 when hazards were found. Issued ones are left as they are.
pub(crate) fn prepare_documents(app: &App, a: InspectionArgs) -> Result<Vec<DocumentSummary>, ApiError> {
    let inspection_id = id(&a.inspection_id)?;
    let store = app.store();
    let inspection = store.inspection(inspection_id)?;
    if inspection.status != InspectionStatus::Finished {
        return Err(ApiError::new("refused", "检查尚未完成：完成检查（签名）后才能制作文书"));
    }
    let w = wording(store)?;
    let sigs = store.signatures(inspection_id)?;
    let sig = |role: SignatureRole| signature(store, sigs.iter().find(|s| s.role == role));
    let hazards = store
        .hazard_ledger(
            &HazardFilter { inspection: Some(inspection_id), limit: 1000, ..Default::default() },
            crate::convert::today(),
        )?
        .items;
    let facts = InspectionFacts {
        unit: store.enterprise(inspection.enterprise_id)?.profile,
        notes: inspection.notes.clone(),
        started_at: inspection.started_at,
        finished_at: inspection.finished_at.unwrap_or(inspection.started_at),
        officers: officers(store, &inspection.inspectors)?,
        drawn: [sig(SignatureRole::Officer1)?, sig(SignatureRole::Officer2)?],
        accompanying_person: inspection.accompanying_person.clone().unwrap_or_default(),
        unit_signature: sig(SignatureRole::Unit)?,
        hazards: hazards
            .iter()
            .map(|h| Finding { description: h.hazard.description.clone(), deadline: h.hazard.deadline })
            .collect(),
    };
    let (record, order) = compose::inspection_drafts(&facts, &w);
    let mut wanted = vec![(DocumentKind::InspectionRecord, Snapshot::Record(record), Vec::new())];
    if let Some(order) = order {
        wanted.push((
            DocumentKind::RectificationOrder,
            Snapshot::Order(order),
            hazards.iter().map(|h| h.hazard.id).collect(),
        ));
    }
    let existing =
        store.documents(&DocumentFilter { inspection: Some(inspection_id), limit: 100, ..Default::default() })?;
    store.write(|wr| {
        for (kind, snapshot, hazard_ids) in &wanted {
            let json = snapshot_json(snapshot);
            // A kind already issued (and not voided) is not drafted again.
            if existing.iter().any(|d| d.kind == *kind && d.status == DocumentStatus::Issued) {
                continue;
            }
            match existing.iter().find(|d| d.kind == *kind && d.status == DocumentStatus::Draft) {
                Some(d) => wr.replace_draft(d.id, &json, hazard_ids)?,
                None => {
                    wr.insert_document(&NewDocument {
                        kind: *kind,
                        enterprise_id: inspection.enterprise_id,
                        inspection_id: Some(inspection_id),
                        cites: None,
                        hazards: hazard_ids.clone(),
                        snapshot: json,
                    })?;
                }
            }
        }
        Ok(())
    })?;
    Ok(store.documents(&DocumentFilter { inspection: Some(inspection_id), limit: 100, ..Default::default() })?)
}

/// The snapshot as stored: the kind-tagged JSON the renderer reads back.
fn snapshot_json(s: &Snapshot) -> Value {
    serde_json::to_value(s).unwrap_or(Value::Null)
}

fn snapshot_of(doc: &Document) -> Result<Snapshot, ApiError> {
    serde_json::from_value(doc.snapshot.clone()).map_err(|e| ApiError::new("corrupt", format!("文书内容无法读取：{e}")))
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct PrepareReviewArgs {
    order_id: String,
    colleague_id: String,
}

/// Drafts the 整改复查意见书 for an issued order from where its hazards stand now: each
/// hazard re-inspected (复查) is in it under its item number in the order, 已整改 when
/// verified and 未整改 otherwise, with the note of its latest 复查. A hazard not yet
/// re-inspected is not in it: the review says which items it covers.
pub(crate) fn prepare_review(app: &App, a: PrepareReviewArgs) -> Result<DocumentDetail, ApiError> {
    let order_id = id(&a.order_id)?;
    let colleague = id(&a.colleague_id)?;
    let store = app.store();
    let order = store.document(order_id)?;
    if order.kind != DocumentKind::RectificationOrder || order.status != DocumentStatus::Issued {
        return Err(ApiError::new("refused", "只能对已签发且未作废的责令限期整改指令书制作复查意见书"));
    }
    let Snapshot::Order(order_snapshot) = snapshot_of(&order)? else {
        return Err(ApiError::new("corrupt", "整改指令书内容无法读取"));
    };
    let me = store.profile()?.ok_or_else(|| ApiError::new("no_profile", "请先在“设置”中填写本人的执法信息"))?;
    if me.id == colleague {
        return Err(ApiError {
            field: Some("colleagueId"), ..ApiError::new("same_officer", "请选择另一名执法人员")
        });
    }
    let officers = officers(store, &[me.id, colleague])?;
    let w = wording(store)?;
    let hazard_ids = store.document_hazards(order_id)?;
    let mut outcomes = Vec::new();
    let mut covered = Vec::new();
    for (i, hazard) in hazard_ids.iter().enumerate() {
        let history = store.hazard_history(*hazard)?;
        // A 复查 before this order was issued (under an order voided since) is not one of it.
        let since_issue = |at: &str| {
            order.issued_at.is_none_or(|issued| at.parse::<chrono::DateTime<chrono::Utc>>().is_ok_and(|t| t >= issued))
        };
        let Some(last_review) = history.iter().rev().find(|e| e.review.is_some() && since_issue(&e.at)) else {
            continue;
        };
        outcomes.push(ReviewOutcome {
            item: i as u32 + 1,
            rectified: last_review.review.as_deref() == Some("rectified"),
            note: last_review.note.clone().unwrap_or_default(),
        });
        covered.push(*hazard);
    }
    let hazard_ids = covered;
    let number = order.number.as_ref().map(ToString::to_string).unwrap_or_default();
    let cited = IssuedOrder { snapshot: &order_snapshot, number: &number, issued_at: order.issued_at };
    let review = compose::review_draft(&cited, &outcomes, officers, &w, chrono::Utc::now());
    let json = snapshot_json(&Snapshot::Review(review));
    let existing = store.documents(&DocumentFilter { cites: Some(order_id), limit: 100, ..Default::default() })?;
    let draft = existing.iter().find(|d| d.kind == DocumentKind::ReviewOpinion && d.status == DocumentStatus::Draft);
    let doc = store.write(|wr| match draft {
        Some(d) => wr.replace_draft(d.id, &json, &hazard_ids).map(|()| d.id),
        None => wr.insert_document(&NewDocument {
            kind: DocumentKind::ReviewOpinion,
            enterprise_id: order.enterprise_id,
            inspection_id: None,
            cites: Some(order_id),
            hazards: hazard_ids.clone(),
            snapshot: json.clone(),
        }),
    })?;
    detail(app, doc)
}

#[derive(Debug, Deserialize, Default, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[ts(optional_fields)]
pub(crate) struct ListDocumentsArgs {
    status: Option<DocumentStatus>,
    kind: Option<DocumentKind>,
    enterprise_id: Option<String>,
    inspection_id: Option<String>,
    limit: Option<u32>,
    offset: Option<u32>,
}

pub(crate) fn list_documents(app: &App, a: ListDocumentsArgs) -> Result<Vec<DocumentSummary>, ApiError> {
    let filter = DocumentFilter {
        id: None,
        status: a.status,
        kind: a.kind,
        enterprise: optional_id(a.enterprise_id.as_deref())?,
        inspection: optional_id(a.inspection_id.as_deref())?,
        cites: None,
        limit: a.limit.unwrap_or(100),
        offset: a.offset.unwrap_or(0),
    };
    Ok(app.store().documents(&filter)?)
}

/// A document with what its page shows.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DocumentDetail {
    id: Id,
    kind: DocumentKind,
    /// The kind's title, e.g. 责令限期整改指令书.
    title: String,
    number: Option<String>,
    status: DocumentStatus,
    enterprise_id: Id,
    enterprise_name: String,
    inspection_id: Option<Id>,
    cites: Option<Id>,
    created_at: Option<String>,
    issued_at: Option<chrono::DateTime<chrono::Utc>>,
    void_reason: Option<String>,
    pdf_sha256: Option<String>,
    /// The verification code (校验码) printed on every page.
    code: String,
    /// Drafts: why it cannot be issued yet (a Chinese sentence); null when it can, and for issued ones.
    problem: Option<String>,
    #[ts(as = "Snapshot")]
    snapshot: Value,
}

pub(crate) fn get_document(app: &App, a: IdArgs) -> Result<DocumentDetail, ApiError> {
    detail(app, id(&a.id)?)
}

fn detail(app: &App, doc: Id) -> Result<DocumentDetail, ApiError> {
    let store = app.store();
    let d = store.document(doc)?;
    let summary = store
        .documents(&DocumentFilter { id: Some(doc), limit: 1, ..Default::default() })?
        .pop()
        .ok_or_else(|| ApiError::new("not_found", "未找到该文书"))?;
    let snapshot = snapshot_of(&d)?;
    let code = anjian_docs::verification_code(&anjian_docs::content_hash(&snapshot));
    let problem =
        if d.status == DocumentStatus::Draft { issue_problem(store, &snapshot, summary.cites)? } else { None };
    Ok(DocumentDetail {
        id: d.id,
        kind: d.kind,
        title: d.kind.title().to_owned(),
        number: d.number.as_ref().map(ToString::to_string),
        status: d.status,
        enterprise_id: d.enterprise_id,
        enterprise_name: summary.enterprise_name,
        inspection_id: d.inspection_id,
        cites: summary.cites,
        created_at: summary.created_at,
        issued_at: d.issued_at,
        void_reason: d.void_reason,
        pdf_sha256: d.pdf_sha256,
        code,
        problem,
        snapshot: d.snapshot,
    })
}

/// Today in Beijing, as the documents date things.
fn today() -> anjian_docs::snapshot::Date {
    compose::beijing_time(chrono::Utc::now()).date
}

/// Why a draft cannot be issued yet: the rules of the document, and for a review that
/// the order it cites is still issued (the store checks that again when issuing).
fn issue_problem(store: &Store, snapshot: &Snapshot, cites: Option<Id>) -> Result<Option<String>, ApiError> {
    // The citation first: a review of a voided order can never be issued, whatever else.
    if matches!(snapshot, Snapshot::Review(_)) {
        let cited_ok = match cites {
            Some(c) => store.document(c)?.status == DocumentStatus::Issued,
            None => false,
        };
        if !cited_ok {
            return Ok(Some("所引用的整改指令书已作废或未签发，不能据此签发复查意见书".into()));
        }
    }
    Ok(check_for_issue(snapshot, today()).err().map(|e| refusal(&e)))
}

/// What the inspector reads when a draft cannot be issued. A review drafted before the
/// review kept the order's item numbers carries the old wording: made again, it issues.
fn refusal(e: &anjian_docs::IssueError) -> String {
    if e.field == "intro" {
        "这份复查意见书是按旧版格式制作的：请回到整改指令书，重新“制作复查意见书”后再签发".to_owned()
    } else {
        e.to_string()
    }
}

/// The PDF: an issued document's as kept when issued (the legal record); a voided one
/// rendered again marked 已作废 with its reason on every page (the kept file stays as it
/// was); a draft's as it would print now.
fn pdf_bytes(store: &Store, d: &Document) -> Result<(Vec<u8>, usize, String), ApiError> {
    let snapshot = snapshot_of(d)?;
    let internal = |e: anjian_docs::RenderError| ApiError::new("internal", e.to_string());
    match (&d.pdf_sha256, d.status) {
        (Some(sha), DocumentStatus::Issued) => {
            let (_, bytes) = store.attachment(sha)?;
            let code = anjian_docs::verification_code(&anjian_docs::content_hash(&snapshot));
            let pages = anjian_docs::pages_of(&bytes);
            Ok((bytes, pages, code))
        }
        (_, DocumentStatus::Voided) => {
            let r = anjian_docs::render_voided(&snapshot, d.void_reason.as_deref().unwrap_or("")).map_err(internal)?;
            Ok((r.pdf, r.pages, r.code))
        }
        _ => {
            let r = render(&snapshot).map_err(internal)?;
            Ok((r.pdf, r.pages, r.code))
        }
    }
}

#[derive(Debug, Serialize, TS)]
pub(crate) struct DocumentPdf {
    /// The PDF, base64.
    pdf: String,
    #[ts(type = "number")]
    pages: usize,
    #[ts(type = "number")]
    size: usize,
    code: String,
}

pub(crate) fn document_pdf(app: &App, a: IdArgs) -> Result<DocumentPdf, ApiError> {
    let doc = id(&a.id)?;
    let store = app.store();
    let d = store.document(doc)?;
    let (bytes, pages, code) = pdf_bytes(store, &d)?;
    Ok(DocumentPdf { pdf: base64::engine::general_purpose::STANDARD.encode(&bytes), pages, size: bytes.len(), code })
}

/// Issues a draft: checks what the law requires, takes the next number, renders and keeps
/// the PDF, all in one transaction.
pub(crate) fn issue_document(app: &App, a: IdArgs) -> Result<DocumentDetail, ApiError> {
    let doc = id(&a.id)?;
    {
        let store = app.store();
        let draft = store.document(doc)?;
        let snapshot = snapshot_of(&draft)?;
        check_for_issue(&snapshot, today())
            .map_err(|e| ApiError { field: Some(e.field), ..ApiError::new("cannot_issue", refusal(&e)) })?;
        let prefix = document_settings(store)?.prefix;
        // The QR code leads to the district's verification page once the device is paired.
        let server = crate::sync::server_address(store)?;
        let year = anjian_core::beijing::today(chrono::Utc::now()).year();
        store.write(|w| {
            w.issue_document(doc, &prefix, year, |number, _| {
                let numbered = compose::numbered(&snapshot, number.to_string());
                let rendered =
                    anjian_docs::render_for_server(&numbered, server.as_deref()).map_err(|e| e.to_string())?;
                if let Some(c) = rendered.missing_glyphs.first() {
                    return Err(format!("字体中没有字符“{c}”，请改用规范汉字后再签发"));
                }
                Ok(IssuedContent { snapshot: snapshot_json(&numbered), pdf: rendered.pdf })
            })
        })?;
    }
    detail(app, doc)
}

#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub(crate) struct VoidArgs {
    id: String,
    reason: String,
}

pub(crate) fn void_document(app: &App, a: VoidArgs) -> Result<DocumentDetail, ApiError> {
    let doc = id(&a.id)?;
    if a.reason.trim().is_empty() {
        return Err(ApiError { field: Some("reason"), ..ApiError::new("required", "请写明作废原因") });
    }
    app.store().write(|w| w.void_document(doc, &a.reason))?;
    detail(app, doc)
}

/// Where the PDF was written, and whether the system's viewer opened it.
#[derive(Debug, Serialize, TS)]
pub(crate) struct DocumentExport {
    path: String,
    opened: bool,
}

/// Writes the PDF where the system's viewer can open it (and print), and opens it when
/// the shell gave an opener.
pub(crate) fn export_document(app: &App, a: IdArgs) -> Result<DocumentExport, ApiError> {
    let doc = id(&a.id)?;
    let (bytes, name) = {
        let store = app.store();
        let d = store.document(doc)?;
        let (bytes, _, _) = pdf_bytes(store, &d)?;
        let number = d.number.as_ref().map(ToString::to_string);
        let voided = d.status == DocumentStatus::Voided;
        (bytes, compose::file_name(d.kind.title(), number.as_deref(), voided, &d.id.to_string()))
    };
    let dir = &app.print_dir;
    let path = dir.join(&name);
    let io = |e: std::io::Error| ApiError::new("storage", format!("无法保存文书文件：{e}"));
    std::fs::create_dir_all(dir).map_err(io)?;
    // Write beside, then rename: a viewer never sees half a file.
    let partial = dir.join(format!(".{name}.part"));
    std::fs::write(&partial, &bytes).map_err(io)?;
    std::fs::rename(&partial, &path).map_err(io)?;
    let opened = match &app.opener {
        Some(open) => open(&path).is_ok(),
        None => false,
    };
    Ok(DocumentExport { path: path.display().to_string(), opened })
}

pub(crate) fn number_reserve(app: &App, _: NoArgs) -> Result<Vec<NumberReserve>, ApiError> {
    Ok(app.store().number_reserve(anjian_core::beijing::today(chrono::Utc::now()).year())?)
}
