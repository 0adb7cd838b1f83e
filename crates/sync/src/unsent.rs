//! What a revoked device never sent, as files the bureau can import: the changes as a
//! push would carry them and the attachments they refer to, encrypted and authenticated
//! (XChaCha20-Poly1305) with a key derived from the hash of the device's token, which the
//! server keeps. A finder of the file without the server's database reads nothing; the
//! bureau imports only what that device wrote, unaltered. Anyone holding the server's
//! database could make such a file, as they could write the records themselves.
//! Written by the device, read by the server.

use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::protocol::Change;

/// What the file says it is.
pub const FORMAT: &str = "anjian-unsent/2";
/// A file larger than this is not one a device wrote.
pub const MAX_FILE: usize = 256 * 1024 * 1024;
/// The most a part's body may hold before it is encrypted and written as text (base64
/// makes four bytes of three), with room for the file's own fields.
const PART_BODY: usize = MAX_FILE / 4 * 3 - 64 * 1024;
const NONCE: usize = 24;

/// The records of one part.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Unsent {
    pub exported_at: String,
    pub changes: Vec<Change>,
    pub attachments: Vec<UnsentAttachment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UnsentAttachment {
    pub sha256: String,
    pub data_base64: String,
}

/// The file: in the clear only what finds the key (the device) and orders the parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Sealed {
    pub format: String,
    /// The server's id of the device.
    pub device_id: String,
    /// This part's number, from 1, of `parts`; each part imports on its own.
    pub part: u32,
    pub parts: u32,
    pub nonce: String,
    /// The encrypted body, base64.
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnsentError {
    #[error("文件不是安检导出的未上传记录：{0}")]
    NotAnExport(String),
    #[error("文件内容与设备的密钥不符：文件已被改动，或不是这台设备导出的")]
    BadMac,
    #[error("无法加密文件：{0}")]
    Seal(String),
}

/// The cipher of a device's files, from what the server keeps of its token
/// (`protocol::secret_hash`).
fn cipher(token_hash: &str) -> XChaCha20Poly1305 {
    let key = Sha256::new().chain_update(FORMAT).chain_update([0]).chain_update(token_hash).finalize();
    XChaCha20Poly1305::new(&key)
}

/// What the cipher authenticates beside the body: the clear fields.
fn associated(sealed: &Sealed) -> Vec<u8> {
    format!("{}\n{}\n{}\n{}", sealed.format, sealed.device_id, sealed.part, sealed.parts).into_bytes()
}

/// The changes and attachments in parts, each small enough for one file: attachments
/// first, then the changes, in order.
pub fn split(exported_at: &str, changes: Vec<Change>, attachments: Vec<UnsentAttachment>) -> Vec<Unsent> {
    let empty = || Unsent { exported_at: exported_at.to_owned(), changes: Vec::new(), attachments: Vec::new() };
    let mut parts = vec![empty()];
    let mut size = 0;
    for a in attachments {
        let len = a.data_base64.len() + a.sha256.len() + 64;
        if size + len > PART_BODY && size > 0 {
            parts.push(empty());
            size = 0;
        }
        size += len;
        parts.last_mut().unwrap_or_else(|| unreachable!()).attachments.push(a);
    }
    for c in changes {
        let len = serde_json::to_vec(&c).map_or(0, |v| v.len()) + 1;
        if size + len > PART_BODY && size > 0 {
            parts.push(empty());
            size = 0;
        }
        size += len;
        parts.last_mut().unwrap_or_else(|| unreachable!()).changes.push(c);
    }
    parts
}

/// Part `part` of `parts` as the file's bytes, encrypted for the device whose token this is.
pub fn seal(unsent: &Unsent, device_id: &str, part: u32, parts: u32, token: &str) -> Result<Vec<u8>, UnsentError> {
    let body = serde_json::to_vec(unsent).map_err(|e| UnsentError::Seal(e.to_string()))?;
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let mut sealed = Sealed {
        format: FORMAT.into(),
        device_id: device_id.into(),
        part,
        parts,
        nonce: hex::encode(nonce),
        body: String::new(),
    };
    let aad = associated(&sealed);
    let encrypted = cipher(&crate::protocol::secret_hash(token))
        .encrypt(&nonce, Payload { msg: &body, aad: &aad })
        .map_err(|e| UnsentError::Seal(e.to_string()))?;
    sealed.body = base64::engine::general_purpose::STANDARD.encode(encrypted);
    let file = serde_json::to_vec_pretty(&sealed).map_err(|e| UnsentError::Seal(e.to_string()))?;
    if file.len() > MAX_FILE {
        return Err(UnsentError::Seal("文件过大".into()));
    }
    Ok(file)
}

/// The file's clear fields: which device's key opens it.
pub fn read(file: &[u8]) -> Result<Sealed, UnsentError> {
    if file.len() > MAX_FILE {
        return Err(UnsentError::NotAnExport("文件过大".into()));
    }
    let sealed: Sealed = crate::strict::from_slice(file).map_err(|e| UnsentError::NotAnExport(e.to_string()))?;
    if sealed.format != FORMAT {
        return Err(UnsentError::NotAnExport(format!("格式 {}", sealed.format)));
    }
    if sealed.part == 0 || sealed.part > sealed.parts {
        return Err(UnsentError::NotAnExport(format!("第{}部分（共{}部分）", sealed.part, sealed.parts)));
    }
    Ok(sealed)
}

/// The records, decrypted with the key the server holds for the device (the hash of its
/// token): an altered file, or one of another device, opens to nothing.
pub fn open(sealed: &Sealed, token_hash: &str) -> Result<Unsent, UnsentError> {
    let nonce = hex::decode(&sealed.nonce).ok().filter(|n| n.len() == NONCE).ok_or(UnsentError::BadMac)?;
    let encrypted = base64::engine::general_purpose::STANDARD.decode(&sealed.body).map_err(|_| UnsentError::BadMac)?;
    let body = cipher(token_hash)
        .decrypt(XNonce::from_slice(&nonce), Payload { msg: &encrypted, aad: &associated(sealed) })
        .map_err(|_| UnsentError::BadMac)?;
    crate::strict::from_slice(&body).map_err(|e| UnsentError::NotAnExport(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unsent() -> Unsent {
        Unsent {
            exported_at: "2026-12-05T00:00:00Z".into(),
            changes: vec![],
            attachments: vec![UnsentAttachment { sha256: "ab".repeat(32), data_base64: "AAAA".into() }],
        }
    }

    #[test]
    fn a_sealed_file_opens_with_its_key_only_and_unaltered() {
        let file = seal(&unsent(), "d1", 1, 1, "token-1").unwrap();
        assert!(!String::from_utf8_lossy(&file).contains("AAAA"), "the records are readable in the file");
        let sealed = read(&file).unwrap();
        assert_eq!(sealed.device_id, "d1");
        let key = crate::protocol::secret_hash("token-1");
        assert_eq!(open(&sealed, &key).unwrap().attachments, unsent().attachments);
        assert_eq!(open(&sealed, &crate::protocol::secret_hash("token-2")).unwrap_err(), UnsentError::BadMac);
        for altered in [
            Sealed { device_id: "d2".into(), ..sealed.clone() },
            Sealed { part: 1, parts: 2, ..sealed.clone() },
            // Its first character changed (the nonce is random: the body may begin with A).
            Sealed {
                body: format!("{}{}", if sealed.body.starts_with('A') { 'B' } else { 'A' }, &sealed.body[1..]),
                ..sealed.clone()
            },
            Sealed { nonce: "00".repeat(NONCE), ..sealed.clone() },
        ] {
            assert_eq!(open(&altered, &key).unwrap_err(), UnsentError::BadMac, "{altered:?}");
        }
        for bad in [&b"{}"[..], b"[]", b"not json", br#"{"body":"{}","mac":""}"#] {
            assert!(matches!(read(bad), Err(UnsentError::NotAnExport(_))), "{}", String::from_utf8_lossy(bad));
        }
        let part0 = serde_json::to_vec(&Sealed { part: 0, ..sealed }).unwrap();
        assert!(matches!(read(&part0), Err(UnsentError::NotAnExport(_))));
    }

    #[test]
    fn parts_keep_everything_in_order_and_each_fits() {
        let big =
            |n: u8| UnsentAttachment { sha256: format!("{n:02x}").repeat(32), data_base64: "A".repeat(PART_BODY / 3) };
        let attachments: Vec<_> = (0..7).map(big).collect();
        let parts = split("2026-12-05T00:00:00Z", Vec::new(), attachments.clone());
        assert_eq!(parts.len(), 4, "two attachments of a third each per part");
        let back: Vec<_> = parts.iter().flat_map(|p| p.attachments.clone()).collect();
        assert_eq!(back, attachments);
        assert_eq!(split("t", Vec::new(), Vec::new()).len(), 1, "nothing: one empty part");
    }
}
