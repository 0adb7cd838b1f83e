//! Sync in the app: pairing with the district server, the background task that syncs
//! whenever the server is reachable, and what the 同步 page shows. The task runs on
//! its own thread with its own runtime, so both adapters (the window, the HTTP test
//! backend) get it the same way; it holds the store's lock only for each step.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use anjian_core::pairing::{self, PairingError};
use anjian_store::{KeyStore, Store, SyncLocal};
use anjian_sync::client::{Client, RetryPolicy, SyncError};
use anjian_sync::engine::{self, Phase, RoundError};
use base64::Engine;
use chrono::Utc;
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use crate::convert::{IdArgs, NoArgs, id};
use crate::{ApiError, App};

const SERVER: &str = "sync_server";
const TOKEN: &str = "sync_token";
const DEVICE: &str = "sync_device_id";
const DEVICE_NAME: &str = "sync_device_name";
const INSPECTOR: &str = "sync_inspector_name";
const INSPECTOR_CERT: &str = "sync_inspector_cert";
const LAST_SYNC: &str = "sync_last_at";
/// When the bureau's revocation (keeping the data) reached this device: no more syncs.
const REVOKED: &str = "sync_revoked_at";

/// How often the task tries while paired; sooner after a local change is not needed:
/// the inspector can press 立即同步.
const INTERVAL: Duration = Duration::from_secs(30);

/// The live state of the task, beside what the store keeps.
#[derive(Debug, Default)]
struct Live {
    running: bool,
    phase: Option<Phase>,
    done: u64,
    total: Option<u64>,
    last_attempt: Option<String>,
    last_error: Option<(String, String)>,
    offline: bool,
    received: u64,
    clock_skew_ms: Option<i64>,
    wake: bool,
    stop: bool,
}

#[derive(Debug)]
pub(crate) struct SyncTask {
    live: Mutex<Live>,
    bell: Condvar,
    /// The store's key, deleted when the bureau wipes this device.
    keys: Arc<dyn KeyStore>,
    /// The unencrypted copies made for printing, deleted with it.
    print_dir: std::path::PathBuf,
}

impl SyncTask {
    pub(crate) fn new(keys: Arc<dyn KeyStore>, print_dir: std::path::PathBuf) -> Arc<SyncTask> {
        Arc::new(SyncTask { live: Mutex::new(Live::default()), bell: Condvar::new(), keys, print_dir })
    }

    fn live(&self) -> MutexGuard<'_, Live> {
        self.live.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn ring(&self) {
        self.live().wake = true;
        self.bell.notify_all();
    }

    pub(crate) fn stop(&self) {
        self.live().stop = true;
        self.bell.notify_all();
    }

    /// Starts the background thread: a round at once if paired, then every
    /// `INTERVAL` or when woken.
    pub(crate) fn start(self: &Arc<Self>, store: Arc<Store>) {
        let task = self.clone();
        let spawned = std::thread::Builder::new().name("anjian-sync".into()).spawn(move || {
            // Two workers: the next pull page arrives while the last is written.
            let Ok(rt) = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() else {
                task.live().last_error = Some(("internal".into(), "无法启动同步任务".into()));
                return;
            };
            loop {
                let paired = store.setting(TOKEN).ok().flatten().is_some();
                if store.is_wiped() {
                    return;
                }
                if paired {
                    rt.block_on(task.round(&store));
                }
                index_pulled(&store);
                let mut live = task.live();
                if !live.wake && !live.stop {
                    live = task.bell.wait_timeout(live, INTERVAL).map(|(g, _)| g).unwrap_or_else(|p| p.into_inner().0);
                }
                if live.stop {
                    return;
                }
                live.wake = false;
            }
        });
        if spawned.is_err() {
            self.live().last_error = Some(("internal".into(), "无法启动同步任务".into()));
        }
    }

    pub(crate) async fn round(&self, store: &Arc<Store>) {
        let (server, token, device) = {
            let s = store;
            match (s.setting(SERVER), s.setting(TOKEN), s.setting(DEVICE)) {
                (Ok(Some(a)), Ok(Some(b)), Ok(Some(c))) => (a, b, c),
                _ => return,
            }
        };
        // A revoked device sends and fetches nothing, but still shows its token: the
        // bureau may ask for a wipe after it was told, and it must hear that.
        let revoked = store.setting(REVOKED).ok().flatten().is_some();
        if !revoked {
            let mut live = self.live();
            live.running = true;
            live.phase = Some(Phase::Push);
            live.done = 0;
            live.total = None;
            live.last_attempt = Some(Utc::now().to_rfc3339());
        }
        let policy = RetryPolicy { attempts: 3, ..RetryPolicy::default() };
        let result = match Client::new(&server, Some(token), policy) {
            Ok(client) if revoked => client.missing(&[]).await.map(|_| Default::default()).map_err(RoundError::Sync),
            Ok(client) => {
                let local = SyncLocal(store.clone());
                let progress = |phase: Phase, done: u64, total: Option<u64>| {
                    let mut live = self.live();
                    live.phase = Some(phase);
                    live.done = done;
                    live.total = total;
                };
                engine::round(&client, &local, &device, &progress).await
            }
            Err(e) => Err(RoundError::Sync(e)),
        };
        let mut live = self.live();
        live.running = false;
        live.phase = None;
        match result {
            // Revocation is never undone: a probe let through means nothing to keep.
            Ok(_) if revoked => {}
            Ok(report) => {
                live.received += report.applied;
                live.clock_skew_ms = report.clock_skew_ms.or(live.clock_skew_ms);
                live.last_error = None;
                live.offline = false;
                drop(live);
                let now = Utc::now().to_rfc3339();
                let _ = store.write(|w| w.set_setting(LAST_SYNC, &now));
            }
            Err(RoundError::Sync(e)) if matches!(e, SyncError::Network(_)) => {
                live.offline = true;
                live.last_error = Some(("sync_unreachable".into(), e.to_string()));
            }
            Err(RoundError::Sync(SyncError::Server { code, message, .. }))
                if code == anjian_sync::protocol::codes::DEVICE_WIPED =>
            {
                live.offline = false;
                live.stop = true;
                live.last_error = Some(("device_wiped".into(), message.clone()));
                drop(live);
                let notice = format!("{}\n{message}", Utc::now().to_rfc3339());
                crate::clear_print_dir(&self.print_dir);
                if let Err(e) = store.wipe(self.keys.as_ref(), &notice) {
                    let mut live = self.live();
                    live.last_error = Some(("storage".into(), format!("清除本机数据未完成：{e}")));
                    // Not begun (its notice not written): the next round tries again.
                    live.stop = store.is_wiped();
                }
            }
            Err(RoundError::Sync(SyncError::Server { code, message, .. }))
                if code == anjian_sync::protocol::codes::DEVICE_REVOKED =>
            {
                live.offline = false;
                live.last_error = Some(("device_revoked".into(), message.clone()));
                drop(live);
                if !revoked {
                    let now = Utc::now().to_rfc3339();
                    let _ = store.write(|w| w.set_setting(REVOKED, &now));
                }
            }
            Err(e) => {
                live.offline = false;
                let code = match &e {
                    RoundError::Sync(SyncError::Server { status, .. }) if *status < 500 => "sync_refused",
                    _ => "sync_failed",
                };
                live.last_error = Some((code.into(), e.to_string()));
            }
        }
    }
}

/// Writes the search-index entries of pulled records (left for after the pull, a first
/// sync brings years of them), a chunk per transaction so the inspector's work goes on.
fn index_pulled(store: &Store) {
    const CHUNK: u32 = 5_000;
    // A full chunk means more may wait; an error is tried again after the next round.
    while matches!(store.write(|w| w.index_backlog(CHUNK)), Ok(n) if n == CHUNK as usize) {}
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SyncErrorView {
    code: String,
    message: String,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub(crate) enum SyncState {
    Unpaired,
    /// The bureau revoked this device: it keeps its data and syncs no more.
    Revoked,
    Syncing,
    Offline,
    Error,
    Idle,
}

#[derive(Debug, Serialize, TS)]
pub(crate) struct SyncProgress {
    #[ts(type = "number")]
    done: u64,
    /// Unknown until the server says how many changes wait.
    #[ts(type = "number | null")]
    total: Option<u64>,
}

#[derive(Debug, Serialize, TS)]
pub(crate) struct SyncPending {
    #[ts(type = "number")]
    changes: u64,
    #[ts(type = "number")]
    attachments: u64,
}

/// What the 同步 page shows.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SyncStatus {
    paired: bool,
    server: Option<String>,
    device_name: Option<String>,
    inspector_name: Option<String>,
    inspector_cert_no: Option<String>,
    state: SyncState,
    phase: Option<Phase>,
    progress: Option<SyncProgress>,
    last_sync_at: Option<String>,
    last_attempt_at: Option<String>,
    last_error: Option<SyncErrorView>,
    pending: SyncPending,
    #[ts(type = "number")]
    received: u64,
    problems: Vec<anjian_store::SyncProblem>,
    /// How far this device's clock is off the server's, in whole minutes, when it is off by
    /// more than the rules allow (the page asks to set it); null when it is fine or unknown.
    #[ts(type = "number | null")]
    clock_off_minutes: Option<i64>,
    /// When the bureau's revocation reached this device (it syncs no more).
    revoked_at: Option<String>,
    /// A wipe the bureau asked for, done on this device before: when and why.
    wiped_notice: Option<String>,
}

pub(crate) fn status(app: &App, _: NoArgs) -> Result<SyncStatus, ApiError> {
    status_of(app)
}

fn status_of(app: &App) -> Result<SyncStatus, ApiError> {
    let store = app.store();
    let setting = |k: &str| store.setting(k);
    let token = setting(TOKEN)?;
    let pending = store.sync_pending()?;
    let problems = store.sync_problems()?;
    let (server, device_name, inspector, cert, last_sync) =
        (setting(SERVER)?, setting(DEVICE_NAME)?, setting(INSPECTOR)?, setting(INSPECTOR_CERT)?, setting(LAST_SYNC)?);
    let revoked_at = setting(REVOKED)?;
    let live = app.sync.live();
    let state = if token.is_none() {
        SyncState::Unpaired
    } else if revoked_at.is_some() {
        SyncState::Revoked
    } else if live.running {
        SyncState::Syncing
    } else if live.offline {
        SyncState::Offline
    } else if live.last_error.is_some() {
        SyncState::Error
    } else {
        SyncState::Idle
    };
    Ok(SyncStatus {
        paired: token.is_some(),
        server,
        device_name,
        inspector_name: inspector,
        inspector_cert_no: cert,
        state,
        phase: if live.running { live.phase } else { None },
        progress: live.running.then(|| SyncProgress { done: live.done, total: live.total }),
        last_sync_at: last_sync,
        last_attempt_at: live.last_attempt.clone(),
        last_error: live
            .last_error
            .as_ref()
            .map(|(code, message)| SyncErrorView { code: code.clone(), message: message.clone() }),
        pending: SyncPending { changes: pending.changes, attachments: pending.attachments },
        received: live.received,
        clock_off_minutes: live
            .clock_skew_ms
            .filter(|skew| anjian_sync::rules::clock_is_off(*skew))
            .map(|skew| (skew as f64 / 60_000.0).round() as i64),
        problems,
        revoked_at,
        wiped_notice: Store::wiped_notice(store.dir()),
    })
}

#[derive(Debug, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct SyncPairArgs {
    server: String,
    code: String,
    device_name: String,
}

/// The district server this device is paired with, if any.
pub(crate) fn server_address(store: &Store) -> Result<Option<String>, ApiError> {
    Ok(store.setting(SERVER)?)
}

pub(crate) fn pair(app: &App, a: SyncPairArgs) -> Result<SyncStatus, ApiError> {
    let pairing_field = |e: PairingError| field("invalid_value", e.field(), &e.to_string());
    let server = pairing::server_address(&a.server).map_err(pairing_field)?;
    let code = pairing::code(&a.code).map_err(pairing_field)?;
    let name = pairing::device_name(&a.device_name).map_err(pairing_field)?;
    let policy = RetryPolicy { attempts: 2, timeout: Duration::from_secs(10), ..RetryPolicy::default() };
    // On a thread of its own: the caller may itself be on an async runtime.
    let (base, device_name) = (server.clone(), name.to_owned());
    let answer = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ApiError::new("internal", format!("无法连接：{e}")))?;
        rt.block_on(async {
            let client = Client::new(&base, None, policy).map_err(sync_error)?;
            client.pair(&code, &device_name).await.map_err(sync_error)
        })
    })
    .join()
    .map_err(|_| ApiError::new("internal", "配对中断"))??;
    // A device with no inspector yet is the paired inspector's (设置 can change it).
    let profile = app.store().profile()?.is_none().then(|| anjian_core::inspector::InspectorInput {
        name: answer.inspector_name.clone(),
        cert_no: answer.inspector_cert_no.clone(),
        unit: String::new(),
    });
    app.store().write(|w| {
        if let Some(p) = &profile {
            w.save_profile(p)?;
        }
        w.set_setting(SERVER, &server)?;
        w.set_setting(TOKEN, &answer.token)?;
        w.set_setting(DEVICE, &answer.device_id)?;
        w.set_setting(DEVICE_NAME, name)?;
        w.set_setting(INSPECTOR, &answer.inspector_name)?;
        w.set_setting(INSPECTOR_CERT, &answer.inspector_cert_no)?;
        // Paired anew (re-enrolled): what waits is sent with the new pairing.
        w.clear_settings(&[REVOKED])
    })?;
    app.sync.ring();
    status_of(app)
}

pub(crate) fn now(app: &App, _: NoArgs) -> Result<SyncStatus, ApiError> {
    if app.store().setting(TOKEN)?.is_none() {
        return Err(ApiError::new("not_paired", "本机还没有与区局服务器配对"));
    }
    if app.store().setting(REVOKED)?.is_some() {
        return Err(ApiError::new("device_revoked", "本机已被区应急管理局停用，不再同步"));
    }
    {
        let mut live = app.sync.live();
        if !live.running {
            // Shown as syncing at once; the task takes it from here.
            live.running = true;
            live.phase = Some(Phase::Push);
        }
    }
    app.sync.ring();
    status_of(app)
}

pub(crate) fn unpair(app: &App, _: NoArgs) -> Result<SyncStatus, ApiError> {
    app.store().write(|w| w.clear_settings(&[TOKEN, DEVICE, INSPECTOR, INSPECTOR_CERT, REVOKED]))?;
    let mut live = app.sync.live();
    live.last_error = None;
    live.offline = false;
    drop(live);
    status_of(app)
}

/// The files of what a revoked device never sent.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UnsentExport {
    /// One file, or several where one would be too large (each imports on its own).
    paths: Vec<String>,
    #[ts(type = "number")]
    changes: u64,
    #[ts(type = "number")]
    attachments: u64,
}

/// Writes what this device never sent, encrypted for the server, to files in the export
/// directory, for the bureau to import (`anjian-server import-unsent`, or the console).
/// Only once the bureau has revoked the device: until then, sync sends it.
pub(crate) fn export_unsent(app: &App, _: NoArgs) -> Result<UnsentExport, ApiError> {
    use anjian_sync::device::Local;
    let store = app.store();
    let (Some(device), Some(token)) = (store.setting(DEVICE)?, store.setting(TOKEN)?) else {
        return Err(ApiError::new("not_paired", "本机还没有与区局服务器配对"));
    };
    if store.setting(REVOKED)?.is_none() {
        return Err(ApiError::new("refused", "操作未执行：本机没有被停用，未上传的记录会在同步时上传"));
    }
    let local = SyncLocal(app.store.clone());
    let storage = |e: anjian_sync::device::LocalError| ApiError::new("storage", format!("读取未上传的记录失败：{e}"));
    let out = local.outgoing(&device, usize::MAX).map_err(storage)?;
    let mut attachments = Vec::with_capacity(out.attachments.len());
    for sha in &out.attachments {
        let bytes = local.attachment_bytes(sha).map_err(storage)?;
        attachments.push(anjian_sync::unsent::UnsentAttachment {
            sha256: sha.clone(),
            data_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
        });
    }
    let now = Utc::now();
    let (changes, attachment_count) = (out.changes.len() as u64, attachments.len() as u64);
    let parts = anjian_sync::unsent::split(&now.to_rfc3339(), out.changes, attachments);
    let day = anjian_core::beijing::today(now).format("%Y%m%d");
    let stem = format!("安检未上传记录-{}-{day}", store.setting(INSPECTOR)?.unwrap_or_default());
    let io = |e: std::io::Error| ApiError::new("storage", format!("无法写出文件：{e}"));
    std::fs::create_dir_all(&app.export_dir).map_err(io)?;
    let total = parts.len() as u32;
    let mut paths = Vec::with_capacity(parts.len());
    for (n, part) in (1..).zip(&parts) {
        let file = anjian_sync::unsent::seal(part, &device, n, total, &token)
            .map_err(|e| ApiError::new("internal", e.to_string()))?;
        let name = if total == 1 { format!("{stem}.json") } else { format!("{stem}-{n}之{total}.json") };
        let path = app.export_dir.join(name);
        // Written beside, then renamed: never half a file under the final name.
        let partial = path.with_extension("part");
        std::fs::write(&partial, &file).map_err(io)?;
        std::fs::rename(&partial, &path).map_err(io)?;
        paths.push(path.display().to_string());
    }
    Ok(UnsentExport { paths, changes, attachments: attachment_count })
}

/// A value of an enterprise that lost a merge (two devices changed the same field).
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FieldOverwrite {
    field: String,
    /// The field's name as the form shows it.
    label: &'static str,
    kept: Option<String>,
    overwritten: Option<String>,
    kept_at: Option<String>,
    overwritten_at: Option<String>,
}

pub(crate) fn overwrites(app: &App, a: IdArgs) -> Result<Vec<FieldOverwrite>, ApiError> {
    let rows = app.store().enterprise_overwrites(id(&a.id)?)?;
    Ok(rows
        .into_iter()
        .map(|o| FieldOverwrite {
            label: anjian_core::validate::label(&o.field),
            kept: shown(&o.kept),
            overwritten: shown(&o.overwritten),
            kept_at: rev_time(&o.kept_rev),
            overwritten_at: rev_time(&o.overwritten_rev),
            field: o.field,
        })
        .collect())
}

/// A field's value as the inspector reads it.
fn shown(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(if *b { "是" } else { "否" }.to_owned()),
        Value::Array(items) => Some(items.iter().filter_map(shown).collect::<Vec<_>>().join("、")),
        other => Some(other.to_string()),
    }
}

/// When the write behind a revision happened (its wall clock part).
fn rev_time(rev: &str) -> Option<String> {
    let hlc: anjian_core::hlc::Hlc = rev.parse().ok()?;
    chrono::DateTime::from_timestamp_millis(i64::try_from(hlc.wall_ms).ok()?).map(|t| t.to_rfc3339())
}

fn field(code: &'static str, field: &'static str, message: &str) -> ApiError {
    ApiError { field: Some(field), ..ApiError::new(code, message) }
}

fn sync_error(e: SyncError) -> ApiError {
    match e {
        SyncError::Network(_) => ApiError::new("sync_unreachable", "连不上区局服务器：请检查服务器地址和网络"),
        SyncError::Server { status, message, .. } if status < 500 => ApiError::new("sync_refused", message),
        other => ApiError::new("sync_failed", other.to_string()),
    }
}
