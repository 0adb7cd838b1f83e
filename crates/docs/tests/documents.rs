//! The documents as a reader sees them: the CLI renders the committed samples, poppler
//! reads the text back and draws the pages, and both are held to what the documents must say
//! and look like. Needs pdftotext and pdftoppm (poppler-utils).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed step is the test failing

use std::path::{Path, PathBuf};
use std::process::Command;

use anjian_docs::snapshot::{Date, DeadlineGroup, OrderSnapshot, ReviewSnapshot, Signature};
use anjian_docs::{Problem, Snapshot, check_for_issue, render};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn sample(kind: &str) -> PathBuf {
    root().join("assets/samples").join(format!("{kind}.json"))
}

/// Renders through the command line, as the README shows it.
fn cli_render(kind: &str, input: &Path, out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_anjian-docs"))
        .args(["render", kind])
        .arg(input)
        .arg(out)
        .arg("--check")
        .status()
        .expect("run anjian-docs");
    assert!(status.success(), "anjian-docs render {kind} failed");
}

/// Renders through the command line without `--check` (a draft, a made-up long order).
fn render_unchecked(kind: &str, input: &Path, out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_anjian-docs"))
        .args(["render", kind])
        .arg(input)
        .arg(out)
        .status()
        .expect("run anjian-docs");
    assert!(status.success(), "anjian-docs render {kind} failed");
}

/// The sample order with `n` problems of about 120 characters each.
fn order_of(n: u32) -> OrderSnapshot {
    let Snapshot::Order(mut order) = load("order") else { unreachable!() };
    let phrase =
        "施工现场临时用电未采用TN-S接零保护系统，违反《施工现场临时用电安全技术规范》（JGJ 46-2005）第5.1.1条的规定；";
    order.items = (1..=n)
        .map(|i| {
            let mut s = format!("第{i}处：");
            while s.chars().count() < 120 {
                s.push_str(phrase);
            }
            s.chars().take(119).chain(['。']).collect()
        })
        .collect();
    let split = n.div_ceil(2);
    order.deadline_groups = vec![
        DeadlineGroup { items: (1..=split).collect(), deadline: order.deadline_groups[0].deadline },
        DeadlineGroup { items: (split + 1..=n).collect(), deadline: order.deadline_groups[1].deadline },
    ];
    order.deadline_groups.retain(|g| !g.items.is_empty());
    order
}

/// An order of nine pages: as many problems as make them.
fn nine_pages() -> OrderSnapshot {
    (40..120)
        .map(order_of)
        .find(|o| render(&Snapshot::Order(o.clone())).expect("render").pages == 9)
        .expect("nine pages")
}

/// The text of each page (pdftotext separates pages by form feeds).
fn page_texts(pdf: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).expect("write");
    pdftotext(&path).split('\u{c}').filter(|p| !p.trim().is_empty()).map(flat).collect()
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext").arg(pdf).arg("-").output().expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success());
    String::from_utf8(out.stdout).expect("utf-8")
}

/// What each document must say: the head, the fields of domain.md, the fixed clauses and
/// the remedy bodies from settings, the signature blocks, copies and page numbers.
const REQUIRED: &[(&str, &[&str])] = &[
    (
        "record",
        &[
            "北京市门头沟区应急管理局安全生产行政执法文书",
            "现场检查记录",
            "门应急检记〔2026〕第0031号",
            "被检查单位：北京京西永定建筑工程有限公司",
            "地　　址：北京市门头沟区永定镇石门营村西",
            "法定代表人（负责人）：孙立平",
            "职务：总经理",
            "联系电话：010-69851234",
            "检查场所：永定镇保障房项目施工现场",
            "检查时间：2026年11月27日09时30分至11月27日11时45分",
            "证件号码分别为11010900123、11010900456",
            "这是我们的证件（出示证件）",
            "检查情况：",
            "拍照取证（照片12张）",
            "检查人员（签名）：",
            "证号：11010900123",
            "证号：11010900456",
            "被检查单位现场负责人（签名）：",
            "2026年11月27日",
            "本文书一式两份",
            "共 1 页",
            "第 1 页",
            "校验码：",
        ],
    ),
    (
        "order",
        &[
            "北京市门头沟区应急管理局安全生产行政执法文书",
            "责令限期整改指令书",
            "门应急责改〔2026〕第0012号",
            "北京京西永定建筑工程有限公司：",
            "经查，你单位存在下列问题：",
            "1．永定镇保障房项目3号楼外脚手架连墙件设置不足",
            "5．项目部未建立生产安全事故隐患排查治理制度",
            "对第1、2、4项问题，责令你单位于2026年12月4日前整改完毕",
            "对第3、5项问题，责令你单位于2026年12月19日前整改完毕",
            "由此造成事故的，依法追究有关人员的责任。",
            "整改期间，你单位应当采取措施，确保安全生产。",
            "可以依法在60日内向北京市门头沟区人民政府申请行政复议",
            "在6个月内依法向北京市门头沟区人民法院提起行政诉讼",
            "但本指令不停止执行",
            "安全生产执法人员（签名）：",
            "证号：11010900123",
            "证号：11010900456",
            "被检查单位负责人（签名）：",
            "（印章）",
            "2026年11月27日",
            "本文书一式两份",
            "共 1 页",
            "校验码：",
        ],
    ),
    (
        "review",
        &[
            "北京市门头沟区应急管理局安全生产行政执法文书",
            "整改复查意见书",
            "门应急复查〔2026〕第0007号",
            "北京京西永定建筑工程有限公司：",
            "本机关于2026年11月27日作出了责令限期整改指令书的决定（门应急责改〔2026〕第0012号）",
            "经对你单位第1、2、4项问题的整改情况进行复查，提出如下意见：",
            "4．基坑（深度6.2米）周边未设置防护栏杆",
            "复查意见：已整改。",
            "复查意见：未整改。",
            "安全生产执法人员（签名）：",
            "证号：11010900456",
            "被复查单位负责人（签名）：",
            "拒绝签字",
            "（印章）",
            "2026年12月5日",
            "本文书一式两份",
            "校验码：",
        ],
    ),
];

/// pdftotext breaks lines where the page does and drops spacing; compare without any.
fn flat(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn every_required_field_and_clause_is_in_the_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (kind, required) in REQUIRED {
        let pdf = dir.path().join(format!("{kind}.pdf"));
        cli_render(kind, &sample(kind), &pdf);
        let text = flat(&pdftotext(&pdf));
        for r in *required {
            assert!(text.contains(&flat(r)), "{kind}: missing {r:?} in\n{text}");
        }
        let size = std::fs::metadata(&pdf).expect("pdf").len();
        assert!(size < 100_000, "{kind}: {size} bytes; the subset font should keep a page under 100 KB");
    }
}

#[test]
fn the_same_snapshot_gives_the_same_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    for kind in ["record", "order", "review"] {
        let (a, b) = (dir.path().join("a.pdf"), dir.path().join("b.pdf"));
        cli_render(kind, &sample(kind), &a);
        cli_render(kind, &sample(kind), &b);
        let first = std::fs::read(&a).expect("a");
        assert_eq!(first, std::fs::read(&b).expect("b"), "{kind}: two processes");
        // And twice in one process (printpdf's ids come from a process-wide counter).
        let snapshot = load(kind);
        let one = render(&snapshot).expect("render").pdf;
        let two = render(&snapshot).expect("render").pdf;
        assert_eq!(one, two, "{kind}: one process");
        assert_eq!(one, first, "{kind}: library and command line");
    }
}

fn load(kind: &str) -> Snapshot {
    let json = std::fs::read_to_string(sample(kind)).expect("sample");
    match kind {
        "record" => Snapshot::Record(serde_json::from_str(&json).expect("record")),
        "order" => Snapshot::Order(serde_json::from_str(&json).expect("order")),
        _ => Snapshot::Review(serde_json::from_str(&json).expect("review")),
    }
}

/// Pages as greyscale pixels (pdftoppm at 50 dpi): width, height, pixels.
fn raster(pdf: &Path, prefix: &Path) -> Vec<(u32, u32, Vec<u8>)> {
    let status = Command::new("pdftoppm")
        .args(["-r", "50", "-gray", "-png"])
        .arg(pdf)
        .arg(prefix)
        .status()
        .expect("pdftoppm (poppler-utils) is installed");
    assert!(status.success());
    let dir = prefix.parent().expect("dir");
    let stem = prefix.file_name().and_then(|s| s.to_str()).expect("stem").to_owned();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|s| s.to_str()).is_some_and(|n| n.starts_with(&format!("{stem}-"))))
        .collect();
    files.sort();
    files.iter().map(|f| decode_grey(&std::fs::read(f).expect("png"))).collect()
}

fn decode_grey(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().expect("png");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("frame");
    let channels = info.color_type.samples();
    let grey = buf[..info.buffer_size()].chunks_exact(channels).map(|p| p[0]).collect();
    (info.width, info.height, grey)
}

/// Rendered pages against the committed reference images: a page may differ in at most
/// 0.5 % of its pixels by more than a quarter of the grey range (anti-aliasing between
/// poppler versions differs a little; a moved line or a missing word differs a lot).
/// `UPDATE_REFERENCE=1` writes new references after a deliberate change of layout.
#[test]
fn pages_look_like_the_reference_images() {
    let dir = tempfile::tempdir().expect("tempdir");
    let refs = root().join("crates/docs/tests/reference");
    let update = std::env::var_os("UPDATE_REFERENCE").is_some();
    // The samples, an order of nine pages and a draft.
    let inputs = tempfile::tempdir().expect("tempdir");
    let nine = inputs.path().join("order-nine.json");
    std::fs::write(&nine, serde_json::to_string(&nine_pages()).expect("json")).expect("write");
    let Snapshot::Order(mut draft) = load("order") else { unreachable!() };
    draft.head.number = None;
    let draft_json = inputs.path().join("order-draft.json");
    std::fs::write(&draft_json, serde_json::to_string(&draft).expect("json")).expect("write");
    let documents = [
        ("record", "record", sample("record")),
        ("order", "order", sample("order")),
        ("review", "review", sample("review")),
    ]
    .into_iter()
    .chain([("order-nine", "order", nine), ("order-draft", "order", draft_json)]);
    for (kind, form, input) in documents {
        let pdf = dir.path().join(format!("{kind}.pdf"));
        render_unchecked(form, &input, &pdf);
        let pages = raster(&pdf, &dir.path().join(kind));
        if kind == "order-nine" {
            assert_eq!(pages.len(), 9, "the long order's pages");
        }
        if update {
            std::fs::create_dir_all(&refs).expect("mkdir");
            for (i, _) in pages.iter().enumerate() {
                let name = format!("{kind}-{}.png", i + 1);
                let from = dir.path().join(format!("{kind}-{}.png", i + 1));
                std::fs::copy(&from, refs.join(&name)).expect("copy reference");
            }
            continue;
        }
        for (i, (w, h, pixels)) in pages.iter().enumerate() {
            let name = format!("{kind}-{}.png", i + 1);
            let reference = std::fs::read(refs.join(&name))
                .unwrap_or_else(|_| panic!("no reference image {name}: run with UPDATE_REFERENCE=1 once"));
            let (rw, rh, rp) = decode_grey(&reference);
            assert_eq!((*w, *h), (rw, rh), "{name}: page size");
            let differing = pixels.iter().zip(&rp).filter(|(a, b)| a.abs_diff(**b) > 64).count();
            let share = differing as f64 / pixels.len() as f64;
            assert!(share < 0.005, "{name}: {:.2} % of the pixels differ from the reference", share * 100.0);
        }
        assert!(
            !refs.join(format!("{kind}-{}.png", pages.len() + 1)).exists(),
            "{kind}: fewer pages than the reference"
        );
    }
}

/// 30 items of 300 characters: continuation pages, every word inside the page's margins
/// (as poppler places it), page numbers right, nothing lost.
#[test]
fn long_orders_paginate_inside_the_page() {
    let Snapshot::Order(mut order) = load("order") else { unreachable!() };
    // The longest names the app accepts: a 100-character unit, a 40-character bureau.
    order.addressee =
        "北京市门头沟区永定镇石门营村西侧保障性住房建设项目第三标段施工总承包".repeat(4).chars().take(100).collect();
    order.head.bureau = "新疆维吾尔自治区伊犁哈萨克自治州奎屯市应急管理局新疆维吾尔自治区伊犁哈萨克".into();
    order.unit_signer.title = "项目安全生产管理部副经理兼现场负责人".into();
    let phrase = "施工现场临时用电未采用TN-S接零保护系统（JGJ 46-2005第5.1.1条），配电箱未设置漏电保护器；";
    order.items = (1..=30)
        .map(|i| {
            let mut s = format!("第{i}处：");
            while s.chars().count() < 300 {
                s.push_str(phrase);
            }
            s.chars().take(300).collect()
        })
        .collect();
    order.deadline_groups = vec![
        DeadlineGroup { items: (1..=15).collect(), deadline: order.date },
        DeadlineGroup { items: (16..=30).collect(), deadline: order.deadline_groups[1].deadline },
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("long.json");
    std::fs::write(&input, serde_json::to_string(&order).expect("json")).expect("write");
    let pdf = dir.path().join("long.pdf");
    cli_render("order", &input, &pdf);

    let bbox = Command::new("pdftotext").arg("-bbox").arg(&pdf).arg("-").output().expect("pdftotext");
    let html = String::from_utf8(bbox.stdout).expect("utf-8");
    let pages = html.matches("<page ").count();
    assert!(pages >= 5, "30 long items fit on {pages} pages?");
    // A4 in points; the margins are 28 mm left, 26 mm right, and the footer above 7 mm.
    let (left, right, bottom) = (28.0 * 72.0 / 25.4 - 1.0, 595.3 - 26.0 * 72.0 / 25.4 + 1.0, 842.0 - 7.0 * 72.0 / 25.4);
    let mut words = 0;
    let first_page_end = html.find("</page>").unwrap_or(html.len());
    for (at, word) in html.match_indices("<word ").map(|(at, _)| (at, &html[at + 6..])) {
        let first_page = at < first_page_end;
        let attr = |name: &str| -> f64 {
            let at = word.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
            word[at..].split('"').next().and_then(|v| v.parse().ok()).expect("number")
        };
        let (x0, y0, x1, y1) = (attr("xMin"), attr("yMin"), attr("xMax"), attr("yMax"));
        let text = word.split('>').nth(1).and_then(|t| t.split('<').next()).unwrap_or("");
        // The QR's code sits in the top margin, the page numbers in the bottom one.
        assert!(x0 >= left && x1 <= right, "{text:?} outside the side margins: {x0}..{x1}");
        assert!(y0 >= 0.0 && y1 <= bottom, "{text:?} below the footer line: {y1}");
        // Beside the QR code (its column, down to below its code) nothing but the code:
        // the 40-character bureau's head line wraps before it.
        let (qr_left, qr_bottom) = ((184.0 - 19.0) * 72.0 / 25.4, 30.0 * 72.0 / 25.4);
        if first_page && y0 < qr_bottom && x1 > qr_left {
            let code = text.len() == 11 && text.chars().all(|c| c == '-' || c.is_ascii_alphanumeric());
            assert!(code, "{text:?} runs into the QR code's column");
        }
        words += 1;
    }
    assert!(words > 100);
    let text = flat(&pdftotext(&pdf));
    for i in 1..=30 {
        assert!(text.contains(&format!("{i}．第{i}处：")), "item {i} lost");
    }
    assert!(text.contains(&format!("共{pages}页")) && text.contains(&format!("第{pages}页")));
    // No line starts with closing punctuation.
    let raw = pdftotext(&pdf);
    for line in raw.lines() {
        let first = line.chars().next();
        assert!(
            !first.is_some_and(|c| "，。、；：？！）」』".contains(c)),
            "line starts with closing punctuation: {line:?}"
        );
        let last = line.chars().last();
        assert!(!last.is_some_and(|c| "（「『".contains(c)), "line ends with opening punctuation: {line:?}");
    }
}

/// The day the rules are checked on in these tests: after every sample's date.
const TODAY: Date = Date { year: 2026, month: 12, day: 31 };

/// Every way a document may not be issued, from a valid sample changed in one way: the
/// refusal names its field, the library and the command line's `--check` agree (exit 2,
/// the reason in Chinese, nothing written).
#[test]
fn issue_rules() {
    let record = load("record");
    let Snapshot::Order(order) = load("order") else { unreachable!() };
    let Snapshot::Review(review) = load("review") else { unreachable!() };
    let day = |s: &str| Date::try_from(s.to_owned()).expect("date");
    let cases: Vec<(&str, Snapshot, &str, Problem)> = vec![
        ("empty number", with_order(&order, |o| o.head.number = Some(" ".into())), "head.number", Problem::EmptyNumber),
        (
            "malformed number",
            with_order(&order, |o| o.head.number = Some("门应急责改2026第12号".into())),
            "head.number",
            Problem::BadNumber("门应急责改2026第12号".into()),
        ),
        (
            "a 复查 number on an order",
            with_order(&order, |o| o.head.number = Some("门应急复查〔2026〕第0007号".into())),
            "head.number",
            Problem::WrongKind {
                number: "门应急复查〔2026〕第0007号".into(), title: "责令限期整改指令书"
            },
        ),
        (
            "a number of another year",
            with_order(&order, |o| o.head.number = Some("门应急责改〔2019〕第0012号".into())),
            "head.number",
            Problem::NumberYear("门应急责改〔2019〕第0012号".into()),
        ),
        (
            "a number without its four digits",
            with_order(&order, |o| o.head.number = Some("门应急责改〔2026〕第12号".into())),
            "head.number",
            Problem::BadNumber("门应急责改〔2026〕第12号".into()),
        ),
        (
            "number 0",
            with_order(&order, |o| o.head.number = Some("门应急责改〔2026〕第0000号".into())),
            "head.number",
            Problem::BadNumber("门应急责改〔2026〕第0000号".into()),
        ),
        ("empty bureau", with_order(&order, |o| o.head.bureau = " ".into()), "head.bureau", Problem::Missing),
        (
            "empty remedy clause",
            with_order(&order, |o| o.wording.remedy_clause.clear()),
            "wording.remedyClause",
            Problem::Altered,
        ),
        (
            "remedy clause of 15 days and no court",
            with_order(&order, |o| {
                o.wording.remedy_clause = "如果不服本指令，可以依法在15日内向{review_body}申请行政复议。".into()
            }),
            "wording.remedyClause",
            Problem::Altered,
        ),
        (
            "deadline clause without its items",
            with_order(&order, |o| o.wording.deadline_clause = "责令你单位于{deadline}前整改完毕。".into()),
            "wording.deadlineClause",
            Problem::Altered,
        ),
        (
            "review body other than the district government",
            with_order(&order, |o| o.remedy.review_body = "北京市应急管理局".into()),
            "remedy.reviewBody",
            Problem::NotTheGovernment("北京市门头沟区人民政府".into()),
        ),
        ("no court", with_order(&order, |o| o.remedy.court.clear()), "remedy.court", Problem::Missing),
        (
            "not a court",
            with_order(&order, |o| o.remedy.court = "门头沟区政府".into()),
            "remedy.court",
            Problem::NotACourt,
        ),
        (
            "empty deadline group (对第项问题)",
            with_order(&order, |o| o.deadline_groups.push(DeadlineGroup { items: vec![], deadline: o.date })),
            "deadlineGroups",
            Problem::EmptyGroup(3),
        ),
        (
            "item without deadline",
            with_order(&order, |o| o.deadline_groups.truncate(1)),
            "deadlineGroups",
            Problem::ItemWithoutDeadline(3),
        ),
        (
            "no deadlines",
            with_order(&order, |o| o.deadline_groups.clear()),
            "deadlineGroups",
            Problem::ItemWithoutDeadline(1),
        ),
        (
            "unknown item",
            with_order(&order, |o| o.deadline_groups[0].items.push(9)),
            "deadlineGroups",
            Problem::NoSuchItem(9),
        ),
        (
            "item twice",
            with_order(&order, |o| o.deadline_groups[0].items.push(3)),
            "deadlineGroups",
            Problem::ItemInTwoGroups(3),
        ),
        (
            "deadline before the order",
            with_order(&order, |o| o.deadline_groups[0].deadline = day("2026-11-01")),
            "deadlineGroups",
            Problem::DeadlineBeforeDate("2026年11月1日".into()),
        ),
        (
            "deadline in 2099",
            with_order(&order, |o| o.deadline_groups[0].deadline = day("2099-01-01")),
            "deadlineGroups",
            Problem::DeadlineTooFar("2099年1月1日".into()),
        ),
        ("no items", with_order(&order, |o| o.items.clear()), "items", Problem::NoItems),
        ("an empty item", with_order(&order, |o| o.items[1] = " ".into()), "items", Problem::EmptyItem(2)),
        ("no addressee", with_order(&order, |o| o.addressee.clear()), "addressee", Problem::Missing),
        (
            "order dated 2099",
            with_order(&order, |o| o.date = day("2099-01-01")),
            "date",
            Problem::InFuture("2099年1月1日".into()),
        ),
        (
            "one officer",
            with_order(&order, |o| {
                o.officers.truncate(1);
                o.officer_signatures.truncate(1);
            }),
            "officers",
            Problem::TooFewOfficers,
        ),
        (
            "no certificate",
            with_order(&order, |o| o.officers[1].certificate = " ".into()),
            "officers",
            Problem::MissingCertificate("李秀英".into()),
        ),
        (
            "same officer twice",
            with_order(&order, |o| o.officers[1] = o.officers[0].clone()),
            "officers",
            Problem::DuplicateOfficer("王建国".into()),
        ),
        (
            "a character the font lacks (𠀀)",
            with_order(&order, |o| o.addressee.push('𠀀')),
            "addressee",
            Problem::MissingGlyph('𠀀'),
        ),
        (
            "a character the font lacks (𪚥)",
            with_order(&order, |o| o.items[0].push('𪚥')),
            "items",
            Problem::MissingGlyph('𪚥'),
        ),
        (
            "an emoji",
            with_order(&order, |o| o.unit_signer.name.push('😀')),
            "unitSigner.name",
            Problem::MissingGlyph('😀'),
        ),
        (
            "a control character",
            with_order(&order, |o| o.items[2].push('\u{7}')),
            "items",
            Problem::ControlCharacter('\u{7}'),
        ),
        (
            "a narrow no-break space the font lacks",
            with_order(&order, |o| o.addressee.push('\u{202F}')),
            "addressee",
            Problem::MissingGlyph('\u{202F}'),
        ),
        (
            "a bidi override",
            with_order(&order, |o| o.addressee.insert(0, '\u{202E}')),
            "addressee",
            Problem::ControlCharacter('\u{202E}'),
        ),
        (
            "a review citing a 现场检查记录",
            with_review(&review, |r| {
                r.cited.title = "现场检查记录".into();
                r.cited.number = "门应急检记〔2026〕第0031号".into();
            }),
            "cited.title",
            Problem::CitesNotAnOrder("现场检查记录".into()),
        ),
        (
            "a review citing a record's number as an order",
            with_review(&review, |r| r.cited.number = "门应急检记〔2026〕第0031号".into()),
            "cited.number",
            Problem::CitesNotAnOrder("现场检查记录（门应急检记〔2026〕第0031号）".into()),
        ),
        ("a review citing nothing", with_review(&review, |r| r.cited.number.clear()), "cited.number", Problem::Missing),
        (
            "an order dated after the review",
            with_review(&review, |r| {
                r.date = day("2026-11-30");
                r.cited.date = day("2026-12-01");
            }),
            "cited.date",
            Problem::CitedAfter("2026年12月1日".into()),
        ),
        (
            "未整改 with no opinion",
            with_review(&review, |r| r.opinions[2].opinion = " ".into()),
            "opinions",
            Problem::NoOpinionText(4),
        ),
        (
            "an item answered twice",
            with_review(&review, |r| r.opinions[2].number = Some(2)),
            "opinions",
            Problem::DuplicateItem(2),
        ),
        ("a review without opinions", with_review(&review, |r| r.opinions.clear()), "opinions", Problem::NoOpinions),
        (
            "a review's intro altered",
            with_review(&review, |r| r.intro = "经复查，提出如下意见：".into()),
            "intro",
            Problem::Altered,
        ),
        (
            "a record that ends before it starts",
            match record.clone() {
                Snapshot::Record(mut r) => {
                    r.ended_at.date = day("2026-11-26");
                    Snapshot::Record(r)
                }
                _ => unreachable!(),
            },
            "endedAt",
            Problem::EndsBeforeStart,
        ),
        (
            "a record's findings with an emoji",
            match record.clone() {
                Snapshot::Record(mut r) => {
                    r.findings.push('🔥');
                    Snapshot::Record(r)
                }
                _ => unreachable!(),
            },
            "findings",
            Problem::MissingGlyph('🔥'),
        ),
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    for (what, snapshot, field, problem) in cases {
        let refusal = check_for_issue(&snapshot, TODAY).expect_err(what);
        assert_eq!((refusal.field, &refusal.problem), (field, &problem), "{what}");
        // The command line refuses it with the same reason.
        let (kind, json) = match &snapshot {
            Snapshot::Record(s) => ("record", serde_json::to_string(s)),
            Snapshot::Order(s) => ("order", serde_json::to_string(s)),
            Snapshot::Review(s) => ("review", serde_json::to_string(s)),
        };
        let input = dir.path().join("case.json");
        std::fs::write(&input, json.expect("json")).expect("write");
        let out_pdf = dir.path().join("case.pdf");
        let out = Command::new(env!("CARGO_BIN_EXE_anjian-docs"))
            .args(["render", kind])
            .arg(&input)
            .arg(&out_pdf)
            .arg("--check")
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{what}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&format!("不能签发：{refusal}")), "{what}: {stderr}");
        assert!(!out_pdf.exists(), "{what}: nothing written");
    }
    // The samples pass, and a refusal to sign is a valid state of the unit's signature.
    for kind in ["record", "order", "review"] {
        assert_eq!(check_for_issue(&load(kind), TODAY), Ok(()), "{kind}");
    }
    let refused = with_order(&order, |o| {
        o.unit_signer.signature = Signature::Refused;
        o.unit_signer.name.clear();
    });
    assert_eq!(check_for_issue(&refused, TODAY), Ok(()));
    // A draft about to be numbered carries no number; its date may be today.
    let draft = with_order(&order, |o| {
        o.head.number = None;
        o.date = TODAY;
        for g in &mut o.deadline_groups {
            g.deadline = TODAY;
        }
    });
    assert_eq!(check_for_issue(&draft, TODAY), Ok(()));
}

fn with_order(order: &OrderSnapshot, change: impl FnOnce(&mut OrderSnapshot)) -> Snapshot {
    let mut o = order.clone();
    change(&mut o);
    Snapshot::Order(o)
}

fn with_review(review: &ReviewSnapshot, change: impl FnOnce(&mut ReviewSnapshot)) -> Snapshot {
    let mut r = review.clone();
    change(&mut r);
    Snapshot::Review(r)
}

#[test]
fn bad_snapshots_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [("{", "不是有效的文书数据"), (r#"{"head": 1}"#, "不是有效的文书数据")];
    for (json, expected) in cases {
        let input = dir.path().join("bad.json");
        std::fs::write(&input, json).expect("write");
        let out = Command::new(env!("CARGO_BIN_EXE_anjian-docs"))
            .args(["render", "order"])
            .arg(&input)
            .arg(dir.path().join("bad.pdf"))
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains(expected));
    }
    // A date that does not exist.
    let json = std::fs::read_to_string(sample("order")).expect("sample").replace("2026-11-27", "2026-02-30");
    let err = serde_json::from_str::<OrderSnapshot>(&json).expect_err("no 30 February");
    assert!(err.to_string().contains("不是日期"));
}

/// Every page of a document says which document it is: the title and number in the head
/// of each continuation page, 共 N 页 第 M 页, the verification code.
#[test]
fn every_page_names_its_document() {
    let rendered = render(&Snapshot::Order(nine_pages())).expect("render");
    assert_eq!(rendered.pages, 9);
    let pages = page_texts(&rendered.pdf);
    assert_eq!(pages.len(), 9);
    for (i, page) in pages.iter().enumerate() {
        for want in ["责令限期整改指令书", "门应急责改〔2026〕第0012号", &format!("共9页第{}页", i + 1)]
        {
            assert!(page.contains(want), "page {}: no {want:?} in {page}", i + 1);
        }
        assert!(page.contains(&format!("校验码：{}", rendered.code)), "page {}: no code", i + 1);
    }
}

/// A draft is visibly one on every page, with no number and no QR code or verification
/// code that could pass for a verifiable one; an empty number is a draft too.
#[test]
fn drafts_say_so_on_every_page_and_carry_no_qr_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    for number in [None, Some(String::new()), Some("  ".to_owned())] {
        let mut order = order_of(20);
        order.head.number = number.clone();
        let rendered = render(&Snapshot::Order(order)).expect("render");
        assert!(rendered.pages >= 2);
        let pages = page_texts(&rendered.pdf);
        assert_eq!(pages.len(), rendered.pages);
        for (i, page) in pages.iter().enumerate() {
            assert!(page.contains("草稿"), "{number:?} page {}: no 草稿 in {page}", i + 1);
            assert!(!page.contains("校验码") && !page.contains(&rendered.code), "{number:?} page {}: a code", i + 1);
            assert!(!page.contains("〔2026〕"), "{number:?} page {}: a number", i + 1);
        }
        let pdf = dir.path().join("draft.pdf");
        std::fs::write(&pdf, &rendered.pdf).expect("write");
        let status = Command::new("pdftoppm")
            .args(["-r", "200", "-png", "-singlefile", "-f", "1", "-l", "1"])
            .arg(&pdf)
            .arg(dir.path().join("page"))
            .status()
            .expect("pdftoppm");
        assert!(status.success());
        let out =
            Command::new("zbarimg").args(["--raw", "-q"]).arg(dir.path().join("page.png")).output().expect("zbarimg");
        assert!(String::from_utf8_lossy(&out.stdout).trim().is_empty(), "{number:?}: a QR code on a draft");
    }
}

/// The signature block never begins a page alone: wherever the text ends, the page that
/// holds the signatures holds the end of the text before them. Also with the longest
/// names, and with no officers at all (a draft still shows two rows to sign).
#[test]
fn the_signature_block_never_stands_alone() {
    let mut orders: Vec<OrderSnapshot> = (1..=24).map(order_of).collect();
    let mut long = order_of(5);
    long.addressee =
        "北京市门头沟区永定镇石门营村西侧保障性住房建设项目第三标段施工总承包".repeat(4).chars().take(100).collect();
    long.unit_signer.title = "项目安全生产管理部副经理兼现场负责人".into();
    orders.push(long);
    let mut none = order_of(3);
    none.officers.clear();
    none.officer_signatures.clear();
    orders.push(none);
    for (i, order) in orders.into_iter().enumerate() {
        let officers = order.officers.clone();
        let rendered = render(&Snapshot::Order(order)).expect("render");
        let pages = page_texts(&rendered.pdf);
        let (at, page) = pages
            .iter()
            .enumerate()
            .find(|(_, p)| p.contains("安全生产执法人员（签名）"))
            .unwrap_or_else(|| panic!("case {i}: no signature block"));
        let before = &page[..page.find("安全生产执法人员（签名）").expect("label")];
        assert!(before.contains("除外。"), "case {i}: the signatures stand alone on page {}: {page}", at + 1);
        assert!(page.contains("北京市门头沟区应急管理局（印章）"), "case {i}: the issuing authority above the date");
        assert!(page.contains("证号："), "case {i}: officer rows");
        for o in officers {
            assert!(
                page.contains(&format!("{}证号：{}", o.name, o.certificate)),
                "case {i}: {}'s printed name",
                o.name
            );
        }
    }
}

/// The same for the record and the review: wherever their text ends, the signatures come
/// with the end of it (the record's 检查情况, the review's last opinion).
#[test]
fn record_and_review_signatures_never_stand_alone() {
    let Snapshot::Record(record) = load("record") else { unreachable!() };
    let Snapshot::Review(review) = load("review") else { unreachable!() };
    let sentence = "现场检查发现消防通道堆放杂物，灭火器压力不足，已当场指出并要求整改。";
    for n in 1..=30 {
        let mut r = record.clone();
        r.findings = format!("{}检查情况到此为止。", sentence.repeat(n * 2));
        let pages = page_texts(&render(&Snapshot::Record(r)).expect("render").pdf);
        let page = pages.iter().find(|p| p.contains("检查人员（签名）")).expect("signatures");
        let before = &page[..page.find("检查人员（签名）").expect("label")];
        assert!(before.contains("检查情况到此为止。"), "record {n}: the signatures stand alone: {page}");
    }
    for n in 1..=12 {
        let mut r = review.clone();
        r.opinions = (1..=n)
            .map(|i| anjian_docs::snapshot::ReviewOpinion {
                number: Some(i),
                item: format!("第{i}处：{}", sentence.repeat(3)),
                rectified: i % 2 == 0,
                opinion: if i % 2 == 0 { String::new() } else { "仍未整改，责令停止使用。".into() },
            })
            .collect();
        let pages = page_texts(&render(&Snapshot::Review(r)).expect("render").pdf);
        let page = pages.iter().find(|p| p.contains("安全生产执法人员（签名）")).expect("signatures");
        let before = &page[..page.find("安全生产执法人员（签名）").expect("label")];
        assert!(before.contains("复查意见："), "review {n}: the signatures stand alone: {page}");
    }
}

/// The file is an archival PDF (PDF/A-2b), checked part by part as ISO 19005-2 asks (no
/// validator of it installs from Debian or crates.io): PDF 1.7 with a binary comment; XMP
/// metadata naming PDF/A-2 level B, unfiltered, agreeing with the document information;
/// the document's own date, not 1970, and no PDF/X key; an sRGB output intent; every font
/// embedded; a file identifier; nothing PDF/A forbids (encryption, JavaScript, actions,
/// LZW, external streams). qpdf checks the structure.
#[test]
fn documents_are_archival_pdf() {
    use lopdf::Object;
    let dir = tempfile::tempdir().expect("tempdir");
    for kind in ["record", "order", "review"] {
        let rendered = render(&load(kind)).expect("render");
        let bytes = &rendered.pdf;
        assert!(bytes.starts_with(b"%PDF-1.7\n%"), "{kind}: header");
        assert!(bytes[10..14].iter().all(|b| *b >= 128), "{kind}: binary comment");
        assert!(bytes.len() < 100_000, "{kind}: {} bytes", bytes.len());
        let raw = String::from_utf8_lossy(bytes);
        for forbidden in ["GTS_PDFX", "/Encrypt", "/JavaScript", "/OpenAction", "/AA ", "LZWDecode", "/F (", "/FFilter"]
        {
            assert!(!raw.contains(forbidden), "{kind}: {forbidden}");
        }
        let doc = lopdf::Document::load_mem(bytes).expect("lopdf reads it");
        let date = load(kind).date();
        let info_date = format!("D:{:04}{:02}{:02}000000+08'00'", date.year, date.month, date.day);
        let xmp_date = format!("{:04}-{:02}-{:02}T00:00:00+08:00", date.year, date.month, date.day);
        let info =
            doc.trailer.get(b"Info").and_then(Object::as_reference).and_then(|r| doc.get_dictionary(r)).expect("info");
        for key in [&b"CreationDate"[..], b"ModDate"] {
            assert_eq!(info.get(key).and_then(Object::as_str).expect("date"), info_date.as_bytes(), "{kind}");
        }
        assert!(info.get(b"GTS_PDFXVersion").is_err() && info.get(b"Trapped").is_err());
        let catalog = doc.catalog().expect("catalog");
        let metadata = catalog.get(b"Metadata").and_then(Object::as_reference).expect("metadata");
        let stream = doc.get_object(metadata).and_then(Object::as_stream).expect("stream");
        assert!(stream.dict.get(b"Filter").is_err(), "{kind}: metadata unfiltered");
        let xmp = String::from_utf8(stream.content.clone()).expect("xmp");
        let title = format!("{} {}", load(kind).title(), load(kind).head().number.clone().expect("number"));
        for want in [
            "<pdfaid:part>2</pdfaid:part>",
            "<pdfaid:conformance>B</pdfaid:conformance>",
            &format!("<xmp:CreateDate>{xmp_date}</xmp:CreateDate>"),
            &format!("<xmp:ModifyDate>{xmp_date}</xmp:ModifyDate>"),
            &format!(">{title}</rdf:li>"),
            "<pdf:Producer>anjian</pdf:Producer>",
            "<xmp:CreatorTool>anjian</xmp:CreatorTool>",
        ] {
            assert!(xmp.contains(want), "{kind}: {want} not in {xmp}");
        }
        let intents = catalog.get(b"OutputIntents").and_then(Object::as_array).expect("output intents");
        assert_eq!(intents.len(), 1);
        let intent = intents[0].as_dict().expect("intent");
        assert_eq!(intent.get(b"S").and_then(Object::as_name).expect("S"), b"GTS_PDFA1");
        let profile = intent.get(b"DestOutputProfile").and_then(Object::as_reference).expect("profile");
        let profile = doc.get_object(profile).and_then(Object::as_stream).expect("icc");
        assert_eq!(profile.dict.get(b"N").and_then(Object::as_i64).expect("N"), 3);
        let icc = profile.decompressed_content().expect("icc bytes");
        assert_eq!(&icc[16..20], b"RGB ", "{kind}: an RGB profile");
        assert_eq!(&icc[12..16], b"mntr", "{kind}: a display profile");
        // Every font embedded.
        let mut fonts = 0;
        for object in doc.objects.values() {
            if let Ok(d) = object.as_dict()
                && d.get(b"Type").and_then(Object::as_name).is_ok_and(|t| t == b"FontDescriptor")
            {
                fonts += 1;
                assert!(
                    [&b"FontFile"[..], b"FontFile2", b"FontFile3"].iter().any(|k| d.get(k).is_ok()),
                    "{kind}: a font not embedded"
                );
            }
        }
        assert!(fonts >= 1, "{kind}: no font descriptor");
        let ids = doc.trailer.get(b"ID").and_then(Object::as_array).expect("file id");
        assert_eq!(ids.len(), 2);
        let pdf = dir.path().join(format!("{kind}.pdf"));
        std::fs::write(&pdf, bytes).expect("write");
        let qpdf = Command::new("qpdf").arg("--check").arg(&pdf).output().expect("qpdf is installed");
        assert!(qpdf.status.success(), "{kind}: qpdf --check: {}", String::from_utf8_lossy(&qpdf.stdout));
        let info = Command::new("pdfinfo").arg(&pdf).output().expect("pdfinfo");
        let info = String::from_utf8_lossy(&info.stdout);
        assert!(info.lines().any(|l| l.starts_with("PDF version:") && l.ends_with(" 1.7")), "{kind}: {info}");
        assert!(!info.contains("1970"), "{kind}: {info}");
    }
}

/// The QR code on the page scans (zbarimg, zbar-tools) to the code printed beside it and
/// the snapshot's full hash.
#[test]
fn the_qr_code_scans_to_the_verification_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    let snapshot = load("order");
    let rendered = render(&snapshot).expect("render");
    let pdf = dir.path().join("order.pdf");
    std::fs::write(&pdf, &rendered.pdf).expect("write");
    let png = dir.path().join("page");
    let status = Command::new("pdftoppm")
        .args(["-r", "200", "-png", "-singlefile", "-f", "1", "-l", "1"])
        .arg(&pdf)
        .arg(&png)
        .status()
        .expect("pdftoppm");
    assert!(status.success());
    let out = Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(dir.path().join("page.png"))
        .output()
        .expect("zbarimg (zbar-tools) is installed");
    let scanned = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert_eq!(scanned, format!("ANJIAN:V1:{}:{}", rendered.code, rendered.content_hash));
    assert!(flat(&pdftotext(&pdf)).contains(&format!("校验码：{}", rendered.code)));
}

/// With a district server known, the QR code opens its verification page for the code.
#[test]
fn the_qr_code_leads_to_the_servers_verification_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rendered =
        anjian_docs::render_for_server(&load("order"), Some("https://anquan.mentougou.example/")).expect("render");
    let pdf = dir.path().join("order.pdf");
    std::fs::write(&pdf, &rendered.pdf).expect("write");
    let png = dir.path().join("page");
    let status = Command::new("pdftoppm")
        .args(["-r", "200", "-png", "-singlefile", "-f", "1", "-l", "1"])
        .arg(&pdf)
        .arg(&png)
        .status()
        .expect("pdftoppm");
    assert!(status.success());
    let out = Command::new("zbarimg").args(["--raw", "-q"]).arg(dir.path().join("page.png")).output().expect("zbarimg");
    let scanned = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert_eq!(scanned, format!("https://anquan.mentougou.example/v/{}", rendered.code));
}

/// A voided document printed again says so on every page; the text is otherwise the same.
#[test]
fn voided_copies_are_marked_on_every_page() {
    let Snapshot::Order(mut order) = load("order") else { unreachable!() };
    order.items.extend((0..25).map(|i| {
        format!("补充问题{i}：消防通道堆放杂物，占用疏散通道，违反《中华人民共和国消防法》第二十八条的规定。")
    }));
    order.deadline_groups[1].items.extend(6..=30);
    let rendered = anjian_docs::render_voided(&Snapshot::Order(order), "整改期限填写错误").expect("render");
    assert!(rendered.pages >= 2);
    // A kept PDF read back counts the pages the renderer laid out.
    assert_eq!(anjian_docs::pages_of(&rendered.pdf), rendered.pages);
    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = dir.path().join("voided.pdf");
    std::fs::write(&pdf, &rendered.pdf).expect("write");
    let text = pdftotext(&pdf);
    let pages: Vec<&str> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
    assert_eq!(pages.len(), rendered.pages);
    for page in pages {
        let page = flat(page);
        assert!(page.contains("已作废") && page.contains("作废原因：整改期限填写错误"), "{page}");
    }
}
