//! The routes of protocol v1. Every route but health and pairing needs a device token;
//! every response carries the protocol version; bodies have size limits; errors are
//! `ErrorBody {code, message}` with a Chinese message.

use std::sync::Arc;

use anjian_sync::protocol::{
    self, ErrorBody, Health, MissingRequest, MissingResponse, NumberBlock, NumberBlockRequest, PairRequest,
    PairResponse, Partial, PullPage, PullRequest, PushBatch, PushResponse, UploadResponse, routes,
};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};

use crate::auth;
use crate::pull_cache::PullCache;
use crate::pull_notes::PullNotes;
use crate::storage::BatchProblem;
use crate::storage::{AttachmentState, Revocation, Storage, StorageError};

#[derive(Clone)]
pub struct AppState {
    pub storage: Arc<dyn Storage>,
    pulls: Arc<PullNotes>,
    pages: Arc<PullCache>,
}

impl AppState {
    pub fn new(storage: Arc<dyn Storage>) -> AppState {
        AppState { storage, pulls: Arc::default(), pages: Arc::default() }
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AppState")
    }
}

/// An error as the device sees it.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into() }
    }

    pub(crate) fn bad(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// What the person is told.
    pub(crate) fn message(&self) -> &str {
        &self.message
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody { code: self.code.to_owned(), message: self.message };
        (self.status, Json(body)).into_response()
    }
}

impl From<StorageError> for ApiError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::NotFound(what) => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("未找到：{what}"))
            }
            StorageError::Refused(why) => ApiError::new(StatusCode::CONFLICT, "refused", format!("服务器拒绝：{why}")),
            e @ (StorageError::Database(_) | StorageError::Io(_)) => {
                // Internal detail stays in the server's log.
                eprintln!("anjian-server: storage error: {e}");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "服务器内部错误，请稍后再试")
            }
        }
    }
}

/// JSON bodies read as the contract describes them (structs only from objects, see
/// `anjian_sync::strict`), with our error for anything malformed or too large.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(ApiError::bad("请求内容须为 JSON（Content-Type: application/json）"));
        }
        let bytes = match Bytes::from_request(req, state).await {
            Ok(bytes) => bytes,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    format!("请求内容超过{}MB的上限", protocol::MAX_BODY / 1024 / 1024),
                ));
            }
            Err(e) => return Err(ApiError::bad(format!("请求内容未能读完：{}", e.body_text()))),
        };
        anjian_sync::strict::from_slice(&bytes).map(Body).map_err(|e| ApiError::bad(format!("请求内容无效：{e}")))
    }
}

/// `application/json` or a `+json` type, as axum's own JSON extractor accepts.
fn is_json(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// The device a request comes from (a valid, unrevoked token), put there by
/// `require_device` before the handler reads any of the body.
#[derive(Debug, Clone)]
struct DeviceId(String);

/// Refuses a request without a valid token before its body is read.
async fn require_device(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    match authenticate(&state, req.headers()).await {
        Ok(device) => {
            req.extensions_mut().insert(device);
            next.run(req).await
        }
        Err(e) => e.into_response(),
    }
}

async fn authenticate(state: &AppState, headers: &axum::http::HeaderMap) -> Result<DeviceId, ApiError> {
    let unauthorised = || ApiError::new(StatusCode::UNAUTHORIZED, "unauthorised", "设备未配对或已被停用，请重新配对");
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix(protocol::BEARER))
        .ok_or_else(unauthorised)?;
    let hash = protocol::secret_hash(token.trim());
    if let Some(device) = state.storage.known_device(&hash) {
        return Ok(DeviceId(device));
    }
    let storage = state.storage.clone();
    let (device, revoked) = blocking(move || {
        Ok(match storage.device_by_token(&hash)? {
            Some(device) => (Some(device), None),
            None => (None, crate::storage::revocation(storage.as_ref(), &hash, &now())?),
        })
    })
    .await?;
    match (device, revoked) {
        (Some(device), _) => Ok(DeviceId(device)),
        (None, Some(Revocation::Keep)) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            protocol::codes::DEVICE_REVOKED,
            "本机已被区应急管理局停用，不再同步。本机数据保留，未上传的记录可导出后交区局导入。",
        )),
        (None, Some(Revocation::Wipe)) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            protocol::codes::DEVICE_WIPED,
            "本机已被区应急管理局停用，并要求清除本机数据。",
        )),
        (None, None) => Err(unauthorised()),
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StorageError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "服务器内部错误，请稍后再试"))?
        .map_err(ApiError::from)
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Both sides speak one version: a request that names another is refused; every
/// response names ours.
async fn version(req: Request, next: Next) -> Response {
    let theirs = req.headers().get(protocol::VERSION_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let mut res = match theirs {
        Some(v) if v != protocol::PROTOCOL_VERSION.to_string() => ApiError::new(
            StatusCode::BAD_REQUEST,
            "protocol_version",
            format!("本程序的同步协议版本（{v}）与服务器（{}）不一致，请升级", protocol::PROTOCOL_VERSION),
        )
        .into_response(),
        _ => next.run(req).await,
    };
    res.headers_mut().insert(protocol::VERSION_HEADER, HeaderValue::from(protocol::PROTOCOL_VERSION));
    res
}

/// The whole HTTP API, generated from the handlers and the protocol types: the contract
/// the client and the tests hold to.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "anjian district server", description = "同步协议 v1：设备与区局服务器之间的接口。每个请求和回应都带 x-anjian-protocol: 1。"),
    paths(health, pair, push, pull, missing, attachment_status, upload, attachment_content, number_block, openapi),
    modifiers(&DeviceToken, &Contract)
)]
#[derive(Debug)]
pub struct ApiDoc;

struct DeviceToken;

impl utoipa::Modify for DeviceToken {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "device_token",
            SecurityScheme::Http(
                HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some("配对时得到的设备令牌")).build(),
            ),
        );
    }
}

/// The constraints the handlers enforce, written into the document from the same
/// constants, so that the document is the exact contract: what it allows is accepted
/// (a change the rules refuse is answered in its result, not by refusing the request),
/// and what it does not is refused with 400.
struct Contract;

/// A SHA-256 in lower-case hex (`protocol::is_sha256`).
const SHA256_PATTERN: &str = "^[0-9a-f]{64}$";
/// A batch id as devices make them (`<device>-<seq>-<salt>`, a UUID).
const BATCH_ID_PATTERN: &str = "^[0-9A-Za-z_.:-]{1,64}$";
/// The most numbers one request may ask for.
const MAX_GRANT: u32 = 1000;

impl utoipa::Modify for Contract {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use anjian_core::pairing;
        use utoipa::Number;
        use utoipa::openapi::RefOr;
        use utoipa::openapi::schema::{ArrayItems, Schema};
        let schemas = &mut doc.components.get_or_insert_with(Default::default).schemas;
        let mut field = |schema: &str, name: &str, set: &dyn Fn(&mut Schema)| {
            if let Some(RefOr::T(Schema::Object(o))) = schemas.get_mut(schema)
                && let Some(RefOr::T(f)) = o.properties.get_mut(name)
            {
                set(f);
            }
        };
        let text = |pattern: &'static str, max: usize| {
            move |f: &mut Schema| {
                if let Schema::Object(o) = f {
                    o.pattern = Some(pattern.to_owned());
                    o.max_length = Some(max);
                }
            }
        };
        let range = |min: i64, max: i64| {
            move |f: &mut Schema| {
                if let Schema::Object(o) = f {
                    o.minimum = Some(Number::Int(min as isize));
                    o.maximum = Some(Number::Int(max as isize));
                }
            }
        };
        let list = |max: usize, items: Option<&'static str>| {
            move |f: &mut Schema| {
                if let Schema::Array(a) = f {
                    a.max_items = Some(max);
                    if let (Some(pattern), ArrayItems::RefOrSchema(item)) = (items, &mut a.items)
                        && let RefOr::T(Schema::Object(o)) = item.as_mut()
                    {
                        o.pattern = Some(pattern.to_owned());
                    }
                }
            }
        };
        field("PairRequest", "code", &text(pairing::CODE_PATTERN, pairing::CODE_TYPED_MAX));
        field("PairRequest", "deviceName", &text(pairing::DEVICE_NAME_PATTERN, pairing::DEVICE_NAME_MAX));
        field("PushBatch", "batchId", &text(BATCH_ID_PATTERN, 64));
        field("PushBatch", "changes", &list(protocol::MAX_BATCH, None));
        field("Change", "op", &text("^put$", 3));
        field("PullRequest", "after", &range(0, i64::MAX));
        field("PullRequest", "limit", &range(1, protocol::MAX_BATCH as i64));
        field("MissingRequest", "hashes", &list(MAX_HASHES, Some(SHA256_PATTERN)));
        // The document kinds, as core names them.
        field("NumberBlockRequest", "kind", &|f: &mut Schema| {
            if let Schema::Object(o) = f {
                let kinds = anjian_core::document::DocumentKind::ALL.iter().map(|k| k.as_str().into()).collect();
                o.enum_values = Some(kinds);
            }
        });
        let years = anjian_core::beijing::RECORD_YEARS;
        field("NumberBlockRequest", "year", &range(i64::from(*years.start()), i64::from(*years.end())));
        field("NumberBlockRequest", "count", &range(1, i64::from(MAX_GRANT)));

        // Every operation: the protocol header (a request naming another version is
        // refused with 400), and the 400 that refusal is; the attachment parameters.
        let header = utoipa::openapi::path::ParameterBuilder::new()
            .name(protocol::VERSION_HEADER)
            .parameter_in(utoipa::openapi::path::ParameterIn::Header)
            .required(utoipa::openapi::Required::False)
            .description(Some("同步协议版本；与服务器不同时拒绝（400）"))
            .schema(Some(
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::Integer)
                    .enum_values(Some([protocol::PROTOCOL_VERSION])),
            ))
            .build();
        let invalid = utoipa::openapi::ResponseBuilder::new()
            .description("请求无效：格式不符或协议版本不同")
            .content(
                "application/json",
                utoipa::openapi::ContentBuilder::new()
                    .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name("ErrorBody"))))
                    .build(),
            )
            .build();
        for item in doc.paths.paths.values_mut() {
            for op in [&mut item.get, &mut item.put, &mut item.post].into_iter().flatten() {
                let params = op.parameters.get_or_insert_with(Vec::new);
                for p in params.iter_mut() {
                    if let Some(RefOr::T(schema)) = p.schema.as_mut() {
                        match p.name.as_str() {
                            "sha256" => text(SHA256_PATTERN, 64)(schema),
                            "offset" => range(0, protocol::MAX_ATTACHMENT as i64)(schema),
                            "total" => range(1, protocol::MAX_ATTACHMENT as i64)(schema),
                            _ => {}
                        }
                    }
                }
                params.push(header.clone());
                op.responses.responses.entry("400".into()).or_insert_with(|| RefOr::T(invalid.clone()));
            }
        }
    }
}

/// The most hashes one question about missing attachments may carry.
const MAX_HASHES: usize = 10_000;

#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "sync", responses((status = 200, description = "本文档（OpenAPI 3）")))]
async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(<ApiDoc as utoipa::OpenApi>::openapi())
}

pub fn router(state: AppState) -> Router {
    // Every route here needs a device token, checked before the body is read.
    let devices = Router::new()
        .route(routes::PUSH, post(push))
        .route(routes::PULL, post(pull))
        .route(routes::ATTACHMENTS_MISSING, post(missing))
        .route(routes::ATTACHMENT, get(attachment_status).put(upload).layer(DefaultBodyLimit::max(protocol::MAX_PART)))
        .route(routes::ATTACHMENT_CONTENT, get(attachment_content))
        .route(routes::NUMBER_BLOCKS, post(number_block))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_device));
    Router::new()
        .route(routes::HEALTH, get(health))
        .route(routes::OPENAPI, get(openapi))
        .route(routes::PAIR, post(pair))
        .merge(devices)
        .layer(DefaultBodyLimit::max(protocol::MAX_BODY))
        .layer(middleware::from_fn(version))
        .with_state(state)
}

#[utoipa::path(get, path = "/api/v1/health", tag = "sync", responses((status = 200, description = "服务器在线", body = Health)))]
async fn health() -> Json<Health> {
    Json(Health { status: "ok".into(), protocol: protocol::PROTOCOL_VERSION })
}

#[utoipa::path(post, path = "/api/v1/pair", tag = "sync", request_body = PairRequest, responses(
    (status = 200, description = "配对成功：设备令牌（只返回这一次）", body = PairResponse),
    (status = 400, description = "配对码或设备名称格式不对", body = ErrorBody),
    (status = 403, description = "配对码无效、已使用或已过期", body = ErrorBody)))]
async fn pair(State(state): State<AppState>, Body(req): Body<PairRequest>) -> Result<Json<PairResponse>, ApiError> {
    let refused = |e: anjian_core::pairing::PairingError| ApiError::bad(e.to_string());
    let code = anjian_core::pairing::code(&req.code).map_err(refused)?;
    let name = anjian_core::pairing::device_name(&req.device_name).map_err(refused)?.to_owned();
    let token = auth::new_token().map_err(StorageError::Io)?;
    let device_id = auth::new_id().map_err(StorageError::Io)?;
    let (token_hash, code_hash, id) = (protocol::secret_hash(&token), protocol::secret_hash(&code), device_id.clone());
    let storage = state.storage.clone();
    let inspector = blocking(move || storage.pair(&code_hash, &now(), &id, &name, &token_hash)).await.map_err(|e| {
        if matches!(e.code, "not_found" | "refused") {
            ApiError::new(StatusCode::FORBIDDEN, "pairing_refused", "配对码无效、已使用或已过期，请向区局重新申请")
        } else {
            e
        }
    })?;
    Ok(Json(PairResponse { device_id, token, inspector_name: inspector.name, inspector_cert_no: inspector.cert_no }))
}

#[utoipa::path(post, path = "/api/v1/push", tag = "sync", request_body = PushBatch, security(("device_token" = [])), responses(
    (status = 200, description = "每条记录的结果；同一批次重发得到同样的回答", body = PushResponse),
    (status = 400, description = "内容无效", body = ErrorBody),
    (status = 401, description = "令牌缺失或错误", body = ErrorBody),
    (status = 403, description = "记录编号不属于本设备；或本设备已被停用（device_revoked：保留本机数据；device_wiped：清除本机数据）", body = ErrorBody),
    (status = 413, description = "请求过大", body = ErrorBody)))]
async fn push(
    State(state): State<AppState>,
    Extension(DeviceId(device)): Extension<DeviceId>,
    Body(batch): Body<PushBatch>,
) -> Result<Json<PushResponse>, ApiError> {
    match crate::storage::batch_problem(&device, &batch.batch_id, &batch.changes) {
        Some(BatchProblem::Malformed(why)) => return Err(ApiError::bad(why)),
        Some(BatchProblem::NotOwn) => {
            return Err(ApiError::new(StatusCode::FORBIDDEN, "forbidden", "记录编号不属于本设备"));
        }
        None => {}
    }
    let storage = state.storage.clone();
    let res = blocking(move || storage.push(&device, &batch.batch_id, &batch.changes, &now())).await?;
    Ok(Json(res))
}

#[utoipa::path(post, path = "/api/v1/pull", tag = "sync", request_body = PullRequest, security(("device_token" = [])), responses(
    (status = 200, description = "游标之后的一页记录", body = PullPage),
    (status = 400, description = "每页条数无效", body = ErrorBody),
    (status = 401, description = "令牌缺失或错误", body = ErrorBody),
    (status = 403, description = "本设备已被停用（device_revoked：保留本机数据；device_wiped：清除本机数据）", body = ErrorBody)))]
async fn pull(
    State(state): State<AppState>,
    Extension(DeviceId(device)): Extension<DeviceId>,
    Body(req): Body<PullRequest>,
) -> Result<Response, ApiError> {
    if req.limit == 0 || req.limit as usize > protocol::MAX_BATCH {
        return Err(ApiError::bad(format!("每页应为1到{}条", protocol::MAX_BATCH)));
    }
    if i64::try_from(req.after).is_err() {
        return Err(ApiError::bad("游标超出范围"));
    }
    let storage = state.storage.clone();
    let (pulls, pages) = (state.pulls.clone(), state.pages.clone());
    // A `PullPage`, written from the stored text, kept for the next devices (`PullCache`).
    let body = blocking(move || {
        let page = pages.page(storage.as_ref(), &device, req.after, req.limit)?;
        // Bookkeeping for the console (which device holds what), written later.
        pulls.note(storage.as_ref(), &device, req.after, &now());
        Ok(page)
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

#[utoipa::path(post, path = "/api/v1/attachments/missing", tag = "sync", request_body = MissingRequest, security(("device_token" = [])), responses(
    (status = 200, description = "服务器缺少的附件及已收到的字节数", body = MissingResponse),
    (status = 400, description = "摘要无效", body = ErrorBody),
    (status = 401, description = "令牌缺失或错误", body = ErrorBody),
    (status = 403, description = "本设备已被停用（device_revoked：保留本机数据；device_wiped：清除本机数据）", body = ErrorBody)))]
async fn missing(
    State(state): State<AppState>,
    Body(req): Body<MissingRequest>,
) -> Result<Json<MissingResponse>, ApiError> {
    if req.hashes.len() > MAX_HASHES || !req.hashes.iter().all(|h| protocol::is_sha256(h)) {
        return Err(ApiError::bad("附件摘要无效"));
    }
    let storage = state.storage.clone();
    let missing = blocking(move || {
        let mut out = Vec::new();
        for h in req.hashes {
            match storage.attachment_state(&h)? {
                AttachmentState::Complete => {}
                AttachmentState::Absent => out.push(Partial { sha256: h, received: 0 }),
                AttachmentState::Partial(n) => out.push(Partial { sha256: h, received: n }),
            }
        }
        Ok(out)
    })
    .await?;
    Ok(Json(MissingResponse { missing }))
}

#[derive(serde::Deserialize)]
struct UploadQuery {
    #[serde(deserialize_with = "protocol::whole_text")]
    offset: u64,
    #[serde(deserialize_with = "protocol::whole_text")]
    total: u64,
}

#[utoipa::path(get, path = "/api/v1/attachments/{sha256}", tag = "sync", security(("device_token" = [])),
    params(("sha256" = String, Path, description = "附件的 SHA-256（小写十六进制）")), responses(
    (status = 200, description = "已收到的字节数，是否完整", body = UploadResponse),
    (status = 401, description = "令牌缺失或错误", body = ErrorBody),
    (status = 403, description = "本设备已被停用（device_revoked：保留本机数据；device_wiped：清除本机数据）", body = ErrorBody)))]
async fn attachment_status(
    State(state): State<AppState>,
    Path(sha): Path<String>,
) -> Result<Json<UploadResponse>, ApiError> {
    if !protocol::is_sha256(&sha) {
        return Err(ApiError::bad("附件摘要无效"));
    }
    let storage = state.storage.clone();
    let st = blocking(move || storage.attachment_state(&sha)).await?;
    Ok(Json(match st {
        AttachmentState::Absent => UploadResponse { received: 0, complete: false },
        AttachmentState::Partial(n) => UploadResponse { received: n, complete: false },
        AttachmentState::Complete => UploadResponse { received: 0, complete: true },
    }))
}

#[utoipa::path(get, path = "/api/v1/attachments/{sha256}/content", tag = "sync", security(("device_token" = [])),
    params(("sha256" = String, Path, description = "附件的 SHA-256（小写十六进制）")), responses(
    (status = 200, description = "附件的全部字节（已核对摘要）", content_type = "application/octet-stream", body = Vec<u8>),
    (status = 400, description = "摘要无效", body = ErrorBody),
    (status = 401, description = "令牌缺失或错误", body = ErrorBody),
    (status = 403, description = "本设备已被停用（device_revoked：保留本机数据；device_wiped：清除本机数据）", body = ErrorBody),
    (status = 404, description = "服务器还没有这个附件的全部字节", body = ErrorBody)))]
async fn attachment_content(State(state): State<AppState>, Path(sha): Path<String>) -> Result<Response, ApiError> {
    if !protocol::is_sha256(&sha) {
        return Err(ApiError::bad("附件摘要无效"));
    }
    let storage = state.storage.clone();
    let bytes = blocking(move || storage.attachment(&sha)).await?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response())
}

#[utoipa::path(put, path = "/api/v1/attachments/{sha256}", tag = "sync", security(("device_token" = [])),
    params(
        ("sha256" = String, Path, description = "附件的 SHA-256（小写十六进制）"),
        ("offset" = u64, Query, description = "这一段的起点：必须等于服务器已收到的字节数"),
        ("total" = u64, Query, description = "整个附件的字节数")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "附件的一段（1字节到1MB）"),
    responses(
    (status = 200, description = "已收到的字节数；最后一段到达且摘要核对无误时 complete", body = UploadResponse),
    (status = 401, description = "令牌缺失或错误", body = ErrorBody),
    (status = 403, description = "本设备已被停用（device_revoked：保留本机数据；device_wiped：清除本机数据）", body = ErrorBody),
    (status = 409, description = "起点不对、超出长度或摘要不符", body = ErrorBody),
    (status = 413, description = "附件过大", body = ErrorBody)))]
async fn upload(
    State(state): State<AppState>,
    Path(sha): Path<String>,
    q: Result<Query<UploadQuery>, axum::extract::rejection::QueryRejection>,
    body: Bytes,
) -> Result<Json<UploadResponse>, ApiError> {
    if !protocol::is_sha256(&sha) {
        return Err(ApiError::bad("附件摘要无效"));
    }
    let Query(q) = q.map_err(|e| ApiError::bad(format!("起点或长度无效：{}", e.body_text())))?;
    if body.is_empty() {
        return Err(ApiError::bad("上传的内容为空"));
    }
    if q.total == 0 || q.total > protocol::MAX_ATTACHMENT || q.offset > protocol::MAX_ATTACHMENT {
        return Err(ApiError::bad(format!("附件应为1字节到{}MB", protocol::MAX_ATTACHMENT / 1024 / 1024)));
    }
    let storage = state.storage.clone();
    let st = blocking(move || storage.attachment_append(&sha, q.offset, &body, q.total)).await?;
    Ok(Json(match st {
        AttachmentState::Complete => UploadResponse { received: q.total, complete: true },
        AttachmentState::Partial(n) => UploadResponse { received: n, complete: false },
        AttachmentState::Absent => UploadResponse { received: 0, complete: false },
    }))
}

#[utoipa::path(post, path = "/api/v1/number-blocks", tag = "sync", request_body = NumberBlockRequest, security(("device_token" = [])), responses(
    (status = 200, description = "分配给本设备的一段文号", body = NumberBlock),
    (status = 400, description = "种类、年份或数量无效", body = ErrorBody),
    (status = 401, description = "令牌缺失或错误", body = ErrorBody),
    (status = 403, description = "本设备已被停用（device_revoked：保留本机数据；device_wiped：清除本机数据）", body = ErrorBody)))]
async fn number_block(
    State(state): State<AppState>,
    Extension(DeviceId(device)): Extension<DeviceId>,
    Body(req): Body<NumberBlockRequest>,
) -> Result<Json<NumberBlock>, ApiError> {
    if anjian_core::document::DocumentKind::parse(&req.kind).is_none() {
        return Err(ApiError::bad("文书种类无效"));
    }
    if !anjian_core::beijing::RECORD_YEARS.contains(&req.year) || req.count == 0 || req.count > MAX_GRANT {
        return Err(ApiError::bad("年份或数量无效（每次1到1000个文号）"));
    }
    let storage = state.storage.clone();
    Ok(Json(blocking(move || storage.grant_block(&device, &req.kind, req.year, req.count, &now())).await?))
}
