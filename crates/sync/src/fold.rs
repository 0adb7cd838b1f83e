//! The record a holder keeps once an accepted image arrives: the merges of
//! `records` as pure functions over images, for the server's district records (and any
//! holder that keeps records as images). The same inputs fold to the same record
//! whatever the order of arrival, as on the devices:
//! - enterprise: field by field (`anjian_core::merge`), the overwritten values reported;
//! - inspection: the image with the later revision;
//! - hazard: its own fields as first written, its status the furthest either side
//!   reached, its events the union of both sides' (by revision), its revision the later;
//! - document: the later revision while a draft; once issued only the move to voided;
//! - inspector: the first image (an inspector record does not change once written);
//! - supervision: the later revision (a lifted one stays lifted);
//! - task: the later revision (a cancelled one stays cancelled).
//!
//! Images are taken as the rules accepted them (`rules::well_formed`); a field that does
//! not parse is folded as text, never refused here.

use std::collections::BTreeMap;

use anjian_core::hazard::HazardStatus;
use anjian_core::hlc::Hlc;
use anjian_core::merge::{Versioned, merge_fields};

use crate::records::{EnterpriseImage, Field, HazardImage, Image};

/// A value of an enterprise's field that lost its merge, kept for the bureau.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overwritten {
    pub field: String,
    pub kept: Field,
    pub overwritten: Field,
}

/// What a holder keeps after an image arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folded {
    pub image: Image,
    pub overwritten: Vec<Overwritten>,
    /// The record is the arriving image itself (a holder may keep the text it came as).
    pub as_sent: bool,
}

/// The record after `next` arrives over `held` (`None`: not held yet); `None` when the
/// record stays as held (an older image, a repeat, a record that never changes).
pub fn fold(held: Option<&Image>, next: &Image) -> Option<Folded> {
    let Some(held) = held else {
        return Some(Folded { image: next.clone(), overwritten: Vec::new(), as_sent: true });
    };
    let whole = |image: Image| Some(Folded { image, overwritten: Vec::new(), as_sent: true });
    let image = match (held, next) {
        (Image::Enterprise(h), Image::Enterprise(n)) => return enterprise(h, n),
        (Image::Inspection(h), Image::Inspection(n)) => {
            return if n.rev > h.rev { whole(Image::Inspection(n.clone())) } else { None };
        }
        (Image::Hazard(h), Image::Hazard(n)) => hazard(h, n).map(Image::Hazard),
        (Image::Document(h), Image::Document(n)) => {
            if n.rev <= h.rev {
                None
            } else if !h.is_issued() {
                return whole(Image::Document(n.clone()));
            } else if h.status == "issued" && n.status == "voided" {
                let mut voided = h.clone();
                voided.status = n.status.clone();
                voided.void_reason = n.void_reason.clone();
                voided.rev = n.rev.clone();
                Some(Image::Document(voided))
            } else {
                None
            }
        }
        (Image::Supervision(h), Image::Supervision(n)) => {
            // Only the bureau writes it; a lifted one stays lifted (`rules::may_accept`).
            use anjian_core::supervision::{Status, may_follow};
            let follows = match (Status::parse(&h.status), Status::parse(&n.status)) {
                (Some(h), Some(n)) => may_follow(h, n),
                _ => false,
            };
            return if n.rev > h.rev && follows { whole(Image::Supervision(n.clone())) } else { None };
        }
        (Image::Task(h), Image::Task(n)) => {
            use anjian_core::task::Status;
            let follows = match (Status::parse(&h.status), Status::parse(&n.status)) {
                (Some(h), Some(n)) => Status::may_follow(h, n),
                _ => false,
            };
            return if n.rev > h.rev && follows { whole(Image::Task(n.clone())) } else { None };
        }
        // Inspectors, attachments, checklist versions and number blocks never change;
        // an image of another type under the same key is not this record's.
        _ => None,
    };
    image.map(|image| Folded { image, overwritten: Vec::new(), as_sent: false })
}

fn enterprise(held: &EnterpriseImage, next: &EnterpriseImage) -> Option<Folded> {
    let ours = versioned(held);
    let merged = merge_fields(&ours, &versioned(next));
    if merged.fields == ours {
        return None;
    }
    let field = |v: &Versioned<serde_json::Value>| Field {
        value: v.value.clone(),
        rev: v.rev.to_string(),
        base: (v.base != Hlc::ZERO).then(|| v.base.to_string()),
    };
    let fields = merged.fields.iter().map(|(name, v)| (name.clone(), field(v))).collect();
    let overwritten = merged
        .overwrites
        .iter()
        .map(|o| Overwritten { field: o.field.clone(), kept: field(&o.kept), overwritten: field(&o.overwritten) })
        .collect();
    Some(Folded {
        image: Image::Enterprise(EnterpriseImage { id: held.id.clone(), fields, created_at: held.created_at.clone() }),
        overwritten,
        as_sent: false,
    })
}

/// An image's fields with their clocks (a clock that does not parse counts as zero:
/// the rules refused such images before they could be held).
fn versioned(e: &EnterpriseImage) -> BTreeMap<String, Versioned<serde_json::Value>> {
    let clock = |s: Option<&str>| s.and_then(|s| s.parse::<Hlc>().ok()).unwrap_or(Hlc::ZERO);
    e.fields
        .iter()
        .map(|(name, f)| {
            (
                name.clone(),
                Versioned { value: f.value.clone(), rev: clock(Some(&f.rev)), base: clock(f.base.as_deref()) },
            )
        })
        .collect()
}

fn hazard(held: &HazardImage, next: &HazardImage) -> Option<HazardImage> {
    let mut folded = held.clone();
    folded.status = match (HazardStatus::parse(&held.status), HazardStatus::parse(&next.status)) {
        (Some(h), Some(n)) => h.merge(n).as_str().to_owned(),
        _ => held.status.clone(),
    };
    if next.rev > held.rev {
        folded.rev = next.rev.clone();
    }
    for event in &next.events {
        if !folded.events.iter().any(|e| e.rev == event.rev) {
            folded.events.push(event.clone());
        }
    }
    folded.events.sort_by(|a, b| a.rev.cmp(&b.rev));
    (folded != *held).then_some(folded)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use proptest::prelude::*;

    use super::*;
    use crate::records::{DocumentImage, HazardEventImage};

    fn hazard_image(status: &str, rev: &str, events: &[(&str, &str)]) -> HazardImage {
        HazardImage {
            id: "h".into(),
            enterprise_id: "e".into(),
            inspection_id: None,
            item_code: None,
            description: "消防通道堵塞".into(),
            level: "general".into(),
            deadline: "2026-12-20".into(),
            status: status.into(),
            found_at: "2026-12-01T02:00:00Z".into(),
            device_id: "a".into(),
            rev: rev.into(),
            events: events
                .iter()
                .map(|(status, rev)| HazardEventImage {
                    at: "2026-12-02T02:00:00Z".into(),
                    status: (*status).into(),
                    note: None,
                    review: None,
                    photos: vec![],
                    rev: (*rev).into(),
                })
                .collect(),
        }
    }

    fn document(status: &str, rev: &str) -> DocumentImage {
        DocumentImage {
            id: "d".into(),
            kind: "order".into(),
            enterprise_id: "e".into(),
            inspection_id: None,
            number: (status != "draft").then(|| "门应急责改〔2026〕第0001号".into()),
            snapshot: format!("{{\"rev\":\"{rev}\"}}"),
            pdf_sha256: None,
            status: status.into(),
            issued_at: (status != "draft").then(|| "2026-12-01T02:00:00Z".into()),
            void_reason: (status == "voided").then(|| "文号有误".into()),
            cites: None,
            created_at: None,
            device_id: "a".into(),
            rev: rev.into(),
            hazards: vec![],
        }
    }

    #[test]
    fn documents_fold_as_issuing_allows() {
        let doc = |s, r| Image::Document(document(s, r));
        let folded = |h: &Image, n: &Image| fold(Some(h), n).map(|f| f.image);
        // A later draft replaces a draft; an older one is superseded already.
        assert_eq!(folded(&doc("draft", "1"), &doc("draft", "2")), Some(doc("draft", "2")));
        assert_eq!(folded(&doc("draft", "2"), &doc("draft", "1")), None);
        // Issued: only voiding changes it, and its issued content stays as it was.
        assert_eq!(folded(&doc("issued", "2"), &doc("draft", "3")), None);
        let Some(Image::Document(voided)) = folded(&doc("issued", "2"), &doc("voided", "3")) else { panic!() };
        assert_eq!(
            (voided.status.as_str(), voided.rev.as_str(), voided.snapshot.as_str()),
            ("voided", "3", "{\"rev\":\"2\"}")
        );
        assert_eq!(folded(&doc("voided", "3"), &doc("issued", "4")), None);
    }

    #[test]
    fn a_hazard_keeps_its_fields_and_moves_forward() {
        let held = hazard_image("rectified", "2", &[("rectified", "2")]);
        let mut other = hazard_image("open", "3", &[("open", "3")]);
        other.description = "另一台设备改写的描述".into();
        let Some(Image::Hazard(h)) = fold(Some(&Image::Hazard(held)), &Image::Hazard(other)).map(|f| f.image) else {
            panic!()
        };
        assert_eq!((h.status.as_str(), h.rev.as_str(), h.description.as_str()), ("rectified", "3", "消防通道堵塞"));
        assert_eq!(h.events.iter().map(|e| e.rev.as_str()).collect::<Vec<_>>(), ["2", "3"]);
    }

    fn status() -> impl Strategy<Value = &'static str> {
        prop_oneof![Just("open"), Just("rectified"), Just("verified")]
    }

    proptest! {
        /// Hazard images from any devices, in any order of arrival, fold to one record.
        #[test]
        fn hazard_images_fold_alike_in_any_order(images in prop::collection::vec((status(), 1u8..9), 1..6), seed in any::<u64>()) {
            let images: Vec<Image> = images
                .iter()
                .map(|(s, r)| Image::Hazard(hazard_image(s, &r.to_string(), &[(s, &r.to_string())])))
                .collect();
            let apply = |order: &[Image]| {
                order.iter().fold(None::<Image>, |held, next| match fold(held.as_ref(), next) {
                    Some(f) => Some(f.image),
                    None => held,
                })
            };
            let mut shuffled = images.clone();
            let n = shuffled.len();
            for i in 0..n {
                shuffled.swap(i, (seed as usize).wrapping_add(i * 7) % n);
            }
            let (a, b) = (apply(&images), apply(&shuffled));
            let status = |i: &Option<Image>| match i { Some(Image::Hazard(h)) => (h.status.clone(), h.rev.clone(), h.events.len()), _ => unreachable!() };
            prop_assert_eq!(status(&a), status(&b));
        }
    }
}
