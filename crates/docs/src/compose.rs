//! How a draft is composed from the records: what the 现场检查记录 says of an inspection,
//! how an order groups its items by deadline, what a review answers of each item. One
//! home for these rules; the caller reads the records and brings the time.

use anjian_core::document::DocumentSettings;
use anjian_core::enterprise::Profile;
use chrono::{Datelike, NaiveDate, Timelike, Utc};
use serde::{Deserialize, Serialize};

use crate::Snapshot;
use crate::snapshot::{
    CitedDecision, Date, DateTime, DeadlineGroup, Head, Officer, OrderSnapshot, OrderWording, RecordSnapshot, Remedy,
    ReviewOpinion, ReviewSnapshot, Signature, UnitSigner,
};

const SHIPPED: &str = include_str!("../../../assets/docs/wording.json");

/// The fixed wording of the documents; the bureau's settings replace its first four fields.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Wording {
    pub bureau: String,
    pub prefix: String,
    pub review_body: String,
    pub court: String,
    pub copies_note: String,
    pub record_introduction: String,
    pub order: OrderWording,
    pub review_intro: String,
}

impl Wording {
    /// The wording as shipped (assets/docs/wording.json).
    pub fn shipped() -> Result<Self, serde_json::Error> {
        serde_json::from_str(SHIPPED)
    }

    /// The shipped wording's settings part.
    pub fn settings(&self) -> DocumentSettings {
        DocumentSettings {
            bureau: self.bureau.clone(),
            prefix: self.prefix.clone(),
            review_body: self.review_body.clone(),
            court: self.court.clone(),
        }
    }

    /// This wording with the bureau's settings.
    pub fn with(mut self, s: DocumentSettings) -> Self {
        (self.bureau, self.prefix, self.review_body, self.court) = (s.bureau, s.prefix, s.review_body, s.court);
        self
    }
}

/// The documents' time of an instant: Beijing's wall clock.
pub fn beijing_time(t: chrono::DateTime<Utc>) -> DateTime {
    let local = anjian_core::beijing::local(t);
    DateTime { date: date_of(local.date()), hour: local.hour(), minute: local.minute() }
}

pub fn date_of(d: NaiveDate) -> Date {
    Date { year: d.year(), month: d.month(), day: d.day() }
}

/// A hazard as the documents list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub description: String,
    pub deadline: NaiveDate,
}

/// What a finished inspection gives its documents.
#[derive(Debug, Clone)]
pub struct InspectionFacts {
    pub unit: Profile,
    /// The inspectors' notes on the whole inspection.
    pub notes: String,
    pub started_at: chrono::DateTime<Utc>,
    pub finished_at: chrono::DateTime<Utc>,
    pub officers: Vec<Officer>,
    /// The pad's two officer signatures (一, 二).
    pub drawn: [Signature; 2],
    pub accompanying_person: String,
    pub unit_signature: Signature,
    /// In the order the ledger lists them: item 1 first.
    pub hazards: Vec<Finding>,
}

/// Text from the records as a document prints it: a tab or typographic space as a space,
/// line ends and separators as `\n`,
/// invisible formatting characters (zero-width spaces, bidi overrides pasted with a text)
/// dropped. What remains unprintable is the issuing check's to refuse.
pub fn printable_text(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .filter(|c| !crate::check::is_invisible_format(*c))
        .map(|c| match c {
            '\r' | '\u{2028}' | '\u{2029}' => '\n',
            // Tabs and the typographic spaces the face lacks (no-break, thin, narrow …).
            '\t' | '\u{A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' => ' ',
            c => c,
        })
        .collect()
}

/// The 现场检查记录's 检查情况: the notes, then each hazard as a numbered item; "未发现事故隐患。"
/// when there is neither.
pub fn findings(notes: &str, hazards: &[Finding]) -> String {
    let mut text = printable_text(notes.trim());
    if !hazards.is_empty() {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str("检查发现以下问题：");
        for (i, h) in hazards.iter().enumerate() {
            text.push_str(&format!("{}．{}", i + 1, printable_text(h.description.trim_end_matches('。'))));
            text.push(if i + 1 == hazards.len() { '。' } else { '；' });
        }
    } else if text.is_empty() {
        text.push_str("未发现事故隐患。");
    }
    text
}

/// An order's items grouped by deadline, earliest first; items numbered from 1.
pub fn deadline_groups(hazards: &[Finding]) -> Vec<DeadlineGroup> {
    let mut groups: Vec<DeadlineGroup> = Vec::new();
    for (i, h) in hazards.iter().enumerate() {
        let deadline = date_of(h.deadline);
        let item = i as u32 + 1;
        match groups.iter_mut().find(|g| g.deadline == deadline) {
            Some(g) => g.items.push(item),
            None => groups.push(DeadlineGroup { items: vec![item], deadline }),
        }
    }
    groups.sort_by_key(|g| g.deadline);
    groups
}

/// The drafts of a finished inspection: its 现场检查记录, and the 责令限期整改指令书 when
/// hazards were found.
pub fn inspection_drafts(f: &InspectionFacts, w: &Wording) -> (RecordSnapshot, Option<OrderSnapshot>) {
    // The pad records the first two officers; any further ones sign on paper.
    let mut officer_signatures = f.drawn.to_vec();
    officer_signatures.resize(f.officers.len().max(2), Signature::Blank);
    let unit_signer = UnitSigner {
        name: printable_text(&f.accompanying_person).trim().to_owned(),
        title: String::new(),
        signature: f.unit_signature.clone(),
    };
    let finished = beijing_time(f.finished_at);
    let p = &f.unit;
    let clean = |s: &str| printable_text(s).trim().to_owned();
    let officers: Vec<Officer> =
        f.officers.iter().map(|o| Officer { name: clean(&o.name), certificate: clean(&o.certificate) }).collect();
    let names = officers.iter().map(|o| o.name.as_str()).collect::<Vec<_>>().join("、");
    let certificates = officers.iter().map(|o| o.certificate.as_str()).collect::<Vec<_>>().join("、");
    let record = RecordSnapshot {
        head: Head { bureau: w.bureau.clone(), number: None },
        unit: clean(&p.name),
        address: clean(&p.address),
        legal_representative: clean(p.legal_representative.as_deref().unwrap_or_default()),
        legal_representative_title: String::new(),
        phone: clean(p.contact_phone.as_deref().unwrap_or_default()),
        place: clean(&p.address),
        started_at: beijing_time(f.started_at),
        ended_at: finished,
        officers: officers.clone(),
        officer_signatures: officer_signatures.clone(),
        introduction: w
            .record_introduction
            .replace("{bureau}", &w.bureau)
            .replace("{names}", &names)
            .replace("{certificates}", &certificates),
        findings: findings(&f.notes, &f.hazards),
        unit_signer: unit_signer.clone(),
        date: finished.date,
        copies_note: w.copies_note.clone(),
    };
    let order = (!f.hazards.is_empty()).then(|| OrderSnapshot {
        head: Head { bureau: w.bureau.clone(), number: None },
        addressee: clean(&p.name),
        items: f.hazards.iter().map(|h| printable_text(&h.description)).collect(),
        deadline_groups: deadline_groups(&f.hazards),
        wording: w.order.clone(),
        remedy: Remedy { review_body: w.review_body.clone(), court: w.court.clone() },
        officers,
        officer_signatures,
        unit_signer,
        date: finished.date,
        copies_note: w.copies_note.clone(),
    });
    (record, order)
}

/// Where one of an order's hazards stands at the 复查.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewOutcome {
    /// The hazard's item number in the order (from 1).
    pub item: u32,
    pub rectified: bool,
    /// The note of its latest 复查.
    pub note: String,
}

/// The cited order, as the review names it.
#[derive(Debug, Clone)]
pub struct IssuedOrder<'a> {
    pub snapshot: &'a OrderSnapshot,
    pub number: &'a str,
    pub issued_at: Option<chrono::DateTime<Utc>>,
}

/// The 整改复查意见书 of an issued order: an opinion on each item re-inspected, under the
/// order's own item number.
pub fn review_draft(
    order: &IssuedOrder<'_>,
    outcomes: &[ReviewOutcome],
    officers: Vec<Officer>,
    w: &Wording,
    now: chrono::DateTime<Utc>,
) -> ReviewSnapshot {
    let o = order.snapshot;
    let opinions = outcomes
        .iter()
        .map(|r| ReviewOpinion {
            number: Some(r.item),
            item: o.items.get((r.item as usize).wrapping_sub(1)).cloned().unwrap_or_default(),
            rectified: r.rectified,
            opinion: printable_text(&r.note),
        })
        .collect();
    let issued = order.issued_at.map(beijing_time).map_or(o.date, |t| t.date);
    ReviewSnapshot {
        head: Head { bureau: w.bureau.clone(), number: None },
        addressee: o.addressee.clone(),
        cited: CitedDecision {
            date: issued,
            title: anjian_core::document::DocumentKind::RectificationOrder.title().to_owned(),
            number: order.number.to_owned(),
        },
        intro: w.review_intro.clone(),
        opinions,
        officer_signatures: vec![Signature::Blank; officers.len()],
        officers,
        unit_signer: UnitSigner {
            name: o.unit_signer.name.clone(),
            title: o.unit_signer.title.clone(),
            signature: Signature::Blank,
        },
        date: beijing_time(now).date,
        copies_note: w.copies_note.clone(),
    }
}

/// The snapshot with the number it is issued under.
pub fn numbered(s: &Snapshot, number: String) -> Snapshot {
    let mut s = s.clone();
    match &mut s {
        Snapshot::Record(r) => r.head.number = Some(number),
        Snapshot::Order(o) => o.head.number = Some(number),
        Snapshot::Review(r) => r.head.number = Some(number),
    }
    s
}

/// The name of a document's PDF file: its number (marked 已作废 when voided), or for a
/// draft its title and the start of its id. Valid on every system: no path separators,
/// reserved or control characters, no leading dot.
pub fn file_name(title: &str, number: Option<&str>, voided: bool, id: &str) -> String {
    let name = match (number, voided) {
        (Some(n), true) => format!("{n}（已作废）.pdf"),
        (Some(n), false) => format!("{n}.pdf"),
        (None, _) => format!("{title}（草稿）-{}.pdf", id.chars().take(8).collect::<String>()),
    };
    let safe: String =
        name.chars()
            .map(|c| {
                if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect();
    safe.trim_start_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn finding(d: &str, deadline: &str) -> Finding {
        Finding { description: d.into(), deadline: day(deadline) }
    }

    #[test]
    fn findings_number_the_hazards_after_the_notes() {
        let cases: [(&str, Vec<Finding>, &str); 4] = [
            ("", vec![], "未发现事故隐患。"),
            ("  现场整洁。 ", vec![], "现场整洁。"),
            ("", vec![finding("灭火器过期。", "2026-12-10")], "检查发现以下问题：1．灭火器过期。"),
            (
                "现场整洁。",
                vec![finding("灭火器过期", "2026-12-10"), finding("通道堵塞。", "2026-12-05")],
                "现场整洁。\n检查发现以下问题：1．灭火器过期；2．通道堵塞。",
            ),
        ];
        for (notes, hazards, want) in cases {
            assert_eq!(findings(notes, &hazards), want, "{notes:?}");
        }
    }

    #[test]
    fn printable_text_keeps_what_reads_and_drops_what_cannot_print() {
        let cases = [
            ("灭火器\t过期", "灭火器 过期"),
            ("第一行\r\n第二行\u{2028}第三行", "第一行\n第二行\n第三行"),
            ("北京\u{202F}门头沟\u{A0}区", "北京 门头沟 区"),
            ("\u{FEFF}通道\u{200B}堵塞\u{202E}", "通道堵塞"),
            ("（JGJ 130-2011）", "（JGJ 130-2011）"),
        ];
        for (text, want) in cases {
            assert_eq!(printable_text(text), want, "{text:?}");
        }
    }

    #[test]
    fn deadline_groups_join_items_of_one_day_earliest_first() {
        let h = [
            finding("a", "2026-12-20"),
            finding("b", "2026-12-05"),
            finding("c", "2026-12-20"),
            finding("d", "2026-12-05"),
        ];
        let g = deadline_groups(&h);
        assert_eq!(g.len(), 2);
        assert_eq!((g[0].items.clone(), g[0].deadline), (vec![2, 4], date_of(day("2026-12-05"))));
        assert_eq!((g[1].items.clone(), g[1].deadline), (vec![1, 3], date_of(day("2026-12-20"))));
    }

    #[test]
    fn beijing_time_is_eight_hours_ahead_across_midnight() {
        let t = "2026-12-31T16:30:00Z".parse::<chrono::DateTime<Utc>>().expect("time");
        let b = beijing_time(t);
        assert_eq!((b.date, b.hour, b.minute), (Date { year: 2027, month: 1, day: 1 }, 0, 30));
    }

    #[test]
    fn file_names_are_safe_everywhere() {
        let cases = [
            ("责令限期整改指令书", Some("门应急责改〔2026〕第0012号"), false, "abc", "门应急责改〔2026〕第0012号.pdf"),
            (
                "责令限期整改指令书",
                Some("门应急责改〔2026〕第0012号"),
                true,
                "abc",
                "门应急责改〔2026〕第0012号（已作废）.pdf",
            ),
            ("现场检查记录", None, false, "0123456789ab", "现场检查记录（草稿）-01234567.pdf"),
            ("x", Some("../a/b:c\u{7}"), false, "i", "_a_b_c_.pdf"),
        ];
        for (title, number, voided, id, want) in cases {
            assert_eq!(file_name(title, number, voided, id), want);
        }
    }

    #[test]
    fn the_shipped_wording_reads_and_settings_replace_its_head() {
        let w = Wording::shipped().expect("wording");
        let s = DocumentSettings {
            bureau: "某局".into(),
            prefix: "某".into(),
            review_body: "某政府".into(),
            court: "某法院".into(),
        };
        let w2 = w.clone().with(s.clone());
        assert_eq!(w2.settings(), s);
        assert_eq!(w2.copies_note, w.copies_note);
    }
}
