//! The bureau's console on the district server: its JSON API under `/api/console`
//! (cookie sessions, CSRF tokens, roles, the audit log), the built Vue console at `/`,
//! and the public page `/v/` that verifies a printed document.
//!
//! Handlers translate and never decide: accounts and their rules are in `accounts`,
//! what is read of the records in `records`.

pub mod accounts;
mod assets;
pub mod export;
mod jobs;
pub mod plans;
pub mod records;
pub mod tasks;
mod verify;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::{ApiError, Body};
use crate::storage::{Param, Sql, Storage, StorageError};
use accounts::{Session, SignIn};
use jobs::ExportStatus;
use records::{
    AuditPage, DeviceRow, DocumentPage, DocumentQuery, EnterpriseDetail, EnterprisePage, EnterpriseQuery, HazardPage,
    HazardQuery, InspectionPage, InspectionQuery, Overview, PageQuery, Period, Reference,
};

pub(crate) const MIGRATION: &str = include_str!("../../migrations/common/0007_console.sql");

/// The session cookie's name.
pub const COOKIE: &str = "anjian_console";
/// The header carrying the session's CSRF token on every request that changes something.
pub const CSRF_HEADER: &str = "x-csrf-token";

pub(crate) fn text(s: &str) -> Param {
    Param::Text(Some(s.to_owned()))
}

/// What an account may do; each role may do what the ones before it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 领导: reads everything.
    Leader,
    /// 工作人员: also exports and puts 重大隐患 under 督办.
    Staff,
    /// 管理员: also people, devices, imports, checklists, numbers and accounts.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Staff, Role::Leader];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Leader => "leader",
            Role::Staff => "staff",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn title(self) -> &'static str {
        match self {
            Role::Leader => "领导",
            Role::Staff => "工作人员",
            Role::Admin => "管理员",
        }
    }
}

/// Requests per minute one address may make of the sign-in and of /v/.
const SIGN_INS_PER_MINUTE: u32 = 20;
const VERIFICATIONS_PER_MINUTE: u32 = 30;

/// A fixed one-minute window per address: enough to stop guessing, nothing to configure.
#[derive(Debug, Default)]
pub struct Limiter {
    windows: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl Limiter {
    /// Whether one more request from `address` is allowed now. An IPv6 address counts
    /// with its /64 (one household or device holds the whole of it).
    fn allow(&self, address: IpAddr, per_minute: u32) -> bool {
        let address = client_key(address);
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if windows.len() > 10_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(60));
        }
        let (start, count) = windows.entry(address).or_insert((now, 0));
        if now.duration_since(*start) >= Duration::from_secs(60) {
            *start = now;
            *count = 0;
        }
        *count += 1;
        *count <= per_minute
    }
}

/// The address a limit counts by: IPv4 as it is (also when mapped into IPv6), IPv6 by
/// its /64.
fn client_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(std::net::Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
        },
        v4 => v4,
    }
}

#[derive(Clone)]
pub struct ConsoleState {
    pub storage: Arc<dyn Storage>,
    sign_ins: Arc<Limiter>,
    verifications: Arc<Limiter>,
    exports: Arc<jobs::Jobs>,
    /// Cookies marked Secure: set when the console is reached over HTTPS (a proxy).
    secure_cookies: bool,
}

impl std::fmt::Debug for ConsoleState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConsoleState")
    }
}

/// The console's routes, /v/ and the built console's files.
pub fn router(storage: Arc<dyn Storage>, secure_cookies: bool) -> Router {
    let state = ConsoleState {
        storage,
        sign_ins: Arc::default(),
        verifications: Arc::default(),
        exports: Arc::default(),
        secure_cookies,
    };
    Router::new()
        .route("/api/console/login", post(login))
        .route("/api/console/logout", post(logout))
        .route("/api/console/me", get(me))
        .route("/api/console/password", post(password))
        .route("/api/console/reference", get(reference))
        .route("/api/console/overview", get(overview))
        .route("/api/console/hazards", get(hazards))
        .route("/api/console/hazards/export/{format}", post(export_hazards))
        .route("/api/console/hazards/{id}/supervision", post(supervise))
        .route("/api/console/hazards/{id}/supervision/lift", post(lift_supervision))
        .route("/api/console/inspections", get(inspections))
        .route("/api/console/inspections/{id}", get(inspection))
        .route("/api/console/enterprises", get(enterprises))
        .route("/api/console/enterprises/export/{format}", post(export_enterprises))
        .route(
            "/api/console/enterprises/import",
            post(import_enterprises)
                .layer(axum::extract::DefaultBodyLimit::max(crate::import::MAX_BYTES + 1024 * 1024)),
        )
        .route("/api/console/overview/export/{format}", post(export_overview))
        .route("/api/console/plan/classes", get(class_plan))
        .route("/api/console/plan/rates", post(set_class_rates))
        .route("/api/console/plan/inspectors", get(plan_inspectors))
        .route("/api/console/plan/relations", get(relations).post(add_relation))
        .route("/api/console/plan/relations/remove", post(remove_relation))
        .route("/api/console/year-plans", get(year_plans).post(save_year_plan))
        .route("/api/console/year-plans/{id}", get(year_plan))
        .route("/api/console/year-plans/{id}/publish", post(publish_year_plan))
        .route("/api/console/draws", get(draws).post(make_draw))
        .route("/api/console/draws/{id}", get(draw))
        .route("/api/console/draws/{id}/export/{format}", post(export_draw))
        .route("/api/console/draws/{id}/tasks", post(draw_tasks))
        .route("/api/console/year-plans/{id}/tasks", post(plan_tasks))
        .route("/api/console/tasks", get(task_list))
        .route("/api/console/tasks/progress", get(task_progress))
        .route("/api/console/tasks/{id}/cancel", post(cancel_task))
        .route("/api/console/exports/{id}", get(export_status))
        .route("/api/console/exports/{id}/file", get(export_file))
        .route("/api/console/enterprises/{id}", get(enterprise))
        .route("/api/console/enterprises/{id}/class", post(set_enterprise_class))
        .route("/api/console/documents", get(documents))
        .route("/api/console/documents/{id}", get(document))
        .route("/api/console/documents/{id}/pdf", get(document_pdf))
        .route("/api/console/number-conflicts", get(number_conflicts))
        .route("/api/console/audit", get(audit))
        .route("/api/console/devices", get(devices))
        .route("/api/console/checklists", get(checklists).post(publish_checklist))
        .route("/api/console/devices/{id}/revoke", post(revoke))
        .route(
            "/api/console/devices/unsent",
            post(import_unsent).layer(axum::extract::DefaultBodyLimit::max(anjian_sync::unsent::MAX_FILE)),
        )
        .route("/api/console/inspectors", post(enrol))
        .route("/api/console/openapi.json", get(openapi))
        .route("/api/console/{*rest}", axum::routing::any(no_route))
        .route("/v", get(verify::lookup))
        .route("/v/{code}", get(verify::page))
        .fallback(assets::serve)
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

async fn no_route() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这个接口")
}

/// What every console answer carries: no framing by other sites, no sniffing, no
/// referrer leaving the district's pages, scripts only from the server itself.
async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        ),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    res
}

/// The address a request came from (the listener's peer; behind a proxy, the proxy).
fn address(parts: &Parts) -> Option<IpAddr> {
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())
}

fn address_text(parts: &Parts) -> String {
    address(parts).map(|a| a.to_string()).unwrap_or_default()
}

/// The peer's address, if the listener recorded it.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Peer(address(parts)))
    }
}

/// Runs `work` in one transaction on a blocking thread.
async fn transact<T: Send + 'static>(
    storage: &Arc<dyn Storage>,
    work: impl FnOnce(&mut dyn Sql) -> crate::storage::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    let storage = storage.clone();
    tokio::task::spawn_blocking(move || {
        let mut work = Some(work);
        let mut out = None;
        storage.transact(&mut |sql| {
            if let Some(work) = work.take() {
                out = Some(work(sql)?);
            }
            Ok(())
        })?;
        out.ok_or_else(|| StorageError::Database("transaction ran nothing".into()))
    })
    .await
    .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "服务器内部错误，请稍后再试"))?
    .map_err(console_error)
}

/// Runs `work` in one read-only snapshot on a blocking thread: everything it reads is
/// of one moment, and it holds back no sync while it reads.
async fn read<T: Send + 'static>(
    storage: &Arc<dyn Storage>,
    work: impl FnOnce(&mut dyn Sql) -> crate::storage::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    let storage = storage.clone();
    tokio::task::spawn_blocking(move || {
        let mut work = Some(work);
        let mut out = None;
        storage.read(&mut |sql| {
            if let Some(work) = work.take() {
                out = Some(work(sql)?);
            }
            Ok(())
        })?;
        out.ok_or_else(|| StorageError::Database("snapshot ran nothing".into()))
    })
    .await
    .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "服务器内部错误，请稍后再试"))?
    .map_err(console_error)
}

/// Waits until the notes of pulls answered so far are written (pages showing which device
/// holds what read them).
async fn pulls_written(storage: &Arc<dyn Storage>) -> Result<(), ApiError> {
    let storage = storage.clone();
    tokio::task::spawn_blocking(move || storage.pull_notes_written())
        .await
        .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "服务器内部错误，请稍后再试"))?
        .map_err(console_error)
}

/// The console's reading of a storage error: a refused input is the person's to fix.
/// Password checks at once, at most: each argon2 check takes 19 MiB and a core for tens
/// of milliseconds; more would only queue for the cores and could exhaust memory.
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Runs an argon2 check or hash off the async threads, two at a time.
async fn hashing<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, StorageError> + Send + 'static,
) -> Result<T, ApiError> {
    let _permit = HASHING
        .acquire()
        .await
        .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "服务器内部错误，请稍后再试"))?;
    blocking(work, console_error).await
}

/// Runs blocking work (storage, hashing) off the async threads, its error translated.
async fn blocking<T: Send + 'static, E: Send + 'static>(
    work: impl FnOnce() -> Result<T, E> + Send + 'static,
    error: fn(E) -> ApiError,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "服务器内部错误，请稍后再试"))?
        .map_err(error)
}

fn console_error(e: StorageError) -> ApiError {
    match e {
        StorageError::Refused(why) => ApiError::bad(why),
        other => ApiError::from(other),
    }
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn same_bytes(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether a request that changes something comes from the console's own pages: not
/// from another site (the browser says so in `Sec-Fetch-Site` and `Origin`).
fn same_origin(headers: &HeaderMap) -> bool {
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site" || v == "same-site")
    {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    origin.split_once("://").is_some_and(|(_, rest)| rest == host)
}

/// A signed-in request. For one that changes something, the CSRF token was checked; an
/// account still on its one-time password may only change it (`Signed::any`).
#[derive(Debug)]
pub struct Signed {
    session: Session,
    address: String,
}

/// A signed-in request whatever the state of the password: me, password, logout.
#[derive(Debug)]
pub struct SignedAny(Signed);

/// A signed-in 工作人员 or 管理员: a leader is refused before the request's body is read.
#[derive(Debug)]
pub struct Staff(Signed);

/// A signed-in 管理员, refused otherwise before the request's body is read.
#[derive(Debug)]
pub struct Admin(Signed);

impl Signed {
    fn require(self, role: Role) -> Result<Signed, ApiError> {
        if self.session.role < role {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!("需要{}权限，当前账号是{}", role.title(), self.session.role.title()),
            ));
        }
        Ok(self)
    }
}

impl FromRequestParts<ConsoleState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ConsoleState) -> Result<Self, ApiError> {
        Signed::from_request_parts(parts, state).await?.require(Role::Staff).map(Staff)
    }
}

impl FromRequestParts<ConsoleState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ConsoleState) -> Result<Self, ApiError> {
        Signed::from_request_parts(parts, state).await?.require(Role::Admin).map(Admin)
    }
}

impl FromRequestParts<ConsoleState> for SignedAny {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ConsoleState) -> Result<Self, ApiError> {
        let unauthorised = || ApiError::new(StatusCode::UNAUTHORIZED, "unauthorised", "请先登录");
        let token = cookie_token(&parts.headers).ok_or_else(unauthorised)?;
        let session = transact(&state.storage, move |sql| accounts::session(sql, &token, Utc::now()))
            .await?
            .ok_or_else(unauthorised)?;
        if !matches!(parts.method, Method::GET | Method::HEAD) {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
            if !same_bytes(sent, &session.csrf) || !same_origin(&parts.headers) {
                return Err(ApiError::new(StatusCode::FORBIDDEN, "csrf", "请求来源无法确认，请刷新页面后再试"));
            }
        }
        Ok(SignedAny(Signed { session, address: address_text(parts) }))
    }
}

impl FromRequestParts<ConsoleState> for Signed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ConsoleState) -> Result<Self, ApiError> {
        let SignedAny(signed) = SignedAny::from_request_parts(parts, state).await?;
        if signed.session.must_change {
            return Err(ApiError::new(StatusCode::FORBIDDEN, "must_change_password", "请先修改初始密码"));
        }
        Ok(signed)
    }
}

/// Query strings with our error for anything malformed.
#[derive(Debug)]
pub struct Q<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequestParts<S> for Q<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| Q(q))
            .map_err(|e| ApiError::bad(format!("查询条件无效：{}", e.body_text())))
    }
}

/// The signed-in person as the console sees them.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub name: String,
    pub role: Role,
    /// Still on the one-time password: nothing else until it is changed.
    pub must_change_password: bool,
    /// Sent back in `X-CSRF-Token` with every request that changes something.
    pub csrf: String,
}

impl Me {
    fn of(s: &Session) -> Me {
        Me { name: s.name.clone(), role: s.role, must_change_password: s.must_change, csrf: s.csrf.clone() }
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(max_length = 30)]
    pub name: String,
    #[schema(max_length = 128)]
    pub password: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
}

fn session_cookie(state: &ConsoleState, token: &str, max_age: i64) -> HeaderValue {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"))
        .unwrap_or_else(|_| HeaderValue::from_static("anjian_console=; Path=/; Max-Age=0"))
}

#[utoipa::path(post, path = "/api/console/login", tag = "console", request_body = LoginRequest, responses(
    (status = 200, description = "已登录；会话在 HttpOnly Cookie 中", body = Me),
    (status = 401, description = "姓名或密码不对", body = anjian_sync::protocol::ErrorBody),
    (status = 423, description = "连续输错，账号已锁定", body = anjian_sync::protocol::ErrorBody),
    (status = 429, description = "登录过于频繁", body = anjian_sync::protocol::ErrorBody)))]
async fn login(
    State(state): State<ConsoleState>,
    headers: HeaderMap,
    Peer(peer): Peer,
    Body(req): Body<LoginRequest>,
) -> Result<Response, ApiError> {
    if !same_origin(&headers) {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "csrf", "请求来源无法确认，请从控制台页面登录"));
    }
    if let Some(ip) = peer
        && !state.sign_ins.allow(ip, SIGN_INS_PER_MINUTE)
    {
        return Err(ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many", "登录过于频繁，请一分钟后再试"));
    }
    if req.name.chars().count() > 30 || req.password.chars().count() > 128 {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "bad_login", "姓名或密码不对"));
    }
    let from = peer.map(|a| a.to_string()).unwrap_or_default();
    let name = req.name.clone();
    let before = transact(&state.storage, move |sql| accounts::before_sign_in(sql, &name, Utc::now())).await?;
    // The password checked outside any transaction (argon2 is slow); a locked account's
    // not at all.
    let checked = match before {
        accounts::Before::Locked(until) => Err(until),
        accounts::Before::Check(stored) => {
            let (password, against) = (req.password.clone(), stored.clone());
            let matched =
                hashing(move || Ok::<_, StorageError>(accounts::check_password(&password, against.as_deref()))).await?;
            Ok((stored, matched))
        }
    };
    let outcome = transact(&state.storage, move |sql| {
        let now = Utc::now();
        let outcome = match checked {
            Err(until) => SignIn::Locked(until),
            Ok((None, _)) => SignIn::Refused,
            Ok((Some(stored), matched)) => accounts::sign_in(sql, &req.name, &stored, matched, now)?,
        };
        let (action, detail) = match &outcome {
            SignIn::Ok { .. } => ("登录", String::new()),
            SignIn::Refused => ("登录失败", "姓名或密码不对".to_owned()),
            SignIn::Locked(until) => ("登录被拒", format!("账号锁定至 {}", accounts::stamp(*until))),
        };
        accounts::audit(sql, &req.name, action, &detail, &from, now)?;
        Ok(outcome)
    })
    .await?;
    match outcome {
        SignIn::Ok { token, session } => {
            let mut res = Json(Me::of(&session)).into_response();
            let max_age = accounts::SESSION_HOURS * 3600;
            res.headers_mut().insert(header::SET_COOKIE, session_cookie(&state, &token, max_age));
            Ok(res)
        }
        SignIn::Refused => Err(ApiError::new(StatusCode::UNAUTHORIZED, "bad_login", "姓名或密码不对")),
        SignIn::Locked(until) => {
            let minutes = ((until - Utc::now()).num_seconds() + 59) / 60;
            Err(ApiError::new(
                StatusCode::LOCKED,
                "locked",
                format!("密码连续输错{}次，账号已锁定，请{}分钟后再试", accounts::MAX_FAILURES, minutes.max(1)),
            ))
        }
    }
}

#[utoipa::path(post, path = "/api/console/logout", tag = "console", responses((status = 204, description = "已退出")))]
async fn logout(State(state): State<ConsoleState>, SignedAny(signed): SignedAny) -> Result<Response, ApiError> {
    transact(&state.storage, move |sql| {
        accounts::sign_out(sql, &signed.session)?;
        accounts::audit(sql, &signed.session.name, "退出登录", "", &signed.address, Utc::now())
    })
    .await?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().insert(header::SET_COOKIE, session_cookie(&state, "", 0));
    Ok(res)
}

#[utoipa::path(get, path = "/api/console/me", tag = "console", responses(
    (status = 200, description = "当前登录的人", body = Me),
    (status = 401, description = "未登录", body = anjian_sync::protocol::ErrorBody)))]
async fn me(SignedAny(signed): SignedAny) -> Json<Me> {
    Json(Me::of(&signed.session))
}

#[utoipa::path(post, path = "/api/console/password", tag = "console", request_body = PasswordChange, responses(
    (status = 200, description = "已修改；其他会话已退出", body = Me),
    (status = 400, description = "原密码不对或新密码不合要求", body = anjian_sync::protocol::ErrorBody),
    (status = 423, description = "原密码连续输错五次：账号锁定15分钟，会话已结束", body = anjian_sync::protocol::ErrorBody)))]
async fn password(
    State(state): State<ConsoleState>,
    SignedAny(signed): SignedAny,
    Body(req): Body<PasswordChange>,
) -> Result<Json<Me>, ApiError> {
    let mut session = signed.session.clone();
    let reading = signed.session.clone();
    let stored = transact(&state.storage, move |sql| accounts::stored_hash(sql, &reading)).await?;
    let (name, seen) = (signed.session.name.clone(), stored.clone());
    let prepared = hashing(move || accounts::prepare_change(&seen, &req.current, &req.new, &name)).await?;
    let outcome = transact(&state.storage, move |sql| {
        let now = Utc::now();
        let outcome = accounts::change_password(sql, &signed.session, &stored, &prepared, now)?;
        let (action, detail) = match &outcome {
            accounts::PasswordChange::Changed(_) => ("修改密码", String::new()),
            accounts::PasswordChange::WrongCurrent => ("修改密码被拒", "原密码不对".to_owned()),
            accounts::PasswordChange::Locked(until) => {
                ("修改密码被拒", format!("原密码连续输错，账号锁定至 {}", accounts::stamp(*until)))
            }
        };
        accounts::audit(sql, &signed.session.name, action, &detail, &signed.address, now)?;
        Ok(outcome)
    })
    .await?;
    match outcome {
        accounts::PasswordChange::Changed(csrf) => {
            session.csrf = csrf;
            session.must_change = false;
            Ok(Json(Me::of(&session)))
        }
        accounts::PasswordChange::WrongCurrent => Err(ApiError::bad("原密码不对")),
        accounts::PasswordChange::Locked(_) => Err(ApiError::new(
            StatusCode::LOCKED,
            "locked",
            format!("原密码连续输错{}次，账号已锁定{}分钟并已退出登录", accounts::MAX_FAILURES, accounts::LOCK_MINUTES),
        )),
    }
}

#[utoipa::path(get, path = "/api/console/reference", tag = "console", responses((status = 200, description = "镇街、行业、文书种类", body = Reference)))]
async fn reference(_: Signed) -> Json<Reference> {
    Json(records::reference())
}

#[utoipa::path(get, path = "/api/console/overview", tag = "console", params(Period), responses(
    (status = 200, description = "期间内的各项数字及按镇街、行业、月的分解", body = Overview),
    (status = 400, description = "日期无效", body = anjian_sync::protocol::ErrorBody)))]
async fn overview(State(state): State<ConsoleState>, _: Signed, Q(p): Q<Period>) -> Result<Json<Overview>, ApiError> {
    let (from, to) = records::period(&p.from, &p.to).map_err(console_error)?;
    let today = anjian_core::beijing::today(Utc::now());
    read(&state.storage, move |sql| records::overview(sql, &from, &to, today)).await.map(Json)
}

#[utoipa::path(get, path = "/api/console/hazards", tag = "console", params(HazardQuery), responses(
    (status = 200, description = "隐患台账的一页", body = HazardPage),
    (status = 400, description = "筛选条件无效", body = anjian_sync::protocol::ErrorBody)))]
async fn hazards(
    State(state): State<ConsoleState>,
    _: Signed,
    Q(q): Q<HazardQuery>,
) -> Result<Json<HazardPage>, ApiError> {
    let today = anjian_core::beijing::today(Utc::now());
    read(&state.storage, move |sql| records::hazards(sql, &q, today)).await.map(Json)
}

#[utoipa::path(post, path = "/api/console/hazards/export/{format}", tag = "console",
    params(("format" = String, Path, description = "xlsx 或 csv"), HazardQuery),
    responses(
    (status = 202, description = "已开始生成隐患台账（按筛选条件，全部行）的文件：进度见 /api/console/exports/{id}", body = ExportStatus),
    (status = 400, description = "格式或筛选条件无效", body = anjian_sync::protocol::ErrorBody),
    (status = 403, description = "领导账号只能查看，不能导出", body = anjian_sync::protocol::ErrorBody),
    (status = 429, description = "正在进行的导出太多", body = anjian_sync::protocol::ErrorBody)))]
async fn export_hazards(
    State(state): State<ConsoleState>,
    staff: Staff,
    axum::extract::Path(format): axum::extract::Path<String>,
    Q(filters): Q<HazardQuery>,
) -> Result<(StatusCode, Json<ExportStatus>), ApiError> {
    let today = anjian_core::beijing::today(Utc::now());
    records::check_hazard_query(&filters, today).map_err(console_error)?;
    let export = Export { title: "隐患台账", file_stem: "hazards", format: export_format(&format)? };
    start_export(state, staff, export, move |sql, format, path, progress| {
        export::hazards(sql, &filters, today, format, path, progress)
    })
}

#[utoipa::path(post, path = "/api/console/enterprises/export/{format}", tag = "console",
    params(("format" = String, Path, description = "xlsx 或 csv"), EnterpriseQuery),
    responses(
    (status = 202, description = "已开始生成单位名录（按筛选条件，全部行）的文件：进度见 /api/console/exports/{id}", body = ExportStatus),
    (status = 400, description = "格式或筛选条件无效", body = anjian_sync::protocol::ErrorBody),
    (status = 403, description = "领导账号只能查看，不能导出", body = anjian_sync::protocol::ErrorBody),
    (status = 429, description = "正在进行的导出太多", body = anjian_sync::protocol::ErrorBody)))]
async fn export_enterprises(
    State(state): State<ConsoleState>,
    staff: Staff,
    axum::extract::Path(format): axum::extract::Path<String>,
    Q(filters): Q<EnterpriseQuery>,
) -> Result<(StatusCode, Json<ExportStatus>), ApiError> {
    records::check_enterprise_query(&filters).map_err(console_error)?;
    let export = Export { title: "单位名录", file_stem: "enterprises", format: export_format(&format)? };
    start_export(state, staff, export, move |sql, format, path, progress| {
        export::enterprises(sql, &filters, format, path, progress)
    })
}

#[utoipa::path(post, path = "/api/console/overview/export/{format}", tag = "console",
    params(("format" = String, Path, description = "xlsx 或 csv"), Period),
    responses(
    (status = 202, description = "已开始生成期间内的统计汇总表（合计、按镇街、行业、月，文书）：进度见 /api/console/exports/{id}", body = ExportStatus),
    (status = 400, description = "格式或日期无效", body = anjian_sync::protocol::ErrorBody),
    (status = 403, description = "领导账号只能查看，不能导出", body = anjian_sync::protocol::ErrorBody),
    (status = 429, description = "正在进行的导出太多", body = anjian_sync::protocol::ErrorBody)))]
async fn export_overview(
    State(state): State<ConsoleState>,
    staff: Staff,
    axum::extract::Path(format): axum::extract::Path<String>,
    Q(p): Q<Period>,
) -> Result<(StatusCode, Json<ExportStatus>), ApiError> {
    let (from, to) = records::period(&p.from, &p.to).map_err(console_error)?;
    let today = anjian_core::beijing::today(Utc::now());
    let export = Export { title: "统计汇总", file_stem: "statistics", format: export_format(&format)? };
    start_export(state, staff, export, move |sql, format, path, progress| {
        export::statistics(&records::overview(sql, &from, &to, today)?, format, path, progress)
    })
}

/// Which year's plan.
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// 年度（2000–2100）
    pub year: i32,
}

#[utoipa::path(get, path = "/api/console/plan/classes", tag = "console", params(YearQuery), responses(
    (status = 200, description = "分类分级：各类单位数、每年检查次数、逐月应检查的家次", body = plans::ClassPlan),
    (status = 400, description = "年度无效", body = anjian_sync::protocol::ErrorBody)))]
async fn class_plan(
    State(state): State<ConsoleState>,
    _: Signed,
    Q(q): Q<YearQuery>,
) -> Result<Json<plans::ClassPlan>, ApiError> {
    if !(2000..=2100).contains(&q.year) {
        return Err(ApiError::bad("年度应在 2000 到 2100 之间"));
    }
    read(&state.storage, move |sql| plans::class_plan(sql, q.year)).await.map(Json)
}

#[utoipa::path(post, path = "/api/console/plan/rates", tag = "console", request_body = plans::RatesRequest, responses(
    (status = 204, description = "已设置各类单位每年的检查次数"),
    (status = 400, description = "次数不合要求（每年至多 12 次，A ≥ B ≥ C ≥ D）", body = anjian_sync::protocol::ErrorBody),
    (status = 403, description = "不是管理员", body = anjian_sync::protocol::ErrorBody)))]
async fn set_class_rates(
    State(state): State<ConsoleState>,
    Admin(signed): Admin,
    Body(req): Body<plans::RatesRequest>,
) -> Result<StatusCode, ApiError> {
    transact(&state.storage, move |sql| {
        plans::set_class_rates(sql, req, &signed.session.name, &signed.address, Utc::now())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An enterprise's supervision class as the bureau sets it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClassRequest {
    /// A、B、C、D，或空（未分级）
    pub class: String,
}

#[utoipa::path(post, path = "/api/console/enterprises/{id}/class", tag = "console",
    params(("id" = String, Path, description = "单位编号")), request_body = ClassRequest,
    responses(
        (status = 204, description = "已设置（各设备下次同步时收到；字段历史中可见）"),
        (status = 400, description = "监管分类无效", body = anjian_sync::protocol::ErrorBody),
        (status = 403, description = "不是管理员", body = anjian_sync::protocol::ErrorBody),
        (status = 404, description = "没有这家单位", body = anjian_sync::protocol::ErrorBody)))]
async fn set_enterprise_class(
    State(state): State<ConsoleState>,
    Admin(signed): Admin,
    axum::extract::Path(id): axum::extract::Path<String>,
    Body(req): Body<ClassRequest>,
) -> Result<StatusCode, ApiError> {
    use anjian_core::enterprise::SupervisionClass;
    let class = match req.class.as_str() {
        "" => None,
        c => Some(SupervisionClass::parse(c).ok_or_else(|| ApiError::bad("监管分类只能是 A、B、C、D 或未分级"))?),
    };
    let storage = state.storage.clone();
    blocking(
        move || {
            let now = Utc::now();
            let label = class.map_or("未分级", SupervisionClass::as_str);
            // Audited in the transaction that publishes it (nothing when it was already so).
            crate::publish::set_class(storage.as_ref(), &id, class, now, &mut |sql| {
                let name = sql
                    .query("SELECT name FROM enterprise WHERE id = ?", &[text(&id)])?
                    .first()
                    .and_then(|r| r.first().cloned().flatten())
                    .unwrap_or_else(|| id.clone());
                let detail = format!("单位 {name}：{label}");
                accounts::audit(sql, &signed.session.name, "设置监管分类", &detail, &signed.address, now)
            })
        },
        publish_error,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/console/plan/inspectors", tag = "console", responses(
    (status = 200, description = "已登记的执法人员（双随机从中抽取）", body = Vec<plans::InspectorRow>)))]
async fn plan_inspectors(
    State(state): State<ConsoleState>,
    _: Signed,
) -> Result<Json<Vec<plans::InspectorRow>>, ApiError> {
    read(&state.storage, plans::inspectors).await.map(Json)
}

#[utoipa::path(get, path = "/api/console/plan/relations", tag = "console", responses(
    (status = 200, description = "回避关系：不参与某单位检查的执法人员", body = Vec<plans::RelationRow>)))]
async fn relations(State(state): State<ConsoleState>, _: Signed) -> Result<Json<Vec<plans::RelationRow>>, ApiError> {
    read(&state.storage, plans::relations).await.map(Json)
}

#[utoipa::path(post, path = "/api/console/plan/relations", tag = "console", request_body = plans::RelationRequest, responses(
    (status = 204, description = "已登记：此后的双随机抽取不会为该单位抽到这名执法人员"),
    (status = 400, description = "单位、执法人员或原因不合要求", body = anjian_sync::protocol::ErrorBody),
    (status = 403, description = "不是管理员", body = anjian_sync::protocol::ErrorBody)))]
async fn add_relation(
    State(state): State<ConsoleState>,
    Admin(signed): Admin,
    Body(req): Body<plans::RelationRequest>,
) -> Result<StatusCode, ApiError> {
    transact(&state.storage, move |sql| {
        plans::add_relation(sql, &req, &signed.session.name, &signed.address, Utc::now())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/console/plan/relations/remove", tag = "console", request_body = plans::RelationKey, responses(
    (status = 204, description = "已撤销"),
    (status = 400, description = "请求无效", body = anjian_sync::protocol::ErrorBody),
    (status = 403, description = "不是管理员", body = anjian_sync::protocol::ErrorBody),
    (status = 404, description = "没有这条回避关系", body = anjian_sync::protocol::ErrorBody)))]
async fn remove_relation(
    State(state): State<ConsoleState>,
    Admin(signed): Admin,
    Body(key): Body<plans::RelationKey>,
) -> Result<StatusCode, ApiError> {
    transact(&state.storage, move |sql| {
        plans::remove_relation(sql, &key, &signed.session.name, &signed.address, Utc::now())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/console/year-plans", tag = "console", params(YearQuery), responses(
    (status = 200, description = "一年的监督检查计划各版本（新的在前；草稿至多一份）", body = Vec<plans::YearPlanVersion>),
    (status = 400, description = "年度无效", body = anjian_sync::protocol::ErrorBody)))]
async fn year_plans(
    State(state): State<ConsoleState>,
    _: Signed,
    Q(q): Q<YearQuery>,
) -> Result<Json<Vec<plans::YearPlanVersion>>, ApiError> {
    if !(2000..=2100).contains(&q.year) {
        return Err(ApiError::bad("年度应在 2000 到 2100 之间"));
    }
    read(&state.storage, move |sql| plans::year_plans(sql, q.year)).await.map(Json)
}

#[utoipa::path(post, path = "/api/console/year-plans", tag = "console", request_body = plans::YearPlanInputs, responses(
    (status = 200, description = "已保存该年度的草稿（没有草稿时新建一版）", body = plans::YearPlan),
    (status = 400, description = "输入不合要求，或没有该年度的工作日历", body = anjian_sync::protocol::ErrorBody),
    (status = 403, description = "不是管理员", body = anjian_sync::protocol::ErrorBody)))]
async fn save_year_plan(
    State(state): State<ConsoleState>,
    Admin(signed): Admin,
    Body(inputs): Body<plans::YearPlanInputs>,
) -> Result<Json<plans::YearPlan>, ApiError> {
    transact(&state.storage, move |sql| {
        plans::save_draft(sql, &inputs, &signed.session.name, &signed.address, Utc::now())
    })
    .await
    .map(Json)
}

#[utoipa::path(get, path = "/api/console/year-plans/{id}", tag = "console",
    params(("id" = String, Path, description = "计划版本编号")),
    responses(
        (status = 200, description = "计划的一版：输入、检查工作日及其重点、一般之分、逐月应检查的单位", body = plans::YearPlan),
        (status = 404, description = "没有这一版计划", body = anjian_sync::protocol::ErrorBody)))]
async fn year_plan(
    State(state): State<ConsoleState>,
    _: Signed,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Json<plans::YearPlan>, ApiError> {
    read(&state.storage, move |sql| plans::year_plan(sql, &id))
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这一版计划"))
}

#[utoipa::path(post, path = "/api/console/year-plans/{id}/publish", tag = "console",
    params(("id" = String, Path, description = "计划版本编号")),
    responses(
        (status = 200, description = "已发布：这一版从此不再改变", body = plans::YearPlan),
        (status = 400, description = "这一版已经发布", body = anjian_sync::protocol::ErrorBody),
        (status = 403, description = "不是管理员", body = anjian_sync::protocol::ErrorBody),
        (status = 404, description = "没有这一版计划", body = anjian_sync::protocol::ErrorBody)))]
async fn publish_year_plan(
    State(state): State<ConsoleState>,
    Admin(signed): Admin,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Json<plans::YearPlan>, ApiError> {
    transact(&state.storage, move |sql| {
        plans::publish_year_plan(sql, &id, &signed.session.name, &signed.address, Utc::now())
    })
    .await
    .map(Json)
}

/// Reads `work` in one snapshot, then publishes the tasks it made with the check that
/// their source made none before and the audit row, in one transaction.
async fn make_tasks(
    state: &ConsoleState,
    signed: Signed,
    what: &'static str,
    work: impl FnOnce(
        &mut dyn Sql,
        &str,
        chrono::DateTime<Utc>,
    ) -> crate::storage::Result<(Vec<anjian_sync::records::TaskImage>, i64)>
    + Send
    + 'static,
) -> Result<tasks::MadeTasks, ApiError> {
    let storage = state.storage.clone();
    blocking(
        move || {
            let now = Utc::now();
            let by = signed.session.name.clone();
            let mut work = Some(work);
            let mut made = None;
            storage.read(&mut |sql| {
                if let Some(work) = work.take() {
                    made = Some(work(sql, &by, now)?);
                }
                Ok(())
            })?;
            let (made, skipped_past) = made.unwrap_or_default();
            let Some(first) = made.first().cloned() else {
                return Err(crate::PublishError::Task(
                    "没有可生成的检查任务（计划中没有本月及以后应检查的单位）".into(),
                ));
            };
            let check = made.clone();
            let detail = format!("{}：{} 项任务", first.source_title, made.len());
            let n = crate::publish::publish_tasks(storage.as_ref(), made, now, &mut |sql| {
                tasks::check_once(sql, &check)?;
                accounts::audit(sql, &by, what, &detail, &signed.address, now)
            })?;
            Ok(tasks::MadeTasks { tasks: n as i64, skipped_past })
        },
        publish_error,
    )
    .await
}

#[utoipa::path(post, path = "/api/console/draws/{id}/tasks", tag = "console",
    params(("id" = String, Path, description = "抽取编号")), request_body = tasks::DrawTasksRequest,
    responses(
        (status = 200, description = "已下达：每家抽中的单位一项任务，只同步到抽中的两名执法人员的设备", body = tasks::MadeTasks),
        (status = 400, description = "月份无效或早于本月，或这次抽取已下达过", body = anjian_sync::protocol::ErrorBody),
        (status = 403, description = "领导账号只能查看", body = anjian_sync::protocol::ErrorBody),
        (status = 404, description = "没有这次抽取", body = anjian_sync::protocol::ErrorBody)))]
async fn draw_tasks(
    State(state): State<ConsoleState>,
    Staff(signed): Staff,
    axum::extract::Path(id): axum::extract::Path<String>,
    Body(req): Body<tasks::DrawTasksRequest>,
) -> Result<Json<tasks::MadeTasks>, ApiError> {
    make_tasks(&state, signed, "下达双随机检查任务", move |sql, by, now| {
        Ok((tasks::from_draw(sql, &id, &req.month, by, now)?, 0))
    })
    .await
    .map(Json)
}

#[utoipa::path(post, path = "/api/console/year-plans/{id}/tasks", tag = "console",
    params(("id" = String, Path, description = "年度计划编号")),
    responses(
        (status = 200, description = "已按分类分级生成本月起的检查任务，按工作量分配两名执法人员", body = tasks::MadeTasks),
        (status = 400, description = "计划未发布、本年度已生成过，或执法人员不足", body = anjian_sync::protocol::ErrorBody),
        (status = 403, description = "不是管理员", body = anjian_sync::protocol::ErrorBody),
        (status = 404, description = "没有这份计划", body = anjian_sync::protocol::ErrorBody)))]
async fn plan_tasks(
    State(state): State<ConsoleState>,
    Admin(signed): Admin,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Json<tasks::MadeTasks>, ApiError> {
    make_tasks(&state, signed, "生成年度检查任务", move |sql, by, now| tasks::from_plan(sql, &id, by, now))
        .await
        .map(Json)
}

#[utoipa::path(get, path = "/api/console/tasks", tag = "console", params(tasks::TaskQuery), responses(
    (status = 200, description = "一年的检查任务（至多 2000 条）", body = tasks::TaskPage),
    (status = 400, description = "年份或状态无效", body = anjian_sync::protocol::ErrorBody)))]
async fn task_list(
    State(state): State<ConsoleState>,
    _: Signed,
    Q(q): Q<tasks::TaskQuery>,
) -> Result<Json<tasks::TaskPage>, ApiError> {
    let today = anjian_core::beijing::today(Utc::now());
    read(&state.storage, move |sql| tasks::tasks(sql, &q, today)).await.map(Json)
}

#[utoipa::path(get, path = "/api/console/tasks/progress", tag = "console", params(YearQuery), responses(
    (status = 200, description = "计划与完成：按镇街、行业、月份，逾期任务，各执法人员的工作量", body = tasks::Progress),
    (status = 400, description = "年份无效", body = anjian_sync::protocol::ErrorBody)))]
async fn task_progress(
    State(state): State<ConsoleState>,
    _: Signed,
    Q(q): Q<YearQuery>,
) -> Result<Json<tasks::Progress>, ApiError> {
    let today = anjian_core::beijing::today(Utc::now());
    read(&state.storage, move |sql| tasks::progress(sql, q.year, today)).await.map(Json)
}

#[utoipa::path(post, path = "/api/console/tasks/{id}/cancel", tag = "console",
    params(("id" = String, Path, description = "任务编号")),
    responses(
        (status = 204, description = "已取消（两名执法人员的设备下次同步时收到）"),
        (status = 400, description = "任务已完成或已取消", body = anjian_sync::protocol::ErrorBody),
        (status = 403, description = "领导账号只能查看", body = anjian_sync::protocol::ErrorBody),
        (status = 404, description = "没有这项任务", body = anjian_sync::protocol::ErrorBody)))]
async fn cancel_task(
    State(state): State<ConsoleState>,
    Staff(signed): Staff,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<StatusCode, ApiError> {
    let storage = state.storage.clone();
    blocking(
        move || {
            let now = Utc::now();
            let read = |sql: &mut dyn Sql| tasks::held(sql, &id);
            let mut held = || {
                let mut out = None;
                storage.read(&mut |sql| {
                    out = read(sql)?;
                    Ok(())
                })?;
                Ok(out)
            };
            crate::publish::cancel_task(storage.as_ref(), &mut held, now, &mut |sql, task| {
                if tasks::is_done(sql, &task.id)? {
                    return Err(StorageError::Refused("已完成的任务不能取消".into()));
                }
                let detail = format!("{}（{}）", task.source_title, task.due_month);
                accounts::audit(sql, &signed.session.name, "取消检查任务", &detail, &signed.address, now)
            })
        },
        publish_error,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/console/draws", tag = "console", responses(
    (status = 200, description = "双随机抽取的记录，新的在前", body = Vec<plans::DrawSummary>)))]
async fn draws(State(state): State<ConsoleState>, _: Signed) -> Result<Json<Vec<plans::DrawSummary>>, ApiError> {
    read(&state.storage, plans::draws).await.map(Json)
}

#[utoipa::path(post, path = "/api/console/draws", tag = "console", request_body = plans::DrawRequest, responses(
    (status = 200, description = "已抽取并记录（单位池、执法人员、回避关系、种子和结果）", body = plans::DrawDetail),
    (status = 400, description = "名称、条件、数量或种子不合要求，或单位池、执法人员不够", body = anjian_sync::protocol::ErrorBody),
    (status = 403, description = "领导账号只能查看", body = anjian_sync::protocol::ErrorBody)))]
async fn make_draw(
    State(state): State<ConsoleState>,
    Staff(signed): Staff,
    Body(req): Body<plans::DrawRequest>,
) -> Result<Json<plans::DrawDetail>, ApiError> {
    transact(&state.storage, move |sql| plans::make_draw(sql, &req, &signed.session.name, &signed.address, Utc::now()))
        .await
        .map(Json)
}

#[utoipa::path(get, path = "/api/console/draws/{id}", tag = "console",
    params(("id" = String, Path, description = "抽取编号")),
    responses(
        (status = 200, description = "一次双随机抽取：条件、种子、结果和重复它的方法", body = plans::DrawDetail),
        (status = 404, description = "没有这次抽取", body = anjian_sync::protocol::ErrorBody)))]
async fn draw(
    State(state): State<ConsoleState>,
    _: Signed,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Json<plans::DrawDetail>, ApiError> {
    read(&state.storage, move |sql| plans::draw_detail(sql, &id))
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这次抽取"))
}

#[utoipa::path(post, path = "/api/console/draws/{id}/export/{format}", tag = "console",
    params(("id" = String, Path, description = "抽取编号"), ("format" = String, Path, description = "xlsx 或 csv")),
    responses(
    (status = 202, description = "已开始生成这次抽取的公示名单：进度见 /api/console/exports/{id}", body = ExportStatus),
    (status = 400, description = "格式无效", body = anjian_sync::protocol::ErrorBody),
    (status = 403, description = "领导账号只能查看，不能导出", body = anjian_sync::protocol::ErrorBody),
    (status = 404, description = "没有这次抽取", body = anjian_sync::protocol::ErrorBody),
    (status = 429, description = "正在进行的导出太多", body = anjian_sync::protocol::ErrorBody)))]
async fn export_draw(
    State(state): State<ConsoleState>,
    staff: Staff,
    axum::extract::Path((id, format)): axum::extract::Path<(String, String)>,
) -> Result<(StatusCode, Json<ExportStatus>), ApiError> {
    let export = Export { title: "双随机公示", file_stem: "draw", format: export_format(&format)? };
    let probe = id.clone();
    if read(&state.storage, move |sql| plans::draw_detail(sql, &probe)).await?.is_none() {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这次抽取"));
    }
    start_export(state, staff, export, move |sql, format, path, progress| {
        let detail = plans::draw_detail(sql, &id)?.ok_or_else(|| StorageError::NotFound("抽取".into()))?;
        export::draw(&detail, format, path, progress)
    })
}

#[utoipa::path(get, path = "/api/console/exports/{id}", tag = "console",
    params(("id" = String, Path, description = "导出编号")),
    responses(
    (status = 200, description = "导出进行到哪里：已写行数、总行数、完成或失败", body = ExportStatus),
    (status = 404, description = "没有这个导出（不是本账号的、已下载或已过期）", body = anjian_sync::protocol::ErrorBody)))]
async fn export_status(
    State(state): State<ConsoleState>,
    signed: Signed,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Json<ExportStatus>, ApiError> {
    state.exports.get(&signed.session.account_id, &id).map(|job| Json(job.status())).map_err(job_error)
}

#[utoipa::path(get, path = "/api/console/exports/{id}/file", tag = "console",
    params(("id" = String, Path, description = "导出编号")),
    responses(
    (status = 200, description = "导出的 XLSX 或 CSV 文件（只能下载一次）"),
    (status = 404, description = "没有这个导出（不是本账号的、已下载或已过期）", body = anjian_sync::protocol::ErrorBody),
    (status = 409, description = "文件还在生成，或生成失败", body = anjian_sync::protocol::ErrorBody)))]
async fn export_file(
    State(state): State<ConsoleState>,
    signed: Signed,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Response, ApiError> {
    let (job, file) = state.exports.take_file(&signed.session.account_id, &id).map_err(job_error)?;
    let io = |e: std::io::Error| console_error(StorageError::Io(e));
    // The open handle reads on after the name is removed: nothing is left on disk when
    // the download ends or the connection drops.
    let open = file.reopen().map_err(io)?;
    let len = open.metadata().map_err(io)?.len();
    drop(file);
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(open)));
    let disposition =
        format!("attachment; filename=\"{}\"; filename*=UTF-8''{}", job.ascii_name, percent(&job.file_name));
    let mut res = (StatusCode::OK, body).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(job.format.mime()));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert("x-export-rows", HeaderValue::from(job.progress.written()));
    Ok(res)
}

fn job_error(e: jobs::JobError) -> ApiError {
    use jobs::JobError;
    match e {
        JobError::Busy => {
            ApiError::new(StatusCode::TOO_MANY_REQUESTS, "busy", "正在进行的导出太多，请等前面的导出完成后再试")
        }
        JobError::Unknown => ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "没有这个导出：可能已下载、已过期或服务器已重启，请重新导出",
        ),
        JobError::NotReady => ApiError::new(StatusCode::CONFLICT, "not_ready", "文件还在生成，请稍候"),
        JobError::Failed(why) => ApiError::new(StatusCode::CONFLICT, "failed", format!("导出失败：{why}")),
    }
}

#[utoipa::path(get, path = "/api/console/checklists", tag = "console", responses(
    (status = 200, description = "检查表的各版本（随软件安装的与区局发布的）及各设备持有的版本", body = records::ChecklistOverview)))]
async fn checklists(
    State(state): State<ConsoleState>,
    _: Signed,
) -> Result<Json<records::ChecklistOverview>, ApiError> {
    pulls_written(&state.storage).await?;
    read(&state.storage, records::checklists).await.map(Json)
}

/// What publishing a checklist file did.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Published {
    /// False when the same version with the same content was published before (nothing new).
    pub new: bool,
}

#[utoipa::path(post, path = "/api/console/checklists", tag = "console", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "检查表文件（JSON，格式同 assets/checklists）"),
    responses(
    (status = 200, description = "已发布：各设备下次同步时收到", body = Published),
    (status = 400, description = "文件不是有效的检查表，或同一版本已发布过不同内容：原因逐条列出", body = anjian_sync::protocol::ErrorBody),
    (status = 403, description = "不是管理员", body = anjian_sync::protocol::ErrorBody)))]
async fn publish_checklist(
    State(state): State<ConsoleState>,
    Admin(signed): Admin,
    Q(q): Q<ImportQuery>,
    bytes: axum::body::Bytes,
) -> Result<Json<Published>, ApiError> {
    let name: String = q.name.chars().filter(|c| !c.is_control()).take(120).collect();
    let body = String::from_utf8(bytes.to_vec()).map_err(|_| ApiError::bad("检查表文件应为 UTF-8 编码的 JSON 文本"))?;
    let storage = state.storage.clone();
    let new = blocking(
        move || {
            let now = Utc::now();
            crate::publish::publish_checklist_then(storage.as_ref(), &name, &body, now, &mut |sql, new| {
                let detail = format!("{name}{}", if new { "" } else { "（与已发布的相同，未重复发布）" });
                accounts::audit(sql, &signed.session.name, "发布检查表", &detail, &signed.address, now)
            })
        },
        publish_error,
    )
    .await?;
    Ok(Json(Published { new }))
}

/// Which file an import came from (its name says XLSX or CSV).
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// 文件名（.xlsx 或 .csv）
    pub name: String,
}

#[utoipa::path(post, path = "/api/console/enterprises/import", tag = "console", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "单位名录文件（XLSX 或 CSV），至多 20 MB"),
    responses(
    (status = 200, description = "已导入：新建、更新、未变的单位数，和被拒绝的行及原因（被拒绝的行不导入）", body = crate::ImportReport),
    (status = 400, description = "文件无法读取、格式不对或缺少必需的列：整个文件未导入", body = anjian_sync::protocol::ErrorBody),
    (status = 403, description = "不是管理员", body = anjian_sync::protocol::ErrorBody)))]
async fn import_enterprises(
    State(state): State<ConsoleState>,
    Admin(signed): Admin,
    Q(q): Q<ImportQuery>,
    bytes: axum::body::Bytes,
) -> Result<Json<crate::ImportReport>, ApiError> {
    let name: String = q.name.chars().filter(|c| !c.is_control()).take(120).collect();
    let storage = state.storage.clone();
    let report = blocking(
        move || {
            let now = Utc::now();
            crate::publish::import_enterprises_then(storage.as_ref(), &name, &bytes, now, &mut |sql, report| {
                let detail = format!(
                    "{name}：新建 {}，更新 {}，未变 {}，拒绝 {} 行",
                    report.created,
                    report.updated,
                    report.unchanged,
                    report.refused.len()
                );
                accounts::audit(sql, &signed.session.name, "导入单位", &detail, &signed.address, now)
            })
        },
        publish_error,
    )
    .await?;
    Ok(Json(report))
}

#[utoipa::path(post, path = "/api/console/devices/unsent", tag = "console",
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "停用设备在“同步”页导出的未上传记录文件（.json），至多 256 MB"),
    responses(
    (status = 200, description = "已按同步的规则导入：新存的、此前已有的、被拒收的记录（及原因）", body = crate::unsent::UnsentReport),
    (status = 400, description = "文件不是安检导出的未上传记录，或与设备的签名不符：未导入", body = anjian_sync::protocol::ErrorBody),
    (status = 403, description = "不是管理员", body = anjian_sync::protocol::ErrorBody),
    (status = 404, description = "文件所属的设备不在本区", body = anjian_sync::protocol::ErrorBody),
    (status = 409, description = "文件所属的设备没有被停用：请让它直接同步", body = anjian_sync::protocol::ErrorBody),
    (status = 413, description = "文件过大", body = anjian_sync::protocol::ErrorBody)))]
async fn import_unsent(
    State(state): State<ConsoleState>,
    Admin(signed): Admin,
    bytes: axum::body::Bytes,
) -> Result<Json<crate::unsent::UnsentReport>, ApiError> {
    use crate::unsent::ImportUnsentError;
    let storage = state.storage.clone();
    let report = tokio::task::spawn_blocking(move || {
        let now = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        crate::unsent::import(storage.as_ref(), &bytes, &now)
    })
    .await
    .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "服务器内部错误，请稍后再试"))?
    .map_err(|e| match e {
        ImportUnsentError::Storage(e) => console_error(e),
        e @ ImportUnsentError::UnknownDevice(_) => ApiError::new(StatusCode::NOT_FOUND, "not_found", e.to_string()),
        e @ ImportUnsentError::NotRevoked(_) => ApiError::new(StatusCode::CONFLICT, "conflict", e.to_string()),
        e => ApiError::bad(e.to_string()),
    })?;
    let detail = format!(
        "设备 {}：导入 {}，已有 {}，拒收 {}，附件 {}",
        report.device_id,
        report.applied,
        report.duplicates,
        report.refused.len(),
        report.attachments
    );
    transact(&state.storage, move |sql| {
        accounts::audit(sql, &signed.session.name, "导入停用设备的未上传记录", &detail, &signed.address, Utc::now())
    })
    .await?;
    Ok(Json(report))
}

fn export_format(format: &str) -> Result<export::Format, ApiError> {
    match format {
        "xlsx" => Ok(export::Format::Xlsx),
        "csv" => Ok(export::Format::Csv),
        _ => Err(ApiError::bad("导出格式只能是 xlsx 或 csv")),
    }
}

/// What one export is called, in the audit log and in the file's name.
struct Export {
    title: &'static str,
    file_stem: &'static str,
    format: export::Format,
}

/// What an export runs: the rows of a snapshot written to a file, told as they go.
type ExportWork =
    dyn FnOnce(&mut dyn Sql, export::Format, &std::path::Path, &export::Progress) -> crate::storage::Result<u64> + Send;

/// Starts an export (staff and admins) in the background, in one read-only snapshot of
/// the records, and answers at once with its status. The audit log has it once the file
/// is made.
fn start_export(
    state: ConsoleState,
    Staff(signed): Staff,
    export: Export,
    work: impl FnOnce(&mut dyn Sql, export::Format, &std::path::Path, &export::Progress) -> crate::storage::Result<u64>
    + Send
    + 'static,
) -> Result<(StatusCode, Json<ExportStatus>), ApiError> {
    let today = anjian_core::beijing::today(Utc::now());
    let Export { title, file_stem, format } = export;
    let ext = format.extension();
    let file = tempfile::NamedTempFile::new().map_err(|e| console_error(StorageError::Io(e)))?;
    let names = (format!("{title}-{today}.{ext}"), format!("{file_stem}-{today}.{ext}"));
    let job = state.exports.start(&signed.session.account_id, title, names, format).map_err(job_error)?;
    let status = job.status();
    let work: Box<ExportWork> = Box::new(work);
    tokio::spawn(async move {
        let path = file.path().to_owned();
        let running = job.clone();
        let made = read(&state.storage, move |sql| work(sql, format, &path, &running.progress)).await;
        let audited = match made {
            Ok(rows) => {
                let detail = format!("{rows} 行，{ext}");
                transact(&state.storage, move |sql| {
                    accounts::audit(
                        sql,
                        &signed.session.name,
                        &format!("导出{title}"),
                        &detail,
                        &signed.address,
                        Utc::now(),
                    )
                })
                .await
            }
            Err(e) => Err(e),
        };
        job.finish(audited.map(|()| file).map_err(|e| e.message().to_owned()));
    });
    Ok((StatusCode::ACCEPTED, Json(status)))
}

/// RFC 5987 percent-encoding of a file name.
fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[utoipa::path(get, path = "/api/console/inspections/{id}", tag = "console",
    params(("id" = String, Path, description = "检查编号")),
    responses(
        (status = 200, description = "一次检查：检查表各项的结论、执法人员、发现的隐患和签发的文书", body = records::InspectionDetail),
        (status = 404, description = "没有这次检查", body = anjian_sync::protocol::ErrorBody)))]
async fn inspection(
    State(state): State<ConsoleState>,
    _: Signed,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Json<records::InspectionDetail>, ApiError> {
    let today = anjian_core::beijing::today(Utc::now());
    read(&state.storage, move |sql| records::inspection(sql, &id, today))
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这次检查"))
}

#[utoipa::path(get, path = "/api/console/inspections", tag = "console", params(InspectionQuery), responses(
    (status = 200, description = "已完成的检查的一页", body = InspectionPage),
    (status = 400, description = "筛选条件无效", body = anjian_sync::protocol::ErrorBody)))]
async fn inspections(
    State(state): State<ConsoleState>,
    _: Signed,
    Q(q): Q<InspectionQuery>,
) -> Result<Json<InspectionPage>, ApiError> {
    read(&state.storage, move |sql| records::inspections(sql, &q)).await.map(Json)
}

#[utoipa::path(get, path = "/api/console/enterprises", tag = "console", params(EnterpriseQuery), responses(
    (status = 200, description = "单位的一页", body = EnterprisePage),
    (status = 400, description = "筛选条件无效", body = anjian_sync::protocol::ErrorBody)))]
async fn enterprises(
    State(state): State<ConsoleState>,
    _: Signed,
    Q(q): Q<EnterpriseQuery>,
) -> Result<Json<EnterprisePage>, ApiError> {
    read(&state.storage, move |sql| records::enterprises(sql, &q)).await.map(Json)
}

#[utoipa::path(get, path = "/api/console/enterprises/{id}", tag = "console",
    params(("id" = String, Path, description = "单位编号")),
    responses(
        (status = 200, description = "单位的信息、检查隐患文书的时间线、字段修改历史（含被覆盖的值）", body = EnterpriseDetail),
        (status = 404, description = "没有这个单位", body = anjian_sync::protocol::ErrorBody)))]
async fn enterprise(
    State(state): State<ConsoleState>,
    _: Signed,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Json<EnterpriseDetail>, ApiError> {
    read(&state.storage, move |sql| records::enterprise(sql, &id))
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这个单位"))
}

#[utoipa::path(get, path = "/api/console/documents", tag = "console", params(DocumentQuery), responses(
    (status = 200, description = "已签发（含已作废）的文书的一页", body = DocumentPage),
    (status = 400, description = "筛选条件无效", body = anjian_sync::protocol::ErrorBody)))]
async fn documents(
    State(state): State<ConsoleState>,
    _: Signed,
    Q(q): Q<DocumentQuery>,
) -> Result<Json<DocumentPage>, ApiError> {
    read(&state.storage, move |sql| records::documents(sql, &q)).await.map(Json)
}

#[utoipa::path(get, path = "/api/console/documents/{id}", tag = "console",
    params(("id" = String, Path, description = "文书编号")),
    responses(
        (status = 200, description = "一份已签发（或已作废）的文书：所属检查、所引指令书、按项列出的隐患", body = records::DocumentDetail),
        (status = 404, description = "没有这份文书（草稿不上传）", body = anjian_sync::protocol::ErrorBody)))]
async fn document(
    State(state): State<ConsoleState>,
    _: Signed,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Json<records::DocumentDetail>, ApiError> {
    let today = anjian_core::beijing::today(Utc::now());
    read(&state.storage, move |sql| records::document(sql, &id, today))
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这份文书"))
}

#[utoipa::path(get, path = "/api/console/documents/{id}/pdf", tag = "console",
    params(("id" = String, Path, description = "文书编号")),
    responses(
        (status = 200, description = "设备签发时生成的 PDF，原样", content_type = "application/pdf"),
        (status = 404, description = "没有这份文书，或它的 PDF 尚未上传", body = anjian_sync::protocol::ErrorBody)))]
async fn document_pdf(
    State(state): State<ConsoleState>,
    _: Signed,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Response, ApiError> {
    let not_yet = || ApiError::new(StatusCode::NOT_FOUND, "not_found", "这份文书的 PDF 尚未从设备上传");
    let sha = read(&state.storage, move |sql| records::document_pdf(sql, &id)).await?.ok_or_else(not_yet)?;
    let storage = state.storage.clone();
    let bytes = blocking(
        move || storage.attachment(&sha),
        |e| match e {
            StorageError::NotFound(_) => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", "这份文书的 PDF 尚未从设备上传")
            }
            other => console_error(other),
        },
    )
    .await?;
    let mut res = (StatusCode::OK, bytes).into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    res.headers_mut().insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("inline"));
    Ok(res)
}

/// A number two issued documents carry, as the console lists it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NumberConflictRow {
    pub number: String,
    /// The document that keeps the number, and the device it came from.
    pub held_by: String,
    pub held_by_device: String,
    /// The later document carrying it too.
    pub document_id: String,
    pub device_id: String,
    pub found_at: String,
}

#[utoipa::path(get, path = "/api/console/number-conflicts", tag = "console", responses(
    (status = 200, description = "被两份文书使用的文号", body = Vec<NumberConflictRow>)))]
async fn number_conflicts(
    State(state): State<ConsoleState>,
    _: Signed,
) -> Result<Json<Vec<NumberConflictRow>>, ApiError> {
    let storage = state.storage.clone();
    let conflicts = blocking(move || storage.number_conflicts(), console_error).await?;
    Ok(Json(
        conflicts
            .into_iter()
            .map(|c| NumberConflictRow {
                number: c.number,
                held_by: c.held_by,
                held_by_device: c.held_by_device,
                document_id: c.document_id,
                device_id: c.device_id,
                found_at: c.found_at,
            })
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/console/audit", tag = "console", params(PageQuery), responses(
    (status = 200, description = "审计日志的一页（管理员）", body = AuditPage),
    (status = 403, description = "不是管理员", body = anjian_sync::protocol::ErrorBody)))]
async fn audit(State(state): State<ConsoleState>, _: Admin, Q(q): Q<PageQuery>) -> Result<Json<AuditPage>, ApiError> {
    read(&state.storage, move |sql| records::audit(sql, &q)).await.map(Json)
}

#[utoipa::path(get, path = "/api/console/devices", tag = "console", responses(
    (status = 200, description = "已配对的设备：最近上传、被拒收的更改数", body = Vec<DeviceRow>)))]
async fn devices(State(state): State<ConsoleState>, _: Signed) -> Result<Json<Vec<DeviceRow>>, ApiError> {
    pulls_written(&state.storage).await?;
    read(&state.storage, records::devices).await.map(Json)
}

/// How a device is revoked.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RevokeRequest {
    /// A lost device: at its next contact it deletes its data and its key. Can be added to
    /// a device revoked before, never taken back. Absent: revoked, data kept.
    #[serde(default)]
    pub wipe: bool,
}

#[utoipa::path(post, path = "/api/console/devices/{id}/revoke", tag = "console",
    params(("id" = String, Path, description = "设备编号")),
    request_body = RevokeRequest,
    responses(
        (status = 204, description = "已停用：设备的令牌不再有效"),
        (status = 400, description = "内容无效", body = anjian_sync::protocol::ErrorBody),
        (status = 403, description = "不是管理员", body = anjian_sync::protocol::ErrorBody),
        (status = 404, description = "没有这台设备", body = anjian_sync::protocol::ErrorBody)))]
async fn revoke(
    State(state): State<ConsoleState>,
    Admin(signed): Admin,
    axum::extract::Path(id): axum::extract::Path<String>,
    Body(request): Body<RevokeRequest>,
) -> Result<StatusCode, ApiError> {
    let storage = state.storage.clone();
    let device = id.clone();
    let wipe = request.wipe;
    blocking(move || storage.revoke(&device, &accounts::stamp(Utc::now()), wipe), console_error).await?;
    let action = if wipe { "停用设备并要求清除数据" } else { "停用设备" };
    transact(&state.storage, move |sql| {
        accounts::audit(sql, &signed.session.name, action, &id, &signed.address, Utc::now())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnrolRequest {
    /// 姓名
    pub name: String,
    /// 执法证号
    pub cert_no: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Enrolled {
    pub name: String,
    pub cert_no: String,
    /// The one-time pairing code (shown once: the server keeps only its hash).
    pub code: String,
    pub valid_days: i64,
}

/// Days a pairing code stays valid, as `anjian-server enrol` makes them.
const PAIRING_DAYS: i64 = 7;

#[utoipa::path(post, path = "/api/console/inspectors", tag = "console", request_body = EnrolRequest, responses(
    (status = 200, description = "已登记：一次性配对码（只显示这一次）", body = Enrolled),
    (status = 400, description = "姓名或执法证号不合要求", body = anjian_sync::protocol::ErrorBody),
    (status = 403, description = "不是管理员", body = anjian_sync::protocol::ErrorBody)))]
async fn enrol(
    State(state): State<ConsoleState>,
    Admin(signed): Admin,
    Body(req): Body<EnrolRequest>,
) -> Result<Json<Enrolled>, ApiError> {
    let storage = state.storage.clone();
    let (name, cert_no) = (req.name.clone(), req.cert_no.clone());
    let code = blocking(move || crate::enrol(storage.as_ref(), &name, &cert_no, PAIRING_DAYS), console_error).await?;
    let detail = format!("{}（{}）", req.name.trim(), req.cert_no.trim());
    transact(&state.storage, move |sql| {
        accounts::audit(sql, &signed.session.name, "登记执法人员", &detail, &signed.address, Utc::now())
    })
    .await?;
    Ok(Json(Enrolled {
        name: req.name.trim().to_owned(),
        cert_no: req.cert_no.trim().to_owned(),
        code,
        valid_days: PAIRING_DAYS,
    }))
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SuperviseRequest {
    /// 督办单位（人），至多 50 字
    pub supervisor: String,
    /// 督办期限（YYYY-MM-DD，北京时间，不早于今天）
    pub due: String,
    /// 说明，至多 500 字
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LiftRequest {
    /// 摘牌说明，至多 500 字
    #[serde(default)]
    pub note: String,
}

impl From<anjian_sync::records::SupervisionImage> for records::SupervisionView {
    fn from(s: anjian_sync::records::SupervisionImage) -> Self {
        // Just set (due today at the earliest) or lifted: not overdue.
        records::SupervisionView {
            supervisor: s.supervisor,
            due: s.due,
            status: s.status,
            note: s.note,
            set_by: s.set_by,
            set_at: s.set_at,
            overdue: false,
        }
    }
}

fn publish_error(e: crate::PublishError) -> ApiError {
    use crate::PublishError;
    match e {
        PublishError::NoHazard => ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这条隐患"),
        PublishError::NoEnterprise => ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这家单位"),
        PublishError::NoTask => ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这项任务"),
        PublishError::Storage(e) => console_error(e),
        other => ApiError::bad(other.to_string()),
    }
}

#[utoipa::path(post, path = "/api/console/hazards/{id}/supervision", tag = "console",
    params(("id" = String, Path, description = "隐患编号")), request_body = SuperviseRequest,
    responses(
        (status = 200, description = "已挂牌督办（或已修改督办单位、期限）：下次同步时到达各设备", body = records::SupervisionView),
        (status = 400, description = "不是重大隐患、已摘牌、或督办单位、期限、说明不合要求", body = anjian_sync::protocol::ErrorBody),
        (status = 403, description = "领导账号只能查看", body = anjian_sync::protocol::ErrorBody),
        (status = 404, description = "没有这条隐患", body = anjian_sync::protocol::ErrorBody)))]
async fn supervise(
    State(state): State<ConsoleState>,
    Staff(signed): Staff,
    axum::extract::Path(id): axum::extract::Path<String>,
    Body(req): Body<SuperviseRequest>,
) -> Result<Json<records::SupervisionView>, ApiError> {
    let due: chrono::NaiveDate = req.due.parse().map_err(|_| ApiError::bad("督办期限应为日期，如 2026-12-31"))?;
    let storage = state.storage.clone();
    let image = blocking(
        move || {
            let now = Utc::now();
            let input = anjian_core::supervision::Input { supervisor: &req.supervisor, due, note: &req.note };
            let action = crate::publish::Supervise::Set(input);
            crate::publish::supervise(storage.as_ref(), &id, &action, &signed.session.name, now, &mut |sql, image| {
                let detail = format!("隐患 {id}：{}，期限 {}", image.supervisor, image.due);
                accounts::audit(sql, &signed.session.name, "挂牌督办", &detail, &signed.address, now)
            })
        },
        publish_error,
    )
    .await?;
    Ok(Json(image.into()))
}

#[utoipa::path(post, path = "/api/console/hazards/{id}/supervision/lift", tag = "console",
    params(("id" = String, Path, description = "隐患编号")), request_body = LiftRequest,
    responses(
        (status = 200, description = "已摘牌：下次同步时到达各设备", body = records::SupervisionView),
        (status = 400, description = "没有挂牌督办、已摘牌或隐患尚未整改", body = anjian_sync::protocol::ErrorBody),
        (status = 403, description = "领导账号只能查看", body = anjian_sync::protocol::ErrorBody),
        (status = 404, description = "没有这条隐患", body = anjian_sync::protocol::ErrorBody)))]
async fn lift_supervision(
    State(state): State<ConsoleState>,
    Staff(signed): Staff,
    axum::extract::Path(id): axum::extract::Path<String>,
    Body(req): Body<LiftRequest>,
) -> Result<Json<records::SupervisionView>, ApiError> {
    let storage = state.storage.clone();
    let image = blocking(
        move || {
            let now = Utc::now();
            let action = crate::publish::Supervise::Lift { note: &req.note };
            crate::publish::supervise(storage.as_ref(), &id, &action, &signed.session.name, now, &mut |sql, _| {
                accounts::audit(sql, &signed.session.name, "督办摘牌", &format!("隐患 {id}"), &signed.address, now)
            })
        },
        publish_error,
    )
    .await?;
    Ok(Json(image.into()))
}

#[utoipa::path(get, path = "/api/console/openapi.json", tag = "console", responses((status = 200, description = "控制台接口文档（OpenAPI 3）")))]
async fn openapi(_: Signed) -> Json<utoipa::openapi::OpenApi> {
    Json(<ConsoleDoc as utoipa::OpenApi>::openapi())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_count_ipv6_by_its_64_and_mapped_ipv4_as_ipv4() {
        let cases = [
            ("192.0.2.7", "192.0.2.7"),
            ("::ffff:192.0.2.7", "192.0.2.7"),
            ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::"),
            ("2001:db8:1:2::1", "2001:db8:1:2::"),
            ("2001:db8:1:3::1", "2001:db8:1:3::"),
        ];
        for (address, key) in cases {
            assert_eq!(client_key(address.parse().unwrap()), key.parse::<IpAddr>().unwrap(), "{address}");
        }
        let limiter = Limiter::default();
        let (a, b) = ("2001:db8::1".parse().unwrap(), "2001:db8::2".parse().unwrap());
        assert!(limiter.allow(a, 2) && limiter.allow(b, 2));
        assert!(!limiter.allow(a, 2), "the /64 shares one count");
    }
}

/// The console's API, from which the console's TypeScript types are generated.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "anjian district console",
        description = "区应急管理局控制台接口：会话 Cookie，改动数据的请求带 X-CSRF-Token。"
    ),
    paths(
        login,
        logout,
        me,
        password,
        reference,
        overview,
        hazards,
        export_hazards,
        inspections,
        inspection,
        enterprises,
        enterprise,
        documents,
        document,
        document_pdf,
        number_conflicts,
        audit,
        devices,
        checklists,
        publish_checklist,
        revoke,
        import_unsent,
        enrol,
        supervise,
        lift_supervision,
        export_enterprises,
        export_overview,
        export_status,
        export_file,
        class_plan,
        set_class_rates,
        plan_inspectors,
        set_enterprise_class,
        relations,
        add_relation,
        remove_relation,
        year_plans,
        save_year_plan,
        draw_tasks,
        plan_tasks,
        task_list,
        task_progress,
        cancel_task,
        year_plan,
        publish_year_plan,
        draws,
        make_draw,
        draw,
        export_draw,
        import_enterprises,
        openapi
    )
)]
#[derive(Debug)]
pub struct ConsoleDoc;

/// Creates a bureau account; its one-time password is returned, to be changed at first
/// sign-in.
pub fn add_user(storage: &dyn Storage, name: &str, role: Role) -> Result<String, StorageError> {
    let mut password = None;
    storage.transact(&mut |sql| {
        let p = accounts::add(sql, name, role, Utc::now())?;
        accounts::audit(sql, "（命令行）", "新建账号", &format!("{name}（{}）", role.title()), "", Utc::now())?;
        password = Some(p);
        Ok(())
    })?;
    password.ok_or_else(|| StorageError::Database("no password made".into()))
}

/// A new one-time password for an account (which is unlocked and signed out).
pub fn reset_user(storage: &dyn Storage, name: &str) -> Result<String, StorageError> {
    let mut password = None;
    storage.transact(&mut |sql| {
        let p = accounts::reset(sql, name)?;
        accounts::audit(sql, "（命令行）", "重设密码", name, "", Utc::now())?;
        password = Some(p);
        Ok(())
    })?;
    password.ok_or_else(|| StorageError::Database("no password made".into()))
}

/// Every account, as the `user list` command prints it.
pub fn users(storage: &dyn Storage) -> Result<Vec<Vec<Option<String>>>, StorageError> {
    let mut rows = Vec::new();
    storage.transact(&mut |sql| {
        rows = accounts::list(sql)?;
        Ok(())
    })?;
    Ok(rows)
}

/// Whether any account exists.
pub fn has_users(storage: &dyn Storage) -> Result<bool, StorageError> {
    let mut any = false;
    storage.transact(&mut |sql| {
        any = accounts::any(sql)?;
        Ok(())
    })?;
    Ok(any)
}
