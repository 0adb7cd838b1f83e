//! The device's client of protocol v1: timeouts on every request; network errors and 5xx
//! retried with exponential backoff and jitter; 4xx returned at once (the inspector must
//! see them); the protocol version checked on every answer.

use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::protocol::{
    self, ErrorBody, Health, MissingRequest, MissingResponse, NumberBlock, NumberBlockRequest, PairRequest,
    PairResponse, PullPage, PullRequest, PushBatch, PushResponse, UploadResponse, routes,
};

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The server could not be reached or did not answer, after every retry.
    #[error("无法连接区局服务器：{0}")]
    Network(String),
    /// The server refused (4xx) or failed (5xx after every retry), with its reason.
    #[error("{message}")]
    Server { status: u16, code: String, message: String },
    /// The answer was not protocol v1.
    #[error("服务器的回应无法识别：{0}")]
    Protocol(String),
    /// An attachment to send does not match its hash (damaged on this device).
    #[error("附件 {0} 已损坏")]
    Damaged(String),
}

impl SyncError {
    /// Worth trying again later (the network or the server), not a refusal.
    pub fn is_transient(&self) -> bool {
        match self {
            SyncError::Network(_) => true,
            SyncError::Server { status, .. } => *status >= 500,
            SyncError::Protocol(_) | SyncError::Damaged(_) => false,
        }
    }
}

/// How hard to try.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts per request, the first included.
    pub attempts: u32,
    pub first_delay: Duration,
    pub max_delay: Duration,
    /// Each request's whole time limit.
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 6,
            first_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `n` (1-based retries): exponential, capped, with full
    /// jitter so devices coming back together do not retry in step.
    pub fn delay(&self, n: u32) -> Duration {
        let exp = self.first_delay.saturating_mul(1u32 << n.min(16));
        let cap = exp.min(self.max_delay);
        let mut b = [0u8; 4];
        let r = getrandom::fill(&mut b).map(|()| u32::from_le_bytes(b)).unwrap_or(u32::MAX / 2);
        cap.mul_f64(f64::from(r) / f64::from(u32::MAX))
    }
}

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
    policy: RetryPolicy,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token is a secret: never in logs.
        f.debug_struct("Client").field("base", &self.base).field("paired", &self.token.is_some()).finish()
    }
}

impl Client {
    /// `base` like `http://127.0.0.1:8470` (https in production).
    pub fn new(base: &str, token: Option<String>, policy: RetryPolicy) -> Result<Client, SyncError> {
        let http = reqwest::Client::builder()
            .timeout(policy.timeout)
            .connect_timeout(policy.timeout.min(Duration::from_secs(10)))
            .build()
            .map_err(|e| SyncError::Network(e.to_string()))?;
        Ok(Client { http, base: base.trim_end_matches('/').to_owned(), token, policy })
    }

    pub fn with_token(mut self, token: String) -> Client {
        self.token = Some(token);
        self
    }

    async fn send<T: DeserializeOwned>(
        &self,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<T, SyncError> {
        let body = self.send_raw(build).await?;
        crate::strict::from_slice(&body).map_err(|e| SyncError::Protocol(e.to_string()))
    }

    /// One request with retries; the successful answer's bytes.
    async fn send_raw(
        &self,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<Vec<u8>, SyncError> {
        let mut attempt = 0;
        loop {
            let mut req = build(&self.http).header(protocol::VERSION_HEADER, protocol::PROTOCOL_VERSION.to_string());
            if let Some(t) = &self.token {
                req = req.header(reqwest::header::AUTHORIZATION, format!("{}{t}", protocol::BEARER));
            }
            let outcome = match req.send().await {
                Ok(res) => decode(res).await,
                Err(e) => Err(SyncError::Network(e.to_string())),
            };
            match outcome {
                Err(e) if e.is_transient() && attempt + 1 < self.policy.attempts => {
                    attempt += 1;
                    tokio::time::sleep(self.policy.delay(attempt)).await;
                }
                other => return other,
            }
        }
    }

    async fn post<B: Serialize, T: DeserializeOwned>(&self, route: &str, body: &B) -> Result<T, SyncError> {
        let url = format!("{}{route}", self.base);
        self.send(|c| c.post(&url).json(body)).await
    }

    pub async fn health(&self) -> Result<Health, SyncError> {
        let url = format!("{}{}", self.base, routes::HEALTH);
        self.send(|c| c.get(&url)).await
    }

    /// The server's clock, read from the Date header of its health answer (to the second).
    pub async fn server_clock(&self) -> Result<Option<chrono::DateTime<chrono::Utc>>, SyncError> {
        let url = format!("{}{}", self.base, routes::HEALTH);
        let res = self.http.get(&url).send().await.map_err(|e| SyncError::Network(e.to_string()))?;
        Ok(res
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok())
            .map(|t| t.with_timezone(&chrono::Utc)))
    }

    pub async fn pair(&self, code: &str, device_name: &str) -> Result<PairResponse, SyncError> {
        self.post(routes::PAIR, &PairRequest { code: code.to_owned(), device_name: device_name.to_owned() }).await
    }

    /// Sends a batch; sending the same batch again is safe (the server answers the same).
    pub async fn push(&self, batch: &PushBatch) -> Result<PushResponse, SyncError> {
        let res: PushResponse = self.post(routes::PUSH, batch).await?;
        let matches = res.batch_id == batch.batch_id
            && res.results.len() == batch.changes.len()
            && res.results.iter().zip(&batch.changes).all(|(r, c)| r.change_id == c.change_id);
        if !matches {
            return Err(SyncError::Protocol("推送结果与批次不符".into()));
        }
        Ok(res)
    }

    pub async fn pull(&self, after: u64, limit: u32) -> Result<PullPage, SyncError> {
        let page: PullPage = self.post(routes::PULL, &PullRequest { after, limit }).await?;
        if page.changes.len() > limit as usize
            || page.changes.windows(2).any(|w| w[0].seq >= w[1].seq)
            || page.changes.first().is_some_and(|c| c.seq <= after)
        {
            return Err(SyncError::Protocol("拉取的记录顺序不对".into()));
        }
        Ok(page)
    }

    pub async fn missing(&self, hashes: &[String]) -> Result<MissingResponse, SyncError> {
        self.post(routes::ATTACHMENTS_MISSING, &MissingRequest { hashes: hashes.to_vec() }).await
    }

    /// Sends an attachment from where the server's copy stops, part by part; a cut
    /// connection resumes from the server's count, not from the start.
    pub async fn upload(&self, sha256: &str, bytes: &[u8]) -> Result<(), SyncError> {
        if hex::encode(Sha256::digest(bytes)) != sha256 {
            return Err(SyncError::Damaged(sha256.to_owned()));
        }
        let url = format!("{}{}", self.base, routes::ATTACHMENT.replace("{sha256}", sha256));
        let status: UploadResponse = self.send(|c| c.get(&url)).await?;
        if status.complete {
            return Ok(());
        }
        if status.received > bytes.len() as u64 {
            return Err(SyncError::Protocol(format!("服务器说已收到的附件 {sha256} 比原件还长")));
        }
        let total = bytes.len() as u64;
        let mut offset = status.received;
        // Refusals that move nothing forward: give up rather than hammer the server.
        let mut stuck = 0;
        while offset < total {
            if stuck >= 3 {
                return Err(SyncError::Protocol(format!("附件 {sha256} 的上传无法继续")));
            }
            let end = (offset as usize + protocol::MAX_PART).min(bytes.len());
            let part = bytes[offset as usize..end].to_vec();
            let put = format!("{url}?offset={offset}&total={total}");
            let res: Result<UploadResponse, _> = self.send(|c| c.put(&put).body(part.clone())).await;
            match res {
                Ok(r) if r.complete => return Ok(()),
                Ok(r) if r.received > total => {
                    return Err(SyncError::Protocol(format!("服务器说已收到的附件 {sha256} 比原件还长")));
                }
                Ok(r) => {
                    stuck = if r.received <= offset { stuck + 1 } else { 0 };
                    offset = r.received;
                }
                // The part may have arrived before the answer was lost: ask where it stands.
                Err(SyncError::Server { status: 409, .. }) => {
                    let now: UploadResponse = self.send(|c| c.get(&url)).await?;
                    if now.complete {
                        return Ok(());
                    }
                    stuck = if now.received == offset { stuck + 1 } else { 0 };
                    offset = now.received;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// An attachment's bytes, checked against its hash.
    pub async fn download(&self, sha256: &str) -> Result<Vec<u8>, SyncError> {
        let url = format!("{}{}", self.base, routes::ATTACHMENT_CONTENT.replace("{sha256}", sha256));
        let bytes = self.send_raw(|c| c.get(&url)).await?;
        if hex::encode(Sha256::digest(&bytes)) != sha256 {
            return Err(SyncError::Protocol(format!("下载的附件 {sha256} 与摘要不符")));
        }
        Ok(bytes)
    }

    pub async fn number_block(&self, kind: &str, year: i32, count: u32) -> Result<NumberBlock, SyncError> {
        self.post(routes::NUMBER_BLOCKS, &NumberBlockRequest { kind: kind.to_owned(), year, count }).await
    }
}

async fn decode(res: reqwest::Response) -> Result<Vec<u8>, SyncError> {
    let status = res.status();
    let version = res.headers().get(protocol::VERSION_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = res.bytes().await.map_err(|e| SyncError::Network(e.to_string()))?;
    if status.is_success() {
        if version.as_deref() != Some(&protocol::PROTOCOL_VERSION.to_string()) {
            return Err(SyncError::Protocol(format!("服务器的协议版本为 {version:?}")));
        }
        return Ok(body.to_vec());
    }
    let err: Option<ErrorBody> = serde_json::from_slice(&body).ok();
    let (code, message) = match err {
        Some(e) => (e.code, e.message),
        None if status.is_server_error() => {
            ("unavailable".to_owned(), format!("区局服务器暂时不可用（{}）", status.as_u16()))
        }
        None => ("http".to_owned(), format!("区局服务器拒绝了请求（{}）", status.as_u16())),
    };
    Err(SyncError::Server { status: status.as_u16(), code, message })
}
