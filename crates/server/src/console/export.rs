//! The console's exports: the ledger as XLSX (rust_xlsxwriter, rows streamed to a
//! temporary file in constant-memory mode) or CSV (UTF-8 with a byte-order mark, which
//! Excel on Chinese Windows needs to read it as UTF-8), read from the records a page at a
//! time, in one transaction so the file is one consistent moment.

use chrono::NaiveDate;

use super::records::{self, HazardQuery, HazardRow};
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
pub const HAZARD_COLUMNS: [&str; 11] =
    ["单位", "镇街", "行业", "隐患描述", "级别", "整改状态", "发现时间", "整改期限", "逾期", "执法人员", "来源设备"];

fn cells(h: &HazardRow) -> [String; 11] {
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
    ]
}

fn failed(e: impl std::fmt::Display) -> StorageError {
    StorageError::Io(std::io::Error::other(e.to_string()))
}

/// A cell that a spreadsheet would read as a formula is written as text.
fn inert(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_owned() }
}

/// Writes the hazards the filters pass to `path`: how many rows.
pub fn hazards(sql: &mut dyn Sql, q: &HazardQuery, today: NaiveDate, format: Format, path: &std::path::Path) -> Result<u64> {
    match format {
        Format::Csv => {
            let mut file = std::fs::File::create(path)?;
            std::io::Write::write_all(&mut file, "\u{feff}".as_bytes())?;
            let mut out = csv::Writer::from_writer(std::io::BufWriter::new(file));
            out.write_record(HAZARD_COLUMNS).map_err(failed)?;
            let n = records::each_hazard(sql, q, today, &mut |h| out.write_record(cells(h).map(|c| inert(&c))).map_err(failed))?;
            out.flush()?;
            Ok(n)
        }
        Format::Xlsx => {
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet_with_constant_memory().map_err(failed)?;
            sheet.set_name("隐患台账").map_err(failed)?;
            let bold = rust_xlsxwriter::Format::new().set_bold();
            for (c, title) in HAZARD_COLUMNS.iter().enumerate() {
                sheet.write_string_with_format(0, c as u16, *title, &bold).map_err(failed)?;
            }
            let mut row = 0u32;
            let n = records::each_hazard(sql, q, today, &mut |h| {
                row += 1;
                for (c, value) in cells(h).iter().enumerate() {
                    // Written as strings: never read as a formula or a number.
                    sheet.write_string(row, c as u16, value).map_err(failed)?;
                }
                Ok(())
            })?;
            book.save(path).map_err(failed)?;
            Ok(n)
        }
    }
}
