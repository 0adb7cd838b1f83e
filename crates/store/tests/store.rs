//! The store at its boundary: real files in a temporary directory, the real seed data.

// A test fails loudly on the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use anjian_core::document::DocumentKind;
use anjian_core::enterprise::EnterpriseInput;
use anjian_core::hazard::{HazardStatus, Level};
use anjian_core::inspection::{Answer, AnswerResult};
use anjian_core::inspector::InspectorInput;
use anjian_core::validate::Rule;
use anjian_store::seed::{DemoSet, Reference};
use anjian_store::{
    EnterpriseQuery, FinishError, HazardFilter, IssuedContent, KeyStore, MemoryKeys, NewDocument, NewHazard,
    NewInspection, Signature, SignatureRole, Store, StoreError, StoreKey,
};
use chrono::NaiveDate;

const DIVISIONS: &str = include_str!("../../../assets/seed/divisions.json");
const SECTORS: &str = include_str!("../../../assets/seed/sectors.json");
const DEMO: &str = include_str!("../../../assets/demo/enterprises.json");

/// One key for every store of these tests, so a store reopened is opened with its key.
fn keys() -> MemoryKeys {
    MemoryKeys::holding(StoreKey::from_bytes(&[7; 32]).unwrap())
}

/// The store's database opened beside it, with its key (for tampering with it).
fn raw(dir: &std::path::Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(dir.join("encrypted").join("anjian.db")).unwrap();
    conn.pragma_update(None, "key", keys().load().unwrap().unwrap().sqlcipher_key()).unwrap();
    conn
}

fn seeded() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), &keys()).unwrap();
    let reference = Reference::parse(DIVISIONS, SECTORS).unwrap();
    store.seed(&reference, Some(&DemoSet::parse(DEMO).unwrap())).unwrap();
    for sector in ["fireworks", "crowded"] {
        assert_eq!(store.load_templates(&[("test.json", &template_json(sector))]).unwrap(), vec![]);
    }
    (dir, store)
}

/// A small valid checklist of `sector`, id = sector, version 1: TY-01 and XX-01..XX-20.
fn template_json(sector: &str) -> String {
    let items: Vec<serde_json::Value> = (1..=20)
        .map(|n| serde_json::json!({ "code": format!("XX-{n:02}"), "requirement": format!("要求{n}"), "basis": "《安全生产法》", "answer": { "kind": "compliance" } }))
        .collect();
    serde_json::json!({
        "id": sector, "sector": sector, "version": 1, "title": "测试检查表",
        "sections": [
            { "title": "通用", "general": true, "items": [{ "code": "TY-01", "requirement": "责任制", "basis": "《安全生产法》第二十二条", "answer": { "kind": "compliance" } }] },
            { "title": "行业", "items": items }
        ]
    })
    .to_string()
}

fn input(name: &str, code: &str) -> EnterpriseInput {
    EnterpriseInput {
        name: name.into(),
        credit_code: code.into(),
        address: "北京市门头沟区斋堂镇东斋堂村1号".into(),
        division_code: "110109106".into(),
        sectors: vec!["mine".into()],
        ..Default::default()
    }
}

fn query(text: &str) -> EnterpriseQuery {
    EnterpriseQuery { text: Some(text.into()), limit: 50, ..Default::default() }
}

#[test]
fn first_start_loads_reference_and_demo_once() {
    let (dir, store) = seeded();
    assert_eq!(store.divisions().unwrap().len(), 14);
    assert_eq!(store.sectors().unwrap().len(), 8);
    let counts = store.counts().unwrap();
    assert!(counts.enterprises >= 300);
    assert_eq!(counts.enterprises, counts.demo_enterprises);
    // Demo records stay on the device.
    assert_eq!(store.outbox_len().unwrap(), 0);
    let reference = Reference::parse(DIVISIONS, SECTORS).unwrap();
    assert_eq!(store.seed(&reference, Some(&DemoSet::parse(DEMO).unwrap())).unwrap(), 0);
    drop(store);
    let store = Store::open(dir.path(), &keys()).unwrap();
    assert_eq!(store.counts().unwrap().enterprises, counts.enterprises);
}

#[test]
fn the_demo_set_stays_apart_and_can_be_removed() {
    let (_dir, store) = seeded();
    let demo = store.search_enterprises(&EnterpriseQuery { limit: 1, ..Default::default() }).unwrap().items[0].clone();
    // A real enterprise with a demo record's code is not blocked by it.
    let real = store.write(|w| w.insert_enterprise(&input("北京真实单位", &demo.credit_code), false)).unwrap();
    assert!(!real.is_demo);
    let used =
        store.search_enterprises(&EnterpriseQuery { limit: 2, offset: 5, ..Default::default() }).unwrap().items[0].id;
    store
        .write(|w| {
            w.insert_hazard(&NewHazard {
                enterprise_id: used,
                inspection_id: None,
                item_code: None,
                description: "演示隐患".into(),
                level: Level::General,
                deadline: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                found_at: None,
            })
        })
        .unwrap();
    let removed = store.write(|w| w.remove_demo_enterprises()).unwrap();
    let counts = store.counts().unwrap();
    assert_eq!((counts.enterprises, counts.demo_enterprises), (2, 1), "removed {removed}");
    store.enterprise(used).unwrap();
    assert_eq!(store.search_enterprises(&query(&demo.name)).unwrap().total, 0);
    store.integrity_check().unwrap();
}

#[test]
fn demo_spreads_over_every_division_and_sector() {
    let (_dir, store) = seeded();
    for d in store.divisions().unwrap() {
        let page = store
            .search_enterprises(&EnterpriseQuery { division: Some(d.code.clone()), limit: 1, ..Default::default() })
            .unwrap();
        assert!(page.total > 0, "no demo enterprise in {}", d.name);
    }
    for s in store.sectors().unwrap() {
        let page = store
            .search_enterprises(&EnterpriseQuery { sector: Some(s.code.clone()), limit: 1, ..Default::default() })
            .unwrap();
        assert!(page.total > 0, "no demo enterprise in {}", s.name);
    }
}

#[test]
fn search_finds_any_part_of_name_code_or_address() {
    let (_dir, store) = seeded();
    let e = store
        .write(|w| {
            w.insert_enterprise(&input("北京门头沟碣石山谷采石有限公司", &valid_code("91110109MA01AB2C")), false)
        })
        .unwrap();
    for q in [
        "碣石山谷",
        "山谷",
        "谷",
        "采石有限",
        &e.profile.credit_code[..12],
        &e.profile.credit_code[6..14],
        "东斋堂村",
        "碣石 采石",
    ] {
        let page = store.search_enterprises(&query(q)).unwrap();
        assert!(page.items.iter().any(|i| i.id == e.id), "{q} did not find it");
    }
    // The name hit ranks first for its whole name.
    let page = store.search_enterprises(&query("北京门头沟碣石山谷采石有限公司")).unwrap();
    assert_eq!(page.items[0].id, e.id);
    assert!(store.search_enterprises(&query("不存在的单位名称")).unwrap().items.is_empty());
    // Operators in the query are text, never syntax.
    for q in ["\"", "*", "石龙 OR", "NEAR(", "-", "'"] {
        store.search_enterprises(&query(q)).unwrap();
    }
}

fn valid_code(first16: &str) -> String {
    anjian_core::credit_code::complete(first16).unwrap()
}

#[test]
fn short_queries_and_filters() {
    let (_dir, store) = seeded();
    let page = store.search_enterprises(&query("石龙")).unwrap();
    assert!(page.total >= 5);
    assert!(page.items.iter().all(|i| i.name.contains("石龙") || i.address.contains("石龙")));
    let zone = store
        .search_enterprises(&EnterpriseQuery {
            text: Some("石龙".into()),
            division: Some("110109400".into()),
            limit: 200,
            ..Default::default()
        })
        .unwrap();
    assert!(zone.total > 0 && zone.total <= page.total);
    assert!(zone.items.iter().all(|i| i.division_code == "110109400"));
    let mines = store
        .search_enterprises(&EnterpriseQuery { sector: Some("mine".into()), limit: 200, ..Default::default() })
        .unwrap();
    assert!(mines.items.iter().all(|i| i.sectors.contains(&"mine".to_owned())));
    let paged = store.search_enterprises(&EnterpriseQuery { limit: 10, offset: 10, ..Default::default() }).unwrap();
    assert_eq!(paged.items.len(), 10);
}

#[test]
fn a_write_commits_with_its_outbox_row_and_audit_event() {
    let (_dir, store) = seeded();
    let before = store.verify_audit_chain().unwrap().events;
    let e = store
        .write(|w| w.insert_enterprise(&input("北京斋堂测试石材厂", &valid_code("91110109MA0TEKT1")), false))
        .unwrap();
    assert_eq!(store.outbox_len().unwrap(), 1);
    let report = store.verify_audit_chain().unwrap();
    assert_eq!((report.events, report.first_broken), (before + 1, None));
    let got = store.enterprise(e.id).unwrap();
    assert_eq!(got, e);
}

#[test]
fn a_failed_write_leaves_nothing() {
    let (_dir, store) = seeded();
    let events = store.verify_audit_chain().unwrap().events;
    let count = store.counts().unwrap().enterprises;
    let result = store.write(|w| {
        w.insert_enterprise(&input("北京斋堂半途石材厂", &valid_code("91110109MA0HALF1")), false)?;
        // The second record is bad: the first must roll back with it.
        w.insert_enterprise(&input("", &valid_code("91110109MA0HALF2")), false)
    });
    assert!(matches!(result, Err(StoreError::Invalid(ref f)) if f.field == "name"));
    assert_eq!(store.counts().unwrap().enterprises, count);
    assert_eq!(store.outbox_len().unwrap(), 0);
    assert_eq!(store.verify_audit_chain().unwrap().events, events);
}

#[test]
fn bad_enterprise_input_is_refused_by_field() {
    let (_dir, store) = seeded();
    let mut bad_division = input("北京斋堂某厂", &valid_code("91110109MA0BAD01"));
    bad_division.division_code = "110109999".into();
    let mut bad_sector = input("北京斋堂某厂", &valid_code("91110109MA0BAD02"));
    bad_sector.sectors = vec!["bakery".into()];
    let unconfirmed = input("北京斋堂某厂", "91110109MA0BAD03X0");
    for (i, field, rule_kind) in [
        (bad_division, "divisionCode", "division"),
        (bad_sector, "sectors", "sector"),
        (unconfirmed, "creditCode", "code"),
    ] {
        match store.write(|w| w.insert_enterprise(&i, false)) {
            Err(StoreError::Invalid(f)) => {
                assert_eq!(f.field, field);
                match rule_kind {
                    "division" => assert_eq!(f.rule, Rule::UnknownDivision),
                    "sector" => assert_eq!(f.rule, Rule::UnknownSector),
                    _ => assert!(matches!(f.rule, Rule::CreditCodeUnconfirmed { .. } | Rule::CreditCode { .. })),
                }
            }
            other => panic!("{field}: {other:?}"),
        }
    }
}

#[test]
fn duplicate_codes_and_stale_edits_are_refused() {
    let (_dir, store) = seeded();
    let code = valid_code("91110109MA0DUP01");
    let e = store.write(|w| w.insert_enterprise(&input("北京斋堂甲厂", &code), false)).unwrap();
    let dup = store.write(|w| w.insert_enterprise(&input("北京斋堂乙厂", &code.to_lowercase()), false));
    assert!(matches!(dup, Err(StoreError::DuplicateCreditCode(_))));
    let mut changed = input("北京斋堂甲厂（更名）", &code);
    changed.sectors = vec!["mine".into(), "dust".into()];
    let updated = store.write(|w| w.update_enterprise(e.id, e.rev, &changed)).unwrap();
    assert!(updated.rev > e.rev);
    assert_eq!(store.enterprise(e.id).unwrap().profile.sectors, vec!["mine", "dust"]);
    assert_eq!(store.search_enterprises(&query("更名")).unwrap().items[0].id, e.id);
    assert!(store.search_enterprises(&query("北京斋堂甲厂（")).unwrap().items.iter().any(|i| i.id == e.id));
    let stale = store.write(|w| w.update_enterprise(e.id, e.rev, &changed));
    assert!(matches!(stale, Err(StoreError::Conflict { .. })));
}

fn officers(store: &mut Store) -> Vec<anjian_core::Id> {
    store
        .write(|w| {
            let a = w.save_profile(&InspectorInput {
                name: "王磊".into(),
                cert_no: "11010923001".into(),
                unit: "门头沟区应急管理局".into(),
            })?;
            let b = w.put_inspector(&InspectorInput {
                name: "李娜".into(),
                cert_no: "11010923002".into(),
                unit: String::new(),
            })?;
            Ok(vec![a.id, b.id])
        })
        .unwrap()
}

#[test]
fn inspections_hazards_and_the_ledger() {
    let (_dir, mut store) = seeded();
    let ids = officers(&mut store);
    assert_eq!(store.profile().unwrap().unwrap().name, "王磊");
    let ent = store
        .search_enterprises(&EnterpriseQuery { sector: Some("fireworks".into()), limit: 1, ..Default::default() })
        .unwrap()
        .items[0]
        .id;
    let one = NewInspection {
        enterprise_id: ent,
        template_id: "fireworks".into(),
        template_version: 1,
        inspectors: vec![ids[0]],
        accompanying_person: None,
        notes: String::new(),
        started_at: None,
        task_id: None,
    };
    assert!(matches!(store.write(|w| w.insert_inspection(&one)), Err(StoreError::Refused(_))));
    let insp = store
        .write(|w| {
            w.insert_inspection(&NewInspection {
                inspectors: ids.clone(),
                notes: "零售点仓储间堆放超量，未设置防静电设施".into(),
                ..one.clone()
            })
        })
        .unwrap();
    store
        .write(|w| {
            w.put_answer(&Answer {
                inspection_id: insp.id,
                item_code: "XX-01".into(),
                result: AnswerResult::NonCompliant,
                note: Some("超量".into()),
                photos: vec![],
                deducted: None,
            })
        })
        .unwrap();
    let unknown_item = Answer {
        inspection_id: insp.id,
        item_code: "NO-01".into(),
        result: AnswerResult::Compliant,
        note: None,
        photos: vec![],
        deducted: None,
    };
    assert!(matches!(store.write(|w| w.put_answer(&unknown_item)), Err(StoreError::NotFound { .. })));
    assert_eq!(store.answers(insp.id).unwrap().len(), 1);
    let deadline = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
    let h = store
        .write(|w| {
            w.insert_hazard(&NewHazard {
                enterprise_id: ent,
                inspection_id: Some(insp.id),
                item_code: Some("XX-01".into()),
                description: "库存超过核定数量".into(),
                level: Level::Major,
                deadline,
                found_at: None,
            })
        })
        .unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 12, 11).unwrap();
    let page =
        store.hazard_ledger(&HazardFilter { overdue: Some(true), limit: 50, ..Default::default() }, today).unwrap();
    assert_eq!(page.counts.overdue, 1);
    assert!(page.items[0].overdue);
    let by_text = store
        .hazard_ledger(&HazardFilter { text: Some("超过".into()), limit: 50, ..Default::default() }, today)
        .unwrap();
    assert_eq!(by_text.items.len(), 1);
    assert_eq!(store.set_hazard_status_for_test(h.id, HazardStatus::Verified), Ok(HazardStatus::Verified));
    assert!(store.write(|w| w.set_hazard_status(h.id, HazardStatus::Open, None)).is_err());
    let history: Vec<_> = store.hazard_history(h.id).unwrap().into_iter().map(|e| e.status).collect();
    assert_eq!(history, vec![HazardStatus::Open, HazardStatus::Verified]);
    let page =
        store.hazard_ledger(&HazardFilter { overdue: Some(true), limit: 50, ..Default::default() }, today).unwrap();
    assert_eq!(page.counts.overdue, 0);
    let hits = store.search_notes("防静电", 20).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].kind, "inspection");
}

trait ForTest {
    fn set_hazard_status_for_test(&mut self, id: anjian_core::Id, s: HazardStatus) -> Result<HazardStatus, String>;
}

impl ForTest for Store {
    fn set_hazard_status_for_test(&mut self, id: anjian_core::Id, s: HazardStatus) -> Result<HazardStatus, String> {
        self.write(|w| w.set_hazard_status(id, s, Some("复查合格"))).map_err(|e| e.to_string())
    }
}

#[test]
fn issued_documents_never_change() {
    let (dir, store) = seeded();
    let ent = store.search_enterprises(&EnterpriseQuery { limit: 1, ..Default::default() }).unwrap().items[0].id;
    let doc = store
        .write(|w| {
            w.insert_document(&NewDocument {
                kind: DocumentKind::RectificationOrder,
                enterprise_id: ent,
                inspection_id: None,
                cites: None,
                hazards: vec![],
                snapshot: serde_json::json!({"items": ["a"]}),
            })
        })
        .unwrap();
    let n1 = store.write(|w| w.issue_document(doc, "门应急", 2026, pdf_of)).unwrap();
    assert_eq!(n1.seq, 1);
    assert!(n1.to_string().starts_with("门应急责改〔"));
    assert!(store.write(|w| w.issue_document(doc, "门应急", 2026, pdf_of)).is_err());
    // Even plain SQL cannot change or remove it.
    let raw = raw(dir.path());
    assert!(raw.execute("UPDATE document SET snapshot = '{}' WHERE id = ?1", [doc.to_string()]).is_err());
    assert!(raw.execute("DELETE FROM document WHERE id = ?1", [doc.to_string()]).is_err());
    assert!(store.write(|w| w.void_document(doc, " ")).is_err());
    store.write(|w| w.void_document(doc, "单位名称录入错误")).unwrap();
    let voided = store.document(doc).unwrap();
    assert_eq!(voided.status, anjian_core::document::DocumentStatus::Voided);
    assert_eq!(voided.number, Some(n1.clone()));
    assert_eq!(voided.void_reason.as_deref(), Some("单位名称录入错误"));
    assert!(store.write(|w| w.void_document(doc, "再次作废")).is_err());
    let doc2 = store
        .write(|w| {
            w.insert_document(&NewDocument {
                kind: DocumentKind::RectificationOrder,
                enterprise_id: ent,
                inspection_id: None,
                cites: None,
                hazards: vec![],
                snapshot: serde_json::json!({}),
            })
        })
        .unwrap();
    assert_eq!(store.write(|w| w.issue_document(doc2, "门应急", 2026, pdf_of)).unwrap().seq, 2);
    // Both kept: the voided one and its replacement.
    assert_eq!(store.documents_of(ent).unwrap().len(), 2);
    // The PDF is kept by its hash, and the issued snapshot carries the number.
    let issued = store.document(doc2).unwrap();
    assert_eq!(issued.snapshot["number"], "门应急责改〔2026〕第0002号");
    let (_, pdf) = store.attachment(issued.pdf_sha256.as_deref().unwrap()).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
}

/// What the renderer would give: the snapshot with its number, and a PDF.
fn pdf_of(n: &anjian_core::document::DocumentNumber, draft: &serde_json::Value) -> Result<IssuedContent, String> {
    let mut snapshot = draft.clone();
    snapshot["number"] = n.to_string().into();
    Ok(IssuedContent { pdf: format!("%PDF-1.7 {n}").into_bytes(), snapshot })
}

#[test]
fn numbers_come_from_blocks_and_reviews_cite_issued_orders() {
    let (_dir, store) = seeded();
    let ent = store.search_enterprises(&EnterpriseQuery { limit: 1, ..Default::default() }).unwrap().items[0].id;
    let new = |kind, cites| NewDocument {
        kind,
        enterprise_id: ent,
        inspection_id: None,
        cites,
        hazards: vec![],
        snapshot: serde_json::json!({}),
    };
    // The unused part of a local block gives way to a granted block, which is used first;
    // a grant over numbers already issued is refused.
    let first_2027 = store.write(|w| w.insert_document(&new(DocumentKind::RectificationOrder, None))).unwrap();
    assert_eq!(store.write(|w| w.issue_document(first_2027, "门应急", 2027, pdf_of)).unwrap().seq, 1);
    assert!(store.write(|w| w.add_number_block(DocumentKind::RectificationOrder, 2027, 1, 40)).is_err());
    store.write(|w| w.add_number_block(DocumentKind::RectificationOrder, 2027, 5, 40)).unwrap();
    let next_2027 = store.write(|w| w.insert_document(&new(DocumentKind::RectificationOrder, None))).unwrap();
    assert_eq!(store.write(|w| w.issue_document(next_2027, "门应急", 2027, pdf_of)).unwrap().seq, 5);
    // A grant elsewhere ends the local block too: the district may grant its unused
    // numbers to another device (the server knows only the numbers documents carried).
    let first_2028 = store.write(|w| w.insert_document(&new(DocumentKind::RectificationOrder, None))).unwrap();
    assert_eq!(store.write(|w| w.issue_document(first_2028, "门应急", 2028, pdf_of)).unwrap().seq, 1);
    store.write(|w| w.add_number_block(DocumentKind::RectificationOrder, 2028, 300, 301)).unwrap();
    let reserve = store.number_reserve(2028).unwrap();
    let orders = reserve.iter().find(|r| r.kind == DocumentKind::RectificationOrder).unwrap();
    assert_eq!((orders.left, orders.local), (2, false), "only the granted numbers are left");
    let mut seqs = Vec::new();
    for _ in 0..3 {
        let d = store.write(|w| w.insert_document(&new(DocumentKind::RectificationOrder, None))).unwrap();
        seqs.push(store.write(|w| w.issue_document(d, "门应急", 2028, pdf_of)).unwrap().seq);
    }
    assert_eq!(seqs, vec![300, 301, 302], "then a local block after every number held");
    // A granted block is used first, in order; overlapping grants are refused.
    store.write(|w| w.add_number_block(DocumentKind::RectificationOrder, 2026, 201, 202)).unwrap();
    assert!(store.write(|w| w.add_number_block(DocumentKind::RectificationOrder, 2026, 150, 201)).is_err());
    let mut seqs = Vec::new();
    for _ in 0..3 {
        let d = store.write(|w| w.insert_document(&new(DocumentKind::RectificationOrder, None))).unwrap();
        seqs.push(store.write(|w| w.issue_document(d, "门应急", 2026, pdf_of)).unwrap().seq);
    }
    // Block used up: a local block after every number held.
    assert_eq!(seqs, vec![201, 202, 203]);
    let reserve = store.number_reserve(2026).unwrap();
    let orders = reserve.iter().find(|r| r.kind == DocumentKind::RectificationOrder).unwrap();
    assert_eq!((orders.left, orders.local), (99, true));
    // A failed render leaves the number unused and the draft a draft.
    let d = store.write(|w| w.insert_document(&new(DocumentKind::RectificationOrder, None))).unwrap();
    let failed = store.write(|w| w.issue_document(d, "门应急", 2026, |_, _| Err("执法人员不足两名".into())));
    assert!(matches!(failed, Err(StoreError::CannotIssue(ref why)) if why == "执法人员不足两名"));
    assert_eq!(store.write(|w| w.issue_document(d, "门应急", 2026, pdf_of)).unwrap().seq, 204);
    // A review must cite an issued order: not nothing, not a draft, not a voided one.
    let review = store.write(|w| w.insert_document(&new(DocumentKind::ReviewOpinion, None))).unwrap();
    assert!(matches!(
        store.write(|w| w.issue_document(review, "门应急", 2026, pdf_of)),
        Err(StoreError::CannotIssue(_))
    ));
    let draft_order = store.write(|w| w.insert_document(&new(DocumentKind::RectificationOrder, None))).unwrap();
    let review = store.write(|w| w.insert_document(&new(DocumentKind::ReviewOpinion, Some(draft_order)))).unwrap();
    assert!(store.write(|w| w.issue_document(review, "门应急", 2026, pdf_of)).is_err());
    store.write(|w| w.void_document(d, "文号打印错误")).unwrap();
    let review = store.write(|w| w.insert_document(&new(DocumentKind::ReviewOpinion, Some(d)))).unwrap();
    assert!(store.write(|w| w.issue_document(review, "门应急", 2026, pdf_of)).is_err());
    let order = store
        .documents(&anjian_store::DocumentFilter {
            status: Some(anjian_core::document::DocumentStatus::Issued),
            limit: 1,
            ..Default::default()
        })
        .unwrap()[0]
        .id;
    let review = store.write(|w| w.insert_document(&new(DocumentKind::ReviewOpinion, Some(order)))).unwrap();
    let n = store.write(|w| w.issue_document(review, "门应急", 2026, pdf_of)).unwrap();
    assert_eq!(n.to_string(), "门应急复查〔2026〕第0001号");
    assert_eq!(store.cited_document(review).unwrap(), Some(order));
}

#[test]
fn attachments_are_stored_once_and_verified() {
    let (dir, store) = seeded();
    let photo = b"\xff\xd8\xff\xe0 not really a jpeg but bytes".to_vec();
    let a = store.write(|w| w.put_attachment(&photo, "image/jpeg")).unwrap();
    let b = store.write(|w| w.put_attachment(&photo, "image/jpeg")).unwrap();
    assert_eq!(a, b);
    assert_eq!(store.outbox_len().unwrap(), 1);
    assert_eq!(store.attachment(&a.sha256).unwrap().1, photo);
    assert!(store.write(|w| w.put_attachment(&[], "image/jpeg")).is_err());
    assert!(store.write(|w| w.put_attachment(b"x", "application/x-msdownload")).is_err());
    let path = dir.path().join("encrypted").join("attachments").join(&a.sha256[..2]).join(&a.sha256);
    std::fs::write(&path, b"tampered").unwrap();
    assert!(matches!(store.attachment(&a.sha256), Err(StoreError::Corrupt(_))));
    // Storing the same photo again repairs the damaged file.
    store.write(|w| w.put_attachment(&photo, "image/jpeg")).unwrap();
    assert_eq!(store.attachment(&a.sha256).unwrap().1, photo);
    assert!(matches!(store.attachment("../../etc/passwd"), Err(StoreError::NotFound { .. })));
}

#[test]
fn a_tampered_audit_chain_is_detected() {
    let (dir, mut store) = seeded();
    officers(&mut store);
    assert_eq!(store.verify_audit_chain().unwrap().first_broken, None);
    let raw = raw(dir.path());
    assert!(raw.execute("DELETE FROM audit_event WHERE seq = 2", []).is_err());
    raw.execute_batch(
        "DROP TRIGGER audit_event_append_only_update; UPDATE audit_event SET action = 'tampered' WHERE seq = 2;",
    )
    .unwrap();
    assert_eq!(store.verify_audit_chain().unwrap().first_broken, Some(2));
    raw.execute_batch("UPDATE audit_event SET action = 'insert' WHERE seq = 2;").unwrap();
    assert_eq!(store.verify_audit_chain().unwrap().first_broken, None);
    // Cutting events off the end is found too.
    let events = store.verify_audit_chain().unwrap().events as i64;
    raw.execute_batch(&format!(
        "DROP TRIGGER audit_event_append_only_delete; DELETE FROM audit_event WHERE seq = {events};"
    ))
    .unwrap();
    assert_eq!(store.verify_audit_chain().unwrap().first_broken, Some(events));
}

#[test]
fn a_newer_schema_is_refused_and_reopening_keeps_everything() {
    let (dir, store) = seeded();
    let device = store.device_id().to_owned();
    drop(store);
    let store = Store::open(dir.path(), &keys()).unwrap();
    assert_eq!(store.device_id(), device);
    store.integrity_check().unwrap();
    drop(store);
    let raw = raw(dir.path());
    raw.pragma_update(None, "user_version", 999).unwrap();
    drop(raw);
    assert!(matches!(Store::open(dir.path(), &keys()), Err(StoreError::NewerSchema { found: 999, .. })));
}

#[test]
fn a_wipe_whose_notice_cannot_be_written_leaves_the_store_whole() {
    let (dir, store) = seeded();
    let keys = keys();
    // Where the notice goes stands a directory: the notice cannot be written.
    std::fs::create_dir(dir.path().join("wiping")).unwrap();
    assert!(store.wipe(&keys, "2026-12-05 停用并清除").is_err());
    assert!(!store.is_wiped(), "marked wiped with nothing deleted");
    assert!(store.search_enterprises(&query("")).unwrap().total > 0, "the store no longer reads");
    assert!(keys.load().unwrap().is_some(), "the key went without the notice");
    // Asked again once the notice can be written: everything goes, the notice stays.
    std::fs::remove_dir(dir.path().join("wiping")).unwrap();
    store.wipe(&keys, "2026-12-05 停用并清除").unwrap();
    assert!(store.is_wiped());
    assert!(matches!(store.search_enterprises(&query("")), Err(StoreError::Wiped)));
    assert_eq!(keys.load().unwrap(), None);
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, vec![std::ffi::OsString::from("wiped")]);
    assert_eq!(Store::wiped_notice(dir.path()).as_deref(), Some("2026-12-05 停用并清除"));
}

#[test]
fn a_file_that_is_not_a_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("anjian.db"), vec![0x42u8; 8192]).unwrap();
    assert!(Store::open(dir.path(), &keys()).is_err());
}

#[test]
fn search_matches_substrings_exactly() {
    let (_dir, store) = seeded();
    let mut a = input("北京门头沟测试甲厂", &valid_code("91110109MA0QUB01"));
    a.address = "北京市门头沟区大峪街道A12号楼".into();
    let mut b = input("北京门头沟测试乙厂", &valid_code("91110109MA0QUB02"));
    b.address = "北京市门头沟区大峪街道村120号".into();
    let (a, b) = store.write(|w| Ok((w.insert_enterprise(&a, false)?, w.insert_enterprise(&b, false)?))).unwrap();
    let found = |q: &str| -> Vec<anjian_core::Id> {
        store.search_enterprises(&query(q)).unwrap().items.into_iter().map(|i| i.id).collect()
    };
    // Digits from the middle of a word are found; a longer number is not a match.
    assert!(found("12号").contains(&a.id));
    assert!(!found("12号").contains(&b.id));
    assert!(found("120").contains(&b.id));
    assert!(found("a12").contains(&a.id));
    // Every word must be there.
    assert_eq!(found("测试甲厂 A12"), vec![a.id]);
    assert!(found("测试甲厂 120").is_empty());
}

#[test]
fn notes_keep_their_line_breaks_and_are_found_newest_first() {
    let (_dir, mut store) = seeded();
    let ids = officers(&mut store);
    let ent = store.search_enterprises(&EnterpriseQuery { limit: 1, ..Default::default() }).unwrap().items[0].id;
    let at = |d: u32| Some(NaiveDate::from_ymd_opt(2025, 3, d).unwrap().and_hms_opt(2, 0, 0).unwrap().and_utc());
    // Written out of time order, as a sync would bring them.
    for (day, note) in [(20, "一、灭火器过期；\n二、通道堵塞"), (5, "灭火器压力不足"), (12, "灭火器\t未定期检查")]
    {
        store
            .write(|w| {
                w.insert_inspection(&NewInspection {
                    enterprise_id: ent,
                    template_id: "crowded".into(),
                    template_version: 1,
                    inspectors: ids.clone(),
                    accompanying_person: None,
                    notes: note.into(),
                    started_at: at(day),
                    task_id: None,
                })
            })
            .unwrap();
    }
    let hits = store.search_notes("灭火器", 2).unwrap();
    assert_eq!(hits.iter().map(|h| &h.at[..10]).collect::<Vec<_>>(), vec!["2025-03-20", "2025-03-12"]);
    assert!(hits[0].text.contains('\n'));
}

#[test]
fn checklists_keep_every_version_and_refuse_bad_files() {
    let (_dir, store) = seeded();
    let bad = template_json("fireworks").replace("\"version\":1", "\"version\":2").replace("XX-05", "XX-04");
    let problems = store.load_templates(&[("fireworks-v2.json", &bad)]).unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].file, "fireworks-v2.json");
    assert!(problems[0].problem.contains("XX-04"), "{}", problems[0].problem);
    // The last good version stays in use.
    assert_eq!(store.templates(Some("fireworks")).unwrap()[0].version, 1);
    // A stored version never changes.
    let changed = template_json("fireworks").replace("要求3", "要求三");
    assert_eq!(store.load_templates(&[("x.json", &changed)]).unwrap().len(), 1);
    let v2 = template_json("fireworks").replace("\"version\":1", "\"version\":2").replace("要求3", "要求三");
    assert!(store.load_templates(&[("fireworks-v2.json", &v2)]).unwrap().is_empty());
    assert_eq!(store.templates(Some("fireworks")).unwrap()[0].version, 2);
    assert_eq!(store.template("fireworks", 1).unwrap().item("XX-03").unwrap().requirement, "要求3");
}

#[test]
fn an_inspection_finishes_only_when_complete_and_signed() {
    let (_dir, mut store) = seeded();
    let ids = officers(&mut store);
    let ent = store
        .search_enterprises(&EnterpriseQuery { sector: Some("crowded".into()), limit: 1, ..Default::default() })
        .unwrap()
        .items[0]
        .id;
    let insp = store
        .write(|w| {
            w.insert_inspection(&NewInspection {
                enterprise_id: ent,
                template_id: "crowded".into(),
                template_version: 1,
                inspectors: ids.clone(),
                accompanying_person: Some("张经理".into()),
                notes: String::new(),
                started_at: None,
                task_id: None,
            })
        })
        .unwrap();
    let sign = store.write(|w| w.put_attachment(b"\x89PNG\r\n\x1a\nsignature", "image/png")).unwrap().sha256;
    let signatures = vec![
        Signature { role: SignatureRole::Officer1, sha256: Some(sign.clone()), refused: false },
        Signature { role: SignatureRole::Officer2, sha256: Some(sign.clone()), refused: false },
        Signature { role: SignatureRole::Unit, sha256: None, refused: true },
    ];
    let hazard = NewHazard {
        enterprise_id: ent,
        inspection_id: Some(insp.id),
        item_code: Some("XX-02".into()),
        description: "安全出口锁闭".into(),
        level: Level::Major,
        deadline: NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(),
        found_at: None,
    };
    assert!(matches!(
        store.write(|w| w.finish_inspection(insp.id, std::slice::from_ref(&hazard), &signatures)),
        Err(StoreError::Unfinished(FinishError::Incomplete(21)))
    ));
    for code in std::iter::once("TY-01".to_owned()).chain((1..=20).map(|n| format!("XX-{n:02}"))) {
        let result = if code == "XX-02" { AnswerResult::NonCompliant } else { AnswerResult::Compliant };
        store
            .write(|w| {
                w.put_answer(&Answer {
                    inspection_id: insp.id,
                    item_code: code.clone(),
                    result,
                    note: None,
                    photos: vec![],
                    deducted: None,
                })
            })
            .unwrap();
    }
    let officer_refusing = vec![
        signatures[0].clone(),
        Signature { role: SignatureRole::Officer2, sha256: None, refused: true },
        signatures[2].clone(),
    ];
    assert!(matches!(
        store.write(|w| w.finish_inspection(insp.id, &[], &officer_refusing)),
        Err(StoreError::Unfinished(FinishError::SignatureMissing("officer2")))
    ));
    let written = store.write(|w| w.finish_inspection(insp.id, std::slice::from_ref(&hazard), &signatures)).unwrap();
    assert_eq!(written.len(), 1);
    assert_eq!(store.signatures(insp.id).unwrap().len(), 3);
    assert_eq!(store.inspection(insp.id).unwrap().status, anjian_core::inspection::InspectionStatus::Finished);
    // Finished means fixed.
    let late = Answer {
        inspection_id: insp.id,
        item_code: "XX-03".into(),
        result: AnswerResult::NonCompliant,
        note: None,
        photos: vec![],
        deducted: None,
    };
    assert!(matches!(store.write(|w| w.put_answer(&late)), Err(StoreError::Finished)));
    // Re-inspection: not yet rectified keeps it open with the finding; then rectified closes it.
    let h = written[0].id;
    assert_eq!(store.write(|w| w.review_hazard(h, false, "仍锁闭", &[])).unwrap(), HazardStatus::Open);
    assert_eq!(
        store.write(|w| w.review_hazard(h, true, "已拆除锁具", std::slice::from_ref(&sign))).unwrap(),
        HazardStatus::Verified
    );
    assert!(store.write(|w| w.review_hazard(h, true, "再次复查", &[])).is_err());
    let history = store.hazard_history(h).unwrap();
    assert_eq!(
        history.iter().map(|e| e.review.as_deref()).collect::<Vec<_>>(),
        vec![None, Some("notRectified"), Some("rectified")]
    );
    assert_eq!(history[2].photos, vec![sign]);
    let listed = store.inspections(None, Some(ent), 10).unwrap();
    assert_eq!((listed[0].answered, listed[0].total), (21, 21));
}

#[test]
fn search_survives_a_vacuum() {
    let (dir, store) = seeded();
    let kept = store
        .write(|w| w.insert_enterprise(&input("北京门头沟真空测试石材厂", &valid_code("91110109MA0WAC01")), false))
        .unwrap();
    // SQLite says VACUUM may renumber implicit rowids; search must not depend on them.
    store.write(|w| w.remove_demo_enterprises()).unwrap();
    drop(store);
    raw(dir.path()).execute_batch("VACUUM").unwrap();
    let store = Store::open(dir.path(), &keys()).unwrap();
    let found: Vec<_> = store.search_enterprises(&query("真空测试")).unwrap().items.into_iter().map(|i| i.id).collect();
    assert_eq!(found, vec![kept.id]);
}

/// What device A writes (an enterprise, officers, an inspection and its hazard) as the
/// changes another device pulls from the server, in A's order.
fn written_on_a() -> (tempfile::TempDir, Vec<anjian_sync::protocol::ServerChange>) {
    use anjian_sync::protocol::ServerChange;
    let (a_dir, mut a) = seeded();
    let ids = officers(&mut a);
    let ent = a
        .write(|w| {
            let mut e = input("北京石龙烟花爆竹零售店", &valid_code("9111010906543210"));
            e.sectors = vec!["fireworks".into()];
            w.insert_enterprise(&e, false)
        })
        .unwrap()
        .id;
    let insp = a
        .write(|w| {
            w.insert_inspection(&NewInspection {
                enterprise_id: ent,
                template_id: "fireworks".into(),
                template_version: 1,
                inspectors: ids.clone(),
                accompanying_person: None,
                notes: "零售点仓储间堆放超量，未设置防静电设施".into(),
                started_at: None,
                task_id: None,
            })
        })
        .unwrap();
    a.write(|w| {
        w.insert_hazard(&NewHazard {
            enterprise_id: ent,
            inspection_id: Some(insp.id),
            item_code: Some("XX-01".into()),
            description: "库存超过核定数量".into(),
            level: Level::Major,
            deadline: NaiveDate::from_ymd_opt(2026, 12, 10).unwrap(),
            found_at: None,
        })
    })
    .unwrap();
    let out = a.sync_outgoing("device-a", 100).unwrap();
    let changes: Vec<ServerChange> = out
        .changes
        .into_iter()
        .zip(1..)
        .map(|(c, seq)| ServerChange {
            seq,
            change_id: c.change_id,
            device_id: "device-a".into(),
            record_type: c.record_type,
            record_id: c.record_id,
            op: c.op,
            rev: c.rev,
            payload: c.payload,
        })
        .collect();
    (a_dir, changes)
}

/// Pulled inspections and hazards get their index entries after the pull; until then a
/// search reads them directly, so they are found all along, once each.
#[test]
fn pulled_records_are_found_before_and_after_their_index_entries() {
    use anjian_sync::protocol::PullPage;
    let (_a_dir, changes) = written_on_a();
    let page = PullPage { next: changes.len() as u64, more: false, changes };

    let (_b_dir, b) = seeded();
    let applied = b.sync_apply("device-b", &page).unwrap();
    assert_eq!(applied.problems, 0);
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let found = |b: &Store| {
        let notes: Vec<String> = b.search_notes("防静电", 20).unwrap().into_iter().map(|h| h.kind).collect();
        let ledger =
            b.hazard_ledger(&HazardFilter { text: Some("超过".into()), limit: 50, ..Default::default() }, today);
        let hazards: Vec<String> = ledger.unwrap().items.into_iter().map(|h| h.hazard.description).collect();
        let none = b.search_notes("没有这句话", 20).unwrap().len()
            + b.hazard_ledger(&HazardFilter { text: Some("核定人数".into()), limit: 50, ..Default::default() }, today)
                .unwrap()
                .items
                .len();
        (notes, hazards, none)
    };
    let expected = (vec!["inspection".to_owned()], vec!["库存超过核定数量".to_owned()], 0);
    assert_eq!(found(&b), expected, "found while waiting for the index");
    assert_eq!(b.write(|w| w.index_backlog(100)).unwrap(), 2);
    assert_eq!(b.write(|w| w.index_backlog(100)).unwrap(), 0);
    assert_eq!(found(&b), expected, "found through the index");
    // The same page again leaves one entry each.
    b.write(|w| w.set_setting("sync_cursor", "0")).unwrap();
    b.sync_apply("device-b", &page).unwrap();
    assert_eq!(b.write(|w| w.index_backlog(100)).unwrap(), 0);
    assert_eq!(found(&b), expected);
}

/// A pulled change that cannot apply yet (its enterprise comes in a later page, or a
/// local record stands in its way) is kept whole and applied at the end of a later sync.
#[test]
fn pulled_changes_that_could_not_apply_are_applied_when_they_can() {
    use anjian_sync::protocol::PullPage;
    let (_a_dir, changes) = written_on_a();
    let today = || NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let (enterprise, rest): (Vec<_>, Vec<_>) = changes.into_iter().partition(|c| c.record_type == "enterprise");
    let (_b_dir, b) = seeded();
    // The inspection and its hazard first, without their enterprise.
    let first = PullPage { next: 10, more: true, changes: rest.clone() };
    let applied = b.sync_apply("device-b", &first).unwrap();
    assert_eq!(applied.problems, 2, "the inspection and the hazard wait");
    let problems = b.sync_problems().unwrap();
    assert_eq!(problems.len(), 2);
    assert!(problems.iter().all(|p| p.direction == "pull" && p.retrying), "{problems:?}");
    assert!(b.hazard_ledger(&HazardFilter { limit: 50, ..Default::default() }, today()).unwrap().items.is_empty());
    // The enterprise comes with the last page: what waited applies, in the same sync.
    let mut last_changes = enterprise;
    last_changes[0].seq = 11;
    let last = PullPage { next: 11, more: false, changes: last_changes };
    let applied = b.sync_apply("device-b", &last).unwrap();
    assert_eq!((applied.applied, applied.problems), (3, 0), "the enterprise and the two that waited");
    assert!(b.sync_problems().unwrap().is_empty());
    let ledger = b.hazard_ledger(&HazardFilter { limit: 50, ..Default::default() }, today()).unwrap();
    assert_eq!(ledger.items.len(), 1);
    assert_eq!(ledger.items[0].hazard.description, "库存超过核定数量");
    // Applied once: the same pages again change nothing and list nothing.
    b.write(|w| w.set_setting("sync_cursor", "0")).unwrap();
    b.sync_apply("device-b", &first).unwrap();
    b.sync_apply("device-b", &last).unwrap();
    assert!(b.sync_problems().unwrap().is_empty());
    assert_eq!(b.hazard_ledger(&HazardFilter { limit: 50, ..Default::default() }, today()).unwrap().items.len(), 1);
}

/// The server's answer to a push: refused changes and stored-but-flagged ones (a number
/// another document carried first) are both listed, apart; the outbox is done either way.
#[test]
fn refused_and_flagged_pushes_are_listed_apart() {
    use anjian_sync::protocol::{ChangeResult, Outcome};
    let (_dir, mut a) = seeded();
    officers(&mut a);
    a.write(|w| w.insert_enterprise(&input("北京门头沟推送回执测试有限公司", &valid_code("9111010906543211")), false))
        .unwrap();
    let out = a.sync_outgoing("device-a", 100).unwrap();
    assert!(out.changes.len() >= 3, "{:?}", out.changes.len());
    let results: Vec<ChangeResult> = out
        .changes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (outcome, reason) = match i {
                0 => (Outcome::Refused, Some("记录编号与内容不符".to_owned())),
                1 => (Outcome::Applied, Some("文号重复，请核实".to_owned())),
                _ => (Outcome::Applied, None),
            };
            ChangeResult { change_id: c.change_id.clone(), outcome, reason }
        })
        .collect();
    a.write(|w| w.sync_acknowledge(out.up_to, &results, &out.changes)).unwrap();
    let mut problems: Vec<(String, bool, String)> =
        a.sync_problems().unwrap().into_iter().map(|p| (p.change_id, p.accepted, p.reason)).collect();
    problems.sort();
    let mut expected = vec![
        (out.changes[0].change_id.clone(), false, "记录编号与内容不符".to_owned()),
        (out.changes[1].change_id.clone(), true, "文号重复，请核实".to_owned()),
    ];
    expected.sort();
    assert_eq!(problems, expected);
    assert_eq!(a.sync_pending().unwrap().changes, 0);
}

/// A long write (a big sync page being applied holds its transaction for seconds) does
/// not hold up reads: the inspector's list answers from what is committed meanwhile.
#[test]
fn reads_answer_while_a_long_write_is_in_progress() {
    use std::sync::mpsc::channel;
    use std::time::Duration;

    let (_dir, store) = seeded();
    store.write(|w| w.insert_enterprise(&input("北京门头沟读写甲有限公司", "914403001922038216"), false)).unwrap();
    let store = std::sync::Arc::new(store);
    let (in_write, write_open) = channel();
    let (release, released) = channel::<()>();
    let writer = {
        let store = store.clone();
        std::thread::spawn(move || {
            store.write(|w| {
                w.insert_enterprise(&input("北京门头沟读写乙有限公司", &valid_code("91110109MA01XY7Q")), false)?;
                in_write.send(()).unwrap();
                // Holds the transaction (and SQLite's write lock) until the reader has answered.
                released.recv().unwrap();
                Ok(())
            })
        })
    };
    write_open.recv().unwrap();
    let (answer, answered) = channel();
    {
        let store = store.clone();
        std::thread::spawn(move || {
            let found = store
                .search_enterprises(&query("读写"))
                .map(|p| p.items.into_iter().map(|e| e.name).collect::<Vec<_>>());
            let hazards = store.hazard_ledger(&HazardFilter { limit: 10, ..Default::default() }, NaiveDate::MIN);
            answer.send((found, hazards.is_ok())).unwrap();
        });
    }
    let (found, ledger_ok) = answered.recv_timeout(Duration::from_secs(30)).expect("the search waited for the write");
    assert_eq!(
        found.unwrap(),
        ["北京门头沟读写甲有限公司"],
        "the read sees what was committed, not the write in progress"
    );
    assert!(ledger_ok);
    release.send(()).unwrap();
    writer.join().unwrap().unwrap();
    let after: Vec<String> =
        store.search_enterprises(&query("读写")).unwrap().items.into_iter().map(|e| e.name).collect();
    assert_eq!(after.len(), 2, "the write is seen once committed: {after:?}");
}

/// Demo enterprises, and what is done to them, never leave the device: edited and
/// inspected, they send nothing; a real enterprise beside them is sent.
#[test]
fn demo_enterprises_never_leave_the_device() {
    let (_dir, store) = seeded();
    let demo = store.search_enterprises(&EnterpriseQuery { limit: 1, ..Default::default() }).unwrap().items[0].clone();
    let demo_record = store.enterprise(demo.id).unwrap();
    assert!(demo_record.is_demo);
    let mut edited = input(&format!("{}（改）", demo.name), &demo.credit_code);
    edited.division_code = demo_record.profile.division_code.clone();
    edited.sectors = demo_record.profile.sectors.clone();
    let hazard = store
        .write(|w| {
            w.update_enterprise(demo.id, demo_record.rev, &edited)?;
            w.insert_hazard(&NewHazard {
                enterprise_id: demo.id,
                inspection_id: None,
                item_code: None,
                description: "演示单位的隐患".into(),
                level: Level::General,
                deadline: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
                found_at: None,
            })
        })
        .unwrap();
    let real = store
        .write(|w| w.insert_enterprise(&input("北京门头沟真实单位有限公司", &valid_code("9111010906543212")), false))
        .unwrap();
    let out = store.sync_outgoing("device-a", 1000).unwrap();
    let sent: Vec<&str> = out.changes.iter().map(|c| c.record_id.as_str()).collect();
    assert!(sent.contains(&real.id.to_string().as_str()), "{sent:?}");
    for id in [demo.id.to_string(), hazard.id.to_string()] {
        assert!(!sent.contains(&id.as_str()), "{id} left the device: {sent:?}");
        assert!(out.changes.iter().all(|c| !c.payload.get().contains(&id)), "{id} inside a change");
    }
}
