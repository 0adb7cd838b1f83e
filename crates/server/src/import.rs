//! The bureau's enterprise list (XLSX or CSV) turned into checked enterprise profiles,
//! with the rows that cannot be imported and why, by the row number the user sees in
//! Excel (the header is row 1 when it is the first line).
//!
//! Pure: no database, no network, no clock. The caller stores the profiles and shows
//! the refusals.

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::io::Cursor;

use anjian_core::credit_code::{self, Problem};
use anjian_core::enterprise::{EnterpriseInput, Profile, Status, SupervisionClass};
use anjian_core::validate::{FieldError, Rule};
use calamine::{Data, Reader, Sheet, SheetType, SheetVisible, Xlsx, open_workbook_from_rs};
use serde::Serialize;

/// Largest file accepted (20 MB).
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
/// Most data rows (not counting the header and empty rows) in one file.
pub const MAX_ROWS: usize = 100_000;

const DIVISIONS_JSON: &str = include_str!("../../../assets/seed/divisions.json");
const SECTORS_JSON: &str = include_str!("../../../assets/seed/sectors.json");
const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];
/// Stands in for a division or sector that is not in the lists while the other fields
/// are checked; such a row is refused anyway.
const UNRESOLVED: &str = "?";

/// The district's divisions and sectors, as (code, name).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reference {
    pub divisions: Vec<(String, String)>,
    pub sectors: Vec<(String, String)>,
}

impl Reference {
    /// The lists shipped in `assets/seed/`.
    pub fn bundled() -> Result<Reference, ImportError> {
        Ok(Reference {
            divisions: code_name_pairs("镇街", DIVISIONS_JSON)?,
            sectors: code_name_pairs("行业", SECTORS_JSON)?,
        })
    }

    /// A division given by its 9-digit code (or the 12-digit form ending in 000), by its
    /// name, by its name after 北京市/门头沟区, or by a part of its name that only one
    /// division has (斋堂 → 斋堂镇).
    fn division_code(&self, value: &str) -> Option<&str> {
        let value: String = value.chars().filter(|c| !c.is_whitespace()).collect();
        if value.is_empty() {
            return None;
        }
        if value.bytes().all(|b| b.is_ascii_digit()) {
            let code = if value.len() == 12 && value.ends_with("000") { &value[..9] } else { value.as_str() };
            return self.divisions.iter().find(|(c, _)| c == code).map(|(c, _)| c.as_str());
        }
        if let Some(code) = self.division_by_name(&value) {
            return Some(code);
        }
        let mut short = value.as_str();
        for prefix in ["北京市", "北京", "门头沟区"] {
            if let Some(rest) = short.strip_prefix(prefix) {
                short = rest;
                if let Some(code) = self.division_by_name(short) {
                    return Some(code);
                }
            }
        }
        if short.chars().count() < 2 {
            return None;
        }
        let mut hits = self.divisions.iter().filter(|(_, name)| name.contains(short));
        match (hits.next(), hits.next()) {
            (Some((code, _)), None) => Some(code.as_str()),
            _ => None,
        }
    }

    fn division_by_name(&self, name: &str) -> Option<&str> {
        self.divisions.iter().find(|(_, n)| n == name).map(|(c, _)| c.as_str())
    }

    /// A sector given by its name, its code, or a name followed by more words
    /// (非煤矿山企业). Never by a part of a name: 煤矿 is not 非煤矿山.
    fn sector_code(&self, token: &str) -> Option<&str> {
        if let Some((code, _)) =
            self.sectors.iter().find(|(code, name)| name == token || code.eq_ignore_ascii_case(token))
        {
            return Some(code.as_str());
        }
        let mut hits = self.sectors.iter().filter(|(_, name)| token.starts_with(name.as_str()));
        match (hits.next(), hits.next()) {
            (Some((code, _)), None) => Some(code.as_str()),
            _ => None,
        }
    }

    fn sector_names(&self) -> String {
        self.sectors.iter().map(|(_, name)| name.as_str()).collect::<Vec<_>>().join("、")
    }
}

fn code_name_pairs(what: &'static str, json: &str) -> Result<Vec<(String, String)>, ImportError> {
    #[derive(serde::Deserialize)]
    struct Item {
        code: String,
        name: String,
    }
    let items: Vec<Item> =
        anjian_sync::strict::from_str(json).map_err(|e| ImportError::Reference { what, detail: e.to_string() })?;
    Ok(items.into_iter().map(|item| (item.code, item.name)).collect())
}

/// A problem with the whole file: nothing of it is imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("文件无法读取：{0}")]
    Unreadable(String),
    #[error("只能导入 Excel 工作簿（.xlsx）或 CSV 文件（.csv），“{0}”不是；旧版 .xls 请在 Excel 中另存为 .xlsx")]
    UnsupportedType(String),
    #[error("文件过大（{} MB），不能超过 20 MB", megabytes(.size))]
    TooLarge { size: usize },
    #[error("CSV 文件的文字编码无法识别：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后再导入")]
    NotText,
    #[error("表格是空的：第一个工作表中没有表头或没有单位数据")]
    EmptySheet,
    #[error("表头缺少必需的列：{}（表头应有单位名称、统一社会信用代码、地址、镇街、行业）", joined(.missing))]
    MissingColumns { missing: Vec<&'static str> },
    #[error("数据超过 {} 行，请分成几个文件导入", MAX_ROWS)]
    TooManyRows,
    #[error("内置的{what}名单无法解析：{detail}")]
    Reference { what: &'static str, detail: String },
}

fn megabytes(size: &usize) -> String {
    format!("{:.1}", *size as f64 / (1024.0 * 1024.0))
}

fn joined(items: &[&str]) -> String {
    items.join("、")
}

/// A row that was not imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RowRefusal {
    /// 1-based, as Excel numbers the rows (the header is row 1 when it is the first line).
    pub row: usize,
    /// Every problem of the row, in column order, separated by “；”.
    pub reason: String,
}

impl fmt::Display for RowRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "第{}行：{}", self.row, self.reason)
    }
}

/// A row that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    pub row: usize,
    pub profile: Profile,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parsed {
    pub rows: Vec<ImportRow>,
    pub refused: Vec<RowRefusal>,
}

/// Reads an XLSX (first worksheet) or CSV file, chosen by the extension of
/// `file_name`, and checks every row. Rows that are entirely empty are skipped.
pub fn parse(file_name: &str, bytes: &[u8], reference: &Reference) -> Result<Parsed, ImportError> {
    let kind = Kind::of(file_name).ok_or_else(|| ImportError::UnsupportedType(file_name.to_owned()))?;
    if bytes.len() > MAX_BYTES {
        return Err(ImportError::TooLarge { size: bytes.len() });
    }
    let rows = match kind {
        Kind::Xlsx => read_xlsx(bytes)?,
        Kind::Csv => read_csv(bytes)?,
    };
    let mut rows = rows.into_iter();
    let header = rows.next().ok_or(ImportError::EmptySheet)?;
    let columns = Columns::find(&header.cells)?;
    let mut parsed = Parsed::default();
    let mut first_row_of_code: HashMap<String, usize> = HashMap::new();
    for row in rows {
        match check_row(&row, &columns, reference, &mut first_row_of_code) {
            Ok(profile) => parsed.rows.push(ImportRow { row: row.row, profile }),
            Err(reason) => parsed.refused.push(RowRefusal { row: row.row, reason }),
        }
    }
    if parsed.rows.is_empty() && parsed.refused.is_empty() {
        return Err(ImportError::EmptySheet);
    }
    Ok(parsed)
}

enum Kind {
    Xlsx,
    Csv,
}

impl Kind {
    fn of(file_name: &str) -> Option<Kind> {
        let extension = std::path::Path::new(file_name).extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "xlsx" => Some(Kind::Xlsx),
            "csv" => Some(Kind::Csv),
            _ => None,
        }
    }
}

/// A non-empty row of the sheet: its Excel row number and its cells, cleaned.
struct SheetRow {
    row: usize,
    cells: Vec<String>,
}

/// Adds a row; the header and at most `MAX_ROWS` data rows.
fn push_row(rows: &mut Vec<SheetRow>, row: SheetRow) -> Result<(), ImportError> {
    if rows.len() > MAX_ROWS {
        return Err(ImportError::TooManyRows);
    }
    rows.push(row);
    Ok(())
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<SheetRow>, ImportError> {
    let mut workbook: Xlsx<Cursor<&[u8]>> = open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| ImportError::Unreadable(format!("不是有效的 Excel 工作簿（{e}）")))?;
    let sheet = first_worksheet(workbook.sheets_metadata()).ok_or(ImportError::EmptySheet)?;
    let range = workbook
        .worksheet_range(&sheet)
        .map_err(|e| ImportError::Unreadable(format!("工作表“{sheet}”读取失败（{e}）")))?;
    // The range starts at its first used cell; its rows are numbered from there.
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let mut rows = Vec::new();
    for (i, cells) in range.rows().enumerate() {
        let cells: Vec<String> = cells.iter().map(cell_text).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        push_row(&mut rows, SheetRow { row: first_row + i + 1, cells })?;
    }
    Ok(rows)
}

/// The first visible worksheet, or the first worksheet if all are hidden.
fn first_worksheet(sheets: &[Sheet]) -> Option<String> {
    sheets
        .iter()
        .find(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible)
        .or_else(|| sheets.iter().find(|s| s.typ == SheetType::WorkSheet))
        .map(|s| s.name.clone())
}

/// A cell as text: whole numbers without ".0" (phone numbers and division codes are
/// often typed as numbers).
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => clean(s),
        Data::Float(f) => number_text(*f),
        Data::Int(i) => i.to_string(),
        other => clean(&other.to_string()),
    }
}

fn number_text(value: f64) -> String {
    if value.is_finite() && value.fract() == 0.0 && value.abs() < 1e16 {
        format!("{value:.0}")
    } else {
        value.to_string()
    }
}

/// Trims a cell and joins the lines of a cell typed with line breaks (Alt+Enter) with a
/// space, since every field is one line; drops byte order marks and zero-width spaces.
fn clean(text: &str) -> String {
    let text: String = text
        .chars()
        .filter(|c| !matches!(c, '\u{feff}' | '\u{200b}'))
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    text.split(['\r', '\n']).map(str::trim).filter(|part| !part.is_empty()).collect::<Vec<_>>().join(" ")
}

fn read_csv(bytes: &[u8]) -> Result<Vec<SheetRow>, ImportError> {
    let text = decode_csv(bytes)?;
    let data = text.as_bytes();
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(data);
    let mut counter = RowCounter { text: data, scanned: 0, newlines: 0, embedded: 0 };
    let mut rows = Vec::new();
    let mut last_row = 0;
    for record in reader.records() {
        let record = record.map_err(|e| ImportError::Unreadable(format!("CSV 格式有误（{e}）")))?;
        let row = match record.position() {
            Some(position) => counter.row_at(usize::try_from(position.byte()).unwrap_or(usize::MAX)),
            None => last_row + 1,
        };
        last_row = row;
        counter.embedded += record.iter().map(|field| field.matches('\n').count()).sum::<usize>();
        let cells: Vec<String> = record.iter().map(clean).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        push_row(&mut rows, SheetRow { row, cells })?;
    }
    Ok(rows)
}

/// UTF-8 (with or without a byte order mark), else GB18030 (which covers GBK), as
/// Excel on Chinese Windows saves "CSV (逗号分隔)".
fn decode_csv(bytes: &[u8]) -> Result<Cow<'_, str>, ImportError> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .ok_or(ImportError::NotText)?,
    };
    if text.contains('\0') {
        return Err(ImportError::NotText);
    }
    Ok(text)
}

/// Excel row numbers of CSV records. The csv reader skips blank lines (Excel shows them
/// as rows) and a quoted cell may hold line breaks (Excel shows one row), so the row
/// of a record is one more than the line breaks before it, less those inside cells.
struct RowCounter<'a> {
    text: &'a [u8],
    /// How far `newlines` has counted.
    scanned: usize,
    newlines: usize,
    /// Line breaks inside the cells of the records read so far.
    embedded: usize,
}

impl RowCounter<'_> {
    /// The row of the record the reader started reading at byte `start`: the reader
    /// starts before the blank lines it skips (and before the LF of a CRLF).
    fn row_at(&mut self, start: usize) -> usize {
        let mut start = start.min(self.text.len());
        while let Some(b'\r' | b'\n') = self.text.get(start) {
            start += 1;
        }
        if start > self.scanned {
            self.newlines += self.text[self.scanned..start].iter().filter(|&&b| b == b'\n').count();
            self.scanned = start;
        }
        self.newlines.saturating_sub(self.embedded) + 1
    }
}

/// The columns we read, in the order problems are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Name,
    CreditCode,
    Address,
    Division,
    Sectors,
    LegalRepresentative,
    SafetyContact,
    ContactPhone,
    SupervisionClass,
    Status,
}

impl Field {
    const COUNT: usize = 10;
    const ALL: [Field; Field::COUNT] = [
        Field::Name,
        Field::CreditCode,
        Field::Address,
        Field::Division,
        Field::Sectors,
        Field::LegalRepresentative,
        Field::SafetyContact,
        Field::ContactPhone,
        Field::SupervisionClass,
        Field::Status,
    ];

    /// Header texts recognised, the usual one first; a header matches after spaces,
    /// asterisks and colons are dropped and, failing that, also its notes in brackets
    /// (企业（单位）名称, 统一社会信用代码(18位)).
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Name => &["单位名称", "企业名称", "名称", "生产经营单位名称", "单位全称", "企业全称"],
            Field::CreditCode => &["统一社会信用代码", "信用代码", "社会信用代码"],
            Field::Address => &["地址", "经营地址", "注册地址", "生产经营地址", "单位地址", "企业地址"],
            Field::Division => {
                &["镇街", "所属镇街", "属地", "乡镇街道", "所属乡镇街道", "街道乡镇", "所属街道", "所属乡镇"]
            }
            Field::Sectors => &["行业", "行业领域", "所属行业", "行业类别", "行业分类"],
            Field::LegalRepresentative => &["法定代表人", "法人", "法人代表", "负责人"],
            Field::SafetyContact => &["安全负责人", "安全联系人", "安全管理人员"],
            Field::ContactPhone => &["联系电话", "电话", "联系方式", "手机"],
            Field::SupervisionClass => &["监管分类", "分级", "分级分类", "监管类别", "监管等级"],
            Field::Status => &["经营状态", "状态", "营业状态", "登记状态"],
        }
    }

    fn canonical(self) -> &'static str {
        self.aliases().first().copied().unwrap_or_default()
    }

    fn required(self) -> bool {
        matches!(self, Field::Name | Field::CreditCode | Field::Address | Field::Division | Field::Sectors)
    }

    /// The field named by a `FieldError` of `EnterpriseInput::check`.
    fn from_core(field: &str) -> Option<Field> {
        Some(match field {
            "name" => Field::Name,
            "creditCode" => Field::CreditCode,
            "address" => Field::Address,
            "divisionCode" => Field::Division,
            "sectors" => Field::Sectors,
            "legalRepresentative" => Field::LegalRepresentative,
            "safetyContact" => Field::SafetyContact,
            "contactPhone" => Field::ContactPhone,
            "supervisionClass" => Field::SupervisionClass,
            "status" => Field::Status,
            _ => return None,
        })
    }
}

/// Where each field is in the sheet, and the header texts as the file has them (used to
/// name the column in a refusal).
struct Columns {
    index: [Option<usize>; Field::COUNT],
    headers: Vec<String>,
}

impl Columns {
    fn find(header: &[String]) -> Result<Columns, ImportError> {
        let keys: Vec<(String, String)> = header
            .iter()
            .map(|h| {
                let key = header_key(h);
                let bare = without_notes(&key);
                (key, bare)
            })
            .collect();
        let mut index = [None; Field::COUNT];
        for field in Field::ALL {
            index[field as usize] = field
                .aliases()
                .iter()
                .find_map(|alias| keys.iter().position(|(key, bare)| key == alias || bare == alias));
        }
        let missing: Vec<&'static str> = Field::ALL
            .into_iter()
            .filter(|f| f.required() && index[*f as usize].is_none())
            .map(Field::canonical)
            .collect();
        if !missing.is_empty() {
            return Err(ImportError::MissingColumns { missing });
        }
        Ok(Columns { index, headers: header.to_vec() })
    }

    /// The cell of `field` in `cells` ("" when the column is absent or the row short).
    fn cell<'a>(&self, cells: &'a [String], field: Field) -> &'a str {
        self.index[field as usize].and_then(|i| cells.get(i)).map_or("", String::as_str)
    }

    fn label(&self, field: Field) -> &str {
        self.index[field as usize].and_then(|i| self.headers.get(i)).map_or(field.canonical(), String::as_str)
    }
}

/// A header without spaces, asterisks (required-field marks) and colons, with full-width
/// brackets made half-width.
fn header_key(header: &str) -> String {
    header
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '＊' | ':' | '：'))
        .map(|c| match c {
            '（' | '【' | '[' | '［' => '(',
            '）' | '】' | ']' | '］' => ')',
            c => c,
        })
        .collect()
}

/// A header key without its notes in brackets.
fn without_notes(key: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::new();
    for c in key.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The checked profile of one data row, or every problem of it in column order.
fn check_row(
    row: &SheetRow,
    columns: &Columns,
    reference: &Reference,
    first_row_of_code: &mut HashMap<String, usize>,
) -> Result<Profile, String> {
    let cell = |field: Field| columns.cell(&row.cells, field);
    let mut problems: Vec<(Field, String)> = Vec::new();

    let division = cell(Field::Division);
    let division_code = if division.is_empty() {
        String::new()
    } else {
        match reference.division_code(division) {
            Some(code) => code.to_owned(),
            None => {
                let label = columns.label(Field::Division);
                problems.push((Field::Division, format!("{label}“{division}”不在门头沟区的镇街名单中")));
                UNRESOLVED.to_owned()
            }
        }
    };

    let mut sectors: Vec<String> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    for token in split_list(cell(Field::Sectors)) {
        match reference.sector_code(token) {
            Some(code) => sectors.push(code.to_owned()),
            None => unknown.push(format!("“{token}”")),
        }
    }
    if !unknown.is_empty() {
        let label = columns.label(Field::Sectors);
        problems.push((
            Field::Sectors,
            format!("{label}{}不在行业名单中（可填：{}）", unknown.join("、"), reference.sector_names()),
        ));
        if sectors.is_empty() {
            sectors.push(UNRESOLVED.to_owned());
        }
    }

    let class = cell(Field::SupervisionClass);
    let supervision_class = match parse_class(class) {
        Ok(c) => c,
        Err(()) => {
            let label = columns.label(Field::SupervisionClass);
            problems.push((Field::SupervisionClass, format!("{label}“{class}”应为A、B、C、D之一")));
            None
        }
    };

    let state = cell(Field::Status);
    let status = match parse_status(state) {
        Ok(s) => s,
        Err(()) => {
            let label = columns.label(Field::Status);
            problems.push((Field::Status, format!("{label}“{state}”无法识别（可填：在营、停产、关闭）")));
            Status::Operating
        }
    };

    let code = cell(Field::CreditCode);
    if !code.is_empty() {
        let key = credit_code::check(code).normalized().map_or_else(|| code.to_uppercase(), str::to_owned);
        match first_row_of_code.entry(key) {
            Entry::Occupied(first) => {
                problems.push((Field::CreditCode, format!("与第{}行的统一社会信用代码重复", first.get())));
            }
            Entry::Vacant(slot) => {
                slot.insert(row.row);
            }
        }
    }

    let input = EnterpriseInput {
        name: cell(Field::Name).to_owned(),
        credit_code: code.to_owned(),
        address: cell(Field::Address).to_owned(),
        division_code,
        sectors,
        legal_representative: cell(Field::LegalRepresentative).to_owned(),
        safety_contact: cell(Field::SafetyContact).to_owned(),
        contact_phone: cell(Field::ContactPhone).to_owned(),
        supervision_class,
        status,
        // credit_code_confirmed stays false: a code with a wrong check character is
        // refused here, not confirmed on the bureau's behalf.
        ..Default::default()
    };
    let profile = match input.check() {
        Ok(profile) => Some(profile),
        Err(error) => {
            let field = Field::from_core(error.field);
            let (rank, label, value) = match field {
                Some(f) => (f, columns.label(f), cell(f)),
                None => (Field::Status, error.field, ""),
            };
            problems.push((rank, field_error_reason(&error, label, value)));
            None
        }
    };

    match profile {
        Some(profile) if problems.is_empty() => Ok(profile),
        _ => {
            problems.sort_by_key(|(field, _)| *field as usize);
            Err(problems.into_iter().map(|(_, reason)| reason).collect::<Vec<_>>().join("；"))
        }
    }
}

/// Sector names or codes separated by 、 , ， ; ； / or spaces.
fn split_list(value: &str) -> Vec<&str> {
    value
        .split(|c: char| matches!(c, '、' | ',' | '，' | ';' | '；' | '/' | '／' | '|') || c.is_whitespace())
        .filter(|token| !token.is_empty())
        .collect()
}

/// A, B, C or D, also as A类, A级, lower case or full width; empty is none.
fn parse_class(value: &str) -> Result<Option<SupervisionClass>, ()> {
    let value: String = value.chars().filter(|c| !c.is_whitespace()).map(half_width).collect::<String>().to_uppercase();
    let value = value.trim_end_matches(['类', '级', '企', '业']);
    if value.is_empty() {
        return Ok(None);
    }
    SupervisionClass::parse(value).map(Some).ok_or(())
}

/// 在营 (and the words of the business register for it) is operating, 停产/停业 is
/// suspended, 关闭/注销/吊销 is closed; empty is operating.
fn parse_status(value: &str) -> Result<Status, ()> {
    let value: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    if value.is_empty() {
        return Ok(Status::Operating);
    }
    if let Some(status) = Status::parse(&value.to_ascii_lowercase()) {
        return Ok(status);
    }
    if contains_any(&value, &["关闭", "注销", "吊销", "取缔", "撤销"]) {
        Ok(Status::Closed)
    } else if contains_any(&value, &["停产", "停业", "歇业", "停工", "停止"]) {
        Ok(Status::Suspended)
    } else if contains_any(&value, &["在营", "正常", "营业", "存续", "开业", "在业", "生产", "运营", "经营"])
    {
        Ok(Status::Operating)
    } else {
        Err(())
    }
}

fn contains_any(value: &str, words: &[&str]) -> bool {
    words.iter().any(|word| value.contains(*word))
}

fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        c => c,
    }
}

/// A Chinese sentence for a field the core check refused, naming the column as the
/// file's header has it.
fn field_error_reason(error: &FieldError, label: &str, value: &str) -> String {
    match &error.rule {
        Rule::Required | Rule::SectorRequired => format!("{label}不能为空"),
        Rule::TooLong { max } => format!("{label}超过{max}个字"),
        Rule::InvalidText => format!("{label}含有不可见的控制字符"),
        Rule::Phone => format!("{label}“{value}”不是有效的电话号码（手机号为11位，座机如010-69841234）"),
        Rule::CreditCode { problem } => format!("{label}“{value}”有误：{}", problem.message()),
        Rule::CreditCodeUnconfirmed { problem } => match problem {
            Problem::CheckCharacter { expected, found } => {
                format!("{label}“{value}”校验位不对：第18位应为“{expected}”，实为“{found}”，请核对营业执照")
            }
            Problem::OrganisationCheck { expected, found } => {
                format!("{label}“{value}”组织机构代码校验位不对：第17位应为“{expected}”，实为“{found}”，请核对营业执照")
            }
            other => format!("{label}“{value}”有误：{}", other.message()),
        },
        _ => format!("{label}“{value}”填写有误"),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn reference() -> Reference {
        Reference::bundled().unwrap()
    }

    /// A valid code of a company in 门头沟区 from the 8 characters of its organisation
    /// code body.
    fn code(body: &str) -> String {
        credit_code::complete(&format!("91110109{body}")).unwrap()
    }

    fn with_wrong_check(code: &str) -> String {
        let wrong = if code.ends_with('0') { '1' } else { '0' };
        format!("{}{wrong}", &code[..17])
    }

    fn rows_of(parsed: &Parsed) -> Vec<usize> {
        parsed.rows.iter().map(|r| r.row).collect()
    }

    #[test]
    fn bundled_reference_has_the_district() {
        let r = reference();
        assert_eq!(r.divisions.len(), 14);
        assert_eq!(r.sectors.len(), 8);
        assert_eq!(r.division_code("斋堂镇"), Some("110109106"));
        assert_eq!(r.division_code("110109105"), Some("110109105"));
        assert_eq!(r.division_code("110109105000"), Some("110109105"));
        assert_eq!(r.division_code("北京市门头沟区雁翅镇"), Some("110109105"));
        assert_eq!(r.division_code("北京石龙经济开发区"), Some("110109400"));
        assert_eq!(r.division_code("石龙经济开发区"), Some("110109400"));
        assert_eq!(r.division_code("斋堂"), Some("110109106"));
        assert_eq!(r.division_code("镇"), None);
        assert_eq!(r.division_code("长沟镇"), None);
        assert_eq!(r.division_code("110109999"), None);
        assert_eq!(r.sector_code("非煤矿山"), Some("mine"));
        assert_eq!(r.sector_code("HAZCHEM"), Some("hazchem"));
        assert_eq!(r.sector_code("非煤矿山企业"), Some("mine"));
        assert_eq!(r.sector_code("煤矿"), None);
    }

    #[test]
    fn csv_rows_are_checked_and_bad_rows_refused() {
        let c1 = code("MA0000A1");
        let c1_lower = c1.to_lowercase();
        let c2 = code("MA0000A2");
        let c3 = code("MA0000A3");
        let c4 = code("MA0000A4");
        let bad = with_wrong_check(&code("MA0000B1"));
        let text = format!(
            "单位名称,统一社会信用代码,地址,镇街,行业,法定代表人,联系电话,监管分类,经营状态,备注\n\
             北京斋堂岩峰石材有限公司,{c1},北京市门头沟区斋堂镇西斋堂村18号,斋堂镇,非煤矿山、粉尘涉爆,王建国,13911112222,A类,在营,\n\
             北京龙泉汇通气体有限公司,{c2},北京市门头沟区龙泉镇三家店村5号,110109103,\"危险化学品, 有限空间；粉尘涉爆\",刘海涛,010-69841234,b,停产,气瓶另存\n\
             北京军庄鸿运石料有限公司,{bad},北京市门头沟区军庄镇军庄村1号,军庄镇,非煤矿山,,,,,\n\
             北京长沟建材有限公司,{c3},北京市房山区长沟镇1号,长沟镇,建筑施工\n\
             ,,,,,,,,,\n\
             北京清水顺达石料有限公司,{c1_lower},北京市门头沟区清水镇下清水村2号,清水镇,非煤矿山,,,,,\n\
             北京大峪惠民农贸市场管理有限公司,{c4},北京市门头沟区大峪街道新桥大街8号,大峪街道,人员密集场所/餐饮燃气 有限空间,,,C,,\n"
        );
        let parsed = parse("名单.csv", text.as_bytes(), &reference()).unwrap();
        assert_eq!(rows_of(&parsed), vec![2, 3, 8]);

        let p = &parsed.rows[0].profile;
        assert_eq!(p.name, "北京斋堂岩峰石材有限公司");
        assert_eq!(p.credit_code, c1);
        assert!(!p.credit_code_confirmed);
        assert_eq!(p.division_code, "110109106");
        assert_eq!(p.sectors, vec!["mine", "dust"]);
        assert_eq!(p.legal_representative.as_deref(), Some("王建国"));
        assert_eq!(p.contact_phone.as_deref(), Some("13911112222"));
        assert_eq!(p.supervision_class, Some(SupervisionClass::A));
        assert_eq!(p.status, Status::Operating);

        let p = &parsed.rows[1].profile;
        assert_eq!(p.division_code, "110109103");
        assert_eq!(p.sectors, vec!["hazchem", "confined", "dust"]);
        assert_eq!(p.contact_phone.as_deref(), Some("010-69841234"));
        assert_eq!(p.supervision_class, Some(SupervisionClass::B));
        assert_eq!(p.status, Status::Suspended);

        let p = &parsed.rows[2].profile;
        assert_eq!(p.sectors, vec!["crowded", "gas", "confined"]);
        assert_eq!(p.supervision_class, Some(SupervisionClass::C));
        assert_eq!(p.safety_contact, None);

        let refused: Vec<usize> = parsed.refused.iter().map(|r| r.row).collect();
        assert_eq!(refused, vec![4, 5, 7], "{:?}", parsed.refused);
        let expected = code("MA0000B1").chars().next_back().unwrap();
        let reason = &parsed.refused[0].reason;
        assert!(reason.contains("统一社会信用代码") && reason.contains("校验位"), "{reason}");
        assert!(reason.contains(&format!("应为“{expected}”")), "{reason}");
        assert!(parsed.refused[1].reason.contains("镇街“长沟镇”不在门头沟区的镇街名单中"), "{:?}", parsed.refused[1]);
        assert_eq!(parsed.refused[2].reason, "与第2行的统一社会信用代码重复");
        assert_eq!(parsed.refused[2].to_string(), "第7行：与第2行的统一社会信用代码重复");
    }

    #[test]
    fn every_problem_of_a_row_is_named_in_column_order() {
        let c = code("MA0000C1");
        let text = format!(
            "单位名称,统一社会信用代码,地址,镇街,行业,联系电话,监管分类\n\
             ,{c},北京市门头沟区,大峪街道,非煤矿山、煤矿,12345,E类\n"
        );
        let parsed = parse("a.csv", text.as_bytes(), &reference()).unwrap();
        assert!(parsed.rows.is_empty());
        let reason = &parsed.refused[0].reason;
        assert!(reason.starts_with("单位名称不能为空；行业“煤矿”不在行业名单中（可填：非煤矿山、"), "{reason}");
        assert!(reason.ends_with("；监管分类“E类”应为A、B、C、D之一"), "{reason}");
    }

    #[test]
    fn row_numbers_follow_excel_across_blank_lines_and_line_breaks_in_cells() {
        let good = code("MA0000D1");
        let bad = with_wrong_check(&code("MA0000D2"));
        let text = format!(
            "\u{feff}\n企业（单位）名称, 统一社会信用代码(18位) ,经营地址,所属镇街,行业领域\n\n\
             北京斋堂爨底下民宿有限公司,{good},\"北京市门头沟区\n斋堂镇爨底下村\",斋堂,非煤矿山企业\r\n\
             北京斋堂灵水石料有限公司,{bad},北京市门头沟区斋堂镇灵水村,门头沟区斋堂镇,非煤矿山\n"
        );
        let parsed = parse("a.csv", text.as_bytes(), &reference()).unwrap();
        assert_eq!(rows_of(&parsed), vec![4]);
        let p = &parsed.rows[0].profile;
        assert_eq!(p.address, "北京市门头沟区 斋堂镇爨底下村");
        assert_eq!(p.division_code, "110109106");
        assert_eq!(p.sectors, vec!["mine"]);
        assert_eq!(parsed.refused.len(), 1);
        assert_eq!(parsed.refused[0].row, 5);
        assert!(parsed.refused[0].reason.starts_with("统一社会信用代码(18位)“"), "{:?}", parsed.refused[0]);
    }

    #[test]
    fn a_gbk_csv_from_excel_is_read() {
        let c = code("MA0000E1");
        let text = format!(
            "单位名称,统一社会信用代码,地址,镇街,行业\r\n\
             北京潭柘香客之家餐饮有限公司,{c},北京市门头沟区潭柘寺镇平原村6号,潭柘寺镇,餐饮燃气\r\n"
        );
        let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&bytes).is_err());
        let parsed = parse("名单.CSV", &bytes, &reference()).unwrap();
        assert!(parsed.refused.is_empty(), "{:?}", parsed.refused);
        assert_eq!(parsed.rows.len(), 1);
        let p = &parsed.rows[0].profile;
        assert_eq!(p.name, "北京潭柘香客之家餐饮有限公司");
        assert_eq!(p.division_code, "110109101");
        assert_eq!(p.sectors, vec!["gas"]);
    }

    #[test]
    fn missing_required_columns_are_named() {
        let text = "单位名称,地址,行业\n北京某某建筑有限公司,北京市门头沟区大峪街道,建筑施工\n";
        match parse("a.csv", text.as_bytes(), &reference()) {
            Err(e @ ImportError::MissingColumns { .. }) => {
                assert!(
                    matches!(&e, ImportError::MissingColumns { missing } if *missing == vec!["统一社会信用代码", "镇街"])
                );
                assert!(e.to_string().contains("统一社会信用代码、镇街"), "{e}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn whole_file_problems() {
        let r = reference();
        assert!(matches!(parse("名单.xls", b"x", &r), Err(ImportError::UnsupportedType(_))));
        assert!(matches!(parse("名单", b"x", &r), Err(ImportError::UnsupportedType(_))));
        assert!(matches!(parse("a.csv", &vec![b' '; MAX_BYTES + 1], &r), Err(ImportError::TooLarge { .. })));
        assert!(matches!(parse("a.csv", b"", &r), Err(ImportError::EmptySheet)));
        assert!(matches!(parse("a.csv", "\u{feff}\n,,\n".as_bytes(), &r), Err(ImportError::EmptySheet)));
        assert!(matches!(
            parse("a.csv", "单位名称,统一社会信用代码,地址,镇街,行业\n".as_bytes(), &r),
            Err(ImportError::EmptySheet)
        ));
        assert!(matches!(parse("a.csv", b"\xFF\xFF\xFF", &r), Err(ImportError::NotText)));
        assert!(matches!(parse("a.xlsx", b"PK\x03\x04 not a workbook", &r), Err(ImportError::Unreadable(_))));
        let e = parse("a.csv", &vec![b' '; MAX_BYTES + 1], &r).unwrap_err();
        assert_eq!(e.to_string(), "文件过大（20.0 MB），不能超过 20 MB");
    }

    #[test]
    fn too_many_rows_are_refused_as_a_whole() {
        let mut text = String::from("单位名称,统一社会信用代码,地址,镇街,行业\n");
        for _ in 0..=MAX_ROWS {
            text.push_str("x\n");
        }
        assert!(matches!(parse("a.csv", text.as_bytes(), &reference()), Err(ImportError::TooManyRows)));
    }

    #[test]
    fn classes_and_states() {
        assert_eq!(parse_class("A类"), Ok(Some(SupervisionClass::A)));
        assert_eq!(parse_class(" ｂ "), Ok(Some(SupervisionClass::B)));
        assert_eq!(parse_class("D级"), Ok(Some(SupervisionClass::D)));
        assert_eq!(parse_class(""), Ok(None));
        assert_eq!(parse_class("E"), Err(()));
        assert_eq!(parse_status(""), Ok(Status::Operating));
        assert_eq!(parse_status("正常"), Ok(Status::Operating));
        assert_eq!(parse_status("存续（在营、开业、在册）"), Ok(Status::Operating));
        assert_eq!(parse_status("停产整顿"), Ok(Status::Suspended));
        assert_eq!(parse_status("停业"), Ok(Status::Suspended));
        assert_eq!(parse_status("注销"), Ok(Status::Closed));
        assert_eq!(parse_status("吊销，未注销"), Ok(Status::Closed));
        assert_eq!(parse_status("closed"), Ok(Status::Closed));
        assert_eq!(parse_status("不详"), Err(()));
    }

    #[test]
    fn cells_as_text() {
        assert_eq!(number_text(13_911_826_074.0), "13911826074");
        assert_eq!(number_text(110_109_103.0), "110109103");
        assert_eq!(number_text(1.5), "1.5");
        assert_eq!(cell_text(&Data::Int(69_841_234)), "69841234");
        assert_eq!(cell_text(&Data::String(" 北京市门头沟区\r\n 斋堂镇 ".into())), "北京市门头沟区 斋堂镇");
        assert_eq!(cell_text(&Data::Empty), "");
    }

    #[test]
    fn a_refusal_is_serialized_for_the_report() {
        let r = RowRefusal { row: 4, reason: "单位名称不能为空".into() };
        assert_eq!(serde_json::to_value(&r).unwrap(), serde_json::json!({"row": 4, "reason": "单位名称不能为空"}));
    }

    #[test]
    fn an_xlsx_from_excel_is_read() {
        // Header in row 1 with other names (企业名称, 经营地址, 所属镇街, 行业领域, 法人,
        // 安全联系人, 电话, 分级, 状态) and an unknown 备注 column; row 4 empty; a phone
        // number and a division code typed as numbers; row 6 with a wrong check character;
        // a second sheet that is not read.
        let bytes = include_bytes!("../tests/fixtures/enterprises.xlsx");
        let parsed = parse("企业名单.XLSX", bytes, &reference()).unwrap();
        assert_eq!(rows_of(&parsed), vec![2, 3, 5]);

        let p = &parsed.rows[0].profile;
        assert_eq!(p.name, "北京斋堂岩峰石材有限公司");
        assert_eq!(p.credit_code, code("MA0F1X01"));
        assert_eq!(p.division_code, "110109106");
        assert_eq!(p.sectors, vec!["mine"]);
        assert_eq!(p.legal_representative.as_deref(), Some("王建国"));
        assert_eq!(p.safety_contact.as_deref(), Some("李振海"));
        assert_eq!(p.contact_phone.as_deref(), Some("13911826074"));
        assert_eq!(p.supervision_class, Some(SupervisionClass::A));
        assert_eq!(p.status, Status::Operating);

        let p = &parsed.rows[1].profile;
        assert_eq!(p.credit_code, code("MA0F1X02"));
        assert_eq!(p.division_code, "110109103");
        assert_eq!(p.sectors, vec!["hazchem", "confined"]);
        assert_eq!(p.contact_phone.as_deref(), Some("010-69841376"));
        assert_eq!(p.supervision_class, Some(SupervisionClass::B));
        assert_eq!(p.status, Status::Suspended);

        let p = &parsed.rows[2].profile;
        assert_eq!(p.credit_code, code("MA0F1X03"));
        assert_eq!(p.division_code, "110109001");
        assert_eq!(p.sectors, vec!["crowded", "gas"]);
        assert_eq!((p.contact_phone.as_deref(), p.supervision_class), (None, None));

        assert_eq!(parsed.refused.len(), 1);
        assert_eq!(parsed.refused[0].row, 6);
        let expected = code("MA0F1X04").chars().next_back().unwrap();
        assert!(parsed.refused[0].reason.contains(&format!("第18位应为“{expected}”")), "{:?}", parsed.refused);
    }

    #[test]
    fn the_demo_list_imports_with_one_refusal() {
        let bytes = include_bytes!("../../../assets/demo/district-enterprises.csv");
        let parsed = parse("district-enterprises.csv", bytes, &reference()).unwrap();
        assert_eq!(parsed.rows.len(), 24);
        assert_eq!(parsed.refused.len(), 1, "{:?}", parsed.refused);
        assert_eq!(parsed.refused[0].row, 15);
        assert!(parsed.refused[0].reason.contains("校验位"), "{:?}", parsed.refused);
        let r = reference();
        for (code, name) in &r.divisions {
            assert!(parsed.rows.iter().any(|row| &row.profile.division_code == code), "{name}");
        }
        for (code, name) in &r.sectors {
            assert!(parsed.rows.iter().any(|row| row.profile.sectors.contains(code)), "{name}");
        }
    }
}
