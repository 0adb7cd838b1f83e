//! What a change may do to the district's records: one rule set, for the device when it
//! applies a pulled change and for the server when it accepts a pushed one.
//! - An inspection, a hazard's own fields and a document belong to the device that first
//!   wrote them; another device may only move a hazard's status forward and add events
//!   (a 复查 by another inspector). A hazard's own fields are fixed when its inspection
//!   finishes: not even its own device changes them (every holder keeps the first).
//! - A finished inspection never changes, not even from its own device; an issued
//!   document only becomes voided; a hazard's status never moves back.
//! - An inspector record does not change once written.
//! - No revision may lie more than a day ahead of the receiver's clock.

use anjian_core::hlc::{Hlc, MAX_AHEAD_MS};
use anjian_core::inspection::InspectionStatus;

use crate::records::{HazardImage, Image, InspectionImage};
use crate::typed::ImageError;

/// Why a change is refused: said to the inspector on the device, kept for the bureau.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("{0}")]
    Malformed(#[from] ImageError),
    #[error("设备时钟比服务器快一天以上：请把本机的日期和时间设准，然后重新同步")]
    ClockAhead,
    #[error("{0}只能由制作它的设备修改")]
    NotOwner(&'static str),
    #[error("已完成的检查不能再修改")]
    FinishedInspection,
    #[error("隐患的内容（单位、检查项、描述、级别、整改期限）发现时已确定，不能修改，只能复查")]
    HazardFields,
    #[error("隐患状态不能倒退")]
    StatusBack,
    #[error("执法人员信息写入后不能修改")]
    InspectorChanged,
    #[error("已摘牌的督办不能恢复")]
    SupervisionLifted,
    #[error("已取消的任务不能恢复")]
    TaskCancelled,
    #[error("单位的监管分类由区局在控制台设定，设备不能修改")]
    BureauClass,
    #[error("{0}只能由区局发布")]
    BureauOnly(&'static str),
    #[error("{0}")]
    IssuedDocument(&'static str),
    #[error("{}", .0.message())]
    Field(anjian_core::validate::FieldError),
}

/// The record as the receiving side holds it, and the device that first wrote it.
#[derive(Debug, Clone, Copy)]
pub struct Prior<'a> {
    pub image: &'a Image,
    pub owner: &'a str,
}

/// Whether `next`, written by device `writer`, may follow what the receiver holds.
pub fn may_accept(prior: Option<Prior<'_>>, next: &Image, writer: &str) -> Result<(), Refusal> {
    if let Image::Enterprise(after) = next
        && writer != crate::records::SERVER_DEVICE
    {
        device_class(prior.map(|p| p.image), after)?;
    }
    let Some(prior) = prior else { return Ok(()) };
    match (prior.image, next) {
        (Image::Inspection(before), Image::Inspection(after)) => {
            if prior.owner != writer {
                return Err(Refusal::NotOwner("检查记录"));
            }
            let finished = before.typed()?.status == InspectionStatus::Finished;
            if finished && !same_inspection(before, after) {
                return Err(Refusal::FinishedInspection);
            }
            Ok(())
        }
        (Image::Hazard(before), Image::Hazard(after)) => {
            // Lower than what is held is a move back only from a writer that had seen the
            // later state (it carries all the held events); else it is an earlier state
            // written meanwhile, and status merges forward wherever it arrives.
            let seen_all = before.events.iter().all(|e| after.events.iter().any(|a| a.rev == e.rev));
            if seen_all && after.typed()?.status < before.typed()?.status {
                return Err(Refusal::StatusBack);
            }
            // Written when its inspection finished (which never changes), by no one
            // after: every holder keeps the fields it first saw.
            if own_fields(before) != own_fields(after) {
                return Err(Refusal::HazardFields);
            }
            Ok(())
        }
        (Image::Document(before), Image::Document(after)) => {
            if prior.owner != writer {
                return Err(Refusal::NotOwner("执法文书"));
            }
            after.may_follow(before).map_err(Refusal::IssuedDocument)
        }
        (Image::Supervision(before), Image::Supervision(after)) => {
            let (held, next) = (before.typed()?.0.status, after.typed()?.0.status);
            if anjian_core::supervision::may_follow(held, next) { Ok(()) } else { Err(Refusal::SupervisionLifted) }
        }
        (Image::Task(before), Image::Task(after)) => {
            let (held, next) = (before.typed()?.status, after.typed()?.status);
            if anjian_core::task::Status::may_follow(held, next) { Ok(()) } else { Err(Refusal::TaskCancelled) }
        }
        (Image::Inspector(before), Image::Inspector(after)) => {
            if before == after {
                Ok(())
            } else {
                Err(Refusal::InspectorChanged)
            }
        }
        _ => Ok(()),
    }
}

/// A device carries an enterprise's class as it last held it: a class field newer than
/// the one held (or a class on an enterprise the district does not hold yet) is a device
/// setting it, which only the bureau does.
fn device_class(prior: Option<&Image>, after: &crate::records::EnterpriseImage) -> Result<(), Refusal> {
    use anjian_core::enterprise::CLASS_FIELD;
    let Some(next) = after.fields.get(CLASS_FIELD) else { return Ok(()) };
    let held = match prior {
        Some(Image::Enterprise(before)) => before.fields.get(CLASS_FIELD),
        _ => None,
    };
    let setting = match held {
        Some(held) => crate::typed::rev(&next.rev)? > crate::typed::rev(&held.rev)? && next.value != held.value,
        None => !next.value.is_null(),
    };
    if setting { Err(Refusal::BureauClass) } else { Ok(()) }
}

/// How far a device's clock may differ from the server's before the 同步 page warns.
pub const CLOCK_WARN_MS: i64 = 5 * 60 * 1000;

/// Whether a device clock `skew_ms` off the server's is worth a warning.
pub fn clock_is_off(skew_ms: i64) -> bool {
    skew_ms.abs() > CLOCK_WARN_MS
}

/// Whether every field of an image holds what its type says (`typed`).
/// Whether every field of an image holds what its type says (`typed`) and what the app's
/// own forms would take (lengths, the credit code, the officers' certificates).
pub fn well_formed(image: &Image) -> Result<(), Refusal> {
    use anjian_core::inspector::InspectorInput;
    let officer = |i: &crate::records::InspectorImage| {
        InspectorInput { name: i.name.clone(), cert_no: i.cert_no.clone(), unit: i.unit.clone().unwrap_or_default() }
            .check()
            .map(drop)
    };
    match image {
        Image::Enterprise(e) => {
            e.typed()?;
            e.profile().map_err(|p| match p {
                crate::typed::ProfileError::Shape(e) => Refusal::Malformed(e),
                crate::typed::ProfileError::Field(f) => Refusal::Field(f),
            })?;
        }
        Image::Inspector(i) => {
            i.typed()?;
            officer(i).map_err(Refusal::Field)?;
        }
        Image::Inspection(i) => {
            i.typed()?;
            for o in &i.officers {
                officer(o).map_err(Refusal::Field)?;
            }
        }
        Image::Hazard(h) => {
            h.typed()?;
            anjian_core::hazard::check_description(&h.description).map_err(Refusal::Field)?;
        }
        Image::Document(d) => {
            d.typed()?;
        }
        Image::Attachment(a) => crate::typed::sha256("附件", &a.sha256)?,
        Image::Supervision(s) => {
            s.typed()?;
        }
        Image::Task(t) => {
            t.typed()?;
            for o in &t.officers {
                officer(o).map_err(Refusal::Field)?;
            }
        }
        Image::Checklist(_) | Image::NumberBlock(_) => {}
    }
    Ok(())
}

/// Whether an enterprise image names a division and sectors of the district's lists
/// (other images name none).
pub fn in_reference(image: &Image, divisions: &[String], sectors: &[String]) -> Result<(), Refusal> {
    use anjian_core::validate::{FieldError, Rule};
    let Image::Enterprise(e) = image else { return Ok(()) };
    let Ok(profile) = e.profile() else { return Ok(()) };
    if !divisions.contains(&profile.division_code) {
        return Err(Refusal::Field(FieldError::new("divisionCode", Rule::UnknownDivision)));
    }
    if profile.sectors.iter().any(|s| !sectors.contains(s)) {
        return Err(Refusal::Field(FieldError::new("sectors", Rule::UnknownSector)));
    }
    Ok(())
}

/// Whether the rules look at what is held of this record (the others only at clocks).
pub fn governed(image: &Image) -> bool {
    matches!(
        image,
        Image::Inspection(_)
            | Image::Hazard(_)
            | Image::Document(_)
            | Image::Inspector(_)
            | Image::Supervision(_)
            | Image::Task(_)
    )
}

/// What only the bureau publishes (checklists, number blocks, 挂牌督办, tasks): refused from a
/// device's push, and taken on a device only from the server.
pub fn bureau_only(image: &Image) -> Result<(), Refusal> {
    match image {
        Image::Checklist(_) => Err(Refusal::BureauOnly("检查表")),
        Image::NumberBlock(_) => Err(Refusal::BureauOnly("文书编号段")),
        Image::Supervision(_) => Err(Refusal::BureauOnly("挂牌督办")),
        Image::Task(_) => Err(Refusal::BureauOnly("检查任务")),
        _ => Ok(()),
    }
}

/// An inspection's content, whatever clock it was last sent under and whatever ids the
/// receiver knows its officers by (officers are matched by 执法证号).
fn same_inspection(a: &InspectionImage, b: &InspectionImage) -> bool {
    let content = |i: &InspectionImage| {
        let mut i = InspectionImage { rev: String::new(), ..i.clone() };
        for o in &mut i.officers {
            o.id.clear();
        }
        i
    };
    content(a) == content(b)
}

/// What only the device that found a hazard may change.
fn own_fields(h: &HazardImage) -> impl PartialEq + '_ {
    (&h.enterprise_id, &h.inspection_id, &h.item_code, &h.description, &h.level, &h.deadline, &h.found_at, &h.device_id)
}

/// Every clock an image carries: a shared record's fields', an inspection's answers', a
/// hazard's events'.
pub fn revisions(image: &Image) -> Vec<&str> {
    match image {
        Image::Enterprise(e) => e.fields.values().map(|f| f.rev.as_str()).collect(),
        Image::Inspection(i) => {
            std::iter::once(i.rev.as_str()).chain(i.answers.iter().map(|a| a.rev.as_str())).collect()
        }
        Image::Hazard(h) => std::iter::once(h.rev.as_str()).chain(h.events.iter().map(|e| e.rev.as_str())).collect(),
        Image::Document(d) => vec![d.rev.as_str()],
        Image::Supervision(s) => vec![s.rev.as_str()],
        Image::Task(t) => vec![t.rev.as_str()],
        _ => Vec::new(),
    }
}

/// A change's clocks against the receiver's: none more than a day ahead.
pub fn check_clocks<'a>(revs: impl IntoIterator<Item = &'a str>, now_ms: u64) -> Result<(), Refusal> {
    for r in revs {
        let rev: Hlc = crate::typed::rev(r)?;
        if rev.wall_ms > now_ms.saturating_add(MAX_AHEAD_MS) {
            return Err(Refusal::ClockAhead);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{AnswerImage, DocumentImage, HazardEventImage, InspectorImage};
    use anjian_core::Id;

    const NOW: u64 = 1_764_813_600_000;

    fn rev(ms: u64) -> String {
        Hlc { wall_ms: ms, counter: 0, node: 1 }.to_string()
    }

    fn inspection(status: &str, notes: &str) -> Image {
        Image::Inspection(InspectionImage {
            id: "0190c2a5-8b1e-7c3d-9f00-000000000001".into(),
            enterprise_id: "0190c2a5-8b1e-7c3d-9f00-000000000002".into(),
            template_id: "fireworks".into(),
            template_version: 1,
            accompanying_person: None,
            started_at: "2026-12-04T01:00:00Z".into(),
            finished_at: (status == "finished").then(|| "2026-12-04T02:00:00Z".into()),
            status: status.into(),
            notes: notes.into(),
            device_id: "a".into(),
            rev: rev(NOW),
            officers: vec![InspectorImage {
                id: "0190c2a5-8b1e-7c3d-9f00-0000000000a1".into(),
                name: "王磊".into(),
                cert_no: "11010923001".into(),
                unit: None,
            }],
            answers: vec![AnswerImage {
                item_code: "TY-01".into(),
                result: "compliant".into(),
                note: None,
                photos: vec![],
                deducted: None,
                rev: rev(NOW),
            }],
            signatures: vec![],
            task_id: None,
        })
    }

    fn hazard(status: &str, description: &str, events: usize) -> Image {
        Image::Hazard(HazardImage {
            id: "0190c2a5-8b1e-7c3d-9f00-000000000003".into(),
            enterprise_id: "0190c2a5-8b1e-7c3d-9f00-000000000002".into(),
            inspection_id: None,
            item_code: None,
            description: description.into(),
            level: "general".into(),
            deadline: "2026-12-31".into(),
            status: status.into(),
            found_at: "2026-12-04T02:00:00Z".into(),
            device_id: "a".into(),
            rev: rev(NOW),
            events: (0..events)
                .map(|n| HazardEventImage {
                    at: "2026-12-05T02:00:00Z".into(),
                    status: status.into(),
                    note: None,
                    review: None,
                    photos: vec![],
                    rev: rev(NOW + n as u64),
                })
                .collect(),
        })
    }

    fn document(status: &str, number: Option<&str>) -> Image {
        Image::Document(DocumentImage {
            id: Id::new().to_string(),
            kind: "rectificationOrder".into(),
            enterprise_id: "0190c2a5-8b1e-7c3d-9f00-000000000002".into(),
            inspection_id: None,
            number: number.map(Into::into),
            snapshot: "{}".into(),
            pdf_sha256: None,
            status: status.into(),
            issued_at: None,
            void_reason: None,
            cites: None,
            created_at: None,
            device_id: "a".into(),
            rev: rev(NOW),
            hazards: vec![],
        })
    }

    fn inspector(name: &str) -> Image {
        Image::Inspector(InspectorImage {
            id: "0190c2a5-8b1e-7c3d-9f00-000000000004".into(),
            name: name.into(),
            cert_no: "11010923001".into(),
            unit: None,
        })
    }

    #[test]
    fn what_a_change_may_do() {
        let draft = inspection("draft", "");
        let finished = inspection("finished", "现场整洁");
        let mut resent = finished.clone();
        if let Image::Inspection(i) = &mut resent {
            i.rev = rev(NOW + 5);
        }
        // The same, as another device holds it: its officer under that device's id.
        let mut elsewhere = resent.clone();
        if let Image::Inspection(i) = &mut elsewhere {
            i.officers[0].id = "0190c2a5-8b1e-7c3d-9f00-0000000000b2".into();
        }
        let open = hazard("open", "灭火器过期", 0);
        let reviewed = hazard("verified", "灭火器过期", 1);
        let rewritten = hazard("open", "另一段描述", 0);
        // Knows the 复查 (its event) and still says open.
        let reopened = {
            let (Image::Hazard(r), Image::Hazard(o)) = (&reviewed, &open) else { unreachable!() };
            Image::Hazard(HazardImage { events: r.events.clone(), ..o.clone() })
        };
        let draft_doc = document("draft", None);
        let issued = {
            let Image::Document(d) = &draft_doc else { unreachable!() };
            Image::Document(DocumentImage {
                status: "issued".into(),
                number: Some("门应急责改〔2026〕第0001号".into()),
                ..d.clone()
            })
        };
        let rewritten_issued = {
            let Image::Document(d) = &issued else { unreachable!() };
            Image::Document(DocumentImage { snapshot: "{\"x\":1}".into(), ..d.clone() })
        };
        let voided = {
            let Image::Document(d) = &issued else { unreachable!() };
            Image::Document(DocumentImage { status: "voided".into(), void_reason: Some("有误".into()), ..d.clone() })
        };
        let (wang, wang_again, renamed) = (inspector("王磊"), inspector("王磊"), inspector("王蕾"));
        type Case<'a> = (&'a str, Option<(&'a Image, &'a str)>, &'a Image, &'a str, Result<(), Refusal>);
        let cases: Vec<Case<'_>> = vec![
            ("a new record", None, &finished, "b", Ok(())),
            ("its own draft", Some((&draft, "a")), &finished, "a", Ok(())),
            ("another's inspection", Some((&draft, "a")), &finished, "b", Err(Refusal::NotOwner("检查记录"))),
            ("a finished inspection", Some((&finished, "a")), &draft, "a", Err(Refusal::FinishedInspection)),
            ("a finished inspection sent again", Some((&finished, "a")), &resent, "a", Ok(())),
            ("its officers known by other ids", Some((&finished, "a")), &elsewhere, "a", Ok(())),
            ("another's 复查", Some((&open, "a")), &reviewed, "b", Ok(())),
            ("another's description", Some((&open, "a")), &rewritten, "b", Err(Refusal::HazardFields)),
            ("its own description", Some((&open, "a")), &rewritten, "a", Err(Refusal::HazardFields)),
            ("a status back", Some((&reviewed, "a")), &reopened, "a", Err(Refusal::StatusBack)),
            ("an earlier state written meanwhile", Some((&reviewed, "a")), &open, "a", Ok(())),
            ("another's document", Some((&draft_doc, "a")), &issued, "b", Err(Refusal::NotOwner("执法文书"))),
            ("its own draft issued", Some((&draft_doc, "a")), &issued, "a", Ok(())),
            (
                "an issued one rewritten",
                Some((&issued, "a")),
                &rewritten_issued,
                "a",
                Err(Refusal::IssuedDocument("已签发的文书不能修改")),
            ),
            ("an issued one voided", Some((&issued, "a")), &voided, "a", Ok(())),
            (
                "a voided one restored",
                Some((&voided, "a")),
                &issued,
                "a",
                Err(Refusal::IssuedDocument("已作废的文书不能恢复")),
            ),
            ("an inspector again", Some((&wang, "a")), &wang_again, "b", Ok(())),
            ("an inspector renamed", Some((&wang, "a")), &renamed, "a", Err(Refusal::InspectorChanged)),
        ];
        for (what, prior, next, writer, want) in cases {
            let prior = prior.map(|(image, owner)| Prior { image, owner });
            assert_eq!(may_accept(prior, next, writer), want, "{what}");
        }
    }

    fn enterprise(class: Option<&str>, class_ms: u64) -> Image {
        let field = |value: serde_json::Value, ms: u64| crate::records::Field { value, rev: rev(ms), base: None };
        let mut fields = std::collections::BTreeMap::new();
        fields.insert("name".to_owned(), field("北京门头沟测试有限公司".into(), NOW));
        fields.insert(
            "supervisionClass".to_owned(),
            field(class.map_or(serde_json::Value::Null, serde_json::Value::from), class_ms),
        );
        Image::Enterprise(crate::records::EnterpriseImage {
            id: "0190c2a5-8b1e-7c3d-9f00-000000000002".into(),
            fields,
            created_at: "2026-12-04T01:00:00Z".into(),
        })
    }

    #[test]
    fn only_the_bureau_sets_a_class() {
        let held = enterprise(Some("B"), NOW);
        let prior = Some(Prior { image: &held, owner: "a" });
        let cases: [(Option<Prior<'_>>, Image, &str, bool); 7] = [
            // A device setting a class, newer than the bureau's: refused.
            (prior, enterprise(Some("A"), NOW + 1), "a", false),
            (prior, enterprise(None, NOW + 1), "a", false),
            // As it last held it, or an older one that loses the merge: harmless.
            (prior, enterprise(Some("B"), NOW), "a", true),
            (prior, enterprise(Some("C"), NOW - 1), "a", true),
            // The bureau sets it.
            (prior, enterprise(Some("A"), NOW + 1), crate::records::SERVER_DEVICE, true),
            // A new enterprise from a device carries no class.
            (None, enterprise(None, NOW), "a", true),
            (None, enterprise(Some("A"), NOW), "a", false),
        ];
        for (n, (prior, next, writer, ok)) in cases.into_iter().enumerate() {
            let verdict = may_accept(prior, &next, writer);
            assert_eq!(verdict.is_ok(), ok, "case {n}: {verdict:?}");
            if !ok {
                assert_eq!(verdict, Err(Refusal::BureauClass));
            }
        }
    }

    #[test]
    fn images_the_forms_would_refuse_are_refused() {
        assert_eq!(well_formed(&hazard("open", "灭火器过期", 0)), Ok(()));
        assert!(matches!(well_formed(&hazard("open", " ", 0)), Err(Refusal::Field(_))));
        assert!(matches!(well_formed(&hazard("open", &"长".repeat(2_001), 0)), Err(Refusal::Field(_))));
        assert_eq!(well_formed(&inspector("王磊")), Ok(()));
        let Image::Inspector(mut bad_cert) = inspector("王磊") else { unreachable!() };
        bad_cert.cert_no = "证号".into();
        assert!(matches!(well_formed(&Image::Inspector(bad_cert)), Err(Refusal::Field(_))));
        let Image::Hazard(mut bad_id) = hazard("open", "x", 0) else { unreachable!() };
        bad_id.enterprise_id = "nobody".into();
        assert!(matches!(well_formed(&Image::Hazard(bad_id)), Err(Refusal::Malformed(_))));
    }

    #[test]
    fn a_clock_five_minutes_off_is_said() {
        let minute = 60_000;
        for (skew, off) in
            [(0, false), (5 * minute, false), (5 * minute + 1, true), (-5 * minute - 1, true), (-minute, false)]
        {
            assert_eq!(clock_is_off(skew), off, "{skew}");
        }
    }

    #[test]
    fn clocks_may_run_up_to_a_day_ahead() {
        let day = 24 * 3600 * 1000;
        let cases = [(NOW, Ok(())), (NOW + day, Ok(())), (NOW + day + 1, Err(Refusal::ClockAhead))];
        for (ms, want) in cases {
            assert_eq!(check_clocks([rev(ms).as_str()], NOW), want, "{ms}");
        }
        assert!(matches!(check_clocks(["soon"], NOW), Err(Refusal::Malformed(_))));
        // A clock hidden in a hazard's events counts as much as its own.
        let mut h = hazard("open", "x", 1);
        if let Image::Hazard(h) = &mut h {
            h.events[0].rev = rev(NOW + 2 * day);
        }
        assert_eq!(check_clocks(revisions(&h), NOW), Err(Refusal::ClockAhead));
    }
}
