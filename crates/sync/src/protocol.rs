//! Protocol v1 between a device and the district server: the JSON bodies of every route,
//! shared by the client and the server so the two cannot drift apart. Both sides send
//! `X-Anjian-Protocol: 1` and refuse any other version.

use serde::{Deserialize, Serialize};

/// The version this build speaks.
pub const PROTOCOL_VERSION: u32 = 1;
/// The header carrying it, on every request and every response.
pub const VERSION_HEADER: &str = "x-anjian-protocol";
/// The bearer token header's scheme.
pub const BEARER: &str = "Bearer ";

/// Largest request body the server reads (a push batch, a pull request…).
pub const MAX_BODY: usize = 4 * 1024 * 1024;
/// Largest attachment (a photo, a signature, a document PDF).
pub const MAX_ATTACHMENT: u64 = 32 * 1024 * 1024;
/// Largest part of an attachment in one upload request.
pub const MAX_PART: usize = 1024 * 1024;
/// Most changes in one push batch and in one pull page.
pub const MAX_BATCH: usize = 500;

pub mod routes {
    pub const HEALTH: &str = "/api/v1/health";
    pub const PAIR: &str = "/api/v1/pair";
    pub const PUSH: &str = "/api/v1/push";
    pub const PULL: &str = "/api/v1/pull";
    pub const ATTACHMENTS_MISSING: &str = "/api/v1/attachments/missing";
    /// `PUT …/{sha256}?offset=N` with the bytes from N; `GET …/{sha256}` for how much arrived.
    pub const ATTACHMENT: &str = "/api/v1/attachments/{sha256}";
    /// `GET …/{sha256}/content`: the whole attachment, once complete.
    pub const ATTACHMENT_CONTENT: &str = "/api/v1/attachments/{sha256}/content";
    pub const NUMBER_BLOCKS: &str = "/api/v1/number-blocks";
    pub const OPENAPI: &str = "/api/v1/openapi.json";
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Health {
    pub status: String,
    pub protocol: u32,
}

/// The device's one-time pairing: the code the bureau gave the inspector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PairRequest {
    pub code: String,
    /// What the device calls itself (shown in the bureau's device list).
    pub device_name: String,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PairResponse {
    pub device_id: String,
    /// Sent as `Authorization: Bearer <token>` from now on; the server keeps its hash only.
    pub token: String,
    pub inspector_name: String,
    pub inspector_cert_no: String,
}

impl std::fmt::Debug for PairResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PairResponse")
            .field("device_id", &self.device_id)
            .field("token", &"…")
            .field("inspector_name", &self.inspector_name)
            .finish()
    }
}

/// One change from a device's outbox.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Change {
    /// `<device id>:<outbox seq>`: unique in the district, so a repeat is recognised.
    pub change_id: String,
    pub record_type: String,
    pub record_id: String,
    pub op: String,
    /// The hybrid logical clock of the write.
    pub rev: String,
    /// The record's image as JSON text: the server checks it and stores the text as it came.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub payload: Box<serde_json::value::RawValue>,
}

/// What the server keeps of a secret (a device's token, a pairing code, a console
/// session): its SHA-256 as hex, never the secret. A device's is also the key of the MAC
/// on the file of what it never sent (`unsent`), so the server can check that file.
pub fn secret_hash(secret: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(secret.as_bytes()))
}

/// How many of `changes`, from the first, one push carries: at most `MAX_BATCH`, and no
/// more than fit in `MAX_BODY` with the batch's own fields (at least one, so a change too
/// large for any push is refused by the server rather than held back forever).
pub fn push_fits(changes: &[Change]) -> usize {
    // The batch id and the JSON around the list, with room to spare.
    const FRAME: usize = 256;
    let mut size = FRAME;
    let mut n = 0;
    for change in changes.iter().take(MAX_BATCH) {
        size += serde_json::to_vec(change).map_or(usize::MAX / 2, |v| v.len()) + 1;
        if size > MAX_BODY && n > 0 {
            break;
        }
        n += 1;
    }
    n
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PushBatch {
    /// A UUID the device chose; a batch sent again (lost reply) is answered the same.
    pub batch_id: String,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// Stored now.
    Applied,
    /// Stored before (a repeat): nothing changed.
    Duplicate,
    /// Not stored, with the reason (e.g. a change to an issued document).
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChangeResult {
    pub change_id: String,
    pub outcome: Outcome,
    /// Why a change was refused; on an applied one, a problem the server found that the
    /// inspector must sort out (an issued number another document carried first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PushResponse {
    pub batch_id: String,
    pub results: Vec<ChangeResult>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PullRequest {
    /// The last server sequence the device has applied (0 at first).
    #[serde(deserialize_with = "whole")]
    pub after: u64,
    #[serde(deserialize_with = "whole")]
    pub limit: u32,
}

/// A change as the server stores it: numbered by one increasing sequence. The payload
/// travels as the JSON text stored (the server writes its pages from the stored text,
/// `anjian_server::StoredPage::to_json`, and a test holds the two to the same JSON).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServerChange {
    pub seq: u64,
    pub change_id: String,
    /// The device that wrote it ("server" for what the bureau published).
    pub device_id: String,
    pub record_type: String,
    pub record_id: String,
    pub op: String,
    pub rev: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub payload: Box<serde_json::value::RawValue>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PullPage {
    pub changes: Vec<ServerChange>,
    /// The cursor after this page (the last change's seq, or `after` when empty).
    pub next: u64,
    /// Whether more changes follow.
    pub more: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MissingRequest {
    pub hashes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MissingResponse {
    /// The hashes the server lacks, each with how many bytes of it already arrived.
    pub missing: Vec<Partial>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Partial {
    pub sha256: String,
    pub received: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UploadResponse {
    pub received: u64,
    /// The whole file arrived and its hash was verified.
    pub complete: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NumberBlockRequest {
    /// inspectionRecord, rectificationOrder or reviewOpinion.
    pub kind: String,
    #[serde(deserialize_with = "whole")]
    pub year: i32,
    #[serde(deserialize_with = "whole")]
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NumberBlock {
    pub kind: String,
    pub year: i32,
    pub first: u32,
    pub last: u32,
}

/// Error codes the device acts on.
pub mod codes {
    /// The bureau revoked this device: it keeps its data and syncs no more.
    pub const DEVICE_REVOKED: &str = "device_revoked";
    /// The bureau revoked this device and asks it to delete its data and its key.
    pub const DEVICE_WIPED: &str = "device_wiped";
}

/// Every error body: a stable code and a Chinese message for the inspector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

/// A whole number as JSON (and the OpenAPI document's `integer`) has it: `248` or
/// `248.0`; out of range, with a fraction or as text, refused.
pub fn whole<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<i64> + TryFrom<u64>,
{
    d.deserialize_any(Whole { text: false, _to: std::marker::PhantomData })
}

/// As `whole`, for a query string, where every value is text (`248`, `248.0`).
pub fn whole_text<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<i64> + TryFrom<u64>,
{
    d.deserialize_any(Whole { text: true, _to: std::marker::PhantomData })
}

struct Whole<T> {
    text: bool,
    _to: std::marker::PhantomData<T>,
}

impl<T: TryFrom<i64> + TryFrom<u64>> serde::de::Visitor<'_> for Whole<T> {
    type Value = T;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a whole number in range")
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::custom(format!("{v} is out of range")))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::custom(format!("{v} is out of range")))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<T, E> {
        // A whole float converts exactly (beyond 2^53 every float is whole).
        if v.fract() != 0.0 || !(-9.223_372_036_854_776e18..1.844_674_407_370_955_2e19).contains(&v) {
            return Err(E::custom(format!("{v} is not a whole number in range")));
        }
        if v < 0.0 { self.visit_i64(v as i64) } else { self.visit_u64(v as u64) }
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        if !self.text {
            return Err(E::invalid_type(serde::de::Unexpected::Str(v), &self));
        }
        if let Ok(n) = v.parse::<u64>() {
            return self.visit_u64(n);
        }
        if let Ok(n) = v.parse::<i64>() {
            return self.visit_i64(n);
        }
        match v.parse::<f64>() {
            Ok(f) if f.is_finite() => self.visit_f64(f),
            _ => Err(E::custom(format!("{v} is not a whole number"))),
        }
    }
}

/// Is this a SHA-256 in lower-case hex?
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn change(n: usize, payload_len: usize) -> Change {
        Change {
            change_id: format!("d1:{n}"),
            record_type: "inspection".into(),
            record_id: format!("i{n}"),
            op: "put".into(),
            rev: "0000000001-0000-d1".into(),
            payload: serde_json::value::RawValue::from_string(format!("{{\"note\":\"{}\"}}", "x".repeat(payload_len)))
                .unwrap(),
        }
    }

    proptest::proptest! {
        /// A push of what fits is within the body limit and the count, and at least one
        /// change always goes (a single change too large is the server's to refuse).
        #[test]
        fn a_push_carries_what_fits_in_the_body(sizes in proptest::collection::vec(0usize..400_000, 1..700)) {
            let changes: Vec<Change> = sizes.iter().enumerate().map(|(n, &len)| change(n, len)).collect();
            let n = push_fits(&changes);
            proptest::prop_assert!((1..=MAX_BATCH).contains(&n) && n <= changes.len());
            let body = serde_json::to_vec(&PushBatch { batch_id: "x".repeat(64), changes: changes[..n].to_vec() }).unwrap();
            proptest::prop_assert!(n == 1 || body.len() <= MAX_BODY, "{} bytes in {n}", body.len());
            if n < changes.len().min(MAX_BATCH) {
                let more = serde_json::to_vec(&PushBatch { batch_id: "x".repeat(64), changes: changes[..=n].to_vec() }).unwrap();
                proptest::prop_assert!(more.len() > MAX_BODY - 1024, "stopped early: {} bytes with one more", more.len());
            }
        }
    }

    #[test]
    fn whole_numbers_as_json_and_query_strings_write_them() {
        let body = |json: &str| serde_json::from_str::<PullRequest>(json).map(|r| (r.after, r.limit));
        assert_eq!(body(r#"{"after": 5, "limit": 248}"#).unwrap(), (5, 248));
        assert_eq!(body(r#"{"after": 5.0, "limit": 248.0}"#).unwrap(), (5, 248));
        assert_eq!(body(r#"{"after": 1e18, "limit": 1}"#).unwrap(), (1_000_000_000_000_000_000, 1));
        for refused in [
            r#"{"after": "5", "limit": 248}"#,
            r#"{"after": 5.5, "limit": 248}"#,
            r#"{"after": -1, "limit": 248}"#,
            r#"{"after": 5, "limit": 4294967296}"#,
        ] {
            assert!(body(refused).is_err(), "{refused}");
        }
        #[derive(Debug, serde::Deserialize)]
        struct Query {
            #[serde(deserialize_with = "whole_text")]
            n: u64,
        }
        let query = |v: &str| serde_json::from_value::<Query>(serde_json::json!({ "n": v })).map(|q| q.n);
        assert_eq!(query("7").unwrap(), 7);
        assert_eq!(query("7.0").unwrap(), 7);
        assert!(query("7.5").is_err() && query("seven").is_err() && query("-7").is_err());
    }
}
