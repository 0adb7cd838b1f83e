//! What the console reads of the district's records (`ledger`'s tables): the figures of
//! 总览 and the lists behind them. One SQL text for both dialects; every filter is a
//! parameter.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::text;
use crate::storage::{Param, Result, Sql, StorageError};

/// A code and its name (a 镇街, a 行业, a document kind).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Named {
    pub code: String,
    pub name: String,
}

/// The lists the console's filters offer.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Reference {
    pub towns: Vec<Named>,
    pub sectors: Vec<Named>,
    pub document_kinds: Vec<Named>,
}

pub(super) fn names() -> &'static (HashMap<String, String>, HashMap<String, String>) {
    static NAMES: std::sync::OnceLock<(HashMap<String, String>, HashMap<String, String>)> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let r = crate::import::Reference::bundled().unwrap_or_default();
        (r.divisions.into_iter().collect(), r.sectors.into_iter().collect())
    })
}

pub fn reference() -> Reference {
    let r = crate::import::Reference::bundled().unwrap_or_default();
    let named = |pairs: Vec<(String, String)>| pairs.into_iter().map(|(code, name)| Named { code, name }).collect();
    Reference {
        towns: named(r.divisions),
        sectors: named(r.sectors),
        document_kinds: anjian_core::document::DocumentKind::ALL
            .iter()
            .map(|k| Named { code: k.as_str().to_owned(), name: k.title().to_owned() })
            .collect(),
    }
}

pub(super) fn town_name(code: &str) -> String {
    names().0.get(code).cloned().unwrap_or_else(|| if code.is_empty() { "未知".into() } else { code.to_owned() })
}

fn sector_name(code: &str) -> String {
    names().1.get(code).cloned().unwrap_or_else(|| if code.is_empty() { "未知".into() } else { code.to_owned() })
}

/// The figures a bureau reports on, for one period and one slice of the district.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Figures {
    /// 检查单位数: enterprises with a finished inspection in the period, each once.
    pub enterprises: i64,
    /// 检查家次: finished inspections in the period.
    pub inspections: i64,
    /// 发现隐患: hazards found in the period.
    pub hazards: i64,
    pub hazards_general: i64,
    pub hazards_major: i64,
    /// 已整改: of those, rectified or verified.
    pub rectified: i64,
    /// 整改率: rectified ÷ hazards; none when no hazard was found (never 100%).
    pub rectification_rate: Option<f64>,
    /// 逾期未整改: of those, still open after their deadline (Beijing day).
    pub overdue: i64,
    /// 挂牌督办: of the 重大隐患 found, those the bureau put under 督办 (in force or lifted).
    pub supervised: i64,
    /// 督办已整改: of those, rectified or verified.
    pub supervised_rectified: i64,
    /// 督办逾期: of those, still in force and open after the 督办期限.
    pub supervised_overdue: i64,
    /// 签发文书: documents issued in the period (those voided since included).
    pub documents: i64,
    /// The same by kind, every kind listed: still standing and voided apart.
    pub documents_by_kind: Vec<DocumentCount>,
}

impl Figures {
    fn rate(mut self) -> Figures {
        self.rectification_rate = (self.hazards > 0).then(|| self.rectified as f64 / self.hazards as f64);
        self
    }
}

/// One row of a breakdown: a town, a sector or a month.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Breakdown {
    pub key: String,
    pub label: String,
    pub figures: Figures,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DocumentCount {
    pub kind: String,
    pub title: String,
    pub issued: i64,
    pub voided: i64,
}

/// 总览 for a period.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Overview {
    pub from: String,
    pub to: String,
    pub totals: Figures,
    pub by_town: Vec<Breakdown>,
    pub by_sector: Vec<Breakdown>,
    pub by_month: Vec<Breakdown>,
    pub documents: Vec<DocumentCount>,
}

/// A period of Beijing days, both ends included.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct Period {
    /// 起始日（含），YYYY-MM-DD
    #[param(pattern = r"^\d{4}-\d{2}-\d{2}$")]
    pub from: String,
    /// 截止日（含），YYYY-MM-DD
    #[param(pattern = r"^\d{4}-\d{2}-\d{2}$")]
    pub to: String,
}

fn day(s: &str, what: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .filter(|d| anjian_core::beijing::is_record_date(*d))
        .ok_or_else(|| StorageError::Refused(format!("{what}不是有效的日期（年-月-日）")))
}

/// Both ends checked and in order.
pub fn period(from: &str, to: &str) -> Result<(String, String)> {
    let (from, to) = (day(from, "起始日")?, day(to, "截止日")?);
    if from > to {
        return Err(StorageError::Refused("起始日晚于截止日".into()));
    }
    Ok((from.to_string(), to.to_string()))
}

/// How each breakdown groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Group {
    All,
    Town,
    Sector,
    Month,
}

impl Group {
    fn label(self, key: &str) -> String {
        match self {
            Group::All => "合计".into(),
            Group::Town => town_name(key),
            Group::Sector => sector_name(key),
            Group::Month => key.replacen('-', "年", 1) + "月",
        }
    }
}

/// The overdue rule of `anjian_core::hazard::Hazard::is_overdue` in SQL: still open
/// after its last day. `today` is the parameter. (Held to the core rule by a test.)
pub(crate) const OVERDUE: &str = "h.status = 'open' AND h.deadline < ?";

/// `anjian_core::supervision::is_overdue` in SQL over `hazard h` and `hazard_supervision
/// sv`: in force, the hazard open, past the 督办期限. `today` is the parameter.
pub(crate) const SUPERVISION_OVERDUE: &str = "sv.status = 'active' AND h.status = 'open' AND sv.due < ?";

fn int(v: Option<&Option<String>>) -> i64 {
    v.and_then(|v| v.as_deref()).and_then(|v| v.parse().ok()).unwrap_or(0)
}

/// Where a record of an enterprise on a day counts: the totals, its town, each of its
/// sectors and its month (`Group` as an index into `GROUPS`).
struct Slices {
    towns: HashMap<String, String>,
    sectors: HashMap<String, Vec<String>>,
}

const GROUPS: [Group; 4] = [Group::All, Group::Town, Group::Sector, Group::Month];

impl Slices {
    fn read(sql: &mut dyn Sql) -> Result<Slices> {
        let towns = sql
            .query("SELECT id, division_code FROM enterprise", &[])?
            .into_iter()
            .map(|r| (col(&r, 0), col(&r, 1)))
            .collect();
        let mut sectors: HashMap<String, Vec<String>> = HashMap::new();
        for r in sql.query("SELECT enterprise_id, sector_code FROM enterprise_sector", &[])? {
            sectors.entry(col(&r, 0)).or_default().push(col(&r, 1));
        }
        Ok(Slices { towns, sectors })
    }

    /// The slices, borrowed from the lists and the day (nothing allocated per record).
    fn of<'a>(&'a self, enterprise: &str, day: &'a str) -> impl Iterator<Item = (usize, &'a str)> {
        let town = self.towns.get(enterprise).map_or("", String::as_str);
        let sectors: &'a [String] = self.sectors.get(enterprise).map_or(&[], Vec::as_slice);
        let unsorted = sectors.is_empty().then_some((2, ""));
        [(0, ""), (1, town), (3, day.get(..7).unwrap_or(""))]
            .into_iter()
            .chain(sectors.iter().map(|c| (2, c.as_str())))
            .chain(unsorted)
    }
}

/// The figures of one slice, made when first counted.
fn slice<'m>(by: &'m mut [HashMap<String, Figures>; 4], (group, key): (usize, &str)) -> &'m mut Figures {
    let map = &mut by[group];
    if !map.contains_key(key) {
        map.insert(key.to_owned(), Figures::default());
    }
    map.get_mut(key).unwrap_or_else(|| unreachable!("inserted above"))
}

/// Every figure of a period, for the totals and each slice: one read of each table (the
/// period's rows), counted here by core's rules.
fn figures(sql: &mut dyn Sql, from: &str, to: &str, today: NaiveDate) -> Result<[HashMap<String, Figures>; 4]> {
    use anjian_core::hazard::HazardStatus;
    let slices = Slices::read(sql)?;
    let mut by: [HashMap<String, Figures>; 4] = Default::default();
    let inspections = sql.query(
        "SELECT enterprise_id, started_day FROM inspection WHERE status = 'finished' AND started_day >= ? AND started_day <= ?",
        &[text(from), text(to)],
    )?;
    let mut seen: std::collections::HashSet<(usize, &str, &str)> = Default::default();
    for r in &inspections {
        let (enterprise, day) = (r[0].as_deref().unwrap_or(""), r[1].as_deref().unwrap_or(""));
        for s in slices.of(enterprise, day) {
            let first = seen.insert((s.0, s.1, enterprise));
            let f = slice(&mut by, s);
            f.inspections += 1;
            f.enterprises += i64::from(first);
        }
    }
    for r in sql.query(
        "SELECT h.enterprise_id, h.found_day, h.level, h.status, h.deadline, sv.status, sv.due FROM hazard h
         LEFT JOIN hazard_supervision sv ON sv.id = h.id WHERE h.found_day >= ? AND h.found_day <= ?",
        &[text(from), text(to)],
    )? {
        let cell = |i: usize| r.get(i).and_then(|v| v.as_deref()).unwrap_or("");
        let status = HazardStatus::parse(cell(3)).unwrap_or(HazardStatus::Open);
        let overdue = cell(4).parse::<NaiveDate>().is_ok_and(|d| anjian_core::hazard::is_overdue(status, d, today));
        let supervision = anjian_core::supervision::Status::parse(cell(5));
        let supervised_overdue = match (supervision, cell(6).parse::<NaiveDate>()) {
            (Some(s), Ok(due)) => anjian_core::supervision::is_overdue(s, status, due, today),
            _ => false,
        };
        let (major, rectified) = (cell(2) == "major", status >= HazardStatus::Rectified);
        for s in slices.of(cell(0), cell(1)) {
            let f = slice(&mut by, s);
            f.hazards += 1;
            f.hazards_major += i64::from(major);
            f.hazards_general += i64::from(!major);
            f.rectified += i64::from(rectified);
            f.overdue += i64::from(overdue);
            f.supervised += i64::from(supervision.is_some());
            f.supervised_rectified += i64::from(supervision.is_some() && rectified);
            f.supervised_overdue += i64::from(supervised_overdue);
        }
    }
    let kinds = anjian_core::document::DocumentKind::ALL;
    let mut counts: [HashMap<String, Vec<(i64, i64)>>; 4] = Default::default();
    for r in sql.query(
        "SELECT enterprise_id, issued_day, kind, status FROM document WHERE status <> 'draft' AND issued_day >= ? AND issued_day <= ?",
        &[text(from), text(to)],
    )? {
        let cell = |i: usize| r.get(i).and_then(|v| v.as_deref()).unwrap_or("");
        let Some(k) = kinds.iter().position(|k| k.as_str() == cell(2)) else { continue };
        let voided = cell(3) == "voided";
        for (group, key) in slices.of(cell(0), cell(1)) {
            slice(&mut by, (group, key));
            let c = &mut counts[group].entry(key.to_owned()).or_insert_with(|| vec![(0, 0); kinds.len()])[k];
            if voided { c.1 += 1 } else { c.0 += 1 }
        }
    }
    slice(&mut by, (0, ""));
    for (group, map) in by.iter_mut().enumerate() {
        for (key, f) in map.iter_mut() {
            let c = counts[group].get(key);
            f.documents_by_kind = kinds
                .iter()
                .enumerate()
                .map(|(i, k)| {
                    let (issued, voided) = c.map_or((0, 0), |c| c[i]);
                    DocumentCount { kind: k.as_str().to_owned(), title: k.title().to_owned(), issued, voided }
                })
                .collect();
            f.documents = f.documents_by_kind.iter().map(|d| d.issued + d.voided).sum();
            *f = std::mem::take(f).rate();
        }
    }
    Ok(by)
}

/// 总览: totals and the three breakdowns for a period; `today` decides what is overdue.
pub fn overview(sql: &mut dyn Sql, from: &str, to: &str, today: NaiveDate) -> Result<Overview> {
    let [mut all, by_town, by_sector, by_month] = figures(sql, from, to, today)?;
    let totals = all.remove("").unwrap_or_default();
    let breakdown = |group: usize, map: HashMap<String, Figures>| -> Vec<Breakdown> {
        let mut rows: Vec<Breakdown> = map
            .into_iter()
            .map(|(key, figures)| Breakdown { label: GROUPS[group].label(&key), key, figures })
            .collect();
        rows.sort_by(|a, b| a.key.cmp(&b.key));
        rows
    };
    Ok(Overview {
        from: from.to_owned(),
        to: to.to_owned(),
        documents: totals.documents_by_kind.clone(),
        totals,
        by_town: breakdown(1, by_town),
        by_sector: breakdown(2, by_sector),
        by_month: breakdown(3, by_month),
    })
}

/// The ledger's filters (隐患台账), as the app's plus inspector and source.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HazardQuery {
    /// 发现日起（含）
    pub from: Option<String>,
    /// 发现日止（含）
    pub to: Option<String>,
    /// 镇街代码
    pub town: Option<String>,
    /// 行业代码
    pub sector: Option<String>,
    /// general | major
    pub level: Option<String>,
    /// open | rectified | verified | closed（已整改：rectified 或 verified）
    pub status: Option<String>,
    /// 只看逾期未整改
    pub overdue: Option<bool>,
    /// 执法人员姓名（部分）
    pub inspector: Option<String>,
    /// 单位名称或隐患描述（部分）
    pub q: Option<String>,
    /// 挂牌督办：any（督办过）| active（督办中）| lifted（已摘牌）| overdue（督办逾期）
    pub supervision: Option<String>,
    pub offset: Option<u32>,
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HazardRow {
    pub id: String,
    pub enterprise_id: String,
    pub enterprise_name: String,
    pub town: String,
    pub town_name: String,
    pub sectors: Vec<String>,
    pub description: String,
    pub level: String,
    pub status: String,
    pub found_at: String,
    pub deadline: String,
    pub overdue: bool,
    pub inspectors: Vec<String>,
    /// The device it came from.
    pub source: String,
    /// 挂牌督办, when the bureau put the hazard under it.
    pub supervision: Option<SupervisionView>,
}

/// A hazard's 挂牌督办 as the console shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SupervisionView {
    pub supervisor: String,
    pub due: String,
    /// active（督办中）或 lifted（已摘牌）
    pub status: String,
    pub note: Option<String>,
    pub set_by: String,
    pub set_at: String,
    /// 督办逾期: in force, the hazard open, past the 督办期限.
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HazardPage {
    pub rows: Vec<HazardRow>,
    pub total: i64,
}

/// The most rows one page carries.
pub const MAX_PAGE: u32 = 200;

/// A WHERE clause and its parameters, built one filter at a time.
#[derive(Default)]
struct Filter {
    clauses: Vec<String>,
    params: Vec<Param>,
}

impl Filter {
    fn add(&mut self, clause: &str, params: impl IntoIterator<Item = Param>) {
        self.clauses.push(clause.to_owned());
        self.params.extend(params);
    }

    fn sql(&self) -> String {
        if self.clauses.is_empty() { String::new() } else { format!("WHERE {}", self.clauses.join(" AND ")) }
    }

    /// How many rows of `from` pass, and one page of them: `columns` (whose own
    /// parameters, `column_params`, come first) in `order`.
    fn page(
        &self,
        sql: &mut dyn Sql,
        columns: (&str, &[Param]),
        from: &str,
        order: &str,
        bounds: (i64, i64),
    ) -> Result<(i64, Vec<Vec<Option<String>>>)> {
        let total = self.count(sql, from)?;
        Ok((total, self.rows(sql, columns, from, order, bounds)?))
    }

    /// How many rows of `from` pass (`from` only joins what the filter reads).
    fn count(&self, sql: &mut dyn Sql, from: &str) -> Result<i64> {
        let filter = self.sql();
        Ok(int(sql.query(&format!("SELECT COUNT(*) {from} {filter}"), &self.params)?.first().and_then(|r| r.first())))
    }

    fn rows(
        &self,
        sql: &mut dyn Sql,
        (columns, column_params): (&str, &[Param]),
        from: &str,
        order: &str,
        (offset, limit): (i64, i64),
    ) -> Result<Vec<Vec<Option<String>>>> {
        let filter = self.sql();
        let mut params = column_params.to_vec();
        params.extend(self.params.iter().cloned());
        params.extend([Param::Int(Some(limit)), Param::Int(Some(offset))]);
        sql.query(&format!("SELECT {columns} {from} {filter} ORDER BY {order} LIMIT ? OFFSET ?"), &params)
    }
}

/// Column `i` of a row as text ("" for null).
pub(super) fn col(r: &[Option<String>], i: usize) -> String {
    r.get(i).cloned().flatten().unwrap_or_default()
}

/// `%text%` for LIKE, with the pattern characters in the text taken literally.
fn contains(s: &str) -> Param {
    let escaped = s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    text(&format!("%{escaped}%"))
}

fn page_bounds(offset: Option<u32>, limit: Option<u32>) -> Result<(i64, i64)> {
    let limit = limit.unwrap_or(50);
    if limit == 0 || limit > MAX_PAGE {
        return Err(StorageError::Refused(format!("每页条数须在1到{MAX_PAGE}之间")));
    }
    Ok((i64::from(offset.unwrap_or(0)), i64::from(limit)))
}

fn search_text(s: &Option<String>) -> Result<Option<&str>> {
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) if s.chars().count() > 100 || s.chars().any(char::is_control) => {
            Err(StorageError::Refused("搜索内容须为100个字符以内的文字".into()))
        }
        Some(s) => Ok(Some(s)),
    }
}

pub(super) fn code(s: &Option<String>, known: &HashMap<String, String>, what: &str) -> Result<Option<String>> {
    match s.as_deref() {
        None | Some("") => Ok(None),
        Some(c) if known.contains_key(c) => Ok(Some(c.to_owned())),
        Some(_) => Err(StorageError::Refused(format!("没有这个{what}"))),
    }
}

pub fn hazards(sql: &mut dyn Sql, q: &HazardQuery, today: NaiveDate) -> Result<HazardPage> {
    hazard_page(sql, q, today, page_bounds(q.offset, q.limit)?, None)
}

/// Rows an export reads at a time: a few thousand, never the whole ledger.
const EXPORT_PAGE: i64 = 2_000;

/// Every hazard the filters pass (offset and limit ignored), a page at a time, handed to
/// `row` in the ledger's order: how many.
pub fn each_hazard(
    sql: &mut dyn Sql,
    q: &HazardQuery,
    today: NaiveDate,
    total: &mut dyn FnMut(u64),
    row: &mut dyn FnMut(&HazardRow) -> Result<()>,
) -> Result<u64> {
    each_hazard_by(sql, q, today, EXPORT_PAGE, total, row)
}

fn each_hazard_by(
    sql: &mut dyn Sql,
    q: &HazardQuery,
    today: NaiveDate,
    page_size: i64,
    total: &mut dyn FnMut(u64),
    row: &mut dyn FnMut(&HazardRow) -> Result<()>,
) -> Result<u64> {
    // Page after page from where the last one ended (its found_at and id), never by an
    // offset that every page would read past again.
    let mut after: Option<(String, String)> = None;
    let mut n = 0;
    loop {
        let page = hazard_page(sql, q, today, (0, page_size), after.as_ref())?;
        if after.is_none() {
            total(page.total.max(0) as u64);
        }
        for r in &page.rows {
            row(r)?;
        }
        n += page.rows.len() as u64;
        match page.rows.last() {
            Some(last) if page.rows.len() as i64 == page_size => after = Some((last.found_at.clone(), last.id.clone())),
            _ => return Ok(n),
        }
    }
}

/// Every enterprise the filters pass (offset and limit ignored), in the list's order.
pub fn each_enterprise(
    sql: &mut dyn Sql,
    q: &EnterpriseQuery,
    total: &mut dyn FnMut(u64),
    row: &mut dyn FnMut(&EnterpriseRow) -> Result<()>,
) -> Result<u64> {
    each_page(
        &mut |bounds| {
            let page = enterprise_page(sql, q, bounds)?;
            if bounds.0 == 0 {
                total(page.total.max(0) as u64);
            }
            Ok(page.rows)
        },
        row,
    )
}

/// Reads `page` after page of `EXPORT_PAGE` rows until a short one, each row to `row`.
fn each_page<T>(
    page: &mut dyn FnMut((i64, i64)) -> Result<Vec<T>>,
    row: &mut dyn FnMut(&T) -> Result<()>,
) -> Result<u64> {
    let mut offset = 0;
    loop {
        let rows = page((offset, EXPORT_PAGE))?;
        for r in &rows {
            row(r)?;
        }
        offset += rows.len() as i64;
        if (rows.len() as i64) < EXPORT_PAGE {
            return Ok(offset as u64);
        }
    }
}

/// Refuses the ledger's filters where a page of them would (an unknown town, a bad date…).
pub fn check_hazard_query(q: &HazardQuery, today: NaiveDate) -> Result<()> {
    hazard_filter(q, today, None).map(drop)
}

/// The ledger's filters as SQL; `after`: only the rows after this (found_at, id) in the
/// ledger's order (newest first).
fn hazard_filter(q: &HazardQuery, today: NaiveDate, after: Option<&(String, String)>) -> Result<Filter> {
    let mut f = Filter::default();
    if let Some((found_at, id)) = after {
        f.add("(h.found_at < ? OR (h.found_at = ? AND h.id > ?))", [text(found_at), text(found_at), text(id)]);
    }
    if let Some(from) = &q.from {
        f.add("h.found_day >= ?", [text(&day(from, "起始日")?.to_string())]);
    }
    if let Some(to) = &q.to {
        f.add("h.found_day <= ?", [text(&day(to, "截止日")?.to_string())]);
    }
    // Every filter reads the hazard table or a subquery: the count joins nothing.
    if let Some(town) = code(&q.town, &names().0, "镇街")? {
        f.add("h.enterprise_id IN (SELECT id FROM enterprise WHERE division_code = ?)", [text(&town)]);
    }
    if let Some(sector) = code(&q.sector, &names().1, "行业")? {
        f.add(
            "EXISTS (SELECT 1 FROM enterprise_sector s WHERE s.enterprise_id = h.enterprise_id AND s.sector_code = ?)",
            [text(&sector)],
        );
    }
    match q.level.as_deref() {
        None | Some("") => {}
        Some(level @ ("general" | "major")) => f.add("h.level = ?", [text(level)]),
        Some(_) => return Err(StorageError::Refused("隐患级别只能是一般或重大".into())),
    }
    match q.status.as_deref() {
        None | Some("") => {}
        Some("closed") => f.add("h.status IN ('rectified', 'verified')", []),
        Some(status @ ("open" | "rectified" | "verified")) => f.add("h.status = ?", [text(status)]),
        Some(_) => return Err(StorageError::Refused("没有这个整改状态".into())),
    }
    let today = today.to_string();
    if q.overdue == Some(true) {
        f.add(OVERDUE, [text(&today)]);
    }
    if let Some(name) = search_text(&q.inspector)? {
        f.add(
            "h.inspection_id IN (SELECT o.inspection_id FROM inspection_officer o WHERE o.name LIKE ? ESCAPE '\\')",
            [contains(name)],
        );
    }
    if let Some(words) = search_text(&q.q)? {
        f.add(
            "(h.description LIKE ? ESCAPE '\\' OR h.enterprise_id IN (SELECT id FROM enterprise WHERE name LIKE ? ESCAPE '\\'))",
            [contains(words), contains(words)],
        );
    }
    match q.supervision.as_deref() {
        None | Some("") => {}
        Some("any") => f.add("h.id IN (SELECT id FROM hazard_supervision)", []),
        Some(status @ ("active" | "lifted")) => {
            f.add("h.id IN (SELECT id FROM hazard_supervision WHERE status = ?)", [text(status)])
        }
        Some("overdue") => f.add(
            &format!("EXISTS (SELECT 1 FROM hazard_supervision sv WHERE sv.id = h.id AND {SUPERVISION_OVERDUE})"),
            [text(&today)],
        ),
        Some(_) => return Err(StorageError::Refused("挂牌督办的筛选只能是督办过、督办中、已摘牌或督办逾期".into())),
    }
    Ok(f)
}

/// One page of the ledger; `after`: only the rows after this (found_at, id) in the
/// ledger's order (newest first).
fn hazard_page(
    sql: &mut dyn Sql,
    q: &HazardQuery,
    today: NaiveDate,
    bounds: (i64, i64),
    after: Option<&(String, String)>,
) -> Result<HazardPage> {
    let f = hazard_filter(q, today, after)?;
    let today = today.to_string();
    let columns = format!(
        "h.id, h.enterprise_id, coalesce(e.name, ''), coalesce(e.division_code, ''), h.description, h.level, h.status, h.found_at, h.deadline, CASE WHEN {OVERDUE} THEN 1 ELSE 0 END, coalesce(d.name, h.device_id), h.inspection_id,
         sv.supervisor, sv.due, sv.status, sv.note, sv.set_by, sv.set_at, CASE WHEN {SUPERVISION_OVERDUE} THEN 1 ELSE 0 END"
    );
    // A page after a given row is an export's: its count is not wanted.
    let total = if after.is_none() { f.count(sql, "FROM hazard h")? } else { 0 };
    let rows = f.rows(
        sql,
        (&columns, &[text(&today), text(&today)]),
        "FROM hazard h LEFT JOIN enterprise e ON e.id = h.enterprise_id LEFT JOIN device d ON d.id = h.created_by LEFT JOIN hazard_supervision sv ON sv.id = h.id",
        "h.found_at DESC, h.id",
        bounds,
    )?;
    let enterprise_ids: Vec<String> = rows.iter().map(|r| r[1].clone().unwrap_or_default()).collect();
    let inspection_ids: Vec<String> = rows.iter().filter_map(|r| r[11].clone()).collect();
    let sectors = sectors_of(sql, &enterprise_ids)?;
    let officers = officers_of(sql, &inspection_ids)?;
    let rows = rows
        .iter()
        .map(|r| {
            let town = col(r, 3);
            HazardRow {
                id: col(r, 0),
                sectors: sectors.get(&col(r, 1)).cloned().unwrap_or_default(),
                enterprise_id: col(r, 1),
                enterprise_name: col(r, 2),
                town_name: town_name(&town),
                town,
                description: col(r, 4),
                level: col(r, 5),
                status: col(r, 6),
                found_at: col(r, 7),
                deadline: col(r, 8),
                overdue: col(r, 9) == "1",
                source: col(r, 10),
                inspectors: officers.get(&col(r, 11)).cloned().unwrap_or_default(),
                supervision: r.get(12).cloned().flatten().map(|supervisor| SupervisionView {
                    supervisor,
                    due: col(r, 13),
                    status: col(r, 14),
                    note: r.get(15).cloned().flatten(),
                    set_by: col(r, 16),
                    set_at: col(r, 17),
                    overdue: col(r, 18) == "1",
                }),
            }
        })
        .collect();
    Ok(HazardPage { rows, total })
}

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// Each enterprise's sector names.
fn sectors_of(sql: &mut dyn Sql, ids: &[String]) -> Result<HashMap<String, Vec<String>>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let params: Vec<Param> = ids.iter().map(|id| text(id)).collect();
    for row in sql.query(
        &format!(
            "SELECT enterprise_id, sector_code FROM enterprise_sector WHERE enterprise_id IN ({}) ORDER BY enterprise_id, sector_code",
            placeholders(ids.len())
        ),
        &params,
    )? {
        out.entry(row[0].clone().unwrap_or_default())
            .or_default()
            .push(sector_name(row[1].as_deref().unwrap_or_default()));
    }
    Ok(out)
}

/// Each inspection's officers' names, in their order.
fn officers_of(sql: &mut dyn Sql, ids: &[String]) -> Result<HashMap<String, Vec<String>>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let params: Vec<Param> = ids.iter().map(|id| text(id)).collect();
    for row in sql.query(
        &format!(
            "SELECT inspection_id, name FROM inspection_officer WHERE inspection_id IN ({}) ORDER BY inspection_id, position",
            placeholders(ids.len())
        ),
        &params,
    )? {
        out.entry(row[0].clone().unwrap_or_default()).or_default().push(row[1].clone().unwrap_or_default());
    }
    Ok(out)
}

/// The inspection list's filters.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InspectionQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub town: Option<String>,
    pub sector: Option<String>,
    /// 单位名称（部分）
    pub q: Option<String>,
    pub offset: Option<u32>,
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InspectionRow {
    pub id: String,
    pub enterprise_id: String,
    pub enterprise_name: String,
    pub town_name: String,
    pub sectors: Vec<String>,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub status: String,
    pub officers: Vec<String>,
    pub hazards: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InspectionPage {
    pub rows: Vec<InspectionRow>,
    pub total: i64,
}

/// Finished inspections (the ones 总览 counts), newest first.
pub fn inspections(sql: &mut dyn Sql, q: &InspectionQuery) -> Result<InspectionPage> {
    let bounds = page_bounds(q.offset, q.limit)?;
    let mut f = Filter::default();
    f.add("i.status = 'finished'", []);
    if let Some(from) = &q.from {
        f.add("i.started_day >= ?", [text(&day(from, "起始日")?.to_string())]);
    }
    if let Some(to) = &q.to {
        f.add("i.started_day <= ?", [text(&day(to, "截止日")?.to_string())]);
    }
    if let Some(town) = code(&q.town, &names().0, "镇街")? {
        f.add("e.division_code = ?", [text(&town)]);
    }
    if let Some(sector) = code(&q.sector, &names().1, "行业")? {
        f.add(
            "EXISTS (SELECT 1 FROM enterprise_sector s WHERE s.enterprise_id = i.enterprise_id AND s.sector_code = ?)",
            [text(&sector)],
        );
    }
    if let Some(words) = search_text(&q.q)? {
        f.add("e.name LIKE ? ESCAPE '\\'", [contains(words)]);
    }
    let (total, rows) = f.page(
        sql,
        (
            "i.id, i.enterprise_id, coalesce(e.name, ''), coalesce(e.division_code, ''), i.started_at, i.finished_at, i.status, (SELECT COUNT(*) FROM hazard h WHERE h.inspection_id = i.id)",
            &[],
        ),
        "FROM inspection i LEFT JOIN enterprise e ON e.id = i.enterprise_id",
        "i.started_at DESC, i.id",
        bounds,
    )?;
    let enterprise_ids: Vec<String> = rows.iter().map(|r| r[1].clone().unwrap_or_default()).collect();
    let ids: Vec<String> = rows.iter().map(|r| r[0].clone().unwrap_or_default()).collect();
    let sectors = sectors_of(sql, &enterprise_ids)?;
    let officers = officers_of(sql, &ids)?;
    let rows = rows
        .iter()
        .map(|r| InspectionRow {
            id: col(r, 0),
            sectors: sectors.get(&col(r, 1)).cloned().unwrap_or_default(),
            enterprise_id: col(r, 1),
            enterprise_name: col(r, 2),
            town_name: town_name(&col(r, 3)),
            started_at: col(r, 4),
            finished_at: r.get(5).cloned().flatten(),
            status: col(r, 6),
            officers: officers.get(&col(r, 0)).cloned().unwrap_or_default(),
            hazards: int(r.get(7)),
        })
        .collect();
    Ok(InspectionPage { rows, total })
}

/// The enterprise list's filters.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EnterpriseQuery {
    /// 名称、信用代码或地址（部分）
    pub q: Option<String>,
    pub town: Option<String>,
    pub sector: Option<String>,
    pub offset: Option<u32>,
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EnterpriseRow {
    pub id: String,
    pub name: String,
    pub credit_code: String,
    pub town_name: String,
    pub sectors: Vec<String>,
    pub address: String,
    pub inspections: i64,
    pub open_hazards: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EnterprisePage {
    pub rows: Vec<EnterpriseRow>,
    pub total: i64,
}

pub fn enterprises(sql: &mut dyn Sql, q: &EnterpriseQuery) -> Result<EnterprisePage> {
    enterprise_page(sql, q, page_bounds(q.offset, q.limit)?)
}

/// Refuses the enterprise list's filters where a page of them would.
pub fn check_enterprise_query(q: &EnterpriseQuery) -> Result<()> {
    enterprise_filter(q).map(drop)
}

fn enterprise_filter(q: &EnterpriseQuery) -> Result<Filter> {
    let mut f = Filter::default();
    if let Some(town) = code(&q.town, &names().0, "镇街")? {
        f.add("e.division_code = ?", [text(&town)]);
    }
    if let Some(sector) = code(&q.sector, &names().1, "行业")? {
        f.add(
            "EXISTS (SELECT 1 FROM enterprise_sector s WHERE s.enterprise_id = e.id AND s.sector_code = ?)",
            [text(&sector)],
        );
    }
    if let Some(words) = search_text(&q.q)? {
        f.add(
            "(e.name LIKE ? ESCAPE '\\' OR e.credit_code LIKE ? ESCAPE '\\' OR e.address LIKE ? ESCAPE '\\')",
            [contains(words), contains(words), contains(words)],
        );
    }
    Ok(f)
}

fn enterprise_page(sql: &mut dyn Sql, q: &EnterpriseQuery, bounds: (i64, i64)) -> Result<EnterprisePage> {
    let f = enterprise_filter(q)?;
    let (total, rows) = f.page(
        sql,
        (
            "e.id, e.name, e.credit_code, e.division_code, e.address, (SELECT COUNT(*) FROM inspection i WHERE i.enterprise_id = e.id AND i.status = 'finished'), (SELECT COUNT(*) FROM hazard h WHERE h.enterprise_id = e.id AND h.status = 'open')",
            &[],
        ),
        "FROM enterprise e",
        "e.name, e.id",
        bounds,
    )?;
    let ids: Vec<String> = rows.iter().map(|r| r[0].clone().unwrap_or_default()).collect();
    let sectors = sectors_of(sql, &ids)?;
    let rows = rows
        .iter()
        .map(|r| EnterpriseRow {
            id: col(r, 0),
            sectors: sectors.get(&col(r, 0)).cloned().unwrap_or_default(),
            name: col(r, 1),
            credit_code: col(r, 2),
            town_name: town_name(&col(r, 3)),
            address: col(r, 4),
            inspections: int(r.get(5)),
            open_hazards: int(r.get(6)),
        })
        .collect();
    Ok(EnterprisePage { rows, total })
}

/// What /v/ shows of a document found by its printed code: nothing more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub title: String,
    pub number: String,
    pub addressee: String,
    pub issued_day: String,
    /// The Beijing day it was voided, if it was.
    pub voided_day: Option<String>,
}

/// The issued document a printed code names (codes are compared as printed:
/// upper case, with the hyphen).
pub fn verify(sql: &mut dyn Sql, code: &str) -> Result<Option<Verified>> {
    let rows = sql.query(
        "SELECT kind, number, addressee, issued_day, status, voided_at FROM document WHERE verify_code = ? AND status <> 'draft' ORDER BY issued_at LIMIT 1",
        &[text(code)],
    )?;
    let Some(r) = rows.into_iter().next() else { return Ok(None) };
    let col = |i: usize| r.get(i).cloned().flatten().unwrap_or_default();
    let title = anjian_core::document::DocumentKind::parse(&col(0)).map_or_else(|| col(0), |k| k.title().to_owned());
    let voided_day = (col(4) == "voided").then(|| {
        r.get(5)
            .cloned()
            .flatten()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| anjian_core::beijing::today(t.with_timezone(&chrono::Utc)).to_string())
            .unwrap_or_default()
    });
    Ok(Some(Verified { title, number: col(1), addressee: col(2), issued_day: col(3), voided_day }))
}

/// The audit log, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditRow {
    pub at: String,
    pub account: String,
    pub action: String,
    pub detail: String,
    pub address: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    pub total: i64,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    pub offset: Option<u32>,
    pub limit: Option<u32>,
}

pub fn audit(sql: &mut dyn Sql, q: &PageQuery) -> Result<AuditPage> {
    let (offset, limit) = page_bounds(q.offset, q.limit)?;
    let total = int(sql.query("SELECT COUNT(*) FROM console_audit", &[])?.first().and_then(|r| r.first()));
    let rows = sql
        .query(
            "SELECT at, account, action, detail, address FROM console_audit ORDER BY at DESC, id DESC LIMIT ? OFFSET ?",
            &[Param::Int(Some(limit)), Param::Int(Some(offset))],
        )?
        .into_iter()
        .map(|r| {
            let col = |i: usize| r.get(i).cloned().flatten().unwrap_or_default();
            AuditRow { at: col(0), account: col(1), action: col(2), detail: col(3), address: col(4) }
        })
        .collect();
    Ok(AuditPage { rows, total })
}

/// A paired device as the bureau sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeviceRow {
    pub id: String,
    pub name: String,
    pub inspector_name: String,
    pub inspector_cert_no: String,
    pub paired_at: String,
    pub revoked_at: Option<String>,
    /// Revoked with wiping: told at its next contact to delete its data and its key.
    pub wipe: bool,
    /// When the revoked device was first told (it tried to sync since).
    pub revocation_told_at: Option<String>,
    /// When it last sent changes.
    pub last_push: Option<String>,
    /// When it last synced (its last pull).
    pub last_pull: Option<String>,
    /// Changes of it the server refused (kept, the latest 1000).
    pub refusals: i64,
}

pub fn devices(sql: &mut dyn Sql) -> Result<Vec<DeviceRow>> {
    Ok(sql
        .query(
            "SELECT d.id, d.name, i.name, i.cert_no, d.paired_at, d.revoked_at, (SELECT MAX(b.received_at) FROM push_batch b WHERE b.device_id = d.id), (SELECT COUNT(*) FROM refused_change r WHERE r.device_id = d.id), (SELECT p.at FROM device_pull p WHERE p.device_id = d.id), d.wipe, d.revocation_told_at FROM device d JOIN inspector i ON i.id = d.inspector_id ORDER BY d.revoked_at IS NOT NULL, d.paired_at DESC",
            &[],
        )?
        .into_iter()
        .map(|r| {
            let col = |i: usize| r.get(i).cloned().flatten().unwrap_or_default();
            DeviceRow {
                id: col(0),
                name: col(1),
                inspector_name: col(2),
                inspector_cert_no: col(3),
                paired_at: col(4),
                revoked_at: r.get(5).cloned().flatten(),
                last_push: r.get(6).cloned().flatten(),
                last_pull: r.get(8).cloned().flatten(),
                refusals: int(r.get(7)),
                wipe: int(r.get(9)) != 0,
                revocation_told_at: r.get(10).cloned().flatten(),
            }
        })
        .collect())
}

/// One event in an enterprise's file: an inspection, a hazard or a document.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TimelineEntry {
    pub at: String,
    /// inspection | hazard | document
    pub kind: String,
    pub id: String,
    pub title: String,
    pub detail: String,
    pub status: String,
}

/// A value a field of the enterprise took, from which device, and whether a concurrent
/// edit overwrote it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FieldChange {
    pub field: String,
    pub label: String,
    pub value: String,
    pub at: String,
    pub device: String,
    pub overwritten: bool,
}

/// A value lost to a concurrent edit, and the one kept.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Overwrite {
    pub field: String,
    pub label: String,
    pub overwritten: String,
    pub kept: String,
    pub found_at: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EnterpriseDetail {
    pub id: String,
    pub name: String,
    pub credit_code: String,
    pub address: String,
    pub town_name: String,
    pub sectors: Vec<String>,
    pub supervision_class: Option<String>,
    pub status: String,
    pub legal_representative: Option<String>,
    pub safety_contact: Option<String>,
    pub contact_phone: Option<String>,
    pub updated_at: String,
    /// Newest first.
    pub timeline: Vec<TimelineEntry>,
    /// Newest first.
    pub fields: Vec<FieldChange>,
    pub overwrites: Vec<Overwrite>,
}

/// A field's value (JSON text as the image carried it) as a person reads it.
fn shown(field: &str, json: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(json).unwrap_or(serde_json::Value::Null);
    let one = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => match field {
            "divisionCode" => town_name(s),
            "sectors" => sector_name(s),
            "status" => match s.as_str() {
                "operating" => "在营".into(),
                "suspended" => "停产".into(),
                "closed" => "关闭".into(),
                other => other.to_owned(),
            },
            _ => s.clone(),
        },
        serde_json::Value::Null => "（空）".into(),
        serde_json::Value::Bool(b) => if *b { "是" } else { "否" }.into(),
        other => other.to_string(),
    };
    match &value {
        serde_json::Value::Array(items) => items.iter().map(one).collect::<Vec<_>>().join("、"),
        v => one(v),
    }
}

fn status_text(kind: &str, status: &str) -> String {
    match (kind, status) {
        ("hazard", "open") => "未整改",
        ("hazard", "rectified") => "已整改（待复查）",
        ("hazard", "verified") => "复查通过",
        ("inspection", "finished") => "已完成",
        ("inspection", _) => "进行中",
        ("document", "issued") => "有效",
        ("document", "voided") => "已作废",
        ("document", "draft") => "草稿",
        (_, other) => other,
    }
    .to_owned()
}

/// An enterprise's page: its fields, what happened to it in time order, and the history
/// of its fields with the values concurrent edits overwrote.
pub fn enterprise(sql: &mut dyn Sql, id: &str) -> Result<Option<EnterpriseDetail>> {
    let rows = sql.query(
        "SELECT id, name, credit_code, address, division_code, supervision_class, status, legal_representative, safety_contact, contact_phone, updated_at FROM enterprise WHERE id = ?",
        &[text(id)],
    )?;
    let Some(e) = rows.into_iter().next() else { return Ok(None) };
    let opt = |i: usize| e.get(i).cloned().flatten().filter(|s| !s.is_empty());
    let mut timeline: Vec<TimelineEntry> = Vec::new();
    for r in sql.query(
        "SELECT i.id, coalesce(i.finished_at, i.started_at), i.status, (SELECT COUNT(*) FROM hazard h WHERE h.inspection_id = i.id) FROM inspection i WHERE i.enterprise_id = ?",
        &[text(id)],
    )? {
        timeline.push(TimelineEntry {
            at: col(&r, 1),
            kind: "inspection".into(),
            id: col(&r, 0),
            title: "现场检查".into(),
            detail: format!("发现隐患 {} 条", int(r.get(3))),
            status: status_text("inspection", &col(&r, 2)),
        });
    }
    for r in
        sql.query("SELECT id, found_at, description, level, status FROM hazard WHERE enterprise_id = ?", &[text(id)])?
    {
        let level = if col(&r, 3) == "major" { "重大隐患" } else { "一般隐患" };
        timeline.push(TimelineEntry {
            at: col(&r, 1),
            kind: "hazard".into(),
            id: col(&r, 0),
            title: level.into(),
            detail: col(&r, 2),
            status: status_text("hazard", &col(&r, 4)),
        });
    }
    for r in sql.query(
        "SELECT id, coalesce(issued_at, created_at, ''), kind, coalesce(number, ''), status FROM document WHERE enterprise_id = ? AND status <> 'draft'",
        &[text(id)],
    )? {
        let title =
            anjian_core::document::DocumentKind::parse(&col(&r, 2)).map_or_else(|| col(&r, 2), |k| k.title().to_owned());
        timeline.push(TimelineEntry {
            at: col(&r, 1),
            kind: "document".into(),
            id: col(&r, 0),
            title,
            detail: col(&r, 3),
            status: status_text("document", &col(&r, 4)),
        });
    }
    // Instants are RFC 3339 in UTC from every writer: text order is time order.
    timeline.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| a.id.cmp(&b.id)));
    let overwritten: Vec<(String, String)> = sql
        .query("SELECT field, overwritten_rev FROM enterprise_overwrite WHERE enterprise_id = ?", &[text(id)])?
        .iter()
        .map(|r| (col(r, 0), col(r, 1)))
        .collect();
    let fields = sql
        .query(
            "SELECT f.field, f.value, f.received_at, coalesce(d.name, CASE WHEN f.device_id = 'server' THEN '区局（导入）' ELSE f.device_id END), f.rev FROM enterprise_field f LEFT JOIN device d ON d.id = f.device_id WHERE f.enterprise_id = ? ORDER BY f.rev DESC, f.field",
            &[text(id)],
        )?
        .iter()
        .map(|r| FieldChange {
            label: anjian_core::validate::label(&col(r, 0)).to_owned(),
            value: shown(&col(r, 0), &col(r, 1)),
            at: col(r, 2),
            device: col(r, 3),
            overwritten: overwritten.contains(&(col(r, 0), col(r, 4))),
            field: col(r, 0),
        })
        .collect();
    let overwrites = sql
        .query(
            "SELECT field, overwritten, kept, found_at FROM enterprise_overwrite WHERE enterprise_id = ? ORDER BY found_at DESC, field",
            &[text(id)],
        )?
        .iter()
        .map(|r| Overwrite {
            label: anjian_core::validate::label(&col(r, 0)).to_owned(),
            overwritten: shown(&col(r, 0), &col(r, 1)),
            kept: shown(&col(r, 0), &col(r, 2)),
            found_at: col(r, 3),
            field: col(r, 0),
        })
        .collect();
    let sectors = sectors_of(sql, &[id.to_owned()])?.remove(id).unwrap_or_default();
    Ok(Some(EnterpriseDetail {
        id: col(&e, 0),
        name: col(&e, 1),
        credit_code: col(&e, 2),
        address: col(&e, 3),
        town_name: town_name(&col(&e, 4)),
        sectors,
        supervision_class: opt(5),
        status: shown("status", &serde_json::Value::String(col(&e, 6)).to_string()),
        legal_representative: opt(7),
        safety_contact: opt(8),
        contact_phone: opt(9),
        updated_at: col(&e, 10),
        timeline,
        fields,
        overwrites,
    }))
}

/// The document list's filters.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    /// 签发日起（含）
    pub from: Option<String>,
    /// 签发日止（含）
    pub to: Option<String>,
    /// inspectionRecord | rectificationOrder | reviewOpinion
    pub kind: Option<String>,
    /// issued | voided
    pub status: Option<String>,
    pub town: Option<String>,
    /// 行业代码
    pub sector: Option<String>,
    /// 单位名称或文号（部分）
    pub q: Option<String>,
    pub offset: Option<u32>,
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DocumentRow {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub number: String,
    pub status: String,
    pub enterprise_id: String,
    pub enterprise_name: String,
    pub addressee: String,
    pub issued_at: String,
    pub void_reason: Option<String>,
    pub voided_at: Option<String>,
    pub verify_code: String,
    /// The PDF the device made has reached the server.
    pub has_pdf: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DocumentPage {
    pub rows: Vec<DocumentRow>,
    pub total: i64,
}

/// What a document's row reads (over `document d LEFT JOIN enterprise e`).
const DOCUMENT_COLUMNS: &str = "d.id, d.kind, coalesce(d.number, ''), d.status, d.enterprise_id, coalesce(e.name, ''), coalesce(d.addressee, ''), coalesce(d.issued_at, ''), d.void_reason, d.voided_at, coalesce(d.verify_code, ''), (SELECT COUNT(*) FROM attachment a WHERE a.sha256 = d.pdf_sha256 AND a.complete)";

fn document_row(r: &[Option<String>]) -> DocumentRow {
    DocumentRow {
        id: col(r, 0),
        title: anjian_core::document::DocumentKind::parse(&col(r, 1))
            .map_or_else(|| col(r, 1), |k| k.title().to_owned()),
        kind: col(r, 1),
        number: col(r, 2),
        status: col(r, 3),
        enterprise_id: col(r, 4),
        enterprise_name: col(r, 5),
        addressee: col(r, 6),
        issued_at: col(r, 7),
        void_reason: r.get(8).cloned().flatten(),
        voided_at: r.get(9).cloned().flatten(),
        verify_code: col(r, 10),
        has_pdf: int(r.get(11)) > 0,
    }
}

/// One issued document with what it is about: its inspection, the order a review cites,
/// the hazards it names by item, the device it came from.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DocumentDetail {
    pub document: DocumentRow,
    pub inspection_id: Option<String>,
    /// The order a 整改复查意见书 answers: its id and number.
    pub cites: Option<DocumentBrief>,
    /// The hazards by the item number the document gives them.
    pub hazards: Vec<NumberedHazard>,
    pub source: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NumberedHazard {
    pub item: i64,
    pub hazard: HazardBrief,
}

pub fn document(sql: &mut dyn Sql, id: &str, today: NaiveDate) -> Result<Option<DocumentDetail>> {
    let rows = sql.query(
        &format!("SELECT {DOCUMENT_COLUMNS}, d.inspection_id, d.cites, coalesce(v.name, d.device_id) FROM document d LEFT JOIN enterprise e ON e.id = d.enterprise_id LEFT JOIN device v ON v.id = d.created_by WHERE d.id = ? AND d.status <> 'draft'"),
        &[text(id)],
    )?;
    let Some(r) = rows.first() else { return Ok(None) };
    let cites = match r.get(13).cloned().flatten() {
        None => None,
        Some(cited) => sql
            .query("SELECT id, kind, number, status, pdf_sha256 FROM document WHERE id = ?", &[text(&cited)])?
            .first()
            .map(|d| DocumentBrief {
                id: col(d, 0),
                title: anjian_core::document::DocumentKind::parse(&col(d, 1))
                    .map(|k| k.title().to_owned())
                    .unwrap_or_default(),
                kind: col(d, 1),
                number: d.get(2).cloned().flatten(),
                status: col(d, 3),
                has_pdf: d.get(4).cloned().flatten().is_some(),
            }),
    };
    let hazards = sql
        .query(
            // A review's hazards under their numbers in the order it cites (第4项 stays 第4项).
            &format!("SELECT coalesce(o.item, x.item), h.id, h.description, h.level, h.status, h.deadline, CASE WHEN {OVERDUE} THEN 1 ELSE 0 END FROM document_hazard x JOIN hazard h ON h.id = x.hazard_id LEFT JOIN document_hazard o ON o.document_id = ? AND o.hazard_id = x.hazard_id WHERE x.document_id = ? ORDER BY coalesce(o.item, x.item)"),
            &[text(&today.to_string()), text(r.get(13).cloned().flatten().as_deref().unwrap_or("")), text(id)],
        )?
        .iter()
        .map(|h| NumberedHazard {
            item: int(h.first()),
            hazard: HazardBrief {
                id: col(h, 1),
                description: col(h, 2),
                level: col(h, 3),
                status: col(h, 4),
                deadline: col(h, 5),
                overdue: col(h, 6) == "1",
            },
        })
        .collect();
    Ok(Some(DocumentDetail {
        document: document_row(r),
        inspection_id: r.get(12).cloned().flatten(),
        cites,
        hazards,
        source: col(r, 14),
    }))
}

/// Issued and voided documents (drafts stay on the device), newest first.
pub fn documents(sql: &mut dyn Sql, q: &DocumentQuery) -> Result<DocumentPage> {
    let bounds = page_bounds(q.offset, q.limit)?;
    let mut f = Filter::default();
    f.add("d.status <> 'draft'", []);
    if let Some(from) = &q.from {
        f.add("d.issued_day >= ?", [text(&day(from, "起始日")?.to_string())]);
    }
    if let Some(to) = &q.to {
        f.add("d.issued_day <= ?", [text(&day(to, "截止日")?.to_string())]);
    }
    match q.kind.as_deref() {
        None | Some("") => {}
        Some(k) if anjian_core::document::DocumentKind::parse(k).is_some() => f.add("d.kind = ?", [text(k)]),
        Some(_) => return Err(StorageError::Refused("没有这种文书".into())),
    }
    match q.status.as_deref() {
        None | Some("") => {}
        Some(s @ ("issued" | "voided")) => f.add("d.status = ?", [text(s)]),
        Some(_) => return Err(StorageError::Refused("文书状态只能是有效或已作废".into())),
    }
    if let Some(town) = code(&q.town, &names().0, "镇街")? {
        f.add("e.division_code = ?", [text(&town)]);
    }
    if let Some(sector) = code(&q.sector, &names().1, "行业")? {
        f.add(
            "EXISTS (SELECT 1 FROM enterprise_sector s WHERE s.enterprise_id = d.enterprise_id AND s.sector_code = ?)",
            [text(&sector)],
        );
    }
    if let Some(words) = search_text(&q.q)? {
        f.add("(e.name LIKE ? ESCAPE '\\' OR d.number LIKE ? ESCAPE '\\')", [contains(words), contains(words)]);
    }
    let (total, rows) = f.page(
        sql,
        (DOCUMENT_COLUMNS, &[]),
        "FROM document d LEFT JOIN enterprise e ON e.id = d.enterprise_id",
        "d.issued_at DESC, d.id",
        bounds,
    )?;
    let rows = rows.iter().map(|r| document_row(r)).collect();
    Ok(DocumentPage { rows, total })
}

/// The hash of the PDF an issued document's device made, if the document exists.
pub fn document_pdf(sql: &mut dyn Sql, id: &str) -> Result<Option<String>> {
    Ok(sql
        .query("SELECT pdf_sha256 FROM document WHERE id = ? AND status <> 'draft'", &[text(id)])?
        .into_iter()
        .next()
        .and_then(|r| r.into_iter().next().flatten()))
}

/// One answered item of an inspection, with the checklist's words for it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AnswerView {
    pub code: String,
    /// The requirement as the checklist words it ("" when the version is not known here).
    pub requirement: String,
    pub basis: String,
    /// compliant | nonCompliant | notApplicable, or "" for an item not answered.
    pub result: String,
    pub note: Option<String>,
    pub photos: i64,
    pub deducted: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AnswerSection {
    pub title: String,
    pub items: Vec<AnswerView>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OfficerView {
    pub name: String,
    pub cert_no: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HazardBrief {
    pub id: String,
    pub description: String,
    pub level: String,
    pub status: String,
    pub deadline: String,
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DocumentBrief {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub number: Option<String>,
    pub status: String,
    pub has_pdf: bool,
}

/// One inspection as the console shows it: the record as its device finished it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InspectionDetail {
    pub id: String,
    pub enterprise_id: String,
    pub enterprise_name: String,
    pub town_name: String,
    pub template_id: String,
    pub template_version: i64,
    /// The checklist's title; "" when its version is neither bundled nor published here.
    pub checklist_title: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub status: String,
    pub notes: String,
    pub accompanying_person: Option<String>,
    /// The device it came from.
    pub source: String,
    pub officers: Vec<OfficerView>,
    /// Answers in the checklist's order; answers to items the checklist does not name last.
    pub sections: Vec<AnswerSection>,
    pub hazards: Vec<HazardBrief>,
    pub documents: Vec<DocumentBrief>,
}

/// The payload of a checklist version the bureau published, by record id: the type as a
/// literal, since the log's index of checklists is partial (migration 16).
pub(crate) const PUBLISHED_CHECKLIST: &str =
    "SELECT payload FROM change WHERE record_type = 'checklist' AND record_id = ? ORDER BY seq LIMIT 1";

/// A checklist version: as the bureau published it on this server, else as devices ship it.
fn checklist(sql: &mut dyn Sql, id: &str, version: i64) -> Result<Option<anjian_core::checklist::Template>> {
    let sectors: Vec<String> = names().1.keys().cloned().collect();
    let sectors: Vec<&str> = sectors.iter().map(String::as_str).collect();
    let parse = |body: &str| {
        anjian_core::checklist::Template::parse(body, &sectors)
            .ok()
            .filter(|t| t.id == id && i64::from(t.version) == version)
    };
    let published = sql.query(PUBLISHED_CHECKLIST, &[text(&format!("{id}/{version}"))])?;
    if let Some(payload) = published.first().and_then(|r| r.first().cloned().flatten())
        && let Ok(anjian_sync::records::Image::Checklist(c)) =
            anjian_sync::records::Image::parse_json(anjian_sync::records::CHECKLIST, &payload)
        && let Some(t) = parse(&c.body)
    {
        return Ok(Some(t));
    }
    Ok(anjian_sync::bundled::CHECKLISTS.iter().find_map(|(_, body)| parse(body)))
}

pub fn inspection(sql: &mut dyn Sql, id: &str, today: NaiveDate) -> Result<Option<InspectionDetail>> {
    let rows = sql.query(
        "SELECT i.id, i.enterprise_id, coalesce(e.name, ''), coalesce(e.division_code, ''), i.template_id, i.template_version, i.started_at, i.finished_at, i.status, i.notes, i.accompanying_person, coalesce(d.name, i.device_id)
         FROM inspection i LEFT JOIN enterprise e ON e.id = i.enterprise_id LEFT JOIN device d ON d.id = i.created_by WHERE i.id = ?",
        &[text(id)],
    )?;
    let Some(r) = rows.first() else { return Ok(None) };
    let (template_id, template_version) = (col(r, 4), int(r.get(5)));
    let officers = sql
        .query("SELECT name, cert_no FROM inspection_officer WHERE inspection_id = ? ORDER BY position", &[text(id)])?
        .iter()
        .map(|o| OfficerView { name: col(o, 0), cert_no: col(o, 1) })
        .collect();
    let mut answers: HashMap<String, AnswerView> = sql
        .query(
            "SELECT item_code, result, note, photos, deducted FROM inspection_answer WHERE inspection_id = ?",
            &[text(id)],
        )?
        .iter()
        .map(|a| {
            let photos = serde_json::from_str::<Vec<String>>(&col(a, 3)).map_or(0, |p| p.len() as i64);
            let deducted = a.get(4).cloned().flatten().and_then(|d| d.parse().ok());
            let view = AnswerView {
                code: col(a, 0),
                requirement: String::new(),
                basis: String::new(),
                result: col(a, 1),
                note: a.get(2).cloned().flatten(),
                photos,
                deducted,
            };
            (view.code.clone(), view)
        })
        .collect();
    let template = checklist(sql, &template_id, template_version)?;
    let mut sections = Vec::new();
    for section in template.iter().flat_map(|t| &t.sections) {
        let items = section
            .items
            .iter()
            .map(|item| {
                let mut view = answers.remove(&item.code).unwrap_or(AnswerView {
                    code: item.code.clone(),
                    requirement: String::new(),
                    basis: String::new(),
                    result: String::new(),
                    note: None,
                    photos: 0,
                    deducted: None,
                });
                view.requirement = item.requirement.clone();
                view.basis = item.basis.clone();
                view
            })
            .collect();
        sections.push(AnswerSection { title: section.title.clone(), items });
    }
    if !answers.is_empty() {
        let mut rest: Vec<AnswerView> = answers.into_values().collect();
        rest.sort_by(|a, b| a.code.cmp(&b.code));
        let title = if template.is_some() {
            "检查表中没有的检查项"
        } else {
            "检查项（该检查表版本未在本服务器发布，只显示编号）"
        };
        sections.push(AnswerSection { title: title.to_owned(), items: rest });
    }
    let today = today.to_string();
    let hazards = sql
        .query(
            &format!("SELECT h.id, h.description, h.level, h.status, h.deadline, CASE WHEN {OVERDUE} THEN 1 ELSE 0 END FROM hazard h WHERE h.inspection_id = ? ORDER BY h.found_at, h.id"),
            &[text(&today), text(id)],
        )?
        .iter()
        .map(|h| HazardBrief {
            id: col(h, 0),
            description: col(h, 1),
            level: col(h, 2),
            status: col(h, 3),
            deadline: col(h, 4),
            overdue: col(h, 5) == "1",
        })
        .collect();
    let documents = sql
        .query(
            "SELECT id, kind, number, status, pdf_sha256 FROM document WHERE inspection_id = ? AND status <> 'draft' ORDER BY issued_at, id",
            &[text(id)],
        )?
        .iter()
        .map(|d| DocumentBrief {
            id: col(d, 0),
            title: anjian_core::document::DocumentKind::parse(&col(d, 1)).map(|k| k.title().to_owned()).unwrap_or_default(),
            kind: col(d, 1),
            number: d.get(2).cloned().flatten(),
            status: col(d, 3),
            has_pdf: d.get(4).cloned().flatten().is_some(),
        })
        .collect();
    Ok(Some(InspectionDetail {
        id: col(r, 0),
        enterprise_id: col(r, 1),
        enterprise_name: col(r, 2),
        town_name: town_name(&col(r, 3)),
        checklist_title: template.as_ref().map(|t| t.title.clone()).unwrap_or_default(),
        template_id,
        template_version,
        started_at: col(r, 6),
        finished_at: r.get(7).cloned().flatten(),
        status: col(r, 8),
        notes: col(r, 9),
        accompanying_person: r.get(10).cloned().flatten(),
        source: col(r, 11),
        officers,
        sections,
        hazards,
        documents,
    }))
}

/// A checklist version the district's devices may hold.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChecklistVersion {
    pub id: String,
    pub version: i64,
    pub title: String,
    pub sector_name: String,
    pub items: i64,
    /// bundled（随软件安装）| published（区局发布）
    pub source: String,
    pub published_at: Option<String>,
    /// Devices in service holding it (every one, for a bundled version).
    pub devices: i64,
}

/// A device in service and the checklist versions it holds.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeviceChecklists {
    pub id: String,
    pub name: String,
    pub inspector_name: String,
    /// Its last pull (its last contact), if any.
    pub last_pull: Option<String>,
    /// The versions it holds, as `id/version`, the bureau's publications it has not pulled
    /// yet left out.
    pub holds: Vec<String>,
    /// Published versions it has not pulled yet, as `id/version`.
    pub waiting: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChecklistOverview {
    pub versions: Vec<ChecklistVersion>,
    pub devices: Vec<DeviceChecklists>,
}

/// The checklist versions (bundled, then as published) and which device holds which: a
/// device holds a publication once a pull of its asks for what follows it (the pull after
/// the one that carried it: its next sync).
pub fn checklists(sql: &mut dyn Sql) -> Result<ChecklistOverview> {
    use anjian_core::checklist::Template;
    let sector_codes: Vec<String> = names().1.keys().cloned().collect();
    let sector_codes: Vec<&str> = sector_codes.iter().map(String::as_str).collect();
    let items = |t: &Template| t.sections.iter().map(|s| s.items.len() as i64).sum::<i64>();
    let devices = sql.query(
        "SELECT d.id, d.name, i.name, p.after, p.at FROM device d JOIN inspector i ON i.id = d.inspector_id
         LEFT JOIN device_pull p ON p.device_id = d.id WHERE d.revoked_at IS NULL ORDER BY d.paired_at",
        &[],
    )?;
    let mut versions: Vec<(ChecklistVersion, Option<i64>)> = Vec::new();
    for (_, body) in anjian_sync::bundled::CHECKLISTS {
        if let Ok(t) = Template::parse(body, &sector_codes) {
            let v = ChecklistVersion {
                id: t.id.clone(),
                version: i64::from(t.version),
                title: t.title.clone(),
                sector_name: sector_name(&t.sector),
                items: items(&t),
                source: "bundled".into(),
                published_at: None,
                devices: devices.len() as i64,
            };
            versions.push((v, None));
        }
    }
    for row in
        sql.query("SELECT seq, payload, received_at FROM change WHERE record_type = 'checklist' ORDER BY seq", &[])?
    {
        let Ok(anjian_sync::records::Image::Checklist(c)) =
            anjian_sync::records::Image::parse_json(anjian_sync::records::CHECKLIST, &col(&row, 1))
        else {
            continue;
        };
        let Ok(t) = Template::parse(&c.body, &sector_codes) else { continue };
        if versions.iter().any(|(v, _)| v.id == t.id && v.version == i64::from(t.version)) {
            continue;
        }
        let seq = int(row.first());
        let holders = devices
            .iter()
            .filter(|d| d.get(3).cloned().flatten().and_then(|a| a.parse::<i64>().ok()).is_some_and(|a| a >= seq))
            .count();
        let v = ChecklistVersion {
            id: t.id.clone(),
            version: i64::from(t.version),
            title: t.title.clone(),
            sector_name: sector_name(&t.sector),
            items: items(&t),
            source: "published".into(),
            published_at: row.get(2).cloned().flatten(),
            devices: holders as i64,
        };
        versions.push((v, Some(seq)));
    }
    let devices = devices
        .iter()
        .map(|d| {
            let after = d.get(3).cloned().flatten().and_then(|a| a.parse::<i64>().ok());
            let (mut holds, mut waiting) = (Vec::new(), Vec::new());
            for (v, seq) in &versions {
                let key = format!("{}/{}", v.id, v.version);
                match seq {
                    Some(seq) if after.is_none_or(|a| a < *seq) => waiting.push(key),
                    _ => holds.push(key),
                }
            }
            DeviceChecklists {
                id: col(d, 0),
                name: col(d, 1),
                inspector_name: col(d, 2),
                last_pull: d.get(4).cloned().flatten(),
                holds,
                waiting,
            }
        })
        .collect();
    versions.sort_by(|(a, _), (b, _)| (&a.sector_name, &a.id, b.version).cmp(&(&b.sector_name, &b.id, a.version)));
    Ok(ChecklistOverview { versions: versions.into_iter().map(|(v, _)| v).collect(), devices })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::{SqliteStorage, Storage};

    /// The export reads the whole ledger in its order, a page after the last row, also
    /// where several hazards were found at the same instant (page boundaries inside them).
    #[test]
    fn the_export_reads_every_row_once_in_the_ledgers_order() {
        let dir = tempfile::tempdir().unwrap();
        let storage = SqliteStorage::open(&dir.path().join("district.db")).unwrap();
        let today: NaiveDate = "2026-12-04".parse().unwrap();
        storage
            .transact(&mut |sql| {
                for n in 0..23 {
                    // Seven instants, several hazards at each.
                    let at = format!("2026-11-{:02}T08:00:00Z", 10 + n % 7);
                    sql.execute(
                        "INSERT INTO hazard (id, enterprise_id, description, level, deadline, status, found_at, found_day, device_id, created_by, rev)
                         VALUES (?, 'e', ?, 'general', '2026-12-31', 'open', ?, ?, 'd', 'd', '0')",
                        &[text(&format!("h{n:02}")), text(&format!("隐患{n}")), text(&at), text(&at[..10])],
                    )?;
                }
                Ok(())
            })
            .unwrap();
        for page_size in [1, 2, 5, 7, 23, 50] {
            let mut seen = Vec::new();
            let mut expected = Vec::new();
            storage
                .transact(&mut |sql| {
                    seen.clear();
                    expected.clear();
                    each_hazard_by(
                        sql,
                        &HazardQuery::default(),
                        today,
                        page_size,
                        &mut |n| expected.push(n),
                        &mut |r| {
                            seen.push(r.id.clone());
                            Ok(())
                        },
                    )
                    .map(drop)
                })
                .unwrap();
            // The total is told once, before the first row, and is the whole count.
            assert_eq!(expected, [23], "pages of {page_size}");
            let mut whole = Vec::new();
            storage
                .transact(&mut |sql| {
                    whole = hazard_page(sql, &HazardQuery::default(), today, (0, 100), None)?
                        .rows
                        .into_iter()
                        .map(|r| r.id)
                        .collect();
                    Ok(())
                })
                .unwrap();
            assert_eq!(seen, whole, "pages of {page_size}");
            assert_eq!(seen.len(), 23);
        }
    }
}
