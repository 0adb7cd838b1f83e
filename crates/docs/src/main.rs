//! `anjian-docs render <record|order|review> <snapshot.json> <out.pdf>`: one document from
//! a JSON snapshot, as the app renders it.

use std::process::ExitCode;

use anjian_docs::snapshot::{OrderSnapshot, RecordSnapshot, ReviewSnapshot};
use anjian_docs::{Snapshot, render};

const USAGE: &str = "用法：anjian-docs render <record|order|review> <snapshot.json> <out.pdf> [--check]\n\
  --check  also check what issuing requires (two officers, addressee, deadlines, the
           number, the remedy clause, printable characters …): exit 2 with the reason";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let [command, kind, input, output, rest @ ..] = args else { return Err(USAGE.into()) };
    if command != "render" || rest.iter().any(|a| a != "--check") {
        return Err(USAGE.into());
    }
    let json = std::fs::read_to_string(input).map_err(|e| format!("无法读取 {input}：{e}"))?;
    let bad = |e: serde_json::Error| format!("{input} 不是有效的文书数据：{e}");
    let snapshot = match kind.as_str() {
        "record" => Snapshot::Record(serde_json::from_str::<RecordSnapshot>(&json).map_err(bad)?),
        "order" => Snapshot::Order(serde_json::from_str::<OrderSnapshot>(&json).map_err(bad)?),
        "review" => Snapshot::Review(serde_json::from_str::<ReviewSnapshot>(&json).map_err(bad)?),
        _ => return Err(USAGE.into()),
    };
    if !rest.is_empty() {
        let today = anjian_docs::compose::beijing_time(chrono::Utc::now()).date;
        anjian_docs::check_for_issue(&snapshot, today).map_err(|e| format!("不能签发：{e}"))?;
    }
    let rendered = render(&snapshot).map_err(|e| e.to_string())?;
    std::fs::write(output, &rendered.pdf).map_err(|e| format!("无法写入 {output}：{e}"))?;
    let numbered = snapshot.head().issued_number().is_some();
    println!(
        "{output}: {} 页, {} 字节, {}{}",
        rendered.pages,
        rendered.pdf.len(),
        if numbered { format!("校验码 {}", rendered.code) } else { "草稿（无校验码）".to_owned() },
        if rendered.missing_glyphs.is_empty() {
            String::new()
        } else {
            format!(", 字体缺字: {}", rendered.missing_glyphs.iter().collect::<String>())
        }
    );
    Ok(())
}
