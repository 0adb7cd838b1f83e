//! What a revoked device never sent, as one file the bureau can import: the changes as a
//! push would carry them and the attachments they refer to, sealed with a MAC keyed by
//! the hash of the device's token (which the server keeps), so the bureau imports only
//! what that device wrote, unaltered. Written by the device, read by the server.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::protocol::Change;

/// What the file's body says it is.
pub const FORMAT: &str = "anjian-unsent/1";
/// A file larger than this is not one a device wrote (attachments are ≤ 32 MiB each).
pub const MAX_FILE: usize = 256 * 1024 * 1024;

/// The records a device never sent.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Unsent {
    pub format: String,
    /// The server's id of the device.
    pub device_id: String,
    pub exported_at: String,
    pub changes: Vec<Change>,
    pub attachments: Vec<UnsentAttachment>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UnsentAttachment {
    pub sha256: String,
    pub data_base64: String,
}

/// The file: the body as the device wrote it, and its MAC.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Sealed {
    pub body: String,
    pub mac: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnsentError {
    #[error("文件不是安检导出的未上传记录：{0}")]
    NotAnExport(String),
    #[error("文件内容与设备的签名不符：文件已被改动，或不是这台设备导出的")]
    BadMac,
}

/// The key the server holds for a device: the SHA-256 of its token, as hex.
pub fn token_key(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn mac_of(key: &str, body: &str) -> Hmac<Sha256> {
    // HMAC (RustCrypto's maintained crate) takes a key of any length.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes()).unwrap_or_else(|_| unreachable!());
    mac.update(body.as_bytes());
    mac
}

/// The file's bytes for `unsent`, sealed with the device's token.
pub fn seal(unsent: &Unsent, token: &str) -> Result<Vec<u8>, serde_json::Error> {
    let body = serde_json::to_string(unsent)?;
    let mac = hex::encode(mac_of(&token_key(token), &body).finalize().into_bytes());
    serde_json::to_vec_pretty(&Sealed { body, mac })
}

/// The device a file says it comes from (before its MAC can be checked with that
/// device's key).
pub fn device_of(file: &[u8]) -> Result<(Sealed, Unsent), UnsentError> {
    if file.len() > MAX_FILE {
        return Err(UnsentError::NotAnExport("文件过大".into()));
    }
    let sealed: Sealed = crate::strict::from_slice(file).map_err(|e| UnsentError::NotAnExport(e.to_string()))?;
    let unsent: Unsent =
        crate::strict::from_slice(sealed.body.as_bytes()).map_err(|e| UnsentError::NotAnExport(e.to_string()))?;
    if unsent.format != FORMAT {
        return Err(UnsentError::NotAnExport(format!("格式 {}", unsent.format)));
    }
    Ok((sealed, unsent))
}

/// Checks the MAC with the key the server holds for the device (`token_key`).
pub fn verify(sealed: &Sealed, key: &str) -> Result<(), UnsentError> {
    let mac = hex::decode(&sealed.mac).map_err(|_| UnsentError::BadMac)?;
    mac_of(key, &sealed.body).verify_slice(&mac).map_err(|_| UnsentError::BadMac)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unsent() -> Unsent {
        Unsent {
            format: FORMAT.into(),
            device_id: "d1".into(),
            exported_at: "2026-12-05T00:00:00Z".into(),
            changes: vec![],
            attachments: vec![UnsentAttachment { sha256: "ab".repeat(32), data_base64: "AAAA".into() }],
        }
    }

    #[test]
    fn a_sealed_file_opens_with_its_key_only_and_unaltered() {
        let file = seal(&unsent(), "token-1").unwrap();
        let (sealed, read) = device_of(&file).unwrap();
        assert_eq!(read.device_id, "d1");
        assert_eq!(verify(&sealed, &token_key("token-1")), Ok(()));
        assert_eq!(verify(&sealed, &token_key("token-2")), Err(UnsentError::BadMac));
        let altered = Sealed { body: sealed.body.replace("AAAA", "AAAB"), ..sealed.clone() };
        assert_eq!(verify(&altered, &token_key("token-1")), Err(UnsentError::BadMac));
        for bad in [&b"{}"[..], b"[]", b"not json", br#"{"body":"{}","mac":""}"#] {
            assert!(matches!(device_of(bad), Err(UnsentError::NotAnExport(_))), "{}", String::from_utf8_lossy(bad));
        }
    }
}
