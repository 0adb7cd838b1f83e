//! The console's exports: the ledger as XLSX (rust_xlsxwriter, rows streamed to a
//! temporary file in constant-memory mode) or CSV (UTF-8 with a byte-order mark, which
//! Excel on Chinese Windows needs to read it as UTF-8), read from the records a page at a
//! time, in one transaction so the file is one consistent moment.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::NaiveDate;

use super::records::{self, EnterpriseQuery, EnterpriseRow, Figures, HazardQuery, HazardRow, Overview};
use crate::storage::{Result, Sql, StorageError};

/// The file formats offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv,
}

impl Format {
    pub fn mime(self) -> &'static str {
        match self {
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }
}

/// The ledger's columns, as the page shows them.
pub const HAZARD_COLUMNS: [&str; 14] = [
    "单位",
    "镇街",
    "行业",
    "隐患描述",
    "级别",
    "整改状态",
    "发现时间",
    "整改期限",
    "逾期",
    "执法人员",
    "来源设备",
    "挂牌督办",
    "督办单位",
    "督办期限",
];

fn hazard_cells(h: &HazardRow) -> [String; HAZARD_COLUMNS.len()] {
    let level = if h.level == "major" { "重大隐患" } else { "一般隐患" };
    let status = match h.status.as_str() {
        "open" => "未整改",
        "rectified" => "已整改（待复查）",
        "verified" => "复查通过",
        other => other,
    };
    let found = chrono::DateTime::parse_from_rfc3339(&h.found_at)
        .map(|t| anjian_core::beijing::local(t.with_timezone(&chrono::Utc)).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| h.found_at.clone());
    let supervision = match h.supervision.as_ref() {
        None => "",
        Some(s) if s.status == "lifted" => "已摘牌",
        Some(s) if s.overdue => "督办逾期",
        Some(_) => "督办中",
    };
    [
        h.enterprise_name.clone(),
        h.town_name.clone(),
        h.sectors.join("、"),
        h.description.clone(),
        level.to_owned(),
        status.to_owned(),
        found,
        h.deadline.clone(),
        if h.overdue { "是" } else { "否" }.to_owned(),
        h.inspectors.join("、"),
        h.source.clone(),
        supervision.to_owned(),
        h.supervision.as_ref().map(|s| s.supervisor.clone()).unwrap_or_default(),
        h.supervision.as_ref().map(|s| s.due.clone()).unwrap_or_default(),
    ]
}

fn failed(e: impl std::fmt::Display) -> StorageError {
    StorageError::Io(std::io::Error::other(e.to_string()))
}

/// A cell that a spreadsheet would read as a formula is written as text.
fn inert(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_owned() }
}

/// How far an export has come, read by the page while the file is made.
#[derive(Debug, Default)]
pub struct Progress {
    total: AtomicU64,
    written: AtomicU64,
}

impl Progress {
    /// The rows the file will hold (known once the first page was counted).
    pub fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }

    /// The rows written so far.
    pub fn written(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
    }

    fn expect(&self, rows: u64) {
        self.total.store(rows, Ordering::Relaxed);
    }

    fn step(&self) {
        self.written.fetch_add(1, Ordering::Relaxed);
    }
}

/// Rows handed one at a time to the writer; returns how many.
type Rows<'a> = dyn FnOnce(&mut dyn FnMut(Vec<String>) -> Result<()>) -> Result<u64> + 'a;

/// Writes one sheet to `path`: a title row, then the rows `each` hands over, never
/// holding more than one of them.
fn write(
    format: Format,
    path: &std::path::Path,
    sheet_name: &str,
    columns: &[&str],
    progress: &Progress,
    each: Box<Rows<'_>>,
) -> Result<u64> {
    match format {
        Format::Csv => {
            let mut file = std::fs::File::create(path)?;
            std::io::Write::write_all(&mut file, "\u{feff}".as_bytes())?;
            let mut out = csv::Writer::from_writer(std::io::BufWriter::new(file));
            out.write_record(columns).map_err(failed)?;
            let n = each(&mut |cells| {
                out.write_record(cells.iter().map(|c| inert(c))).map_err(failed)?;
                progress.step();
                Ok(())
            })?;
            out.flush()?;
            Ok(n)
        }
        Format::Xlsx => {
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet_with_constant_memory().map_err(failed)?;
            sheet.set_name(sheet_name).map_err(failed)?;
            let bold = rust_xlsxwriter::Format::new().set_bold();
            for (c, title) in columns.iter().enumerate() {
                sheet.write_string_with_format(0, c as u16, *title, &bold).map_err(failed)?;
            }
            let mut row = 0u32;
            let n = each(&mut |cells| {
                row += 1;
                for (c, value) in cells.iter().enumerate() {
                    // Written as strings: never read as a formula or a number.
                    sheet.write_string(row, c as u16, value).map_err(failed)?;
                }
                progress.step();
                Ok(())
            })?;
            book.save(path).map_err(failed)?;
            Ok(n)
        }
    }
}

/// Writes the hazards the filters pass to `path`: how many rows.
pub fn hazards(
    sql: &mut dyn Sql,
    q: &HazardQuery,
    today: NaiveDate,
    format: Format,
    path: &std::path::Path,
    progress: &Progress,
) -> Result<u64> {
    write(
        format,
        path,
        "隐患台账",
        &HAZARD_COLUMNS,
        progress,
        Box::new(|row| {
            records::each_hazard(sql, q, today, &mut |total| progress.expect(total), &mut |h| {
                row(hazard_cells(h).into())
            })
        }),
    )
}

/// The enterprise list's columns, as the page shows them.
pub const ENTERPRISE_COLUMNS: [&str; 7] =
    ["单位名称", "统一社会信用代码", "镇街", "行业", "地址", "检查家次", "未整改隐患"];

fn enterprise_cells(e: &EnterpriseRow) -> [String; ENTERPRISE_COLUMNS.len()] {
    [
        e.name.clone(),
        e.credit_code.clone(),
        e.town_name.clone(),
        e.sectors.join("、"),
        e.address.clone(),
        e.inspections.to_string(),
        e.open_hazards.to_string(),
    ]
}

/// Writes the enterprises the filters pass to `path`: how many rows.
pub fn enterprises(
    sql: &mut dyn Sql,
    q: &EnterpriseQuery,
    format: Format,
    path: &std::path::Path,
    progress: &Progress,
) -> Result<u64> {
    write(
        format,
        path,
        "单位名录",
        &ENTERPRISE_COLUMNS,
        progress,
        Box::new(|row| {
            records::each_enterprise(sql, q, &mut |total| progress.expect(total), &mut |e| {
                row(enterprise_cells(e).into())
            })
        }),
    )
}

/// A 双随机 draw's 公示 list: who inspects which enterprise, and how it was drawn.
pub const DRAW_COLUMNS: [&str; 11] = [
    "序号",
    "单位名称",
    "统一社会信用代码",
    "镇街",
    "执法人员",
    "执法证号",
    "执法人员",
    "执法证号",
    "抽查名称",
    "抽取时间",
    "随机种子",
];

/// Writes a draw's 公示 list to `path`: how many rows.
pub fn draw(d: &super::plans::DrawDetail, format: Format, path: &std::path::Path, progress: &Progress) -> Result<u64> {
    progress.expect(d.rows.len() as u64);
    let at = chrono::DateTime::parse_from_rfc3339(&d.summary.drawn_at)
        .map(|t| anjian_core::beijing::local(t.with_timezone(&chrono::Utc)).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| d.summary.drawn_at.clone());
    write(
        format,
        path,
        "双随机公示",
        &DRAW_COLUMNS,
        progress,
        Box::new(|row| {
            for (n, r) in d.rows.iter().enumerate() {
                let officer =
                    |i: usize| r.officers.get(i).map(|o| (o.name.clone(), o.cert_no.clone())).unwrap_or_default();
                let ((a, a_no), (b, b_no)) = (officer(0), officer(1));
                row(vec![
                    (n + 1).to_string(),
                    r.enterprise_name.clone(),
                    r.credit_code.clone(),
                    r.town_name.clone(),
                    a,
                    a_no,
                    b,
                    b_no,
                    d.summary.title.clone(),
                    at.clone(),
                    d.summary.seed.clone(),
                ])?;
            }
            Ok(d.rows.len() as u64)
        }),
    )
}

/// The statistics' columns: the breakdown, then the figures as 总览 shows them; the
/// documents of each kind follow 签发文书, then the period.
pub const STATISTICS_COLUMNS: [&str; 14] = [
    "分组",
    "名称",
    "检查单位数",
    "检查家次",
    "发现隐患",
    "一般隐患",
    "重大隐患",
    "已整改",
    "整改率",
    "逾期未整改",
    "挂牌督办",
    "督办已整改",
    "督办逾期",
    "签发文书",
];

fn figure_cells(group: &str, label: &str, f: &Figures, period: &str) -> Vec<String> {
    let rate = f.rectification_rate.map_or_else(|| "—".to_owned(), |r| format!("{:.1}%", r * 100.0));
    let mut cells = vec![
        group.to_owned(),
        label.to_owned(),
        f.enterprises.to_string(),
        f.inspections.to_string(),
        f.hazards.to_string(),
        f.hazards_general.to_string(),
        f.hazards_major.to_string(),
        f.rectified.to_string(),
        rate,
        f.overdue.to_string(),
        f.supervised.to_string(),
        f.supervised_rectified.to_string(),
        f.supervised_overdue.to_string(),
        f.documents.to_string(),
    ];
    cells.extend(f.documents_by_kind.iter().map(|d| (d.issued + d.voided).to_string()));
    cells.push(period.to_owned());
    cells
}

/// Writes 总览's tables for a period (the totals, by 镇街, by 行业, by 月, then the
/// documents issued by kind) to `path`: how many rows.
pub fn statistics(o: &Overview, format: Format, path: &std::path::Path, progress: &Progress) -> Result<u64> {
    let period = format!("{} 至 {}", o.from, o.to);
    // Every slice lists every kind, in the same order as the totals.
    let kinds: Vec<String> = o.totals.documents_by_kind.iter().map(|d| format!("其中{}", d.title)).collect();
    let columns: Vec<&str> =
        STATISTICS_COLUMNS.iter().copied().chain(kinds.iter().map(String::as_str)).chain(["统计期间"]).collect();
    let slices = o.by_town.len() + o.by_sector.len() + o.by_month.len();
    progress.expect((1 + slices + o.documents.len()) as u64);
    write(
        format,
        path,
        "统计汇总",
        &columns,
        progress,
        Box::new(|row| {
            let mut n = 0;
            let mut put = |cells: Vec<String>| {
                n += 1;
                row(cells)
            };
            put(figure_cells("合计", "全区", &o.totals, &period))?;
            for (group, rows) in [("镇街", &o.by_town), ("行业", &o.by_sector), ("月份", &o.by_month)] {
                for b in rows {
                    put(figure_cells(group, &b.label, &b.figures, &period))?;
                }
            }
            for d in &o.documents {
                let mut cells = vec![String::new(); columns.len()];
                cells[0] = "文书".to_owned();
                cells[1] = format!("{}：签发 {} 份，其中作废 {} 份", d.title, d.issued + d.voided, d.voided);
                if let Some(last) = cells.last_mut() {
                    last.clone_from(&period);
                }
                put(cells)?;
            }
            Ok(n)
        }),
    )
}
