//! `anjian-server serve [--listen 127.0.0.1:8470] [--database <path>]`, and the bureau's
//! admin commands on the same database.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anjian_server::{PgStorage, SqliteStorage, Storage};

const USAGE: &str = "用法：
  anjian-server serve [--listen 127.0.0.1:8470] [--database <SQLite 文件或 postgres://…>]
  anjian-server enrol --name <姓名> --cert <执法证号> [--database …]   登记执法人员，得到一次性配对码
  anjian-server devices [--database …]                                 列出已配对的设备
  anjian-server revoke <设备编号> [--database …]                       停用一台设备
  anjian-server import <单位名单.xlsx|.csv> [--database …]             导入单位名单，报告不能导入的行
  anjian-server publish-checklist <检查表.json> [--database …]          发布一个检查表版本
  anjian-server grant --device <设备编号> --kind <inspectionRecord|rectificationOrder|reviewOpinion>
                      [--year 2026] [--count 100] [--database …]        给设备分配一段文书编号
  anjian-server number-conflicts [--database …]                        列出被两份文书使用的文号";

fn default_database() -> PathBuf {
    let base = std::env::var_os("ANJIAN_SERVER_DATA")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share/anjian-server")))
        .unwrap_or_else(|| PathBuf::from("anjian-server-data"));
    base.join("district.db")
}

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

fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

fn run(args: &[String]) -> Result<(), String> {
    let Some(command) = args.first() else { return Err(USAGE.into()) };
    let database = flag(args, "--database").unwrap_or_else(|| default_database().display().to_string());
    let open = || -> Result<Box<dyn Storage>, String> {
        let opened: Result<Box<dyn Storage>, _> =
            if database.starts_with("postgres://") || database.starts_with("postgresql://") {
                PgStorage::open(&database).map(|s| Box::new(s) as Box<dyn Storage>)
            } else {
                SqliteStorage::open(std::path::Path::new(&database)).map(|s| Box::new(s) as Box<dyn Storage>)
            };
        opened.map_err(|e| format!("无法打开数据库 {}：{e}", redact(&database)))
    };
    match command.as_str() {
        "serve" => {
            let listen: SocketAddr = flag(args, "--listen")
                .unwrap_or_else(|| "127.0.0.1:8470".into())
                .parse()
                .map_err(|e| format!("--listen 地址无效：{e}"))?;
            let storage: Arc<dyn Storage> = Arc::from(open()?);
            let rt = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
            rt.block_on(async move {
                let listener =
                    tokio::net::TcpListener::bind(listen).await.map_err(|e| format!("无法监听 {listen}：{e}"))?;
                let addr = listener.local_addr().map_err(|e| e.to_string())?;
                println!("anjian-server listening on http://{addr} (database {})", redact(&database));
                anjian_server::serve(listener, storage, shutdown_signal()).await.map_err(|e| e.to_string())
            })
        }
        "enrol" => {
            let (Some(name), Some(cert)) = (flag(args, "--name"), flag(args, "--cert")) else {
                return Err(USAGE.into());
            };
            let storage = open()?;
            let code = anjian_server::enrol(storage.as_ref(), &name, &cert, 7).map_err(|e| e.to_string())?;
            println!("{code}");
            eprintln!("{name}（{cert}）的配对码，7天内有效，只能使用一次。");
            Ok(())
        }
        "devices" => {
            for d in open()?.devices().map_err(|e| e.to_string())? {
                let state = d.revoked_at.as_deref().map_or("使用中".to_owned(), |t| format!("已停用 {t}"));
                println!(
                    "{}\t{}\t{}（{}）\t{}\t{state}",
                    d.id, d.name, d.inspector_name, d.inspector_cert_no, d.paired_at
                );
            }
            Ok(())
        }
        "revoke" => {
            let Some(device) = args.get(1).filter(|a| !a.starts_with("--")) else { return Err(USAGE.into()) };
            let now = chrono::Utc::now().to_rfc3339();
            open()?.revoke(device, &now).map_err(|e| e.to_string())?;
            println!("设备 {device} 已停用");
            Ok(())
        }
        "import" => {
            let Some(file) = args.get(1).filter(|a| !a.starts_with("--")) else { return Err(USAGE.into()) };
            let bytes = std::fs::read(file).map_err(|e| format!("无法读取 {file}：{e}"))?;
            let storage = open()?;
            let report = anjian_server::import_enterprises(storage.as_ref(), file, &bytes, chrono::Utc::now())
                .map_err(|e| e.to_string())?;
            println!(
                "共{}行：新增{}家，更新{}家，未变{}家，未导入{}行",
                report.rows,
                report.created,
                report.updated,
                report.unchanged,
                report.refused.len()
            );
            for r in &report.refused {
                println!("  第{}行：{}", r.row, r.reason);
            }
            Ok(())
        }
        "publish-checklist" => {
            let Some(file) = args.get(1).filter(|a| !a.starts_with("--")) else { return Err(USAGE.into()) };
            let body = std::fs::read_to_string(file).map_err(|e| format!("无法读取 {file}：{e}"))?;
            let name =
                std::path::Path::new(file).file_name().map_or(file.clone(), |n| n.to_string_lossy().into_owned());
            let storage = open()?;
            let new = anjian_server::publish_checklist(storage.as_ref(), &name, &body, chrono::Utc::now())
                .map_err(|e| e.to_string())?;
            println!(
                "{}",
                if new {
                    "已发布，设备下次同步时收到"
                } else {
                    "这个版本已发布过，内容相同，未重复发布"
                }
            );
            Ok(())
        }
        "grant" => {
            let (Some(device), Some(kind)) = (flag(args, "--device"), flag(args, "--kind")) else {
                return Err(USAGE.into());
            };
            let year: i32 = match flag(args, "--year") {
                Some(y) => y.parse().map_err(|_| format!("--year 无效：{y}"))?,
                None => chrono::Datelike::year(&chrono::Utc::now()),
            };
            let count: u32 = match flag(args, "--count") {
                Some(c) => {
                    c.parse().ok().filter(|n| (1..=10_000).contains(n)).ok_or(format!("--count 应为1到10000：{c}"))?
                }
                None => 100,
            };
            if !["inspectionRecord", "rectificationOrder", "reviewOpinion"].contains(&kind.as_str()) {
                return Err(format!("--kind 无效：{kind}"));
            }
            let storage = open()?;
            let b = anjian_server::grant_numbers(storage.as_ref(), &device, &kind, year, count, chrono::Utc::now())
                .map_err(|e| e.to_string())?;
            println!("已分配 {} {}年 第{}号至第{}号", b.kind, b.year, b.first, b.last);
            Ok(())
        }
        "number-conflicts" => {
            let conflicts = open()?.number_conflicts().map_err(|e| e.to_string())?;
            if conflicts.is_empty() {
                println!("没有重复的文号");
            }
            for c in &conflicts {
                println!(
                    "{}\t先由文书 {}（设备 {}）使用，又被文书 {}（设备 {}）使用\t发现于 {}",
                    c.number, c.held_by, c.held_by_device, c.document_id, c.device_id, c.found_at
                );
            }
            if !conflicts.is_empty() {
                eprintln!("每个重复的文号，请核实后作废其中一份文书并重新签发。");
            }
            Ok(())
        }
        _ => Err(USAGE.into()),
    }
}

/// A database URL without its password, for messages and logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}:…{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// Ctrl-C or SIGTERM: stop taking connections, finish what is in flight.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
