//! The audit chain: each event's hash covers the previous event's hash and the SHA-256
//! of what was written, so an edited, inserted or removed event is detectable, and the
//! chain's head (kept beside it) shows events cut off the end. It proves what was
//! written when; it does not re-read the records themselves.

use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::Store;
use crate::error::Result;

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[allow(clippy::too_many_arguments)] // one argument per hashed field of the event
fn event_hash(
    prev: &str,
    seq: i64,
    at: &str,
    device: &str,
    record_type: &str,
    record_id: &str,
    action: &str,
    body_sha: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [prev, &seq.to_string(), at, device, record_type, record_id, action, body_sha] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    hex::encode(h.finalize())
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn append(
    conn: &Connection,
    at: &str,
    device: &str,
    record_type: &str,
    record_id: &str,
    action: &str,
    body: &str,
) -> Result<()> {
    let last: Option<(i64, String)> = conn
        .prepare_cached("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_owned()),
    };
    let body_sha = hex::encode(Sha256::digest(body.as_bytes()));
    let hash = event_hash(&prev, seq, at, device, record_type, record_id, action, &body_sha);
    conn.prepare_cached(
        "INSERT INTO audit_event (seq, at, device_id, record_type, record_id, action, body_sha256, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute((seq, at, device, record_type, record_id, action, &body_sha, &prev, &hash))?;
    crate::set_setting(conn, HEAD_KEY, &format!("{seq} {hash}"))
}

const HEAD_KEY: &str = "audit_head";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub events: u64,
    /// The first event whose hash or link does not hold.
    pub first_broken: Option<i64>,
}

impl Store {
    /// Recomputes the whole chain.
    pub fn verify_audit_chain(&self) -> Result<ChainReport> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT seq, at, device_id, record_type, record_id, action, body_sha256, prev_hash, hash FROM audit_event ORDER BY seq",
        )?;
        let mut rows = stmt.query([])?;
        let mut prev = GENESIS.to_owned();
        let mut expected_seq = 1;
        let mut events = 0;
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            let stored_prev: String = r.get(7)?;
            let stored_hash: String = r.get(8)?;
            let hash = event_hash(
                &prev,
                seq,
                &r.get::<_, String>(1)?,
                &r.get::<_, String>(2)?,
                &r.get::<_, String>(3)?,
                &r.get::<_, String>(4)?,
                &r.get::<_, String>(5)?,
                &r.get::<_, String>(6)?,
            );
            if seq != expected_seq || stored_prev != prev || stored_hash != hash {
                return Ok(ChainReport { events, first_broken: Some(seq) });
            }
            prev = stored_hash;
            expected_seq += 1;
            events += 1;
        }
        let head = crate::get_setting(&*self.conn()?, HEAD_KEY)?;
        let last = if events == 0 { None } else { Some(format!("{} {prev}", expected_seq - 1)) };
        if head != last {
            // Events were cut off the end (or the head was altered).
            return Ok(ChainReport { events, first_broken: Some(expected_seq) });
        }
        Ok(ChainReport { events, first_broken: None })
    }
}
