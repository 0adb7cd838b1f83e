//! Our PDF of the sample order against Chromium's print-to-PDF of the same document as
//! HTML (Debian's chromium, headless), side by side in one run: time and size.
//!
//! `cargo bench -p anjian-docs --bench vs_chromium` (needs chromium and poppler-utils).
//! Three figures for us: in the app (the font already parsed: what an inspector waits for
//! after the first document), the command line (a cold process: font parsing included),
//! and the size. Chromium is timed as a cold process too (its own font cache warm).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed step is the test failing

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anjian_docs::snapshot::{OrderSnapshot, Signature};
use anjian_docs::{Snapshot, render};

const RUNS_IN_PROCESS: usize = 50;
const RUNS_PROCESS: usize = 7;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let sample = root.join("assets/samples/order.json");
    let json = std::fs::read_to_string(&sample).expect("sample order");
    let order: OrderSnapshot = serde_json::from_str(&json).expect("sample order parses");
    let snapshot = Snapshot::Order(order.clone());
    let dir = tempfile::tempdir().expect("tempdir");

    // Ours, in the app: the first render parses the font; the rest is what each document costs.
    let t = Instant::now();
    let first = render(&snapshot).expect("render");
    let first_ms = ms(t.elapsed());
    let mut times = Vec::new();
    for _ in 0..RUNS_IN_PROCESS {
        let t = Instant::now();
        let r = render(&snapshot).expect("render");
        times.push(t.elapsed());
        assert_eq!(r.pdf, first.pdf, "same snapshot, same bytes");
    }
    let ours_warm = median(&mut times);

    // Ours, as a cold process through the command line.
    let ours_pdf = dir.path().join("ours.pdf");
    let mut times = Vec::new();
    for _ in 0..RUNS_PROCESS {
        let t = Instant::now();
        let status = Command::new(env!("CARGO_BIN_EXE_anjian-docs"))
            .args(["render", "order"])
            .arg(&sample)
            .arg(&ours_pdf)
            .stdout(std::process::Stdio::null())
            .status()
            .expect("anjian-docs");
        times.push(t.elapsed());
        assert!(status.success());
    }
    let ours_cold = median(&mut times);
    let ours_size = std::fs::metadata(&ours_pdf).expect("ours").len();

    // Chromium: the same document as HTML with the same font, signatures and page size.
    let html = dir.path().join("order.html");
    std::fs::write(&html, order_html(&order)).expect("write html");
    let chrome_pdf = dir.path().join("chromium.pdf");
    let url = format!("file://{}", html.display());
    let chromium = |out: &Path| {
        Command::new("chromium")
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--no-first-run"])
            .arg(format!("--print-to-pdf={}", out.display()))
            .arg(&url)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
    };
    // One run to warm the disk and font caches; not counted.
    match chromium(&chrome_pdf) {
        Ok(s) if s.success() => {}
        other => {
            eprintln!("chromium could not print ({other:?}); install Debian's chromium to compare");
            std::process::exit(1);
        }
    }
    let mut times = Vec::new();
    for _ in 0..RUNS_PROCESS {
        let t = Instant::now();
        let ok = chromium(&chrome_pdf).map(|s| s.success()).unwrap_or(false);
        times.push(t.elapsed());
        assert!(ok, "chromium failed");
    }
    let chrome = median(&mut times);
    let chrome_size = std::fs::metadata(&chrome_pdf).expect("chromium pdf").len();

    // Both must say the same thing: the number, the last item, the remedy body.
    for pdf in [&ours_pdf, &chrome_pdf] {
        let out = Command::new("pdftotext").arg(pdf).arg("-").output().expect("pdftotext");
        let text: String = String::from_utf8_lossy(&out.stdout).chars().filter(|c| !c.is_whitespace()).collect();
        for needle in
            ["门应急责改〔2026〕第0012号", "项目部未建立生产安全事故隐患排查治理制度", "北京市门头沟区人民法院"]
        {
            assert!(text.contains(needle), "{} lacks {needle}", pdf.display());
        }
    }

    let pages = |p: &Path| {
        let out = Command::new("pdfinfo").arg(p).output().expect("pdfinfo");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("Pages:").map(|v| v.trim().to_owned()))
            .unwrap_or_default()
    };
    println!(
        "责令限期整改指令书 (assets/samples/order.json), median of {RUNS_PROCESS} processes / {RUNS_IN_PROCESS} renders"
    );
    println!("| | time | size | pages |");
    println!("|---|---:|---:|---:|");
    println!(
        "| Chromium print-to-PDF (headless, cold process) | {:.0} ms | {} KB | {} |",
        ms(chrome),
        chrome_size / 1024,
        pages(&chrome_pdf)
    );
    println!(
        "| ours, command line (cold process) | {:.0} ms | {} KB | {} |",
        ms(ours_cold),
        ours_size / 1024,
        pages(&ours_pdf)
    );
    println!(
        "| ours, in the app (font parsed once; first render {first_ms:.0} ms) | {:.1} ms | {} KB | {} |",
        ms(ours_warm),
        first.pdf.len() / 1024,
        first.pages
    );
    let speed_app = ms(chrome) / ms(ours_warm);
    let speed_cli = ms(chrome) / ms(ours_cold);
    let smaller = chrome_size as f64 / ours_size as f64;
    println!();
    println!(
        "faster: {speed_app:.0}× in the app, {speed_cli:.1}× as a cold process (goal ≥ 50×: {})",
        verdict(speed_app >= 50.0)
    );
    println!("smaller: {smaller:.1}× (goal ≥ 10×: {})", verdict(smaller >= 10.0));
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "missed" }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn signature_html(s: &Signature) -> String {
    match s {
        Signature::Drawn { png } => format!(r#"<img class="sig" src="data:image/png;base64,{png}">"#),
        Signature::Refused => "拒绝签字".into(),
        Signature::Blank => r#"<span class="blank"></span>"#.into(),
    }
}

/// The order as a web page would lay it out: same text, font, sizes and signatures.
fn order_html(o: &OrderSnapshot) -> String {
    let mut body = String::new();
    body.push_str(&format!(r#"<div class="c h1">{}安全生产行政执法文书</div>"#, esc(&o.head.bureau)));
    body.push_str(r#"<div class="c title">责令限期整改指令书</div>"#);
    body.push_str(&format!(r#"<div class="c">{}</div>"#, esc(o.head.number.as_deref().unwrap_or(""))));
    body.push_str(&format!("<p>{}：</p><p class=\"i\">{}</p><ol>", esc(&o.addressee), esc(&o.wording.findings_intro)));
    for item in &o.items {
        body.push_str(&format!("<li>{}</li>", esc(item)));
    }
    body.push_str("</ol>");
    for g in &o.deadline_groups {
        let items = g.items.iter().map(u32::to_string).collect::<Vec<_>>().join("、");
        let clause = o.wording.deadline_clause.replace("{items}", &items).replace("{deadline}", &g.deadline.chinese());
        body.push_str(&format!(r#"<p class="i">{}</p>"#, esc(&clause)));
    }
    body.push_str(&format!(r#"<p class="i">{}</p>"#, esc(&o.wording.safety_clause)));
    let remedy =
        o.wording.remedy_clause.replace("{review_body}", &o.remedy.review_body).replace("{court}", &o.remedy.court);
    body.push_str(&format!(r#"<p class="i">{}</p><table>"#, esc(&remedy)));
    for (i, (officer, sig)) in o.officers.iter().zip(&o.officer_signatures).enumerate() {
        let label = if i == 0 { "安全生产执法人员（签名）：" } else { "" };
        body.push_str(&format!(
            "<tr><td>{label}</td><td>{}</td><td>证号：{}</td></tr>",
            signature_html(sig),
            esc(&officer.certificate)
        ));
    }
    body.push_str(&format!(
        "<tr><td>被检查单位负责人（签名）：</td><td>{}</td><td>职务：{}</td></tr></table>",
        signature_html(&o.unit_signer.signature),
        esc(&o.unit_signer.title)
    ));
    body.push_str(&format!(
        r#"<p class="r">（印章）<br>{}</p><p class="s">{}</p>"#,
        o.date.chinese(),
        esc(&o.copies_note)
    ));
    format!(
        r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 25mm 26mm 23mm 28mm; }}
body {{ font-family: "Noto Serif CJK SC"; font-size: 12pt; line-height: 1.5; margin: 0; }}
.c {{ text-align: center; }} .h1 {{ font-size: 15pt; }} .title {{ font-size: 22pt; font-weight: bold; }}
p {{ margin: 0; }} .i {{ text-indent: 2em; }} ol {{ margin: 0; padding-left: 3em; }}
.sig {{ height: 11mm; }} .blank {{ display: inline-block; width: 34mm; border-bottom: 1px solid; }}
table {{ border-collapse: collapse; margin-top: 2mm; }} td {{ padding: 0 2mm 0 0; height: 12mm; }}
.r {{ text-align: right; }} .s {{ font-size: 10.5pt; }}
</style></head><body>{body}</body></html>"#
    )
}
