//! What a change carries: the whole record as the writing device holds it (its
//! "image"), so applying a change twice, or late, is harmless, and a device that missed
//! a change catches up with the next one. Each record type says how images merge:
//! - enterprise: shared; every field carries the clock of the write that set it and
//!   merges on its own (the later write wins, the loser is kept for review);
//! - inspection, hazard, document: owned by the device that made them; the image with
//!   the later revision wins, except that a hazard's status only moves forward and its
//!   history is the union of both sides', and an issued document never changes;
//! - inspector, attachment: facts that do not change once written;
//! - checklist: published by the bureau, one version never changes;
//! - numberBlock: a block of document numbers the bureau granted to one device;
//! - supervision: a 重大隐患's 挂牌督办, written by the bureau only; the later revision
//!   wins, and a lifted one stays lifted;
//! - task: a planned or drawn inspection, written by the bureau only and sent only to its
//!   officers' devices; the later revision wins, and a cancelled one stays cancelled.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub const ENTERPRISE: &str = "enterprise";
pub const INSPECTOR: &str = "inspector";
pub const INSPECTION: &str = "inspection";
pub const HAZARD: &str = "hazard";
pub const DOCUMENT: &str = "document";
pub const ATTACHMENT: &str = "attachment";
pub const CHECKLIST: &str = "checklist";
pub const NUMBER_BLOCK: &str = "numberBlock";
pub const SUPERVISION: &str = "supervision";
pub const TASK: &str = "task";

/// The op every image change carries: "this is the record now".
pub const OP_PUT: &str = "put";
/// The device id of what the bureau published on the server.
pub const SERVER_DEVICE: &str = "server";

/// One field of a shared record, with the clock of the write that set it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Field {
    pub value: serde_json::Value,
    pub rev: String,
    /// The rev of the value this write replaced on its device: a value the writer had
    /// seen is not reported as overwritten.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnterpriseImage {
    pub id: String,
    /// The profile's fields by their camelCase names (name, creditCode, address,
    /// divisionCode, sectors, …).
    pub fields: BTreeMap<String, Field>,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InspectorImage {
    pub id: String,
    pub name: String,
    pub cert_no: String,
    pub unit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnswerImage {
    pub item_code: String,
    pub result: String,
    pub note: Option<String>,
    pub photos: Vec<String>,
    pub deducted: Option<i64>,
    pub rev: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignatureImage {
    pub role: String,
    pub sha256: Option<String>,
    pub refused: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InspectionImage {
    pub id: String,
    pub enterprise_id: String,
    pub template_id: String,
    pub template_version: i64,
    pub accompanying_person: Option<String>,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub status: String,
    pub notes: String,
    pub device_id: String,
    pub rev: String,
    /// In signing order; matched by 执法证号 on the receiving device.
    pub officers: Vec<InspectorImage>,
    pub answers: Vec<AnswerImage>,
    pub signatures: Vec<SignatureImage>,
    /// The task it was started from; absent (not null) otherwise, so that images written
    /// before tasks existed read and compare as they were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HazardEventImage {
    pub at: String,
    pub status: String,
    pub note: Option<String>,
    pub review: Option<String>,
    pub photos: Vec<String>,
    /// Unique per event across devices: the union of two histories is by rev.
    pub rev: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HazardImage {
    pub id: String,
    pub enterprise_id: String,
    pub inspection_id: Option<String>,
    pub item_code: Option<String>,
    pub description: String,
    pub level: String,
    pub deadline: String,
    pub status: String,
    pub found_at: String,
    pub device_id: String,
    pub rev: String,
    pub events: Vec<HazardEventImage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DocumentImage {
    pub id: String,
    pub kind: String,
    pub enterprise_id: String,
    pub inspection_id: Option<String>,
    pub number: Option<String>,
    /// The snapshot's exact text: an issued document is compared byte for byte.
    pub snapshot: String,
    pub pdf_sha256: Option<String>,
    pub status: String,
    pub issued_at: Option<String>,
    pub void_reason: Option<String>,
    pub cites: Option<String>,
    pub created_at: Option<String>,
    pub device_id: String,
    pub rev: String,
    /// The order's hazards by item.
    pub hazards: Vec<String>,
}

impl DocumentImage {
    pub fn is_issued(&self) -> bool {
        self.status != "draft"
    }

    /// What issuing fixed for ever: two images of an issued document must agree on it.
    pub fn issued_content(&self) -> impl PartialEq + '_ {
        (
            &self.kind,
            &self.enterprise_id,
            &self.inspection_id,
            &self.number,
            &self.snapshot,
            &self.pdf_sha256,
            &self.issued_at,
            &self.cites,
            &self.hazards,
        )
    }

    /// Whether `self` may follow `earlier` (an issued image): only the same content,
    /// voided or not; a voided document stays voided.
    pub fn may_follow(&self, earlier: &DocumentImage) -> Result<(), &'static str> {
        if !earlier.is_issued() {
            return Ok(());
        }
        if !self.is_issued() || self.issued_content() != earlier.issued_content() {
            return Err("已签发的文书不能修改");
        }
        if earlier.status == "voided" && self.status != "voided" {
            return Err("已作废的文书不能恢复");
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AttachmentImage {
    pub sha256: String,
    pub mime: String,
    pub size: u64,
}

/// A checklist version the bureau published: the file as the bureau wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChecklistImage {
    pub id: String,
    pub version: i64,
    pub file_name: String,
    pub body: String,
}

/// Document numbers granted by the bureau to one device (the others ignore it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NumberBlockImage {
    pub device_id: String,
    pub kind: String,
    pub year: i32,
    pub first: u32,
    pub last: u32,
}

/// A hazard's 挂牌督办 as the bureau last set it (one per hazard, keyed by its id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SupervisionImage {
    pub hazard_id: String,
    pub supervisor: String,
    /// 督办期限, a Beijing day.
    pub due: String,
    pub status: String,
    pub note: Option<String>,
    pub set_by: String,
    pub set_at: String,
    pub rev: String,
}

/// A planned or drawn inspection as the bureau last set it: an enterprise, the month it
/// is due in, its two officers (the server's inspector records; a device matches itself
/// by 执法证号).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TaskImage {
    pub id: String,
    pub enterprise_id: String,
    /// `YYYY-MM`.
    pub due_month: String,
    pub officers: Vec<InspectorImage>,
    /// plan (the yearly plan) or draw (双随机).
    pub source: String,
    /// The yearly plan's or the draw's id.
    pub source_id: String,
    /// The plan's or the draw's title, as the task shows where it came from.
    pub source_title: String,
    pub status: String,
    pub set_by: String,
    pub set_at: String,
    pub rev: String,
}

/// A change's payload, typed by its record type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Image {
    Enterprise(EnterpriseImage),
    Inspector(InspectorImage),
    Inspection(InspectionImage),
    Hazard(HazardImage),
    Document(DocumentImage),
    Attachment(AttachmentImage),
    Checklist(ChecklistImage),
    NumberBlock(NumberBlockImage),
    Supervision(SupervisionImage),
    Task(TaskImage),
}

impl Image {
    /// Reads a payload from its JSON text; a record type this version does not know is
    /// an error.
    pub fn parse_json(record_type: &str, json: &str) -> Result<Image, String> {
        let mut d = serde_json::Deserializer::from_str(json);
        let image = Image::decode(record_type, crate::strict::Strict(&mut d))?;
        d.end().map_err(|e| format!("记录格式无效：{e}"))?;
        Ok(image)
    }

    fn decode<'de, D>(record_type: &str, d: D) -> Result<Image, String>
    where
        D: serde::Deserializer<'de>,
        D::Error: std::fmt::Display,
    {
        let bad = |e: D::Error| format!("记录格式无效：{e}");
        Ok(match record_type {
            ENTERPRISE => Image::Enterprise(EnterpriseImage::deserialize(d).map_err(bad)?),
            INSPECTOR => Image::Inspector(InspectorImage::deserialize(d).map_err(bad)?),
            INSPECTION => Image::Inspection(InspectionImage::deserialize(d).map_err(bad)?),
            HAZARD => Image::Hazard(HazardImage::deserialize(d).map_err(bad)?),
            DOCUMENT => Image::Document(DocumentImage::deserialize(d).map_err(bad)?),
            ATTACHMENT => Image::Attachment(AttachmentImage::deserialize(d).map_err(bad)?),
            CHECKLIST => Image::Checklist(ChecklistImage::deserialize(d).map_err(bad)?),
            NUMBER_BLOCK => Image::NumberBlock(NumberBlockImage::deserialize(d).map_err(bad)?),
            SUPERVISION => Image::Supervision(SupervisionImage::deserialize(d).map_err(bad)?),
            TASK => Image::Task(TaskImage::deserialize(d).map_err(bad)?),
            other => return Err(format!("未知的记录类型 {other}")),
        })
    }

    /// The id the change of this image carries: the record's own, a checklist's
    /// `id/version`, a number block's `device/kind/year/first`, a supervision's hazard's.
    pub fn record_id(&self) -> String {
        match self {
            Image::Enterprise(e) => e.id.clone(),
            Image::Inspector(i) => i.id.clone(),
            Image::Inspection(i) => i.id.clone(),
            Image::Hazard(h) => h.id.clone(),
            Image::Document(d) => d.id.clone(),
            Image::Attachment(a) => a.sha256.clone(),
            Image::Checklist(t) => format!("{}/{}", t.id, t.version),
            Image::NumberBlock(b) => format!("{}/{}/{}/{}", b.device_id, b.kind, b.year, b.first),
            Image::Supervision(s) => s.hazard_id.clone(),
            Image::Task(t) => t.id.clone(),
        }
    }

    pub fn record_type(&self) -> &'static str {
        match self {
            Image::Enterprise(_) => ENTERPRISE,
            Image::Inspector(_) => INSPECTOR,
            Image::Inspection(_) => INSPECTION,
            Image::Hazard(_) => HAZARD,
            Image::Document(_) => DOCUMENT,
            Image::Attachment(_) => ATTACHMENT,
            Image::Checklist(_) => CHECKLIST,
            Image::NumberBlock(_) => NUMBER_BLOCK,
            Image::Supervision(_) => SUPERVISION,
            Image::Task(_) => TASK,
        }
    }

    /// The image as a change's payload.
    pub fn payload(&self) -> Box<serde_json::value::RawValue> {
        use serde_json::value::to_raw_value;
        let v = match self {
            Image::Enterprise(i) => to_raw_value(i),
            Image::Inspector(i) => to_raw_value(i),
            Image::Inspection(i) => to_raw_value(i),
            Image::Hazard(i) => to_raw_value(i),
            Image::Document(i) => to_raw_value(i),
            Image::Attachment(i) => to_raw_value(i),
            Image::Checklist(i) => to_raw_value(i),
            Image::NumberBlock(i) => to_raw_value(i),
            Image::Supervision(i) => to_raw_value(i),
            Image::Task(i) => to_raw_value(i),
        };
        // Plain structs of strings and numbers always serialize.
        v.unwrap_or_default()
    }
}
