//! The verification code printed on every page: derived from the snapshot's content hash,
//! so the server's verify page can match a paper copy to the record it was printed from.

use sha2::{Digest, Sha256};

use crate::snapshot::Snapshot;

/// Crockford's base32: no I, L, O, U, so a code read aloud or typed is not misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// SHA-256 of the snapshot's canonical JSON (field order is the struct's, fixed).
pub fn content_hash(snapshot: &Snapshot) -> [u8; 32] {
    // Serialising these plain structs cannot fail; an empty input would still hash.
    let json = serde_json::to_vec(snapshot).unwrap_or_default();
    Sha256::digest(json).into()
}

/// 10 characters (50 bits) of the hash, as XXXXX-XXXXX.
pub fn code(hash: &[u8; 32]) -> String {
    let bits = hash[..8].iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    let mut out = String::with_capacity(11);
    for i in 0..10 {
        if i == 5 {
            out.push('-');
        }
        let v = (bits >> (64 - 5 * (i + 1))) & 31;
        out.push(char::from(ALPHABET[v as usize]));
    }
    out
}

/// What the QR code holds: a scheme the verify page understands, the code and the hash.
#[cfg(feature = "render")]
pub fn qr_payload(hash: &[u8; 32]) -> String {
    format!("ANJIAN:V1:{}:{}", code(hash), hex(hash))
}

/// The district server's verification page for a code (`anjian-server` serves `/v/`).
pub fn page_url(server: &str, code: &str) -> String {
    format!("{}/v/{code}", server.trim_end_matches('/'))
}

#[cfg(feature = "render")]
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_short_unambiguous_and_stable() {
        let h = [0u8; 32];
        assert_eq!(code(&h), "00000-00000");
        let h = Sha256::digest(b"anjian").into();
        let c = code(&h);
        assert_eq!(c.len(), 11);
        assert!(c.chars().all(|ch| ch == '-' || ALPHABET.contains(&(ch as u8))));
        assert_eq!(c, code(&h));
        assert!(qr_payload(&h).starts_with(&format!("ANJIAN:V1:{c}:")));
    }
}
