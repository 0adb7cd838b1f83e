//! Search benchmark over a generated district of five years (2,000 enterprises,
//! 65,000 inspections, 39,000 hazards, 14,000 documents): enterprise search, full-text
//! search over inspection notes and hazard descriptions, and the hazard-ledger
//! filters, each beside a naive LIKE / full-scan query as the baseline.
//!
//! cargo bench -p anjian-tests --bench search
//! Goal: p95 ≤ 20 ms for every query of ours.

// A test fails loudly on the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use anjian_core::hazard::{HazardStatus, Level};
use anjian_store::seed::Reference;
use anjian_store::{EnterpriseQuery, HazardFilter, Store};
use anjian_tests::bench::{Stats, measure};
use anjian_tests::district::{self, FIVE_YEARS};
use chrono::NaiveDate;

const DIVISIONS: &str = include_str!("../../assets/seed/divisions.json");
const SECTORS: &str = include_str!("../../assets/seed/sectors.json");
const ROUNDS: usize = 15;

/// Dates in the ledger are Beijing's (UTC+8); found_at is stored in UTC.
fn beijing_day_start(d: NaiveDate) -> String {
    anjian_core::beijing::start_of_day(d).to_rfc3339()
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

struct Row {
    group: &'static str,
    case: String,
    ours: Stats,
    base: Stats,
    hits: u64,
    /// What the naive query found: the two must agree.
    base_hits: u64,
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let reference = Reference::parse(DIVISIONS, SECTORS).expect("reference");
    let store = Store::open(dir.path(), anjian_tests::test_keys().as_ref()).expect("open");
    store.seed(&reference, None).expect("seed");
    let t = Instant::now();
    let generated = district::generate(&store, &reference, FIVE_YEARS, 2011).expect("generate");
    eprintln!("generated {:?} in {:.1} s", FIVE_YEARS, t.elapsed().as_secs_f64());
    let raw = anjian_tests::open_raw(dir.path()).expect("raw");
    let mut rows: Vec<Row> = Vec::new();

    // Enterprise search: the naive way scans every row with LIKE on three columns.
    let sample = store.enterprise(generated.enterprise_ids[777]).expect("sample");
    let name = sample.profile.name.clone();
    let name_chars: Vec<char> = name.chars().collect();
    let mid: String = name_chars[2..6].iter().collect();
    let code_part = sample.profile.credit_code[8..14].to_owned();
    let cases: Vec<(String, Option<&str>, Option<&str>)> = vec![
        ("斋堂".into(), None, None),
        ("龙".into(), None, None),
        (mid.clone(), None, None),
        (name.clone(), None, None),
        (code_part.clone(), None, None),
        ("村12号".into(), None, None),
        ("石材".into(), Some("110109106"), None),
        ("鑫".into(), None, Some("gas")),
        (String::new(), Some("110109001"), Some("mine")),
    ];
    for (text, division, sector) in &cases {
        let q = EnterpriseQuery {
            text: Some(text.clone()),
            division: division.map(str::to_owned),
            sector: sector.map(str::to_owned),
            limit: 50,
            offset: 0,
        };
        let mut hits = 0;
        let ours = measure(ROUNDS, || hits = store.search_enterprises(&q).expect("search").total);
        let like = format!("%{text}%");
        let sql = "SELECT e.id, e.name, e.credit_code, e.address, d.name FROM enterprise e JOIN division d ON d.code = e.division_code
                   WHERE (e.name || ' ' || e.address || ' ' || e.credit_code || ' ' || coalesce(e.legal_representative, '') || ' ' || coalesce(e.safety_contact, '')) LIKE ?1
                     AND (?2 IS NULL OR e.division_code = ?2)
                     AND (?3 IS NULL OR EXISTS (SELECT 1 FROM enterprise_sector s WHERE s.enterprise_id = e.id AND s.sector_code = ?3))
                   ORDER BY e.name";
        let mut base_hits = 0;
        let base = measure(ROUNDS, || {
            let mut stmt = raw.prepare_cached(sql).expect("prepare");
            base_hits = stmt.query_map((&like, division, sector), |_| Ok(())).expect("query").count() as u64;
        });
        let label = format!(
            "“{text}”{}{}",
            division.map(|d| format!(" 镇街={d}")).unwrap_or_default(),
            sector.map(|s| format!(" 行业={s}")).unwrap_or_default()
        );
        rows.push(Row { group: "enterprise search", case: label, ours, base, hits, base_hits });
    }

    // Full text over inspection notes and hazard descriptions, newest 50.
    // Common terms, a rare one (about 1 note in 500) and one that is nowhere.
    for text in ["灭火器", "积尘", "连墙件", "防火门处于常开", "报警", "过期", "私设电焊", "氨气泄漏"]
    {
        let mut ours_at = Vec::new();
        let ours = measure(ROUNDS, || {
            ours_at = store.search_notes(text, 50).expect("notes").into_iter().map(|h| h.at).collect()
        });
        let like = format!("%{text}%");
        let sql = "SELECT at FROM (SELECT id, started_at AS at, notes FROM inspection WHERE notes LIKE ?1
                   UNION ALL SELECT id, found_at, description FROM hazard WHERE description LIKE ?1) ORDER BY at DESC LIMIT 50";
        let mut base_at: Vec<String> = Vec::new();
        let base = measure(ROUNDS, || {
            let mut stmt = raw.prepare_cached(sql).expect("prepare");
            base_at = stmt.query_map([&like], |r| r.get(0)).expect("query").collect::<Result<_, _>>().expect("rows");
        });
        // The same newest 50 (by time) or a mismatch shows up as differing counts.
        let agree = ours_at == base_at;
        let hits = ours_at.len() as u64;
        rows.push(Row {
            group: "notes full text",
            case: format!("“{text}”"),
            ours,
            base,
            hits,
            base_hits: if agree { hits } else { u64::MAX },
        });
    }

    // The hazard ledger: counts over the filtered set plus the newest 50.
    let today = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
    let ent = generated.enterprise_ids[42];
    let filters: Vec<(&str, HazardFilter)> = vec![
        ("all", HazardFilter::default()),
        ("status=open", HazardFilter { status: Some(HazardStatus::Open), ..Default::default() }),
        ("overdue", HazardFilter { overdue: Some(true), ..Default::default() }),
        ("level=major", HazardFilter { level: Some(Level::Major), ..Default::default() }),
        ("division", HazardFilter { division: Some("110109106".into()), ..Default::default() }),
        ("sector", HazardFilter { sector: Some("gas".into()), ..Default::default() }),
        ("enterprise", HazardFilter { enterprise: Some(ent), ..Default::default() }),
        (
            "one month",
            HazardFilter {
                found_from: NaiveDate::from_ymd_opt(2024, 3, 1),
                found_to: NaiveDate::from_ymd_opt(2024, 3, 31),
                ..Default::default()
            },
        ),
        (
            "division+overdue+major",
            HazardFilter {
                division: Some("110109001".into()),
                overdue: Some(true),
                level: Some(Level::Major),
                ..Default::default()
            },
        ),
        ("text “灭火器”", HazardFilter { text: Some("灭火器".into()), ..Default::default() }),
    ];
    for (label, mut f) in filters {
        f.limit = 50;
        let mut hits = 0;
        let ours = measure(ROUNDS, || hits = store.hazard_ledger(&f, today).expect("ledger").counts.total);
        // The naive way: read every hazard with its enterprise and filter in the query
        // without indexes (NOT INDEXED), text by LIKE.
        let sql = "SELECT h.id, h.status, h.deadline, e.name FROM hazard h NOT INDEXED JOIN enterprise e ON e.id = h.enterprise_id
                   WHERE (?1 IS NULL OR h.status = ?1) AND (?2 IS NULL OR (h.status = 'open' AND h.deadline < ?3) = ?2)
                     AND (?4 IS NULL OR h.level = ?4) AND (?5 IS NULL OR e.division_code = ?5)
                     AND (?6 IS NULL OR h.enterprise_id IN (SELECT enterprise_id FROM enterprise_sector WHERE sector_code = ?6))
                     AND (?7 IS NULL OR h.enterprise_id = ?7) AND (?8 IS NULL OR h.found_at >= ?8) AND (?9 IS NULL OR h.found_at < ?9)
                     AND (?10 IS NULL OR h.description LIKE ?10)
                   ORDER BY h.found_at DESC";
        let params = (
            f.status.map(HazardStatus::as_str),
            f.overdue,
            today.to_string(),
            f.level.map(|l| if l == Level::Major { "major" } else { "general" }),
            f.division.clone(),
            f.sector.clone(),
            f.enterprise.map(|e| e.to_string()),
            f.found_from.map(beijing_day_start),
            f.found_to.map(|d| beijing_day_start(d + chrono::Days::new(1))),
            f.text.as_ref().map(|t| format!("%{t}%")),
        );
        let mut base_hits = 0;
        let base = measure(ROUNDS, || {
            let mut stmt = raw.prepare_cached(sql).expect("prepare");
            base_hits = stmt.query_map(params.clone(), |_| Ok(())).expect("query").count() as u64;
        });
        rows.push(Row { group: "hazard ledger", case: label.to_owned(), ours, base, hits, base_hits });
    }

    println!("| what | query | hits | ours p50 ms | ours p95 ms | naive p50 ms | naive p95 ms |");
    println!("|---|---|---:|---:|---:|---:|---:|");
    let mut worst = Duration::ZERO;
    for r in &rows {
        worst = worst.max(r.ours.p95);
        println!(
            "| {} | {} | {} | {} | {} | {} | {} |",
            r.group,
            r.case,
            r.hits,
            ms(r.ours.p50),
            ms(r.ours.p95),
            ms(r.base.p50),
            ms(r.base.p95)
        );
    }
    println!();
    let met = worst <= Duration::from_millis(20);
    println!("worst p95 of ours: {} ms (goal ≤ 20 ms): {}", ms(worst), if met { "met" } else { "NOT met" });
    let disagree: Vec<&Row> = rows.iter().filter(|r| r.hits != r.base_hits).collect();
    for r in &disagree {
        println!("DISAGREE {} {}: ours {} hits, naive {}", r.group, r.case, r.hits, r.base_hits);
    }
    if !met || !disagree.is_empty() {
        std::process::exit(1);
    }
}
