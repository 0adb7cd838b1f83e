//! The three documents, laid out and written as PDF/A-2b. The same snapshot always gives
//! the same bytes: resource names and the file identifier are derived from the content,
//! and the file's dates are the document's own.

use printpdf::{
    Color, FontId, Greyscale, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt,
    RawImage, RawImageData, RawImageFormat, Rect, TextItem, TextRenderingMode, XObject, XObjectId, XObjectTransform,
};
use printpdf::{ImageCompression, ImageOptimizationOptions};

use crate::font::{Font, font};
use crate::layout::{BODY, Flow, Item, LEFT, LINE, PAGE_H, PAGE_W, PT, RIGHT, TOP};
use crate::linebreak::break_lines;
use crate::snapshot::{
    DateTime, Head, Officer, OrderSnapshot, RecordSnapshot, ReviewSnapshot, Signature, Snapshot, UnitSigner,
};
use crate::verify::{self, hex};

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("文书字体无法加载")]
    Font,
    #[error("签名图片无法读取：{0}")]
    Signature(String),
    #[error("文书无法写成PDF：{0}")]
    Write(String),
}

/// A rendered document.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub pages: usize,
    /// The short verification code printed on every page.
    pub code: String,
    /// SHA-256 of the snapshot (hex): what the code and the QR are derived from.
    pub content_hash: String,
    /// Characters the font cannot print (shown as boxes); issuing refuses these.
    pub missing_glyphs: Vec<char>,
}

const SIGNATURE_W: f32 = 34.0;
const SIGNATURE_H: f32 = 10.0;
const QR_SIZE: f32 = 19.0;
/// Type this large is a mark across the page, drawn light.
const MARK_SIZE: f32 = 72.0;

pub fn render(snapshot: &Snapshot) -> Result<Rendered, RenderError> {
    render_marked(snapshot, None, None)
}

/// As `render`, with the QR code leading to the district server's verification page
/// (`<server>/v/<code>`) when the device knows the server: a phone's camera opens the
/// page that says whether the document stands. Without a server the code carries the
/// scheme `ANJIAN:V1:<code>:<hash>`.
pub fn render_for_server(snapshot: &Snapshot, server: Option<&str>) -> Result<Rendered, RenderError> {
    render_marked(snapshot, None, server)
}

/// The pages of a PDF this renderer wrote (a kept one, read back): each page is one
/// `/Type/Page/` object as printpdf writes them.
pub fn pages_of(pdf: &[u8]) -> usize {
    const PAGE: &[u8] = b"/Type/Page/";
    pdf.windows(PAGE.len()).filter(|w| *w == PAGE).count().max(1)
}

/// A voided document as it may still be printed (for the file, or to show what was
/// voided): every page marked 已作废 with the reason, so a copy is never mistaken for a
/// valid one. The PDF kept when it was issued stays as it was.
pub fn render_voided(snapshot: &Snapshot, reason: &str) -> Result<Rendered, RenderError> {
    render_marked(snapshot, Some(reason), None)
}

fn render_marked(snapshot: &Snapshot, voided: Option<&str>, server: Option<&str>) -> Result<Rendered, RenderError> {
    let font = font().ok_or(RenderError::Font)?;
    let hash = verify::content_hash(snapshot);
    let code = verify::code(&hash);
    let mut flow = Flow::new(font);
    let mut images = Vec::new();
    // Only a numbered document is one: a draft carries no QR code and no code that could
    // pass for a verifiable one, and says it is a draft on every page.
    let number = snapshot.head().issued_number();
    let mark = match number {
        Some(_) => Mark::Issued {
            qr: match server {
                Some(server) => verify::page_url(server, &code),
                None => verify::qr_payload(&hash),
            },
            code: code.clone(),
        },
        None => Mark::Draft,
    };
    head(&mut flow, snapshot.head(), snapshot.title(), &mark);
    running_head(&mut flow, snapshot.title(), number);
    match snapshot {
        Snapshot::Record(s) => record(&mut flow, &mut images, s)?,
        Snapshot::Order(s) => order(&mut flow, &mut images, s)?,
        Snapshot::Review(s) => review(&mut flow, &mut images, s)?,
    }
    footers(&mut flow, &mark);
    match (voided, &mark) {
        (Some(reason), _) => void_marks(&mut flow, reason),
        (None, Mark::Draft) => draft_marks(&mut flow),
        (None, Mark::Issued { .. }) => {}
    }
    let pages = flow.pages.len();
    let missing_glyphs = flow.missing.clone();
    let pdf = write_pdf(font, &flow.pages, &images, snapshot, &hash)?;
    Ok(Rendered { pdf, pages, code, content_hash: hex(&hash), missing_glyphs })
}

/// What makes a printed page verifiable, or says it is not.
enum Mark {
    Issued { qr: String, code: String },
    Draft,
}

/// The three-line head; for an issued document the QR code and verification code in the
/// top right corner.
fn head(flow: &mut Flow, head: &Head, title: &str, mark: &Mark) {
    if let Mark::Issued { qr, code } = mark {
        // Above the head, in the corner: the text below never reaches it.
        let qr_y = TOP - QR_SIZE + 1.0;
        flow.place(Item::Qr { x: RIGHT - QR_SIZE, y: qr_y, size: QR_SIZE, payload: qr.clone() });
        let small = 7.5;
        let code_x = RIGHT - QR_SIZE + (QR_SIZE - flow.width_mm(code, small)) / 2.0;
        flow.place(Item::Text {
            x: code_x,
            y: qr_y + QR_SIZE + 0.3,
            size: small,
            text: code.clone(),
            bold: false,
            grey: false,
        });
    }
    flow.gap(2.0);
    // Beside the QR code and its code, a long bureau's line wraps before reaching them:
    // centred on the page, it ends 1 mm left of the QR column.
    let width = match mark {
        Mark::Issued { .. } => 2.0 * (RIGHT - QR_SIZE - 1.0) - PAGE_W,
        Mark::Draft => RIGHT - LEFT,
    };
    flow.centred_within(&format!("{}安全生产行政执法文书", head.bureau), 15.0, false, width);
    flow.gap(2.0);
    flow.centred(title, 22.0, true);
    flow.gap(1.0);
    match (head.issued_number(), mark) {
        (Some(n), Mark::Issued { .. }) => flow.centred(n, BODY, false),
        _ => flow.centred("（草稿，未编号，不作为执法文书使用）", BODY, false),
    }
    flow.gap(LINE * 0.4);
}

/// The head of every continuation page, in its top margin: the title and the number (or
/// that it is a draft) over a rule.
fn running_head(flow: &mut Flow, title: &str, number: Option<&str>) {
    let size = 10.5;
    let text = match number {
        Some(n) => format!("{title}　{n}"),
        None => format!("{title}（草稿，未编号）"),
    };
    let y = TOP - 11.0;
    flow.running_head = vec![
        Item::Text { x: LEFT, y, size, text, bold: false, grey: false },
        Item::Rule { x1: LEFT, x2: RIGHT, y: y + size * PT + 1.5 },
    ];
}

fn record(flow: &mut Flow, images: &mut Vec<RawImage>, s: &RecordSnapshot) -> Result<(), RenderError> {
    flow.field("被检查单位：", &s.unit);
    flow.field("地　　址：", &s.address);
    flow.field(
        "法定代表人（负责人）：",
        &format!("{}　　职务：{}　　联系电话：{}", s.legal_representative, s.legal_representative_title, s.phone),
    );
    flow.field("检查场所：", &s.place);
    flow.field("检查时间：", &span(s.started_at, s.ended_at));
    flow.paragraph(&s.introduction, BODY, 2.0 * BODY * PT, 0.0);
    flow.line(LEFT, "检查情况：", BODY);
    flow.paragraph(&s.findings, BODY, 2.0 * BODY * PT, 0.0);
    flow.gap(LINE * 0.3);
    let rows = officer_rows(&s.officers, &s.officer_signatures);
    signature_block(
        flow,
        images,
        "检查人员（签名）：",
        &rows,
        ("被检查单位现场负责人（签名）：", &s.unit_signer),
        (&s.date.chinese(), None),
        &s.copies_note,
    )?;
    Ok(())
}

fn span(from: DateTime, to: DateTime) -> String {
    format!(
        "{}年{}月{}日{:02}时{:02}分至{}月{}日{:02}时{:02}分",
        from.date.year,
        from.date.month,
        from.date.day,
        from.hour,
        from.minute,
        to.date.month,
        to.date.day,
        to.hour,
        to.minute
    )
}

fn order(flow: &mut Flow, images: &mut Vec<RawImage>, s: &OrderSnapshot) -> Result<(), RenderError> {
    flow.paragraph(&format!("{}：", s.addressee), BODY, 0.0, 0.0);
    flow.paragraph(&s.wording.findings_intro, BODY, 2.0 * BODY * PT, 0.0);
    numbered(flow, s.items.iter().enumerate().map(|(i, t)| (i as u32 + 1, t.as_str())));
    for g in &s.deadline_groups {
        let items = g.items.iter().map(u32::to_string).collect::<Vec<_>>().join("、");
        let clause = s.wording.deadline_clause.replace("{items}", &items).replace("{deadline}", &g.deadline.chinese());
        flow.paragraph(&clause, BODY, 2.0 * BODY * PT, 0.0);
    }
    flow.paragraph(&s.wording.safety_clause, BODY, 2.0 * BODY * PT, 0.0);
    let remedy =
        s.wording.remedy_clause.replace("{review_body}", &s.remedy.review_body).replace("{court}", &s.remedy.court);
    flow.paragraph(&remedy, BODY, 2.0 * BODY * PT, 0.0);
    flow.gap(LINE * 0.3);
    let rows = officer_rows(&s.officers, &s.officer_signatures);
    signature_block(
        flow,
        images,
        "安全生产执法人员（签名）：",
        &rows,
        ("被检查单位负责人（签名）：", &s.unit_signer),
        (&s.date.chinese(), Some(&s.head.bureau)),
        &s.copies_note,
    )?;
    Ok(())
}

fn review(flow: &mut Flow, images: &mut Vec<RawImage>, s: &ReviewSnapshot) -> Result<(), RenderError> {
    flow.paragraph(&format!("{}：", s.addressee), BODY, 0.0, 0.0);
    // Each opinion keeps the order's item number (第4项 stays 第4项); reviews drafted before
    // the number was kept answer the order's items in order.
    let numbers: Vec<u32> = s.opinions.iter().enumerate().map(|(i, o)| o.number.unwrap_or(i as u32 + 1)).collect();
    let intro = s
        .intro
        .replace("{date}", &s.cited.date.chinese())
        .replace("{title}", &s.cited.title)
        .replace("{number}", &s.cited.number)
        .replace("{items}", &numbers.iter().map(u32::to_string).collect::<Vec<_>>().join("、"));
    flow.paragraph(&intro, BODY, 2.0 * BODY * PT, 0.0);
    let texts: Vec<(u32, String)> = s
        .opinions
        .iter()
        .zip(&numbers)
        .map(|(o, n)| {
            let verdict = if o.rectified { "已整改" } else { "未整改" };
            let text = if o.opinion.trim().is_empty() {
                format!("{}\n复查意见：{verdict}。", o.item)
            } else {
                format!("{}\n复查意见：{verdict}。{}", o.item, o.opinion)
            };
            (*n, text)
        })
        .collect();
    numbered(flow, texts.iter().map(|(n, t)| (*n, t.as_str())));
    flow.gap(LINE * 0.3);
    let rows = officer_rows(&s.officers, &s.officer_signatures);
    signature_block(
        flow,
        images,
        "安全生产执法人员（签名）：",
        &rows,
        ("被复查单位负责人（签名）：", &s.unit_signer),
        (&s.date.chinese(), Some(&s.head.bureau)),
        &s.copies_note,
    )?;
    Ok(())
}

/// 1. … with the text hanging under its first character.
fn numbered<'a>(flow: &mut Flow, items: impl Iterator<Item = (u32, &'a str)>) {
    let indent = 2.0 * BODY * PT;
    for (n, item) in items {
        let label = format!("{n}．");
        let hang = indent + flow.width_mm(&label, BODY);
        flow.paragraph(&format!("{label}{item}"), BODY, indent, hang);
    }
}

/// Each officer with a signature; a draft without officers still shows two rows to sign,
/// so a printed form never lacks its signature block.
fn officer_rows<'a>(officers: &'a [Officer], signatures: &'a [Signature]) -> Vec<(Option<&'a Officer>, &'a Signature)> {
    let sigs = signatures.iter().chain(std::iter::repeat(&Signature::Blank));
    let mut rows: Vec<_> = officers.iter().map(Some).zip(sigs).collect();
    while rows.len() < 2 {
        rows.push((None, &Signature::Blank));
    }
    rows
}

/// The officers' signatures, each with the officer's printed name and 证号, then the
/// unit's; then on the right the issuing authority's name with the seal area and the date
/// under it (orders and reviews: the seal is stamped over the name and date), or the date
/// alone (the record); then the copies note. Kept whole on one page, and never alone on
/// it: the last lines of the text before it go with it.
#[allow(clippy::too_many_arguments)]
fn signature_block(
    flow: &mut Flow,
    images: &mut Vec<RawImage>,
    label: &str,
    officers: &[(Option<&Officer>, &Signature)],
    unit: (&str, &UnitSigner),
    (date, authority): (&str, Option<&str>),
    copies_note: &str,
) -> Result<(), RenderError> {
    let row = SIGNATURE_H + 1.5;
    let note_lines = break_lines(copies_note.trim(), (RIGHT - LEFT) / (NOTE * PT), |c| flow.font.advance(c)).len();
    let note_h = if copies_note.trim().is_empty() { 0.0 } else { LINE * 0.3 + note_lines as f32 * NOTE * PT * 1.5 };
    let seal_rows = match authority {
        Some(bureau) => LINE * (1 + authority_lines(flow, bureau).len().max(1)) as f32,
        None => LINE,
    };
    flow.need_with_lines(row * (officers.len() + 1) as f32 + 0.5 + seal_rows + note_h, 2);
    let sig_x = LEFT + flow.width_mm(label, BODY).max(flow.width_mm(unit.0, BODY));
    let text_y = |y: f32| y + (row - BODY * PT) / 2.0;
    for (i, (officer, signature)) in officers.iter().enumerate() {
        if i == 0 {
            text_at(flow, LEFT, text_y(flow.y), label);
        }
        draw_signature(flow, images, sig_x, flow.y, signature)?;
        let who = match officer {
            Some(o) => format!("{}　证号：{}", o.name, o.certificate),
            None => "证号：".to_owned(),
        };
        text_fitted(flow, sig_x + SIGNATURE_W + 4.0, text_y(flow.y), &who);
        flow.y += row;
    }
    let (unit_label, signer) = unit;
    text_at(flow, LEFT, text_y(flow.y), unit_label);
    draw_signature(flow, images, sig_x, flow.y, &signer.signature)?;
    if !matches!(signer.signature, Signature::Refused) {
        let who = match (signer.name.trim(), signer.title.trim()) {
            ("", "") => String::new(),
            (name, "") => name.to_owned(),
            (name, title) => format!("{name}　职务：{title}"),
        };
        if !who.is_empty() {
            text_fitted(flow, sig_x + SIGNATURE_W + 4.0, text_y(flow.y), &who);
        }
    }
    flow.y += row + 0.5;
    let date_w = flow.width_mm(date, BODY);
    match authority {
        Some(bureau) => {
            // 北京市门头沟区应急管理局（印章）on the right, the date centred under the name; a
            // long name wraps within the right half of the page.
            let seal = "（印章）";
            let seal_w = flow.width_mm(seal, BODY);
            let lines = authority_lines(flow, bureau);
            let widest = lines.iter().map(|l| flow.width_mm(l, BODY)).fold(0.0, f32::max);
            let right = RIGHT - 4.0 - seal_w;
            for line in &lines {
                text_at(flow, right - flow.width_mm(line, BODY), flow.y, line);
                flow.y += LINE;
            }
            let y = flow.y - LINE;
            flow.place(Item::Text { x: right, y, size: BODY, text: seal.into(), bold: false, grey: true });
            text_at(flow, right - widest / 2.0 - date_w / 2.0, flow.y, date);
        }
        None => text_at(flow, RIGHT - date_w - 4.0, flow.y, date),
    }
    flow.y += LINE;
    if !copies_note.trim().is_empty() {
        flow.gap(LINE * 0.3);
        flow.paragraph(copies_note, NOTE, 0.0, 0.0);
    }
    Ok(())
}

/// The issuing authority's name as set above the date: within the right half of the page.
fn authority_lines(flow: &Flow, bureau: &str) -> Vec<String> {
    break_lines(bureau, (RIGHT - LEFT) / 2.0 / (BODY * PT), |c| flow.font.advance(c))
}

/// The size of the copies note (本文书一式两份……): 五号.
const NOTE: f32 = 10.5;

fn text_at(flow: &mut Flow, x: f32, y: f32, text: &str) {
    flow.place(Item::Text { x, y, size: BODY, text: text.to_owned(), bold: false, grey: false });
}

/// Text that must end before the right margin: set smaller when it would not fit.
fn text_fitted(flow: &mut Flow, x: f32, y: f32, text: &str) {
    let width = flow.width_mm(text, BODY);
    let size = if x + width > RIGHT { BODY * (RIGHT - x) / width } else { BODY };
    flow.place(Item::Text {
        x,
        y: y + (BODY - size) * PT / 2.0,
        size,
        text: text.to_owned(),
        bold: false,
        grey: false,
    });
}

fn draw_signature(
    flow: &mut Flow,
    images: &mut Vec<RawImage>,
    x: f32,
    y: f32,
    signature: &Signature,
) -> Result<(), RenderError> {
    let text_y = y + (SIGNATURE_H + 2.0 - BODY * PT) / 2.0;
    match signature {
        Signature::Drawn { png } => {
            let image = decode_signature(png)?;
            // Keep the drawing's proportions inside the signature box.
            let (w, h) = fit(image.width as f32, image.height as f32, SIGNATURE_W, SIGNATURE_H);
            images.push(image);
            flow.place(Item::Image { x, y: y + (SIGNATURE_H - h) / 2.0 + 1.0, w, h, image: images.len() - 1 });
        }
        Signature::Refused => {
            flow.place(Item::Text { x, y: text_y, size: BODY, text: "拒绝签字".into(), bold: false, grey: false });
        }
        Signature::Blank => {
            flow.place(Item::Rule { x1: x, x2: x + SIGNATURE_W, y: y + SIGNATURE_H + 1.0 });
        }
    }
    Ok(())
}

fn fit(w: f32, h: f32, max_w: f32, max_h: f32) -> (f32, f32) {
    let scale = (max_w / w).min(max_h / h);
    (w * scale, h * scale)
}

/// 共 N 页 第 M 页 on every page, and the verification code (or that it is a draft).
fn footers(flow: &mut Flow, mark: &Mark) {
    let n = flow.pages.len();
    let y = PAGE_H - 17.0;
    let right = match mark {
        Mark::Issued { code, .. } => format!("校验码：{code}"),
        Mark::Draft => "草稿　不作为执法文书使用".to_owned(),
    };
    let right_x = RIGHT - flow.width_mm(&right, 10.5);
    let placed: Vec<(f32, String)> = (1..=n)
        .map(|m| {
            let pages = format!("共 {n} 页　第 {m} 页");
            ((PAGE_W - flow.width_mm(&pages, 10.5)) / 2.0, pages)
        })
        .collect();
    for (page, (x, text)) in flow.pages.iter_mut().zip(placed) {
        page.push(Item::Text { x, y, size: 10.5, text, bold: false, grey: false });
        page.push(Item::Text { x: right_x, y, size: 10.5, text: right.clone(), bold: false, grey: true });
    }
}

/// 草稿 across the middle of every page of a draft.
fn draft_marks(flow: &mut Flow) {
    let big = 96.0_f32.max(MARK_SIZE);
    let mark = "草　稿";
    let x = (PAGE_W - flow.width_mm(mark, big)) / 2.0;
    // Beneath the text, which stays readable over it.
    for page in &mut flow.pages {
        page.insert(0, Item::Text { x, y: PAGE_H / 2.0 - 25.0, size: big, text: mark.into(), bold: false, grey: true });
    }
}

/// 已作废 across the middle of every page, and the reason in the top margin.
fn void_marks(flow: &mut Flow, reason: &str) {
    let big = MARK_SIZE;
    let mark = "已作废";
    let x = (PAGE_W - flow.width_mm(mark, big)) / 2.0;
    // Left of the QR code: at most 34 characters fit.
    let full = format!("本文书已作废，作废原因：{reason}");
    let line: String = if full.chars().count() > 34 { full.chars().take(33).chain(['…']).collect() } else { full };
    for page in &mut flow.pages {
        page.push(Item::Text { x, y: PAGE_H / 2.0 - 20.0, size: big, text: mark.into(), bold: true, grey: true });
        page.push(Item::Text { x: LEFT, y: 9.0, size: 10.5, text: line.clone(), bold: false, grey: false });
    }
}

/// Canvas PNG (any colour type) → greyscale on white: signatures are ink on paper.
fn decode_signature(b64: &str) -> Result<RawImage, RenderError> {
    use base64::Engine;
    let bad = |e: &dyn std::fmt::Display| RenderError::Signature(e.to_string());
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64.trim()).map_err(|e| bad(&e))?;
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|e| bad(&e))?;
    let (w, h) = (reader.info().width as usize, reader.info().height as usize);
    if w == 0 || h == 0 || w * h > 4_000_000 {
        return Err(RenderError::Signature(format!("尺寸不合理（{w}×{h}）")));
    }
    let mut buf = vec![0; reader.output_buffer_size().ok_or_else(|| bad(&"过大"))?];
    let info = reader.next_frame(&mut buf).map_err(|e| bad(&e))?;
    let channels = info.color_type.samples();
    let mut grey = Vec::with_capacity(w * h);
    for px in buf[..info.buffer_size()].chunks_exact(channels) {
        let (lum, alpha) = match px {
            [g] => (f32::from(*g), 255.0),
            [g, a] => (f32::from(*g), f32::from(*a)),
            [r, g, b] => (0.299 * f32::from(*r) + 0.587 * f32::from(*g) + 0.114 * f32::from(*b), 255.0),
            [r, g, b, a, ..] => (0.299 * f32::from(*r) + 0.587 * f32::from(*g) + 0.114 * f32::from(*b), f32::from(*a)),
            [] => (255.0, 0.0),
        };
        let a = alpha / 255.0;
        grey.push((lum * a + 255.0 * (1.0 - a)).round().clamp(0.0, 255.0) as u8);
    }
    Ok(RawImage {
        pixels: RawImageData::U8(grey),
        width: w,
        height: h,
        data_format: RawImageFormat::R8,
        tag: Vec::new(),
    })
}

fn pt(mm: f32) -> Pt {
    Mm(mm).into()
}

/// Item → operations (y is flipped: PDF counts from the bottom), then finished as an
/// archival PDF (`archival`).
fn write_pdf(
    font: &Font,
    pages: &[Vec<Item>],
    images: &[RawImage],
    snapshot: &Snapshot,
    hash: &[u8; 32],
) -> Result<Vec<u8>, RenderError> {
    let mut doc = PdfDocument::new(snapshot.title());
    // Fixed resource names (printpdf's own come from a process-wide counter).
    let font_id = FontId("ANJSRF".into());
    doc.resources.fonts.map.insert(font_id.clone(), printpdf::PdfFont::new(font.parsed.clone()));
    let image_ids: Vec<XObjectId> = images
        .iter()
        .enumerate()
        .map(|(i, image)| {
            let id = XObjectId(format!("SIG{i}"));
            doc.resources.xobjects.map.insert(id.clone(), XObject::Image(image.clone()));
            id
        })
        .collect();
    let pdf_pages = pages.iter().map(|items| page_ops(items, &font_id, &image_ids, images)).collect();
    doc.with_pages(pdf_pages);
    let opts = PdfSaveOptions {
        image_optimization: Some(ImageOptimizationOptions {
            format: Some(ImageCompression::Flate),
            auto_optimize: Some(false),
            ..ImageOptimizationOptions::default()
        }),
        ..PdfSaveOptions::default()
    };
    let mut pdf = doc.to_lopdf_document(&opts, &mut Vec::new());
    pdf.compress();
    archival(&mut pdf, snapshot, hash).map_err(|e| RenderError::Write(e.to_string()))?;
    let mut bytes = Vec::new();
    pdf.save_to(&mut bytes).map_err(|e| RenderError::Write(e.to_string()))?;
    Ok(bytes)
}

/// The output intent of every document: sRGB (assets/icc, from Debian's icc-profiles-free).
const SRGB: &[u8] = include_bytes!("../../../assets/icc/sRGB.icc");

/// Makes the file PDF/A-2b: PDF 1.7; the document information (title and number, the
/// document's own date, no PDF/X key) repeated in XMP metadata that says PDF/A-2b; an sRGB
/// output intent for the grey the pages are drawn in; a file identifier derived from the
/// content. Nothing here reads a clock, so the same snapshot gives the same bytes.
fn archival(pdf: &mut lopdf::Document, snapshot: &Snapshot, hash: &[u8; 32]) -> lopdf::Result<()> {
    use lopdf::{Object, Stream, StringFormat, dictionary};
    pdf.version = "1.7".into();
    let title = match snapshot.head().issued_number() {
        Some(n) => format!("{} {n}", snapshot.title()),
        None => format!("{}（草稿）", snapshot.title()),
    };
    let date = snapshot.date();
    let (info_date, xmp_date) = (
        format!("D:{:04}{:02}{:02}000000+08'00'", date.year, date.month, date.day),
        format!("{:04}-{:02}-{:02}T00:00:00+08:00", date.year, date.month, date.day),
    );
    let utf16 = |s: &str| {
        let mut bytes = vec![0xFE, 0xFF];
        bytes.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
        Object::String(bytes, StringFormat::Hexadecimal)
    };
    let info = dictionary! {
        "Title" => utf16(&title),
        "Creator" => utf16("anjian"),
        "Producer" => utf16("anjian"),
        "CreationDate" => Object::string_literal(info_date.clone()),
        "ModDate" => Object::string_literal(info_date),
    };
    // In place: printpdf's own (with its empty PDF/X key and 1970 dates) must not remain.
    match pdf.trailer.get(b"Info").and_then(Object::as_reference) {
        Ok(id) => {
            pdf.objects.insert(id, Object::Dictionary(info));
        }
        Err(_) => {
            let id = pdf.add_object(info);
            pdf.trailer.set("Info", id);
        }
    }
    let id = hex(&hash[..16]);
    let uuid = format!("uuid:{}-{}-{}-{}-{}", &id[..8], &id[8..12], &id[12..16], &id[16..20], &id[20..32]);
    let xmp = format!(
        concat!(
            "<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n",
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n",
            "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n",
            "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\" ",
            "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" ",
            "xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\">\n",
            "<pdfaid:part>2</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n",
            "<dc:format>application/pdf</dc:format>\n",
            "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li></rdf:Alt></dc:title>\n",
            "<xmp:CreateDate>{date}</xmp:CreateDate>\n<xmp:ModifyDate>{date}</xmp:ModifyDate>\n",
            "<xmp:CreatorTool>anjian</xmp:CreatorTool>\n<pdf:Producer>anjian</pdf:Producer>\n",
            "<xmpMM:DocumentID>{uuid}</xmpMM:DocumentID>\n",
            "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>"
        ),
        title = xml_escape(&title),
        date = xmp_date,
        uuid = uuid,
    );
    // The metadata stays unfiltered, as PDF/A asks, so any tool can read it.
    let metadata =
        pdf.add_object(Stream::new(dictionary! { "Type" => "Metadata", "Subtype" => "XML" }, xmp.into_bytes()));
    let mut profile = Stream::new(dictionary! { "N" => 3 }, SRGB.to_vec());
    profile.compress()?;
    let profile = pdf.add_object(profile);
    let intent = dictionary! {
        "Type" => "OutputIntent",
        "S" => "GTS_PDFA1",
        "OutputConditionIdentifier" => Object::string_literal("sRGB IEC61966-2.1"),
        "RegistryName" => Object::string_literal("http://www.color.org"),
        "Info" => Object::string_literal("sRGB IEC61966-2.1"),
        "DestOutputProfile" => profile,
    };
    let root = pdf.trailer.get(b"Root")?.as_reference()?;
    let catalog = pdf.get_object_mut(root)?.as_dict_mut()?;
    catalog.set("Metadata", metadata);
    catalog.set("OutputIntents", vec![Object::Dictionary(intent)]);
    let file_id = Object::String(hash[..16].to_vec(), StringFormat::Hexadecimal);
    pdf.trailer.set("ID", vec![file_id.clone(), file_id]);
    Ok(())
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn page_ops(items: &[Item], font_id: &FontId, image_ids: &[XObjectId], images: &[RawImage]) -> PdfPage {
    let black = Color::Greyscale(Greyscale { percent: 0.0, icc_profile: None });
    let grey = Color::Greyscale(Greyscale { percent: 0.45, icc_profile: None });
    // The marks across a page (草稿, 已作废) are light: the text they cross stays readable.
    let light = Color::Greyscale(Greyscale { percent: 0.8, icc_profile: None });
    let mut ops = Vec::new();
    for item in items {
        match item {
            Item::Text { x, y, size, text, bold, grey: is_grey } => {
                let col = match (*is_grey, *size >= MARK_SIZE) {
                    (true, true) => light.clone(),
                    (true, false) => grey.clone(),
                    (false, _) => black.clone(),
                };
                ops.push(Op::SetFillColor { col: col.clone() });
                ops.push(Op::StartTextSection);
                if *bold {
                    // A stroked fill stands in for a bold face (one embedded face keeps it small),
                    // stroked in the colour it is filled with.
                    ops.push(Op::SetOutlineColor { col: col.clone() });
                    ops.push(Op::SetTextRenderingMode { mode: TextRenderingMode::FillStroke });
                    ops.push(Op::SetOutlineThickness { pt: Pt(0.6) });
                }
                ops.push(Op::SetFont { font: PdfFontHandle::External(font_id.clone()), size: Pt(*size) });
                // Baseline at 88 % of the em box (the face's ascent).
                let baseline = y + size * PT * 0.88;
                ops.push(Op::SetTextCursor { pos: Point { x: pt(*x), y: pt(PAGE_H - baseline) } });
                ops.push(Op::ShowText { items: vec![TextItem::Text(text.clone())] });
                if *bold {
                    ops.push(Op::SetTextRenderingMode { mode: TextRenderingMode::Fill });
                }
                ops.push(Op::EndTextSection);
            }
            Item::Rule { x1, x2, y } => {
                ops.push(Op::SetFillColor { col: black.clone() });
                ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        x: pt(*x1),
                        y: pt(PAGE_H - y - 0.15),
                        width: pt(x2 - x1),
                        height: pt(0.3),
                        mode: Some(PaintMode::Fill),
                        winding_order: None,
                    },
                });
            }
            Item::Image { x, y, w, image, .. } => {
                let (Some(id), Some(raw)) = (image_ids.get(*image), images.get(*image)) else { continue };
                // Size by dpi: the image's pixel width spread over w mm.
                let dpi = raw.width as f32 / (w / 25.4);
                let h = raw.height as f32 / dpi * 25.4;
                ops.push(Op::UseXobject {
                    id: id.clone(),
                    transform: XObjectTransform {
                        translate_x: Some(pt(*x)),
                        translate_y: Some(pt(PAGE_H - y - h)),
                        dpi: Some(dpi),
                        ..XObjectTransform::default()
                    },
                });
            }
            Item::Qr { x, y, size, payload } => qr_ops(&mut ops, *x, *y, *size, payload, &black),
        }
    }
    PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops)
}

/// The QR code as filled runs of dark modules (no image: crisp at any printer resolution).
fn qr_ops(ops: &mut Vec<Op>, x: f32, y: f32, size: f32, payload: &str, black: &Color) {
    let Ok(code) = qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M) else {
        return;
    };
    let n = code.width();
    let colors = code.to_colors();
    let module = size / n as f32;
    ops.push(Op::SetFillColor { col: black.clone() });
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if colors[row * n + col] == qrcode::Color::Dark {
                let start = col;
                while col < n && colors[row * n + col] == qrcode::Color::Dark {
                    col += 1;
                }
                ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        x: pt(x + start as f32 * module),
                        y: pt(PAGE_H - y - (row + 1) as f32 * module),
                        width: pt((col - start) as f32 * module),
                        height: pt(module),
                        mode: Some(PaintMode::Fill),
                        winding_order: None,
                    },
                });
            } else {
                col += 1;
            }
        }
    }
}
