//! `anjian-server serve`, and the bureau's admin commands on the same database.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anjian_server::{PgStorage, SqliteStorage, Storage};
use clap::{Args, Parser, Subcommand, ValueEnum};

/// 安检 区局服务器：设备同步、登记执法人员、导入单位名单、发布检查表、分配文号。
#[derive(Debug, Parser)]
#[command(name = "anjian-server", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args)]
struct Database {
    /// 数据库：SQLite 文件路径，或 postgres://… 地址（默认在本机数据目录下的 district.db）
    #[arg(long, env = "ANJIAN_DATABASE", value_name = "SQLite 文件或 postgres://…", hide_env_values = true)]
    database: Option<String>,
    /// PostgreSQL 经 TLS 连接（地址带 sslmode=require）时，另外信任的 CA 证书（PEM 文件）
    #[arg(long, env = "ANJIAN_DATABASE_CA", value_name = "PEM 文件")]
    database_ca: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 启动服务器（Ctrl-C 或 SIGTERM 停止，处理完进行中的请求）
    Serve {
        /// 监听地址
        #[arg(long, env = "ANJIAN_LISTEN", default_value = "127.0.0.1:8470")]
        listen: SocketAddr,
        /// 控制台经 HTTPS（反向代理）访问时加上：会话 Cookie 只经 HTTPS 发送
        #[arg(long, env = "ANJIAN_SECURE_COOKIES")]
        secure_cookies: bool,
        #[command(flatten)]
        db: Database,
    },
    /// 控制台账号：新建、重设密码、列出
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// 打印接口文档（OpenAPI 3）：设备同步协议，或加 --console 为控制台接口
    Openapi {
        #[arg(long)]
        console: bool,
    },
    /// 登记执法人员，得到一次性配对码（7天内有效）
    Enrol {
        /// 姓名
        #[arg(long)]
        name: String,
        /// 执法证号
        #[arg(long)]
        cert: String,
        #[command(flatten)]
        db: Database,
    },
    /// 列出已配对的设备
    Devices {
        #[command(flatten)]
        db: Database,
    },
    /// 停用一台设备（丢失的设备加 --wipe：下次联网时清除本机数据和密钥）
    Revoke {
        /// 设备编号（devices 列出）
        device: String,
        /// 同时要求设备清除本机数据和密钥（可在停用后再加，不能撤回）
        #[arg(long)]
        wipe: bool,
        #[command(flatten)]
        db: Database,
    },
    /// 导入停用设备导出的未上传记录（设备“同步”页导出的 .json 文件），按同步的规则逐条检查
    ImportUnsent {
        file: PathBuf,
        #[command(flatten)]
        db: Database,
    },
    /// 导入单位名单（.xlsx 或 .csv，UTF-8 或 GBK），报告不能导入的行
    Import {
        file: PathBuf,
        #[command(flatten)]
        db: Database,
    },
    /// 发布一个检查表版本，设备下次同步时收到
    PublishChecklist {
        file: PathBuf,
        #[command(flatten)]
        db: Database,
    },
    /// 给设备分配一段文书编号
    Grant {
        /// 设备编号
        #[arg(long)]
        device: String,
        /// 文书种类
        #[arg(long, value_enum)]
        kind: Kind,
        /// 年份（默认今年）
        #[arg(long)]
        year: Option<i32>,
        /// 编号个数
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        count: u32,
        #[command(flatten)]
        db: Database,
    },
    /// 列出被两份文书使用的文号
    NumberConflicts {
        #[command(flatten)]
        db: Database,
    },
    /// 列出服务器拒收的更改（最近1000条）及原因
    Refusals {
        #[command(flatten)]
        db: Database,
    },
    /// 由更改日志重建全区的单位、检查、隐患、文书等记录表，并报告重建前后是否一致
    Rebuild {
        #[command(flatten)]
        db: Database,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// 新建账号，打印一次性密码（首次登录时须修改）
    Add {
        /// 姓名（登录名）
        #[arg(long)]
        name: String,
        /// 角色：admin 管理员，staff 工作人员，leader 领导
        #[arg(long)]
        role: RoleArg,
        #[command(flatten)]
        db: Database,
    },
    /// 给账号一个新的一次性密码，解除锁定并退出其所有会话
    Reset {
        #[arg(long)]
        name: String,
        #[command(flatten)]
        db: Database,
    },
    /// 列出所有账号
    List {
        #[command(flatten)]
        db: Database,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RoleArg {
    Admin,
    Staff,
    Leader,
}

impl From<RoleArg> for anjian_server::console::Role {
    fn from(r: RoleArg) -> Self {
        use anjian_server::console::Role;
        match r {
            RoleArg::Admin => Role::Admin,
            RoleArg::Staff => Role::Staff,
            RoleArg::Leader => Role::Leader,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
#[value(rename_all = "camelCase")]
enum Kind {
    InspectionRecord,
    RectificationOrder,
    ReviewOpinion,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::InspectionRecord => "inspectionRecord",
            Kind::RectificationOrder => "rectificationOrder",
            Kind::ReviewOpinion => "reviewOpinion",
        }
    }
}

impl Database {
    /// The database named, or `district.db` in the platform's data directory for the
    /// server (`ANJIAN_SERVER_DATA` overrides the directory).
    fn location(&self) -> String {
        self.database.clone().unwrap_or_else(|| default_database().display().to_string())
    }

    fn open(&self) -> Result<Box<dyn Storage>, String> {
        let database = self.location();
        let opened: Result<Box<dyn Storage>, _> =
            if database.starts_with("postgres://") || database.starts_with("postgresql://") {
                PgStorage::open_with_ca(&database, self.database_ca.as_deref()).map(|s| Box::new(s) as Box<dyn Storage>)
            } else {
                SqliteStorage::open(Path::new(&database)).map(|s| Box::new(s) as Box<dyn Storage>)
            };
        opened.map_err(|e| format!("无法打开数据库 {}：{e}", redact(&database)))
    }
}

fn default_database() -> PathBuf {
    let base = std::env::var_os("ANJIAN_SERVER_DATA")
        .map(PathBuf::from)
        .or_else(|| dirs::data_dir().map(|d| d.join("anjian-server")))
        .unwrap_or_else(|| PathBuf::from("anjian-server-data"));
    base.join("district.db")
}

fn main() -> ExitCode {
    match run(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}

fn read(file: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(file).map_err(|e| format!("无法读取 {}：{e}", file.display()))
}

fn run(command: Command) -> Result<(), String> {
    match command {
        Command::Serve { listen, secure_cookies, db } => {
            let storage: Arc<dyn Storage> = Arc::from(db.open()?);
            let database = redact(&db.location());
            let rt = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
            rt.block_on(async move {
                let listener =
                    tokio::net::TcpListener::bind(listen).await.map_err(|e| format!("无法监听 {listen}：{e}"))?;
                let addr = listener.local_addr().map_err(|e| e.to_string())?;
                println!("anjian-server listening on http://{addr} (database {database})");
                anjian_server::serve(
                    listener,
                    storage,
                    anjian_server::ServeOptions { secure_cookies },
                    shutdown_signal(),
                )
                .await
                .map_err(|e| e.to_string())
            })
        }
        Command::User { command: UserCommand::Add { name, role, db } } => {
            let storage = db.open()?;
            let role = anjian_server::console::Role::from(role);
            let password =
                anjian_server::console::add_user(storage.as_ref(), &name, role).map_err(|e| e.to_string())?;
            println!("{password}");
            eprintln!("{name}（{}）的一次性密码，首次登录时须修改。", role.title());
            Ok(())
        }
        Command::User { command: UserCommand::Reset { name, db } } => {
            let storage = db.open()?;
            let password = anjian_server::console::reset_user(storage.as_ref(), &name).map_err(|e| e.to_string())?;
            println!("{password}");
            eprintln!("{name} 的新一次性密码，登录时须修改；原有会话已退出。");
            Ok(())
        }
        Command::User { command: UserCommand::List { db } } => {
            for row in anjian_server::console::users(db.open()?.as_ref()).map_err(|e| e.to_string())? {
                let col = |i: usize| row.get(i).cloned().flatten().unwrap_or_default();
                let role = anjian_server::console::Role::parse(&col(1)).map_or(col(1), |r| r.title().to_owned());
                let mut state = Vec::new();
                if col(2) == "1" {
                    state.push("待改初始密码".to_owned());
                }
                if !col(3).is_empty() {
                    state.push(format!("锁定至 {}", col(3)));
                }
                if !col(4).is_empty() {
                    state.push(format!("已停用 {}", col(4)));
                }
                println!("{}\t{role}\t{}\t建于 {}", col(0), state.join("，"), col(5));
            }
            Ok(())
        }
        Command::Openapi { console } => {
            let doc = if console {
                <anjian_server::console::ConsoleDoc as utoipa::OpenApi>::openapi()
            } else {
                <anjian_server::ApiDoc as utoipa::OpenApi>::openapi()
            };
            println!("{}", doc.to_pretty_json().map_err(|e| e.to_string())?);
            Ok(())
        }
        Command::Enrol { name, cert, db } => {
            let storage = db.open()?;
            let code = anjian_server::enrol(storage.as_ref(), &name, &cert, 7).map_err(|e| e.to_string())?;
            println!("{code}");
            eprintln!("{name}（{cert}）的配对码，7天内有效，只能使用一次。");
            Ok(())
        }
        Command::Devices { db } => {
            for d in db.open()?.devices().map_err(|e| e.to_string())? {
                let state = match (&d.revoked_at, d.wipe) {
                    (None, _) => "使用中".to_owned(),
                    (Some(t), false) => format!("已停用 {t}"),
                    (Some(t), true) => format!("已停用并要求清除数据 {t}"),
                };
                let state = match &d.revocation_told_at {
                    Some(t) => format!("{state}（设备 {t} 已知悉）"),
                    None => state,
                };
                println!(
                    "{}\t{}\t{}（{}）\t{}\t{state}",
                    d.id, d.name, d.inspector_name, d.inspector_cert_no, d.paired_at
                );
            }
            Ok(())
        }
        Command::Revoke { device, wipe, db } => {
            let now = chrono::Utc::now().to_rfc3339();
            db.open()?.revoke(&device, &now, wipe).map_err(|e| e.to_string())?;
            if wipe {
                println!("设备 {device} 已停用，下次联网时将清除本机数据和密钥");
            } else {
                println!("设备 {device} 已停用，本机数据保留，不再同步");
            }
            Ok(())
        }
        Command::ImportUnsent { file, db } => {
            let bytes = read(&file)?;
            let storage = db.open()?;
            let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            let report = anjian_server::unsent::import(storage.as_ref(), &bytes, &now).map_err(|e| e.to_string())?;
            println!(
                "设备 {}（第{}部分，共{}部分）：导入 {} 条，已有 {} 条（此前已同步或导入），附件 {} 个，拒收 {} 条",
                report.device_id,
                report.part,
                report.parts,
                report.applied,
                report.duplicates,
                report.attachments,
                report.refused.len()
            );
            for r in &report.refused {
                println!("拒收 {}：{}", r.change_id, r.reason);
            }
            Ok(())
        }
        Command::Import { file, db } => {
            let bytes = read(&file)?;
            let storage = db.open()?;
            let name = file.display().to_string();
            let report = anjian_server::import_enterprises(storage.as_ref(), &name, &bytes, chrono::Utc::now())
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
        Command::PublishChecklist { file, db } => {
            let body = String::from_utf8(read(&file)?).map_err(|_| format!("{} 不是 UTF-8 文本", file.display()))?;
            let name =
                file.file_name().map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
            let storage = db.open()?;
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
        Command::Grant { device, kind, year, count, db } => {
            let year = year.unwrap_or_else(|| chrono::Datelike::year(&anjian_core::beijing::today(chrono::Utc::now())));
            let storage = db.open()?;
            let b =
                anjian_server::grant_numbers(storage.as_ref(), &device, kind.as_str(), year, count, chrono::Utc::now())
                    .map_err(|e| e.to_string())?;
            println!("已分配 {} {}年 第{}号至第{}号", b.kind, b.year, b.first, b.last);
            Ok(())
        }
        Command::Refusals { db } => {
            let refusals = db.open()?.refusals().map_err(|e| e.to_string())?;
            if refusals.is_empty() {
                println!("没有被拒收的更改");
            }
            for r in &refusals {
                println!("{}\t设备 {}\t{} {}\t{}", r.received_at, r.device_id, r.record_type, r.record_id, r.reason);
            }
            Ok(())
        }
        Command::Rebuild { db } => {
            let storage = db.open()?;
            let before = storage.record_digests().map_err(|e| e.to_string())?;
            let read = storage.rebuild_records().map_err(|e| e.to_string())?;
            let after = storage.record_digests().map_err(|e| e.to_string())?;
            println!("已由 {read} 条更改重建记录表");
            let mut differed = false;
            for (b, a) in before.iter().zip(&after) {
                let same = b == a;
                differed |= !same;
                let state = if same {
                    "与重建前一致".to_owned()
                } else {
                    format!("重建前 {} 行，内容不同", b.rows)
                };
                println!("  {}	{} 行	{state}", a.table, a.rows);
            }
            if differed {
                eprintln!("重建前的记录表与更改日志不一致，现已按日志改正。");
            }
            Ok(())
        }
        Command::NumberConflicts { db } => {
            let conflicts = db.open()?.number_conflicts().map_err(|e| e.to_string())?;
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
