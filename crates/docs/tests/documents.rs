//! The documents as a reader sees them: the CLI renders the committed samples, poppler
//! reads the text back and draws the pages, and both are held to what the documents must say
//! and look like. Needs pdftotext and pdftoppm (poppler-utils).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed step is the test failing

use std::path::{Path, PathBuf};
use std::process::Command;

use anjian_docs::snapshot::{OrderSnapshot, ReviewSnapshot, Signature};
use anjian_docs::{IssueError, Snapshot, check_for_issue, render};

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
            "经对你单位整改情况进行复查，提出如下意见：",
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
    for kind in ["record", "order", "review"] {
        let pdf = dir.path().join(format!("{kind}.pdf"));
        cli_render(kind, &sample(kind), &pdf);
        let pages = raster(&pdf, &dir.path().join(kind));
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
        anjian_docs::snapshot::DeadlineGroup { items: (1..=15).collect(), deadline: order.date },
        anjian_docs::snapshot::DeadlineGroup {
            items: (16..=30).collect(),
            deadline: order.deadline_groups[1].deadline,
        },
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
    for word in html.split("<word ").skip(1) {
        let attr = |name: &str| -> f64 {
            let at = word.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
            word[at..].split('"').next().and_then(|v| v.parse().ok()).expect("number")
        };
        let (x0, y0, x1, y1) = (attr("xMin"), attr("yMin"), attr("xMax"), attr("yMax"));
        let text = word.split('>').nth(1).and_then(|t| t.split('<').next()).unwrap_or("");
        // The QR's code sits in the top margin, the page numbers in the bottom one.
        assert!(x0 >= left && x1 <= right, "{text:?} outside the side margins: {x0}..{x1}");
        assert!(y0 >= 0.0 && y1 <= bottom, "{text:?} below the footer line: {y1}");
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

#[test]
fn issuing_with_one_officer_is_refused() {
    let Snapshot::Order(mut order) = load("order") else { unreachable!() };
    order.officers.truncate(1);
    order.officer_signatures.truncate(1);
    assert_eq!(check_for_issue(&Snapshot::Order(order.clone())), Err(IssueError::TooFewOfficers));
    // And through the command line, with a Chinese reason and a failing exit code.
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("one.json");
    std::fs::write(&input, serde_json::to_string(&order).expect("json")).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_anjian-docs"))
        .args(["render", "order"])
        .arg(&input)
        .arg(dir.path().join("one.pdf"))
        .arg("--check")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("执法人员不足两名"));
    assert!(!dir.path().join("one.pdf").exists(), "nothing written");
}

/// Each rule of issue, from a valid sample changed in one way.
#[test]
fn issue_rules() {
    let Snapshot::Order(order) = load("order") else { unreachable!() };
    let Snapshot::Review(review) = load("review") else { unreachable!() };
    let cases: Vec<(&str, Snapshot, IssueError)> = vec![
        (
            "no certificate",
            with_order(&order, |o| o.officers[1].certificate = " ".into()),
            IssueError::MissingCertificate("李秀英".into()),
        ),
        (
            "same officer twice",
            with_order(&order, |o| o.officers[1] = o.officers[0].clone()),
            IssueError::DuplicateOfficer("王建国".into()),
        ),
        ("no addressee", with_order(&order, |o| o.addressee.clear()), IssueError::Missing("被检查单位")),
        ("no items", with_order(&order, |o| o.items.clear()), IssueError::NoItems),
        (
            "item without deadline",
            with_order(&order, |o| o.deadline_groups.truncate(1)),
            IssueError::ItemWithoutDeadline(3),
        ),
        ("no deadlines", with_order(&order, |o| o.deadline_groups.clear()), IssueError::ItemWithoutDeadline(1)),
        ("unknown item", with_order(&order, |o| o.deadline_groups[0].items.push(9)), IssueError::NoSuchItem(9)),
        ("item twice", with_order(&order, |o| o.deadline_groups[0].items.push(3)), IssueError::ItemInTwoGroups(3)),
        ("no court", with_order(&order, |o| o.remedy.court.clear()), IssueError::Missing("人民法院")),
        ("review cites nothing", with_review(&review, |r| r.cited.number.clear()), IssueError::NoCitedOrder),
        ("review without opinions", with_review(&review, |r| r.opinions.clear()), IssueError::NoOpinions),
    ];
    for (what, snapshot, expected) in cases {
        assert_eq!(check_for_issue(&snapshot), Err(expected), "{what}");
    }
    // A refusal to sign is a valid state of the unit's signature, not a gap.
    let refused = with_order(&order, |o| {
        o.unit_signer.signature = Signature::Refused;
        o.unit_signer.name.clear();
    });
    assert_eq!(check_for_issue(&refused), Ok(()));
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
