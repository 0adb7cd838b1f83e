//! What must hold before a document may be issued (domain.md: two officers with their
//! certificates, an addressee, an order with deadlines, a review citing an order, the
//! remedy clause as the law gives it). One home for these rules: the app before issuing,
//! the command line's `--check` and the tests call `check_for_issue`. Drafts may be
//! previewed incomplete; issuing checks all of this.

use anjian_core::document::{DocumentKind, DocumentNumber, is_court, is_review_body_of, review_body_of};

use crate::compose::Wording;
use crate::snapshot::{Date, DeadlineGroup, Head, Officer, Signature, Snapshot, UnitSigner};

/// A refusal: the field it concerns (its path in the snapshot's JSON) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}：{problem}", label(field))]
pub struct IssueError {
    pub field: &'static str,
    pub problem: Problem,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("未填写")]
    Missing,
    #[error("不足两名：执法文书须由两名以上执法人员出具")]
    TooFewOfficers,
    #[error("「{0}」没有执法证号")]
    MissingCertificate(String),
    #[error("「{0}」重复")]
    DuplicateOfficer(String),
    #[error("每名执法人员须有一个签名栏")]
    SignatureCount,
    #[error("为空：签发的文书须有文号")]
    EmptyNumber,
    #[error("「{0}」不是有效的文号（应如 门应急责改〔2026〕第0012号）")]
    BadNumber(String),
    #[error("「{number}」不是{title}的文号")]
    WrongKind { number: String, title: &'static str },
    #[error("「{0}」的年份与文书日期不符")]
    NumberYear(String),
    #[error("至少要有一项问题")]
    NoItems,
    #[error("第{0}项为空")]
    EmptyItem(u32),
    #[error("第{0}项问题没有整改期限")]
    ItemWithoutDeadline(u32),
    #[error("引用了不存在的第{0}项")]
    NoSuchItem(u32),
    #[error("第{0}项出现在两个整改期限中")]
    ItemInTwoGroups(u32),
    #[error("第{0}个整改期限没有列出问题")]
    EmptyGroup(usize),
    #[error("{0}早于文书日期")]
    DeadlineBeforeDate(String),
    #[error("{0}距文书日期超过五年")]
    DeadlineTooFar(String),
    #[error("与规定的文书用语不一致，不能签发改动过的条款")]
    Altered,
    #[error("应为{0}（行政复议法：向本级人民政府申请行政复议）")]
    NotTheGovernment(String),
    #[error("应为本级人民政府")]
    NotAGovernment,
    #[error("应为人民法院")]
    NotACourt,
    #[error("复查意见书只能引用责令限期整改指令书，不能引用「{0}」")]
    CitesNotAnOrder(String),
    #[error("所引指令书的日期{0}晚于复查意见书的日期")]
    CitedAfter(String),
    #[error("至少要有一项：请先对整改指令书所列隐患进行复查")]
    NoOpinions,
    #[error("第{0}项判定为未整改，须写明复查意见")]
    NoOpinionText(u32),
    #[error("第{0}项出现了两次")]
    DuplicateItem(u32),
    #[error("{0}晚于今天")]
    InFuture(String),
    #[error("{0}早于2000年，不是有效日期")]
    TooEarly(String),
    #[error("结束时间早于开始时间")]
    EndsBeforeStart,
    #[error("字体中没有字符「{0}」（U+{code:04X}），请改用规范汉字", code = u32::from(*.0))]
    MissingGlyph(char),
    #[error("含有不可见的控制字符（U+{:04X}），请删去", u32::from(*.0))]
    ControlCharacter(char),
}

/// The field's name as an officer knows it.
fn label(field: &str) -> &'static str {
    match field {
        "head.bureau" => "发文机关",
        "head.number" => "文号",
        "unit" | "addressee" => "被检查单位",
        "address" => "地址",
        "legalRepresentative" => "法定代表人（负责人）",
        "legalRepresentativeTitle" => "职务",
        "phone" => "联系电话",
        "place" => "检查场所",
        "startedAt" | "endedAt" => "检查时间",
        "introduction" => "执法人员表明身份的说明",
        "findings" => "检查情况",
        "items" => "问题",
        "deadlineGroups" => "整改期限",
        "wording.findingsIntro" | "wording.safetyClause" => "文书用语",
        "wording.deadlineClause" => "整改期限条款",
        "wording.remedyClause" => "救济途径条款",
        "remedy.reviewBody" => "行政复议机关",
        "remedy.court" => "人民法院",
        "cited.title" | "cited.number" | "cited.date" => "所引用的文书",
        "intro" => "复查意见书的引言",
        "opinions" => "复查意见",
        "officers" => "执法人员",
        "officerSignatures" => "执法人员签名",
        "unitSigner.name" => "被检查单位负责人",
        "unitSigner.title" => "负责人职务",
        "date" => "文书日期",
        "copiesNote" => "份数说明",
        _ => "文书",
    }
}

fn refuse<T>(field: &'static str, problem: Problem) -> Result<T, IssueError> {
    Err(IssueError { field, problem })
}

/// Checks a snapshot for issue on `today` (Beijing). A number, when the snapshot carries
/// one, must be a number of this kind of document; a draft about to be numbered carries
/// none. The citation of an *issued* order is the store's to check (it knows which are
/// issued); here only that an order is cited, by its number, before the review.
pub fn check_for_issue(snapshot: &Snapshot, today: Date) -> Result<(), IssueError> {
    let kind = kind_of(snapshot);
    let date = snapshot.date();
    check_date("date", date, today)?;
    check_head(snapshot.head(), kind, date, today)?;
    check_officers(snapshot.officers())?;
    let shipped = Wording::shipped().ok();
    match snapshot {
        Snapshot::Record(s) => {
            require("unit", &s.unit)?;
            require("address", &s.address)?;
            require("place", &s.place)?;
            require("findings", &s.findings)?;
            require("introduction", &s.introduction)?;
            check_unit(&s.unit_signer)?;
            check_signatures(&s.officers, &s.officer_signatures)?;
            check_date("startedAt", s.started_at.date, today)?;
            check_date("endedAt", s.ended_at.date, today)?;
            if s.ended_at < s.started_at {
                return refuse("endedAt", Problem::EndsBeforeStart);
            }
            text("unit", &s.unit, false)?;
            text("address", &s.address, false)?;
            text("legalRepresentative", &s.legal_representative, false)?;
            text("legalRepresentativeTitle", &s.legal_representative_title, false)?;
            text("phone", &s.phone, false)?;
            text("place", &s.place, false)?;
            text("introduction", &s.introduction, true)?;
            text("findings", &s.findings, true)?;
            text("copiesNote", &s.copies_note, true)?;
        }
        Snapshot::Order(s) => {
            require("addressee", &s.addressee)?;
            if s.items.is_empty() {
                return refuse("items", Problem::NoItems);
            }
            for (i, item) in s.items.iter().enumerate() {
                if item.trim().is_empty() {
                    return refuse("items", Problem::EmptyItem(i as u32 + 1));
                }
                text("items", item, true)?;
            }
            check_groups(s.items.len(), &s.deadline_groups, s.date)?;
            if let Some(w) = &shipped {
                let fixed = [
                    ("wording.findingsIntro", &s.wording.findings_intro, &w.order.findings_intro),
                    ("wording.deadlineClause", &s.wording.deadline_clause, &w.order.deadline_clause),
                    ("wording.safetyClause", &s.wording.safety_clause, &w.order.safety_clause),
                    ("wording.remedyClause", &s.wording.remedy_clause, &w.order.remedy_clause),
                ];
                for (field, printed, law) in fixed {
                    if printed != law {
                        return refuse(field, Problem::Altered);
                    }
                }
            }
            require("remedy.reviewBody", &s.remedy.review_body)?;
            if !is_review_body_of(&s.head.bureau, &s.remedy.review_body) {
                return refuse(
                    "remedy.reviewBody",
                    review_body_of(&s.head.bureau).map_or(Problem::NotAGovernment, Problem::NotTheGovernment),
                );
            }
            require("remedy.court", &s.remedy.court)?;
            if !is_court(&s.remedy.court) {
                return refuse("remedy.court", Problem::NotACourt);
            }
            text("addressee", &s.addressee, false)?;
            text("remedy.reviewBody", &s.remedy.review_body, false)?;
            text("remedy.court", &s.remedy.court, false)?;
            text("copiesNote", &s.copies_note, true)?;
            check_unit(&s.unit_signer)?;
            check_signatures(&s.officers, &s.officer_signatures)?;
        }
        Snapshot::Review(s) => {
            require("addressee", &s.addressee)?;
            let order = DocumentKind::RectificationOrder;
            if s.cited.title != order.title() {
                return refuse("cited.title", Problem::CitesNotAnOrder(s.cited.title.clone()));
            }
            require("cited.number", &s.cited.number)?;
            match strict_number(&s.cited.number) {
                Some(n) if n.kind == order => {}
                Some(n) => {
                    return refuse(
                        "cited.number",
                        Problem::CitesNotAnOrder(format!("{}（{}）", n.kind.title(), s.cited.number)),
                    );
                }
                None => return refuse("cited.number", Problem::BadNumber(s.cited.number.clone())),
            }
            text("cited.number", &s.cited.number, false)?;
            check_date("cited.date", s.cited.date, today)?;
            if s.cited.date > s.date {
                return refuse("cited.date", Problem::CitedAfter(s.cited.date.chinese()));
            }
            if let Some(w) = &shipped
                && s.intro != w.review_intro
            {
                return refuse("intro", Problem::Altered);
            }
            if s.opinions.is_empty() {
                return refuse("opinions", Problem::NoOpinions);
            }
            let mut seen = Vec::new();
            for (i, o) in s.opinions.iter().enumerate() {
                let n = o.number.unwrap_or(i as u32 + 1);
                if n == 0 {
                    return refuse("opinions", Problem::NoSuchItem(0));
                }
                if seen.contains(&n) {
                    return refuse("opinions", Problem::DuplicateItem(n));
                }
                seen.push(n);
                if o.item.trim().is_empty() {
                    return refuse("opinions", Problem::EmptyItem(n));
                }
                if !o.rectified && o.opinion.trim().is_empty() {
                    return refuse("opinions", Problem::NoOpinionText(n));
                }
                text("opinions", &o.item, true)?;
                text("opinions", &o.opinion, true)?;
            }
            text("addressee", &s.addressee, false)?;
            text("copiesNote", &s.copies_note, true)?;
            check_unit(&s.unit_signer)?;
            check_signatures(&s.officers, &s.officer_signatures)?;
        }
    }
    Ok(())
}

fn kind_of(snapshot: &Snapshot) -> DocumentKind {
    match snapshot {
        Snapshot::Record(_) => DocumentKind::InspectionRecord,
        Snapshot::Order(_) => DocumentKind::RectificationOrder,
        Snapshot::Review(_) => DocumentKind::ReviewOpinion,
    }
}

fn check_head(head: &Head, kind: DocumentKind, date: Date, today: Date) -> Result<(), IssueError> {
    require("head.bureau", &head.bureau)?;
    text("head.bureau", &head.bureau, false)?;
    let Some(number) = &head.number else { return Ok(()) };
    if number.trim().is_empty() {
        return refuse("head.number", Problem::EmptyNumber);
    }
    let parsed = strict_number(number)
        .ok_or_else(|| IssueError { field: "head.number", problem: Problem::BadNumber(number.clone()) })?;
    if parsed.kind != kind {
        return refuse("head.number", Problem::WrongKind { number: number.clone(), title: kind.title() });
    }
    // Numbered when issued: in the year of the document's date or, issued later, after it.
    if parsed.year < date.year || parsed.year > today.year {
        return refuse("head.number", Problem::NumberYear(number.clone()));
    }
    text("head.number", number, false)
}

/// A number exactly as the app writes one: the prefix a number can carry, the kind, the
/// year, a sequence from 1 in four digits or more (第0012号, not 第12号 or 第0000号).
fn strict_number(number: &str) -> Option<DocumentNumber> {
    let parsed: DocumentNumber = number.parse().ok()?;
    (parsed.seq > 0 && DocumentNumber::is_valid_prefix(&parsed.prefix) && parsed.to_string() == number)
        .then_some(parsed)
}

fn check_date(field: &'static str, date: Date, today: Date) -> Result<(), IssueError> {
    if date > today {
        return refuse(field, Problem::InFuture(date.chinese()));
    }
    if !anjian_core::beijing::RECORD_YEARS.contains(&date.year) {
        return refuse(field, Problem::TooEarly(date.chinese()));
    }
    Ok(())
}

fn require(field: &'static str, value: &str) -> Result<(), IssueError> {
    if value.trim().is_empty() { refuse(field, Problem::Missing) } else { Ok(()) }
}

/// Every character printable as it reads: no control or invisible formatting characters
/// (a bidi override would print the text reversed), and none the face lacks (it would
/// print as a box).
fn text(field: &'static str, value: &str, multiline: bool) -> Result<(), IssueError> {
    for c in value.chars() {
        if multiline && c == '\n' {
            continue;
        }
        if c.is_control() || is_invisible_format(c) {
            return refuse(field, Problem::ControlCharacter(c));
        }
        if !printable(c) {
            return refuse(field, Problem::MissingGlyph(c));
        }
    }
    Ok(())
}

/// Unicode's format characters that change how text reads without being seen.
pub(crate) fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}')
}

#[cfg(feature = "render")]
fn printable(c: char) -> bool {
    crate::font::font().is_some_and(|f| f.has_glyph(c))
}

/// Without the renderer the face is not at hand; the renderer checks it again.
#[cfg(not(feature = "render"))]
fn printable(_: char) -> bool {
    true
}

fn check_officers(officers: &[Officer]) -> Result<(), IssueError> {
    if officers.len() < 2 {
        return refuse("officers", Problem::TooFewOfficers);
    }
    for (i, o) in officers.iter().enumerate() {
        require("officers", &o.name)?;
        if o.certificate.trim().is_empty() {
            return refuse("officers", Problem::MissingCertificate(o.name.clone()));
        }
        if officers[..i].iter().any(|p| p.certificate.trim() == o.certificate.trim()) {
            return refuse("officers", Problem::DuplicateOfficer(o.name.clone()));
        }
        text("officers", &o.name, false)?;
        text("officers", &o.certificate, false)?;
    }
    Ok(())
}

fn check_signatures(officers: &[Officer], signatures: &[Signature]) -> Result<(), IssueError> {
    if officers.len() != signatures.len() { refuse("officerSignatures", Problem::SignatureCount) } else { Ok(()) }
}

fn check_unit(unit: &UnitSigner) -> Result<(), IssueError> {
    text("unitSigner.name", &unit.name, false)?;
    text("unitSigner.title", &unit.title, false)?;
    // A refusal is recorded, so the name may be unknown; otherwise who signs is named.
    if matches!(unit.signature, Signature::Refused) { Ok(()) } else { require("unitSigner.name", &unit.name) }
}

fn check_groups(items: usize, groups: &[DeadlineGroup], date: Date) -> Result<(), IssueError> {
    let field = "deadlineGroups";
    if groups.is_empty() {
        return refuse(field, Problem::ItemWithoutDeadline(1));
    }
    let mut seen = vec![false; items];
    for (k, g) in groups.iter().enumerate() {
        if g.items.is_empty() {
            return refuse(field, Problem::EmptyGroup(k + 1));
        }
        if g.deadline < date {
            return refuse(field, Problem::DeadlineBeforeDate(g.deadline.chinese()));
        }
        if days_between(date, g.deadline) > anjian_core::hazard::MAX_DEADLINE_DAYS as i64 {
            return refuse(field, Problem::DeadlineTooFar(g.deadline.chinese()));
        }
        for &n in &g.items {
            let Some(slot) = seen.get_mut((n as usize).wrapping_sub(1)) else {
                return refuse(field, Problem::NoSuchItem(n));
            };
            if *slot {
                return refuse(field, Problem::ItemInTwoGroups(n));
            }
            *slot = true;
        }
    }
    match seen.iter().position(|s| !s) {
        Some(i) => refuse(field, Problem::ItemWithoutDeadline(i as u32 + 1)),
        None => Ok(()),
    }
}

fn days_between(from: Date, to: Date) -> i64 {
    let day = |d: Date| chrono::NaiveDate::from_ymd_opt(d.year, d.month, d.day);
    match (day(from), day(to)) {
        (Some(a), Some(b)) => (b - a).num_days(),
        _ => 0,
    }
}
