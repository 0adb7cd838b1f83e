//! An image read as the domain's types: ids, clocks, statuses, levels, kinds and
//! instants parsed once, here, with the field that is wrong named in Chinese. The device
//! reads every pulled image through these before it applies one; the server can read a
//! pushed one the same way. What a field may hold beyond its type (lengths, codes) is
//! core's to say.

use anjian_core::Id;
use anjian_core::document::{DocumentKind, DocumentStatus};
use anjian_core::hazard::{HazardStatus, Level};
use anjian_core::hlc::Hlc;
use anjian_core::inspection::{AnswerResult, InspectionStatus};
use std::collections::BTreeMap;

use anjian_core::merge::Versioned;
use chrono::{DateTime, NaiveDate, Utc};

use crate::protocol::is_sha256;
use crate::records::{
    DocumentImage, EnterpriseImage, HazardEventImage, HazardImage, InspectionImage, InspectorImage, SupervisionImage,
    TaskImage,
};

/// A field of an image that does not hold what its type says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what}无效：{value}")]
pub struct ImageError {
    /// The field, in Chinese (检查编号, 隐患状态 …).
    pub what: &'static str,
    pub value: String,
}

fn bad(what: &'static str, value: &str) -> ImageError {
    ImageError { what, value: value.chars().take(80).collect() }
}

pub fn id(what: &'static str, s: &str) -> Result<Id, ImageError> {
    s.parse().map_err(|_| bad(what, s))
}

pub fn rev(s: &str) -> Result<Hlc, ImageError> {
    s.parse().map_err(|_| bad("版本号", s))
}

pub fn instant(what: &'static str, s: &str) -> Result<DateTime<Utc>, ImageError> {
    DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)).map_err(|_| bad(what, s))
}

pub fn day(what: &'static str, s: &str) -> Result<NaiveDate, ImageError> {
    s.parse().map_err(|_| bad(what, s))
}

pub fn sha256(what: &'static str, s: &str) -> Result<(), ImageError> {
    if is_sha256(s) { Ok(()) } else { Err(bad(what, s)) }
}

fn parsed<T>(what: &'static str, s: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T, ImageError> {
    parse(s).ok_or_else(|| bad(what, s))
}

fn optional<T>(s: Option<&str>, parse: impl Fn(&str) -> Result<T, ImageError>) -> Result<Option<T>, ImageError> {
    s.map(parse).transpose()
}

/// An enterprise's image: each field with its clock, ready to merge (`core::merge`).
#[derive(Debug, Clone, PartialEq)]
pub struct Enterprise {
    pub id: Id,
    pub fields: BTreeMap<String, Versioned<serde_json::Value>>,
    pub created_at: DateTime<Utc>,
}

impl EnterpriseImage {
    pub fn typed(&self) -> Result<Enterprise, ImageError> {
        let fields = self
            .fields
            .iter()
            .map(|(name, f)| {
                let base = optional(f.base.as_deref(), rev)?.unwrap_or(Hlc::ZERO);
                Ok((name.clone(), Versioned { value: f.value.clone(), rev: rev(&f.rev)?, base }))
            })
            .collect::<Result<_, ImageError>>()?;
        Ok(Enterprise {
            id: id("单位编号", &self.id)?, fields, created_at: instant("创建时间", &self.created_at)?
        })
    }
}

impl EnterpriseImage {
    /// The profile the fields make, checked as the enterprise form checks it (division
    /// and sector codes against the lists are the receiver's to check).
    pub fn profile(&self) -> Result<anjian_core::enterprise::Profile, ProfileError> {
        let mut fields = serde_json::Map::new();
        for (name, f) in &self.fields {
            // The form's text fields are "" where the profile holds none.
            let value =
                if f.value.is_null() && name != "supervisionClass" { serde_json::json!("") } else { f.value.clone() };
            fields.insert(name.clone(), value);
        }
        let input: anjian_core::enterprise::EnterpriseInput = serde_json::from_value(serde_json::Value::Object(fields))
            .map_err(|e| ProfileError::Shape(bad("单位资料", &e.to_string())))?;
        input.check().map_err(ProfileError::Field)
    }
}

/// Why an enterprise image's fields do not make a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileError {
    /// A field of the wrong type, or one the profile does not have.
    Shape(ImageError),
    /// A field the enterprise form would refuse.
    Field(anjian_core::validate::FieldError),
}

/// An inspector as the domain holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspector {
    pub id: Id,
}

impl InspectorImage {
    pub fn typed(&self) -> Result<Inspector, ImageError> {
        Ok(Inspector { id: id("人员编号", &self.id)? })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub result: AnswerResult,
    pub rev: Hlc,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspection {
    pub id: Id,
    pub enterprise_id: Id,
    pub status: InspectionStatus,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub rev: Hlc,
    pub officers: Vec<Inspector>,
    /// In the image's order.
    pub answers: Vec<Answer>,
}

impl InspectionImage {
    pub fn typed(&self) -> Result<Inspection, ImageError> {
        let answers = self
            .answers
            .iter()
            .map(|a| {
                for p in &a.photos {
                    sha256("照片", p)?;
                }
                Ok(Answer { result: parsed("检查结果", &a.result, AnswerResult::parse)?, rev: rev(&a.rev)? })
            })
            .collect::<Result<_, ImageError>>()?;
        for s in &self.signatures {
            optional(s.sha256.as_deref(), |p| sha256("签名", p))?;
        }
        optional(self.task_id.as_deref(), |t| id("任务编号", t))?;
        Ok(Inspection {
            id: id("检查编号", &self.id)?,
            enterprise_id: id("单位编号", &self.enterprise_id)?,
            status: parsed("检查状态", &self.status, InspectionStatus::parse)?,
            started_at: instant("开始时间", &self.started_at)?,
            finished_at: optional(self.finished_at.as_deref(), |t| instant("完成时间", t))?,
            rev: rev(&self.rev)?,
            officers: self.officers.iter().map(InspectorImage::typed).collect::<Result<_, _>>()?,
            answers,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HazardEvent {
    pub at: DateTime<Utc>,
    pub status: HazardStatus,
    pub rev: Hlc,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hazard {
    pub id: Id,
    pub enterprise_id: Id,
    pub inspection_id: Option<Id>,
    pub level: Level,
    pub deadline: NaiveDate,
    pub status: HazardStatus,
    pub found_at: DateTime<Utc>,
    pub rev: Hlc,
    pub events: Vec<HazardEvent>,
}

impl HazardEventImage {
    pub fn typed(&self) -> Result<HazardEvent, ImageError> {
        for p in &self.photos {
            sha256("照片", p)?;
        }
        Ok(HazardEvent {
            at: instant("记录时间", &self.at)?,
            status: parsed("隐患状态", &self.status, HazardStatus::parse)?,
            rev: rev(&self.rev)?,
        })
    }
}

impl HazardImage {
    pub fn typed(&self) -> Result<Hazard, ImageError> {
        Ok(Hazard {
            id: id("隐患编号", &self.id)?,
            enterprise_id: id("单位编号", &self.enterprise_id)?,
            inspection_id: optional(self.inspection_id.as_deref(), |i| id("检查编号", i))?,
            level: parsed("隐患级别", &self.level, Level::parse)?,
            deadline: day("整改期限", &self.deadline)?,
            status: parsed("隐患状态", &self.status, HazardStatus::parse)?,
            found_at: instant("发现时间", &self.found_at)?,
            rev: rev(&self.rev)?,
            events: self.events.iter().map(HazardEventImage::typed).collect::<Result<_, _>>()?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub id: Id,
    pub kind: DocumentKind,
    pub enterprise_id: Id,
    pub inspection_id: Option<Id>,
    pub status: DocumentStatus,
    pub issued_at: Option<DateTime<Utc>>,
    pub cites: Option<Id>,
    pub rev: Hlc,
    /// The order's hazards by item.
    pub hazards: Vec<Id>,
}

impl DocumentImage {
    pub fn typed(&self) -> Result<Document, ImageError> {
        optional(self.pdf_sha256.as_deref(), |p| sha256("文书文件", p))?;
        Ok(Document {
            id: id("文书编号", &self.id)?,
            kind: parsed("文书种类", &self.kind, DocumentKind::parse)?,
            enterprise_id: id("单位编号", &self.enterprise_id)?,
            inspection_id: optional(self.inspection_id.as_deref(), |i| id("检查编号", i))?,
            status: parsed("文书状态", &self.status, DocumentStatus::parse)?,
            issued_at: optional(self.issued_at.as_deref(), |t| instant("签发时间", t))?,
            cites: optional(self.cites.as_deref(), |i| id("所引文书编号", i))?,
            rev: rev(&self.rev)?,
            hazards: self.hazards.iter().map(|h| id("隐患编号", h)).collect::<Result<_, _>>()?,
        })
    }
}

/// A supervision image as core's type, with its clock; its fields checked as the
/// console's form checks them (any due day: one set earlier keeps its day).
impl SupervisionImage {
    pub fn typed(&self) -> Result<(anjian_core::supervision::Supervision, Hlc), ImageError> {
        use anjian_core::supervision::{Status, Supervision, check_fields};
        let (supervisor, note) = check_fields(&self.supervisor, self.note.as_deref())
            .map_err(|_| bad("督办单位或说明", &self.supervisor))?;
        let supervision = Supervision {
            hazard_id: id("隐患编号", &self.hazard_id)?,
            supervisor,
            due: day("督办期限", &self.due)?,
            status: parsed("督办状态", &self.status, Status::parse)?,
            note,
            set_by: {
                let by = self.set_by.trim();
                if by.is_empty() || by.chars().count() > 50 || by.chars().any(char::is_control) {
                    return Err(bad("督办人", &self.set_by));
                }
                by.to_owned()
            },
            set_at: instant("督办时间", &self.set_at)?,
        };
        Ok((supervision, rev(&self.rev)?))
    }
}

/// A task image as core's values, its fields checked as the console checks them.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub id: Id,
    pub enterprise_id: Id,
    pub due: anjian_core::task::Month,
    pub status: anjian_core::task::Status,
    pub set_at: DateTime<Utc>,
    pub rev: Hlc,
}

/// Where a task comes from: the yearly plan or a 双随机 draw.
pub const TASK_SOURCES: [&str; 2] = ["plan", "draw"];

impl TaskImage {
    pub fn typed(&self) -> Result<Task, ImageError> {
        use anjian_core::task::{Month, Status};
        for o in &self.officers {
            id("执法人员编号", &o.id)?;
        }
        if self.officers.len() != 2 || self.officers[0].cert_no == self.officers[1].cert_no {
            return Err(bad("任务的执法人员（应为两名不同的人员）", &self.officers.len().to_string()));
        }
        if !TASK_SOURCES.contains(&self.source.as_str()) {
            return Err(bad("任务来源", &self.source));
        }
        let source_id = &self.source_id;
        if source_id.is_empty()
            || source_id.len() > 64
            || !source_id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
        {
            return Err(bad("任务来源编号", source_id));
        }
        let title = self.source_title.trim();
        if title.is_empty() || title.chars().count() > 100 || title.chars().any(char::is_control) {
            return Err(bad("任务来源名称", &self.source_title));
        }
        let by = self.set_by.trim();
        if by.is_empty() || by.chars().count() > 50 || by.chars().any(char::is_control) {
            return Err(bad("下达人", &self.set_by));
        }
        Ok(Task {
            id: id("任务编号", &self.id)?,
            enterprise_id: id("单位编号", &self.enterprise_id)?,
            due: parsed("任务月份", &self.due_month, Month::parse)?,
            status: parsed("任务状态", &self.status, Status::parse)?,
            set_at: instant("下达时间", &self.set_at)?,
            rev: rev(&self.rev)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hazard() -> HazardImage {
        HazardImage {
            id: Id::new().to_string(),
            enterprise_id: Id::new().to_string(),
            inspection_id: None,
            item_code: None,
            description: "灭火器过期".into(),
            level: "major".into(),
            deadline: "2026-12-31".into(),
            status: "open".into(),
            found_at: "2026-12-04T02:00:00Z".into(),
            device_id: "d1".into(),
            rev: Hlc { wall_ms: 1_764_813_600_000, counter: 0, node: 7 }.to_string(),
            events: vec![],
        }
    }

    #[test]
    fn a_well_formed_hazard_reads_as_typed_values() {
        let h = hazard().typed().expect("typed");
        assert_eq!(
            (h.level, h.status, h.deadline.to_string()),
            (Level::Major, HazardStatus::Open, "2026-12-31".into())
        );
    }

    #[test]
    fn each_bad_field_is_named() {
        type Edit = fn(&mut HazardImage);
        let cases: [(Edit, &str); 7] = [
            (|h| h.id = "x".into(), "隐患编号"),
            (|h| h.enterprise_id = String::new(), "单位编号"),
            (|h| h.inspection_id = Some("1".into()), "检查编号"),
            (|h| h.level = "huge".into(), "隐患级别"),
            (|h| h.deadline = "2026-02-30".into(), "整改期限"),
            (|h| h.status = "closed".into(), "隐患状态"),
            (|h| h.rev = "soon".into(), "版本号"),
        ];
        for (edit, what) in cases {
            let mut h = hazard();
            edit(&mut h);
            assert_eq!(h.typed().map_err(|e| e.what), Err(what));
        }
    }
}
