//! Well-formed changes for the server tests and benchmarks: the n-th hazard a device
//! found, or a rectification order it wrote, as the record image a device pushes.

use anjian_core::hlc::Hlc;
use anjian_sync::protocol::Change;
use anjian_sync::records::{DocumentImage, HazardImage, Image};

/// A record id (a UUID) of its own for the n-th record of a device.
pub fn record_id(device: &str, n: u64) -> String {
    // FNV-1a of the device: ids of two devices differ, and stay the same run to run.
    let h = device.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    format!("0190e6a0-{:04x}-7{:03x}-8000-{:012x}", h & 0xffff, (h >> 16) & 0xfff, n)
}

/// The n-th change's clock: later changes of a device have later revisions.
fn rev(n: u64) -> String {
    Hlc { wall_ms: 1_780_000_000_000 + n, counter: 0, node: 7 }.to_string()
}

/// The n-th change of a device, carrying `image` (written at `rev(n)`).
fn put(device: &str, n: u64, image: &Image) -> Change {
    Change {
        change_id: format!("{device}:{n}"),
        record_type: image.record_type().into(),
        record_id: image.record_id(),
        op: anjian_sync::records::OP_PUT.into(),
        rev: rev(n),
        payload: image.payload(),
    }
}

pub fn hazard(device: &str, n: u64) -> Change {
    let image = Image::Hazard(HazardImage {
        id: record_id(device, n),
        enterprise_id: "0190e6a0-0000-7000-8000-000000000001".into(),
        inspection_id: None,
        item_code: None,
        description: format!("安全出口被锁闭，疏散通道堆放杂物（{n}）"),
        level: "general".into(),
        deadline: "2026-12-31".into(),
        status: "open".into(),
        found_at: "2026-11-29T08:00:00+08:00".into(),
        device_id: device.into(),
        rev: rev(n),
        events: vec![],
    });
    put(device, n, &image)
}

/// The id (a UUID) of the document a test calls `name`.
pub fn document_id(name: &str) -> String {
    record_id(name, 0)
}

/// The n-th change of a device: its rectification order `name` (see `document_id`) in
/// `status`, numbered with `serial` of 2026 unless a draft.
pub fn order(device: &str, n: u64, name: &str, status: &str, serial: u32) -> Change {
    let id = document_id(name);
    let issued = status != "draft";
    let image = Image::Document(DocumentImage {
        id: id.clone(),
        kind: "rectificationOrder".into(),
        enterprise_id: "0190e6a0-0000-7000-8000-000000000001".into(),
        inspection_id: None,
        number: issued.then(|| format!("门应急责改〔2026〕第{serial:04}号")),
        snapshot: format!("{{\"order\":\"{id}\"}}"),
        pdf_sha256: None,
        status: status.into(),
        issued_at: issued.then(|| "2026-11-29T08:00:00+08:00".into()),
        void_reason: (status == "voided").then(|| "文号重复，作废后重新签发".into()),
        cites: None,
        created_at: None,
        device_id: device.into(),
        rev: rev(n),
        hazards: vec![],
    });
    put(device, n, &image)
}
