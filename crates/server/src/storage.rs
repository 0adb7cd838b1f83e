//! What the server stores, behind one trait so SQLite (the default) and PostgreSQL (in
//! production) behave the same. Methods are blocking; the HTTP layer calls them on the
//! blocking pool. Each method is one transaction.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::mpsc::{Sender, channel};

use anjian_sync::protocol::{
    Change, ChangeResult, MAX_BATCH, NumberBlock, Outcome, PullPage, PushResponse, ServerChange,
};
use anjian_sync::records::{DocumentImage, Image};
use anjian_sync::rules;
use sha2::Digest;

pub use crate::ledger::Param;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("not found: {0}")]
    NotFound(String),
    #[error("refused: {0}")]
    Refused(String),
    #[error("database: {0}")]
    Database(String),
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
}

/// The migration runner's answer as the server reports it.
pub(crate) fn refused_newer(e: anjian_migrate::MigrateError<StorageError>) -> StorageError {
    match e {
        anjian_migrate::MigrateError::Newer { found, .. } => {
            StorageError::Refused(format!("数据库的结构版本（{found}）比本服务器新：请升级服务器"))
        }
        anjian_migrate::MigrateError::Backend(e) => e,
    }
}

impl From<rusqlite::Error> for StorageError {
    fn from(e: rusqlite::Error) -> Self {
        StorageError::Database(e.to_string())
    }
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Inspector {
    pub id: String,
    pub name: String,
    pub cert_no: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Device {
    pub id: String,
    pub name: String,
    pub inspector_name: String,
    pub inspector_cert_no: String,
    pub paired_at: String,
    pub revoked_at: Option<String>,
    /// Revoked with wiping.
    pub wipe: bool,
    /// When the revoked device was first told.
    pub revocation_told_at: Option<String>,
}

/// An attachment's state on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentState {
    Absent,
    Partial(u64),
    Complete,
}

pub trait Storage: Send + Sync + 'static {
    /// Adds (or finds, by 执法证号) an inspector and makes a one-time pairing code for them;
    /// the code is stored as its hash only.
    fn enrol(&self, name: &str, cert_no: &str, code_hash: &str, expires_at: &str, now: &str) -> Result<Inspector>;
    /// Uses a pairing code once: a new device for its inspector, keeping the token's hash.
    fn pair(
        &self,
        code_hash: &str,
        now: &str,
        device_id: &str,
        device_name: &str,
        token_hash: &str,
    ) -> Result<Inspector>;
    /// The device a token hash belongs to, if paired and not revoked.
    fn device_by_token(&self, token_hash: &str) -> Result<Option<String>>;
    /// The same answer from memory, without blocking, where the storage can vouch that
    /// the device was not revoked since it last checked; `None`: ask `device_by_token`.
    fn known_device(&self, _token_hash: &str) -> Option<String> {
        None
    }
    fn devices(&self) -> Result<Vec<Device>>;
    /// Revokes a device (once; `wipe` may be added later, never taken back).
    fn revoke(&self, device_id: &str, now: &str, wipe: bool) -> Result<()>;

    /// Applies a batch once: a batch id seen before gets the answer it got then; a change
    /// id seen before (in another batch) is a duplicate. Changes get the next sequence
    /// numbers in order.
    fn push(&self, device_id: &str, batch_id: &str, changes: &[Change], now: &str) -> Result<PushResponse>;
    /// Changes after `after` that reach `device_id` (a change with an audience reaches
    /// only the devices of the inspectors it names), at most `limit`, in sequence order.
    fn pull(&self, device_id: &str, after: u64, limit: u32) -> Result<StoredPage>;
    /// The sequence numbers of the same changes, up to `limit + 1` (the one more says that
    /// more follow): what a pull reads when it holds the changes' text already.
    fn pull_seqs(&self, device_id: &str, after: u64, limit: u32) -> Result<Vec<u64>>;
    /// Hands notes of pulls to the writing thread and returns at once: they are written
    /// with the next group of pushes (or alone, a moment later). No pull waits for its
    /// note, nor for the pushes being written.
    fn note_pulls(&self, notes: Vec<PullNote>);
    /// Returns once every note handed over before this call is written (or its write failed).
    fn pull_notes_written(&self) -> Result<()>;

    fn attachment_state(&self, sha256: &str) -> Result<AttachmentState>;
    /// Appends `bytes` at `offset` (which must be what has arrived so far) and, when
    /// `total` bytes are there, verifies the hash and marks the attachment complete.
    fn attachment_append(&self, sha256: &str, offset: u64, bytes: &[u8], total: u64) -> Result<AttachmentState>;
    fn attachment(&self, sha256: &str) -> Result<Vec<u8>>;

    /// The next `count` numbers of a kind and year for a device; blocks never overlap.
    fn grant_block(&self, device_id: &str, kind: &str, year: i32, count: u32, now: &str) -> Result<NumberBlock>;

    /// Stores what the bureau publishes (imported enterprises, checklist versions) as
    /// changes of the device "server", in order, in one transaction.
    fn publish(&self, changes: &[Change], now: &str) -> Result<u64> {
        self.publish_then(changes, now, &mut |_| Ok(()))
    }
    /// Publishes, then runs `then` in the same transaction (a check of what the tables
    /// now hold, the audit row): an error from it publishes nothing.
    fn publish_then(
        &self,
        changes: &[Change],
        now: &str,
        then: &mut dyn FnMut(&mut dyn Sql) -> Result<()>,
    ) -> Result<u64>;
    /// Every stored change of one record type, in sequence order (by an index for
    /// enterprises and checklists, by a scan of the log for the others).
    fn changes_of_type(&self, record_type: &str) -> Result<Vec<StoredChange>>;

    /// Numbers carried by two issued documents, oldest first: for the bureau to resolve.
    fn number_conflicts(&self) -> Result<Vec<NumberConflict>>;
    /// The changes refused most recently (at most 1000), the latest first.
    fn refusals(&self) -> Result<Vec<RefusedChange>>;

    /// Makes the district records again from the change log (in one transaction, pushes
    /// waiting): the number of changes read.
    fn rebuild_records(&self) -> Result<u64>;
    /// Each record table's rows and digest, to compare the tables with a rebuild.
    fn record_digests(&self) -> Result<Vec<crate::ledger::TableDigest>>;

    /// Every stored change's id, for the tests' accounting.
    fn change_count(&self) -> Result<u64>;

    /// Runs `work` in one transaction over statements both dialects read (the console's
    /// accounts, sessions, audit and queries of the records): committed if it succeeds.
    fn transact(&self, work: &mut dyn FnMut(&mut dyn Sql) -> Result<()>) -> Result<()>;
    /// Runs `work` in one read-only snapshot, beside the writers (never waiting for them
    /// nor holding them back): a console page or an export is one moment of the records.
    fn read(&self, work: &mut dyn FnMut(&mut dyn Sql) -> Result<()>) -> Result<()>;
}

/// Plain statements in SQL that SQLite and PostgreSQL both read, `?` for each parameter
/// (never inside a literal), whole numbers as BIGINT, everything else as text.
pub trait Sql {
    /// Every row, each column as text (`None` for null).
    fn query(&mut self, sql: &str, params: &[Param]) -> Result<Vec<Vec<Option<String>>>>;
    /// The number of rows changed.
    fn execute(&mut self, sql: &str, params: &[Param]) -> Result<u64>;
}

/// `?` placeholders numbered as PostgreSQL wants them (`$1`, `$2`…).
pub(crate) fn numbered_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    for ch in sql.chars() {
        if ch == '?' {
            n += 1;
            out.push_str(&format!("${n}"));
        } else {
            out.push(ch);
        }
    }
    out
}

/// A number carried by a second issued document. The first keeps it; both are legal
/// records already handed over, so both are stored and the bureau decides (one is
/// voided and issued again).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NumberConflict {
    pub number: String,
    pub held_by: String,
    pub held_by_device: String,
    pub document_id: String,
    pub device_id: String,
    pub found_at: String,
}

/// An issued document's number, claimed for it in the district.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NumberClaim<'a> {
    pub kind: &'static str,
    pub year: i32,
    pub serial: i64,
    pub number: &'a str,
    pub document_id: &'a str,
    pub device_id: &'a str,
    pub now: &'a str,
}

/// The schema whose migration creates the number table (the same file for both
/// backends): its rows come from the stored documents, in the same transaction.
pub(crate) const NUMBERS_SCHEMA: usize = 4;
/// Why a batch of changes cannot be taken from `device` at all (what else is wrong with a
/// change is answered in its result, by the rules): the push route and the import say it
/// alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchProblem {
    Malformed(String),
    /// A change id names another device: a device cannot write in another's name.
    NotOwn,
}

pub fn batch_problem(device: &str, batch_id: &str, changes: &[Change]) -> Option<BatchProblem> {
    // BATCH_ID_PATTERN of the HTTP contract.
    let id_char = |c: char| c.is_ascii_alphanumeric() || "_.:-".contains(c);
    if batch_id.is_empty() || batch_id.len() > 64 || !batch_id.chars().all(id_char) {
        return Some(BatchProblem::Malformed("批次编号无效".into()));
    }
    if changes.len() > MAX_BATCH {
        return Some(BatchProblem::Malformed(format!("一批最多{MAX_BATCH}条记录")));
    }
    if changes.iter().any(|c| c.op != anjian_sync::records::OP_PUT || !c.payload.get().trim_start().starts_with('{')) {
        return Some(BatchProblem::Malformed("每条记录应为 put，内容应为 JSON 对象".into()));
    }
    if changes.iter().any(|c| !c.change_id.starts_with(&format!("{device}:"))) {
        return Some(BatchProblem::NotOwn);
    }
    None
}

/// What a revoked device is told at its next contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revocation {
    /// Keep the data, sync no more.
    Keep,
    /// Delete the data and the key.
    Wipe,
}

/// The revocation of the device whose token this is, if it was revoked; notes when the
/// device was first told. Written once over both backends. Only a read for anyone else:
/// a flood of unknown tokens must not queue behind (or hold) the writers' lock.
pub fn revocation(storage: &dyn Storage, token_hash: &str, now: &str) -> Result<Option<Revocation>> {
    let mut found = None;
    storage.read(&mut |sql| {
        let token = Param::Text(Some(token_hash.to_owned()));
        let rows = sql.query(
            "SELECT id, wipe, revocation_told_at FROM device WHERE token_hash = ? AND revoked_at IS NOT NULL",
            &[token],
        )?;
        found = rows.into_iter().next().map(|row| (row[0].clone(), row[1].as_deref() == Some("1"), row[2].is_some()));
        Ok(())
    })?;
    let Some((id, wipe, told)) = found else { return Ok(None) };
    if !told {
        storage.transact(&mut |sql| {
            sql.execute(
                "UPDATE device SET revocation_told_at = coalesce(revocation_told_at, ?) WHERE id = ?",
                &[Param::Text(Some(now.to_owned())), Param::Text(id.clone())],
            )?;
            Ok(())
        })?;
    }
    Ok(Some(if wipe { Revocation::Wipe } else { Revocation::Keep }))
}

pub(crate) const REVOCATION_MIGRATION: &str = include_str!("../migrations/common/0014_device_revocation.sql");
pub(crate) const DEVICE_PULL_MIGRATION: &str = include_str!("../migrations/common/0009_device_pull.sql");

/// That a device asked for the changes after `after` (so holds those up to it), at `at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullNote {
    pub device_id: String,
    pub after: u64,
    pub at: String,
}

/// What a device's row of `device_pull` becomes on a new note: neither its cursor nor its
/// last contact moves back (a device paging again from an earlier cursor still holds what
/// it held; two pulls of one device may be noted in either order).
pub(crate) const NOTE_PULL_CONFLICT: &str = "ON CONFLICT (device_id) DO UPDATE SET after = CASE WHEN excluded.after > device_pull.after THEN excluded.after ELSE device_pull.after END, at = CASE WHEN excluded.at > device_pull.at THEN excluded.at ELSE device_pull.at END";

pub(crate) const NUMBERS_MIGRATION: &str = include_str!("../migrations/common/0004_document_number.sql");

/// The stored documents the number table is filled from: (device, payload, received at).
pub(crate) const STORED_DOCUMENTS: &str =
    "SELECT device_id, payload, received_at FROM change WHERE record_type = 'document' ORDER BY seq";

/// The record types the log holds; enterprises and checklists, the ones the server reads
/// by type, have an index each (migration 16), the others are read by a scan of the log.
const RECORD_TYPES: [&str; 10] = {
    use anjian_sync::records::*;
    [ENTERPRISE, INSPECTOR, INSPECTION, HAZARD, DOCUMENT, ATTACHMENT, CHECKLIST, NUMBER_BLOCK, SUPERVISION, TASK]
};

/// Every stored change of a record type, in sequence order: the type as a literal, which
/// the partial index of the type needs (a type unknown is refused, so nothing else is
/// written into the statement).
pub(crate) fn changes_of_type_sql(columns: &str, record_type: &str) -> Result<String> {
    if !RECORD_TYPES.contains(&record_type) {
        return Err(StorageError::Refused(format!("没有“{record_type}”这类记录")));
    }
    Ok(format!("SELECT {columns} FROM change WHERE record_type = '{record_type}' ORDER BY seq"))
}

/// `number_conflicts`, the same in both dialects: number, holder, its device, the other
/// document, its device, when found.
pub(crate) const NUMBER_CONFLICTS: &str =
    "SELECT c.number, n.document_id, n.device_id, c.document_id, c.device_id, c.found_at
     FROM number_conflict c JOIN document_number n USING (kind, year, serial)
     ORDER BY c.found_at, c.kind, c.year, c.serial";

/// The highest serial a grant hands out: far more documents of one kind than a district
/// issues in a year, and far from overflow.
pub(crate) const MAX_SERIAL: i64 = 999_999;

/// The block of `count` numbers after `last` (the highest number granted or used), or a
/// refusal when the year's numbers are used up.
pub(crate) fn next_block(last: Option<i64>, count: u32) -> Result<(i64, i64)> {
    let first = last.unwrap_or(0).max(0) + 1;
    let end = first + i64::from(count) - 1;
    if end > MAX_SERIAL {
        return Err(StorageError::Refused(format!("本年度这类文书的编号已用到第{}号，不能再分配", first - 1)));
    }
    Ok((first, end))
}

/// The claim an issued document makes: its number's kind, year and serial. A draft has
/// none; a number that does not parse (which issuing never writes), or beyond any grant,
/// claims nothing (one wild number must not use up the year's).
pub(crate) fn number_claim<'a>(doc: &'a DocumentImage, device_id: &'a str, now: &'a str) -> Option<NumberClaim<'a>> {
    if !doc.is_issued() {
        return None;
    }
    let number = doc.number.as_deref()?;
    let parsed: anjian_core::document::DocumentNumber = number.parse().ok()?;
    if i64::from(parsed.seq) > MAX_SERIAL {
        return None;
    }
    Some(NumberClaim {
        kind: parsed.kind.as_str(),
        year: parsed.year,
        serial: i64::from(parsed.seq),
        number,
        document_id: &doc.id,
        device_id,
        now,
    })
}

/// Claims the numbers of documents stored before numbers were claimed (a server
/// migrating to schema 4): `stored` is (device, payload, received at) in change order.
pub(crate) fn claim_stored(tx: &mut impl GroupTx, stored: &[(String, String, String)]) -> Result<()> {
    let images: Vec<(DocumentImage, &str, &str)> = stored
        .iter()
        .filter_map(|(device, payload, at)| document_image(payload).map(|d| (d, device.as_str(), at.as_str())))
        .collect();
    let claims: Vec<NumberClaim<'_>> =
        images.iter().filter_map(|(d, device, at)| number_claim(d, device, at)).collect();
    tx.claim_numbers(&claims).map(drop)
}

/// What the device that pushed a document is told when its number was another's first.
fn clash(claim: &NumberClaim<'_>, holder: &str) -> String {
    format!(
        "文号 {} 已被区内另一份文书（{holder}）使用；两份都已存档，请与区局核实后作废其中一份并重新签发",
        claim.number
    )
}

/// A batch's change ids, one per line: what a repeat of the batch must match.
pub(crate) fn change_ids(changes: &[Change]) -> String {
    changes.iter().map(|c| c.change_id.as_str()).collect::<Vec<_>>().join("\n")
}

/// The answer to a batch id seen before: the same answer if it is the same batch;
/// refused if the id now carries other changes (they would be taken as stored).
pub(crate) fn repeat(batch_id: &str, earlier_ids: &str, ids: &str, results: &str) -> Result<PushResponse> {
    if earlier_ids != ids {
        return Err(StorageError::Refused(format!("批次 {batch_id} 以前已用其他内容上传过")));
    }
    let results: Vec<ChangeResult> =
        serde_json::from_str(results).map_err(|e| StorageError::Database(e.to_string()))?;
    Ok(PushResponse { batch_id: batch_id.to_owned(), results })
}

/// What a push did with each change, in order.
pub(crate) fn results_json(results: &[ChangeResult]) -> String {
    serde_json::to_string(results).unwrap_or_else(|_| "[]".into())
}

/// A change as it leaves the database. Its payload is the text stored when it was
/// pushed or published (checked then), passed on without being parsed again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredChange {
    pub seq: u64,
    pub change_id: String,
    pub device_id: String,
    pub record_type: String,
    pub record_id: String,
    pub op: String,
    pub rev: String,
    pub payload: String,
}

/// A page of stored changes: protocol v1's `PullPage` before it is written out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPage {
    pub changes: Vec<StoredChange>,
    pub next: u64,
    pub more: bool,
}

impl StoredPage {
    /// A page from up to `limit + 1` changes read after `after`: the extra one only says
    /// that more follow.
    pub(crate) fn new(after: u64, limit: u32, mut changes: Vec<StoredChange>) -> StoredPage {
        let more = changes.len() > limit as usize;
        changes.truncate(limit as usize);
        let next = changes.last().map_or(after, |c| c.seq);
        StoredPage { changes, next, more }
    }

    /// The page as the body of a pull answer, `PullPage` in JSON. Written here rather
    /// than by serde so that each payload goes out as stored: a `RawValue` would parse
    /// every payload once more on its way out, the largest share of a pull's work.
    pub fn to_json(&self) -> String {
        let size: usize = self.changes.iter().map(|c| c.payload.len() + 256).sum();
        let mut out = String::with_capacity(size + 64);
        page_json(&mut out, self.changes.iter().map(|c| c.to_json()), self.next, self.more);
        out
    }

    /// The page as the protocol type (each payload parsed; a payload that is not JSON,
    /// which the server never stores, becomes null).
    pub fn into_protocol(self) -> PullPage {
        let changes = self
            .changes
            .into_iter()
            .map(|c| ServerChange {
                seq: c.seq,
                change_id: c.change_id,
                device_id: c.device_id,
                record_type: c.record_type,
                record_id: c.record_id,
                op: c.op,
                rev: c.rev,
                payload: serde_json::value::RawValue::from_string(c.payload).unwrap_or_default(),
            })
            .collect();
        PullPage { changes, next: self.next, more: self.more }
    }
}

/// A pull's answer, `PullPage` in JSON, from its changes written each as `ServerChange`.
pub(crate) fn page_json<S: AsRef<str>>(out: &mut String, changes: impl Iterator<Item = S>, next: u64, more: bool) {
    use std::fmt::Write;
    out.push_str("{\"changes\":[");
    for (i, c) in changes.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(c.as_ref());
    }
    let _ = write!(out, "],\"next\":{next},\"more\":{more}}}");
}

impl StoredChange {
    /// The change as `ServerChange` in JSON, its payload as stored. Written in place: a
    /// page is thousands of fields, and a string made for each was most of the pull's own
    /// work (the profile of 100 devices syncing at once).
    pub(crate) fn to_json(&self) -> String {
        use std::fmt::Write;
        let mut out = String::with_capacity(self.payload.len() + 256);
        let _ = write!(out, "{{\"seq\":{}", self.seq);
        for (name, value) in [
            ("changeId", &self.change_id),
            ("deviceId", &self.device_id),
            ("recordType", &self.record_type),
            ("recordId", &self.record_id),
            ("op", &self.op),
            ("rev", &self.rev),
        ] {
            out.push_str(",\"");
            out.push_str(name);
            out.push_str("\":");
            push_json_string(&mut out, value);
        }
        out.push_str(",\"payload\":");
        out.push_str(&self.payload);
        out.push('}');
        out
    }
}

/// `value` as a JSON string: as it is when nothing in it needs escaping (ids, codes and
/// clocks never do), else as serde_json escapes it.
fn push_json_string(out: &mut String, value: &str) {
    if value.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push('"');
        out.push_str(value);
        out.push('"');
    } else {
        out.push_str(&serde_json::to_string(value).unwrap_or_else(|_| "\"\"".into()));
    }
}

/// Each change of a push checked on its own (well-formed image of a known record type
/// under its own id), before any database work: parsing needs no lock.
pub(crate) fn checked(changes: &[Change]) -> Vec<Result<Image, String>> {
    changes.iter().map(check).collect()
}

/// What the server holds of a record (its image as folded so far) and the device that
/// first wrote it, by (record type, id).
pub(crate) type PriorRecords = crate::ledger::Held;

/// What a push may store: `None` to store the change, `Some(reason)` to refuse it. On
/// top of `checked`, the rules of `anjian_sync::rules` against what the server holds
/// (`prior`, updated as the group goes) and the server's clock (`now_ms`).
pub(crate) fn verdicts(
    checked: &[Result<Image, String>],
    device: &str,
    prior: &mut PriorRecords,
    now_ms: u64,
) -> Vec<Option<String>> {
    checked
        .iter()
        .map(|c| {
            let image = match c {
                Ok(i) => i,
                Err(reason) => return Some(reason.clone()),
            };
            let key = (image.record_type().to_owned(), image.record_id());
            let held = prior.get(&key).map(|(image, owner)| rules::Prior { image, owner });
            let verdict = rules::check_clocks(rules::revisions(image), now_ms)
                .and_then(|()| rules::may_accept(held, image, device));
            if let Err(why) = verdict {
                return Some(match (&why, image) {
                    (rules::Refusal::IssuedDocument(_), Image::Document(d)) => {
                        format!("{why}（{}）", d.number.as_deref().unwrap_or(&d.id))
                    }
                    _ => why.to_string(),
                });
            }
            if rules::governed(image) {
                // What the next change of the group is judged against: the record as the
                // tables will hold it (folded), as for a change in a later group.
                let (now, owner) = match prior.remove(&key) {
                    Some((held, owner)) => {
                        let folded = anjian_sync::fold::fold(Some(&held), image).map(|f| f.image);
                        (folded.unwrap_or(held), owner)
                    }
                    None => (image.clone(), device.to_owned()),
                };
                prior.insert(key, (now, owner));
            }
            None
        })
        .collect()
}

fn check(c: &Change) -> Result<Image, String> {
    // No text a database keeps may hold U+0000 (PostgreSQL refuses it): in JSON it can
    // only come escaped.
    if [&c.change_id, &c.record_type, &c.record_id, &c.rev].iter().any(|s| s.contains('\0'))
        || c.payload.get().contains("\\u0000")
    {
        return Err("记录含有空字符（U+0000），不能保存".into());
    }
    if c.rev.parse::<anjian_core::hlc::Hlc>().is_err() {
        return Err(format!("版本号无效：{}", c.rev));
    }
    let image = Image::parse_json(&c.record_type, c.payload.get())?;
    rules::bureau_only(&image).map_err(|e| e.to_string())?;
    if image.record_id() != c.record_id {
        return Err(format!("记录编号 {} 与内容不符", c.record_id));
    }
    rules::well_formed(&image).map_err(|e| e.to_string())?;
    let (divisions, sectors) = reference_codes();
    rules::in_reference(&image, divisions, sectors).map_err(|e| e.to_string())?;
    Ok(image)
}

/// The district's division and sector codes (the bundled lists), read once.
fn reference_codes() -> &'static (Vec<String>, Vec<String>) {
    static CODES: std::sync::OnceLock<(Vec<String>, Vec<String>)> = std::sync::OnceLock::new();
    CODES.get_or_init(|| {
        let reference = crate::import::Reference::bundled().unwrap_or_default();
        let codes = |pairs: Vec<(String, String)>| pairs.into_iter().map(|(code, _)| code).collect();
        (codes(reference.divisions), codes(reference.sectors))
    })
}

/// A stored document payload as an image (stored ones were checked on the way in).
pub(crate) fn document_image(payload: &str) -> Option<DocumentImage> {
    serde_json::from_str(payload).ok()
}

pub(crate) fn refused(change_id: &str, reason: String) -> ChangeResult {
    ChangeResult { change_id: change_id.to_owned(), outcome: Outcome::Refused, reason: Some(reason) }
}

/// The statements enrolment and pairing need, inside one transaction of a backend (the
/// rules are `enrol` and `pair` below, once for both).
pub(crate) trait AccountTx {
    /// The inspector holding this 执法证号, locked for the transaction.
    fn inspector_by_cert(&mut self, cert_no: &str) -> Result<Option<String>>;
    fn rename_inspector(&mut self, id: &str, name: &str) -> Result<()>;
    fn insert_inspector(&mut self, id: &str, name: &str, cert_no: &str, now: &str) -> Result<()>;
    fn insert_code(&mut self, code_hash: &str, inspector_id: &str, expires_at: &str) -> Result<()>;
    /// A pairing code's inspector, expiry and use, locked for the transaction.
    fn code(&mut self, code_hash: &str) -> Result<Option<(String, String, Option<String>)>>;
    fn use_code(&mut self, code_hash: &str, now: &str) -> Result<()>;
    fn insert_device(&mut self, id: &str, inspector_id: &str, name: &str, token_hash: &str, now: &str) -> Result<()>;
    fn inspector(&mut self, id: &str) -> Result<Inspector>;
}

/// Enrols an officer: the inspector of this 执法证号 (named as given) and a new one-time
/// code for them.
pub(crate) fn enrol(
    tx: &mut impl AccountTx,
    name: &str,
    cert_no: &str,
    code_hash: &str,
    expires_at: &str,
    now: &str,
) -> Result<Inspector> {
    let id = match tx.inspector_by_cert(cert_no)? {
        Some(id) => {
            tx.rename_inspector(&id, name)?;
            id
        }
        None => {
            let id = crate::auth::new_id()?;
            tx.insert_inspector(&id, name, cert_no, now)?;
            id
        }
    };
    tx.insert_code(code_hash, &id, expires_at)?;
    Ok(Inspector { id, name: name.to_owned(), cert_no: cert_no.to_owned() })
}

/// Pairs a device with a code: a code is used once, and not after it expires.
pub(crate) fn pair(
    tx: &mut impl AccountTx,
    code_hash: &str,
    now: &str,
    device_id: &str,
    device_name: &str,
    token_hash: &str,
) -> Result<Inspector> {
    let Some((inspector_id, expires_at, used_at)) = tx.code(code_hash)? else {
        return Err(StorageError::NotFound("配对码".into()));
    };
    if used_at.is_some() || expires_at.as_str() < now {
        return Err(StorageError::Refused("配对码已使用或已过期".into()));
    }
    tx.use_code(code_hash, now)?;
    tx.insert_device(device_id, &inspector_id, device_name, token_hash, now)?;
    tx.inspector(&inspector_id)
}

/// Where a resumable upload's bytes go, inside one transaction of a backend (the rules
/// are `append_upload` below, once for both).
pub(crate) trait UploadTx {
    /// The announced size, the bytes arrived and whether it is complete; locked.
    fn upload(&mut self, sha256: &str) -> Result<Option<(u64, u64, bool)>>;
    /// Forgets what arrived of an upload announced with another size.
    fn restart(&mut self, sha256: &str, total: u64) -> Result<()>;
    /// Records an upload announced for the first time.
    fn begin(&mut self, sha256: &str, total: u64) -> Result<()>;
    /// Adds `bytes` after the `received` ones, `now_received` in all.
    fn append(&mut self, sha256: &str, received: u64, bytes: &[u8], now_received: u64, total: u64) -> Result<()>;
    /// Every byte arrived.
    fn content(&mut self, sha256: &str) -> Result<Vec<u8>>;
    /// Drops an upload whose bytes are not what its hash says.
    fn discard(&mut self, sha256: &str) -> Result<()>;
    fn complete(&mut self, sha256: &str) -> Result<()>;
}

/// What an upload step came to: the state to answer, or a refusal to answer after the
/// transaction is committed (a discarded upload stays discarded).
pub(crate) enum UploadStep {
    Done(AttachmentState),
    Refused(String),
}

/// One step of a resumable upload: the bytes must start where the last step ended and not
/// go beyond the announced size; an upload announced with another size starts again; the
/// whole file must hash to its name.
pub(crate) fn append_upload(
    tx: &mut impl UploadTx,
    sha256: &str,
    offset: u64,
    bytes: &[u8],
    total: u64,
) -> Result<UploadStep> {
    let received = match tx.upload(sha256)? {
        Some((_, _, true)) => return Ok(UploadStep::Done(AttachmentState::Complete)),
        Some((size, _, _)) if size != total => {
            tx.restart(sha256, total)?;
            0
        }
        Some((_, received, _)) => received,
        None => {
            tx.begin(sha256, total)?;
            0
        }
    };
    if offset != received {
        return Err(StorageError::Refused(format!("续传位置不对：已收到 {received} 字节，本次从第 {offset} 字节起")));
    }
    if received + bytes.len() as u64 > total {
        return Err(StorageError::Refused("上传的内容多于声明的文件大小".into()));
    }
    let now_received = received + bytes.len() as u64;
    tx.append(sha256, received, bytes, now_received, total)?;
    if now_received < total {
        return Ok(UploadStep::Done(AttachmentState::Partial(now_received)));
    }
    let actual = hex::encode(sha2::Sha256::digest(tx.content(sha256)?));
    if actual != sha256 {
        tx.discard(sha256)?;
        return Ok(UploadStep::Refused(format!("文件内容与名称中的校验值不符（内容的校验值为 {actual}）")));
    }
    tx.complete(sha256)?;
    Ok(UploadStep::Done(AttachmentState::Complete))
}

/// A refused change as kept for the bureau: what a device sent, clipped, so that a
/// device sending junk cannot fill the server's disk (see also `TRIM_REFUSALS`).
pub(crate) struct NewRefusal<'a> {
    pub change_id: Cow<'a, str>,
    pub record_type: Cow<'a, str>,
    pub record_id: Cow<'a, str>,
    pub payload: Cow<'a, str>,
    pub device_id: &'a str,
    pub reason: String,
    pub now: &'a str,
}

impl<'a> NewRefusal<'a> {
    fn new(change: &'a Change, device_id: &'a str, reason: String, now: &'a str) -> NewRefusal<'a> {
        NewRefusal {
            change_id: clip(&change.change_id, 200),
            record_type: clip(&change.record_type, 40),
            record_id: clip(&change.record_id, 200),
            payload: clip(change.payload.get(), 4096),
            device_id,
            reason,
            now,
        }
    }
}

/// At most `max` bytes of `s`, cut at a character's boundary, without U+0000 (which no
/// database keeps).
fn clip(s: &str, max: usize) -> Cow<'_, str> {
    let end = if s.len() <= max { s.len() } else { (0..=max).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0) };
    let kept = &s[..end];
    if kept.contains('\0') { Cow::Owned(kept.replace('\0', "\u{fffd}")) } else { Cow::Borrowed(kept) }
}

/// The refusals kept per device: the latest, so that the bureau sees what a device is
/// trying now and a device refused without end cannot grow the table.
pub(crate) const REFUSALS_PER_DEVICE: i64 = 1_000;

/// Forgets a device's refusals beyond the latest `$2`, the same in both dialects.
pub(crate) const TRIM_REFUSALS: &str = "DELETE FROM refused_change WHERE device_id = $1 AND id <= (
     SELECT id FROM refused_change WHERE device_id = $1 ORDER BY id DESC LIMIT 1 OFFSET $2)";

/// A change the server refused, as the bureau reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedChange {
    pub device_id: String,
    pub record_type: String,
    pub record_id: String,
    pub reason: String,
    pub received_at: String,
}

/// `refusals`, the same in both dialects: the latest first.
pub(crate) const REFUSALS: &str =
    "SELECT device_id, record_type, record_id, reason, received_at FROM refused_change ORDER BY id DESC LIMIT 1000";

/// A push waiting for its group's transaction.
pub(crate) struct PushJob {
    pub device_id: String,
    pub batch_id: String,
    pub changes: Vec<Change>,
    pub checked: Vec<Result<Image, String>>,
    pub now: String,
    reply: Sender<Result<PushResponse>>,
}

/// Pushes that arrive together are written in one transaction by one thread: one
/// commit, so one flush to disk, for the lot. A push is answered only once its group is
/// committed. The notes of pulls ride along: the writing thread is the one writer of
/// both, so a pull never waits for the write lock nor a push for a pull's note.
pub(crate) struct GroupCommit {
    jobs: Mutex<Sender<Job>>,
    /// Joined on drop, once the notes handed over are written.
    thread: Option<std::thread::JoinHandle<()>>,
}

/// What the writing thread is handed.
enum Job {
    Push(PushJob),
    Notes(Vec<PullNote>),
    /// Answered once everything handed over before it is written.
    Written(Sender<Result<()>>),
}

/// What one transaction of the writing thread takes.
#[derive(Default)]
struct Group {
    pushes: Vec<PushJob>,
    /// The latest note of each device, in device order (the order every write takes).
    notes: std::collections::BTreeMap<String, PullNote>,
    written: Vec<Sender<Result<()>>>,
    changes: usize,
}

impl Group {
    fn add(&mut self, job: Job) {
        match job {
            Job::Push(push) => {
                self.changes += push.changes.len();
                self.pushes.push(push);
            }
            Job::Notes(notes) => self.add_notes(notes),
            Job::Written(reply) => self.written.push(reply),
        }
    }

    fn add_notes(&mut self, notes: impl IntoIterator<Item = PullNote>) {
        for note in notes {
            match self.notes.get_mut(&note.device_id) {
                Some(kept) => {
                    kept.after = kept.after.max(note.after);
                    if note.at > kept.at {
                        kept.at = note.at;
                    }
                }
                None => {
                    self.notes.insert(note.device_id.clone(), note);
                }
            }
        }
    }

    /// Only notes: nobody waits for them.
    fn can_wait(&self) -> bool {
        self.pushes.is_empty() && self.written.is_empty()
    }
}

/// How long notes of pulls wait for pushes to be written with (no pull waits for its note).
const NOTES_WAIT: std::time::Duration = std::time::Duration::from_millis(50);

/// A change to store, in its group's order.
pub(crate) struct NewChange<'a> {
    pub change: &'a Change,
    pub device_id: &'a str,
    pub payload: &'a str,
    pub now: &'a str,
}

/// A batch's record, so a repeat of it gets the same answer.
pub(crate) struct StoredBatch<'a> {
    pub batch_id: &'a str,
    pub device_id: &'a str,
    pub change_ids: String,
    pub results: String,
    pub now: &'a str,
}

/// The statements of a group's transaction; a backend runs each in as few round trips
/// as it can, whatever the group's size.
pub(crate) trait GroupTx: crate::ledger::RecordTx {
    /// Batches stored before, by (batch id, device id): their change ids and results.
    fn earlier_batches(&mut self, keys: &[(&str, &str)]) -> Result<HashMap<(String, String), (String, String)>>;
    /// Stores the changes in order, the next sequence numbers each; for each, its sequence
    /// number if it was new (a change id stored before, or earlier in `rows`, is not).
    fn insert_changes(&mut self, rows: &[NewChange<'_>]) -> Result<Vec<Option<i64>>>;
    fn insert_batches(&mut self, rows: &[StoredBatch<'_>]) -> Result<()>;
    /// Keeps the changes refused, with their reasons, for the bureau; then forgets each
    /// of their devices' refusals beyond `REFUSALS_PER_DEVICE` (`TRIM_REFUSALS`).
    fn insert_refusals(&mut self, rows: &[NewRefusal<'_>]) -> Result<()>;
    /// Claims each number for its document, in order: a number already held by another
    /// document is kept as a conflict (the same document again is not one). For each
    /// claim, the other document holding its number, if any.
    fn claim_numbers(&mut self, claims: &[NumberClaim<'_>]) -> Result<Vec<Option<String>>>;
    /// Writes the notes of pulls, one per device (`NOTE_PULL_CONFLICT`).
    fn note_pulls(&mut self, notes: &[PullNote]) -> Result<()>;
}

/// What becomes of one push of a group.
enum Plan {
    Answered(Result<PushResponse>),
    /// Its accepted changes are `rows[start..]`, in order.
    New {
        verdicts: Vec<Option<String>>,
        start: usize,
    },
    /// The same batch as the group's push at this index (sent again before its answer came).
    RepeatOf(usize),
}

/// What a group's transaction did: each push's answer, and whether the notes of pulls
/// were written.
pub(crate) struct Written {
    pub answers: Vec<Result<PushResponse>>,
    pub notes: Result<()>,
}

/// Applies a group of pushes and the notes of pulls that came with them inside `tx`; the
/// notes under a savepoint of their own, so that a failure there costs no push.
pub(crate) fn write_group(tx: &mut impl GroupTx, group: &[PushJob], notes: &[PullNote]) -> Result<Written> {
    let answers = if group.is_empty() { Vec::new() } else { write_pushes(tx, group)? };
    if notes.is_empty() {
        return Ok(Written { answers, notes: Ok(()) });
    }
    tx.execute("SAVEPOINT pull_notes", &[])?;
    let noted = tx.note_pulls(notes);
    match &noted {
        Ok(()) => tx.execute("RELEASE SAVEPOINT pull_notes", &[])?,
        Err(_) => tx.execute("ROLLBACK TO SAVEPOINT pull_notes", &[])?,
    }
    Ok(Written { answers, notes: noted })
}

/// Applies pushes: each batch once (a batch seen before gets its earlier answer), each
/// change once, in order; issued documents checked against what was stored before and
/// earlier in the group.
fn write_pushes(tx: &mut impl GroupTx, group: &[PushJob]) -> Result<Vec<Result<PushResponse>>> {
    let keys: Vec<(&str, &str)> = group.iter().map(|j| (j.batch_id.as_str(), j.device_id.as_str())).collect();
    let earlier = tx.earlier_batches(&keys)?;
    // What the tables hold of every record the group touches: what the rules judge
    // against (updated as the group goes) and what the records fold from.
    let held = crate::ledger::held(tx, group.iter().flat_map(|j| &j.checked).filter_map(|c| c.as_ref().ok()))?;
    let mut prior = held.clone();
    let mut plans = Vec::with_capacity(group.len());
    let mut rows = Vec::new();
    // Each row's image, for the district records.
    let mut images = Vec::new();
    // The number each row's document claims, if it is an issued one.
    let mut claims = Vec::new();
    let mut fresh: HashMap<(&str, &str), usize> = HashMap::new();
    for (i, (job, key)) in group.iter().zip(&keys).enumerate() {
        if let Some((ids, results)) = earlier.get(&(key.0.to_owned(), key.1.to_owned())) {
            plans.push(Plan::Answered(repeat(&job.batch_id, ids, &change_ids(&job.changes), results)));
            continue;
        }
        if let Some(&first) = fresh.get(key) {
            plans.push(Plan::RepeatOf(first));
            continue;
        }
        fresh.insert(*key, i);
        let now_ms = chrono::DateTime::parse_from_rfc3339(&job.now).map_or(0, |t| t.timestamp_millis().max(0) as u64);
        let verdicts = verdicts(&job.checked, &job.device_id, &mut prior, now_ms);
        let start = rows.len();
        for ((change, verdict), image) in job.changes.iter().zip(&verdicts).zip(&job.checked) {
            if verdict.is_some() {
                continue;
            }
            let Ok(image) = image else { continue };
            rows.push(NewChange { change, device_id: &job.device_id, payload: change.payload.get(), now: &job.now });
            images.push(image);
            claims.push(match image {
                Image::Document(doc) => number_claim(doc, &job.device_id, &job.now),
                _ => None,
            });
        }
        plans.push(Plan::New { verdicts, start });
    }
    let new = tx.insert_changes(&rows)?;
    let stored: Vec<crate::ledger::Stored<'_>> = rows
        .iter()
        .zip(&images)
        .zip(&new)
        .filter_map(|((row, image), seq)| seq.map(|seq| (row, image, seq)))
        .map(|(row, image, seq)| crate::ledger::Stored {
            image,
            seq,
            payload: row.payload,
            device_id: row.device_id,
            at: row.now,
        })
        .collect();
    crate::ledger::apply(tx, &held, &stored)?;
    // A clash is told to the pushing device with its change, which is stored all the
    // same (by row). Claims are idempotent: a change stored before (its answer lost, sent
    // again) claims again and is told again.
    let (at, claims): (Vec<usize>, Vec<NumberClaim<'_>>) =
        claims.into_iter().enumerate().filter_map(|(row, claim)| claim.map(|c| (row, c))).unzip();
    let holders = tx.claim_numbers(&claims)?;
    let clashes: HashMap<usize, String> = at
        .into_iter()
        .zip(claims.iter().zip(holders))
        .filter_map(|(row, (claim, holder))| holder.map(|h| (row, clash(claim, &h))))
        .collect();
    let mut answers: Vec<Result<PushResponse>> = Vec::with_capacity(group.len());
    let mut batches = Vec::new();
    let mut refusals = Vec::new();
    for (job, plan) in group.iter().zip(plans) {
        let answer = match plan {
            Plan::Answered(answer) => answer,
            Plan::RepeatOf(first) => match &answers[first] {
                Ok(r) => repeat(
                    &job.batch_id,
                    &change_ids(&group[first].changes),
                    &change_ids(&job.changes),
                    &results_json(&r.results),
                ),
                Err(e) => Err(StorageError::Database(e.to_string())),
            },
            Plan::New { verdicts, start } => {
                for (change, verdict) in job.changes.iter().zip(&verdicts) {
                    if let Some(reason) = verdict {
                        let reason = reason.clone();
                        refusals.push(NewRefusal::new(change, &job.device_id, reason, &job.now));
                    }
                }
                let mut next = start;
                let results: Vec<ChangeResult> = job
                    .changes
                    .iter()
                    .zip(verdicts.iter())
                    .map(|(c, verdict)| match verdict {
                        Some(reason) => refused(&c.change_id, reason.clone()),
                        None => {
                            let outcome = if new[next].is_some() { Outcome::Applied } else { Outcome::Duplicate };
                            let reason = clashes.get(&next).cloned();
                            next += 1;
                            ChangeResult { change_id: c.change_id.clone(), outcome, reason }
                        }
                    })
                    .collect();
                batches.push(StoredBatch {
                    batch_id: &job.batch_id,
                    device_id: &job.device_id,
                    change_ids: change_ids(&job.changes),
                    results: results_json(&results),
                    now: &job.now,
                });
                Ok(PushResponse { batch_id: job.batch_id.clone(), results })
            }
        };
        answers.push(answer);
    }
    tx.insert_batches(&batches)?;
    tx.insert_refusals(&refusals)?;
    Ok(answers)
}

/// Stores what the bureau publishes as changes of the device "server", in order, and
/// keeps the district records with them: the number of changes new to the log.
pub(crate) fn publish(tx: &mut impl GroupTx, changes: &[Change], now: &str) -> Result<u64> {
    let images = changes
        .iter()
        .map(|c| Image::parse_json(&c.record_type, c.payload.get()).map_err(StorageError::Refused))
        .collect::<Result<Vec<_>>>()?;
    let rows: Vec<NewChange<'_>> = changes
        .iter()
        .map(|change| NewChange {
            change,
            device_id: anjian_sync::records::SERVER_DEVICE,
            payload: change.payload.get(),
            now,
        })
        .collect();
    let held = crate::ledger::held(tx, &images)?;
    let new = tx.insert_changes(&rows)?;
    let stored: Vec<crate::ledger::Stored<'_>> = images
        .iter()
        .zip(changes)
        .zip(&new)
        .filter_map(|((image, change), seq)| seq.map(|seq| (image, change, seq)))
        .map(|(image, change, seq)| crate::ledger::Stored {
            image,
            seq,
            payload: change.payload.get(),
            device_id: anjian_sync::records::SERVER_DEVICE,
            at: now,
        })
        .collect();
    crate::ledger::apply(tx, &held, &stored)?;
    set_audiences(tx, &held, &stored)?;
    Ok(new.iter().filter(|n| n.is_some()).count() as u64)
}

/// Whether a change reaches the device bound to `device` (a placeholder): every device,
/// or the devices of the inspectors its audience names, matched as whole names (ids are
/// hex digits and dashes: no LIKE wildcard in them; a device unknown matches nothing).
pub(crate) fn reaches(device: &str) -> String {
    format!(
        "(audience IS NULL OR ' ' || audience || ' ' LIKE '% ' || (SELECT d.inspector_id FROM device d WHERE d.id = {device}) || ' %')"
    )
}

/// A task reaches only its officers' devices: those it names now and those it named
/// before (who learn that it is no longer theirs). Everything else reaches every device.
fn set_audiences(
    tx: &mut impl GroupTx,
    held: &crate::ledger::Held,
    stored: &[crate::ledger::Stored<'_>],
) -> Result<()> {
    let mut named: HashMap<&str, std::collections::BTreeSet<&str>> = HashMap::new();
    for s in stored {
        let Image::Task(t) = s.image else { continue };
        let who = named.entry(t.id.as_str()).or_insert_with(|| {
            match held.get(&(anjian_sync::records::TASK.to_owned(), t.id.clone())) {
                Some((Image::Task(h), _)) => h.officers.iter().map(|o| o.id.as_str()).collect(),
                _ => Default::default(),
            }
        });
        who.extend(t.officers.iter().map(|o| o.id.as_str()));
        let audience = who.iter().copied().collect::<Vec<_>>().join(" ");
        tx.execute(
            "UPDATE change SET audience = $1 WHERE seq = $2",
            &[Param::Text(Some(audience)), Param::Int(Some(s.seq))],
        )?;
    }
    Ok(())
}

/// Changes one group takes at most (a group of full batches stays a short transaction).
const GROUP_CHANGES: usize = 4_000;

impl Drop for GroupCommit {
    /// Lets the writing thread write what it was handed (notes of pulls waiting for pushes
    /// included) and waits for it: a server stopping loses no note.
    fn drop(&mut self) {
        let (closed, _) = channel::<Job>();
        drop(std::mem::replace(self.jobs.get_mut().unwrap_or_else(|p| p.into_inner()), closed));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl GroupCommit {
    /// Starts the writing thread, which opens its own connection with `connect`;
    /// `write` applies a group (pushes, notes of pulls) in one transaction and answers each
    /// push in order, or fails the whole group.
    pub(crate) fn start<C: 'static>(
        name: &str,
        connect: impl FnOnce() -> Result<C> + Send + 'static,
        mut write: impl FnMut(&mut C, &[PushJob], &[PullNote]) -> Result<Written> + Send + 'static,
    ) -> Result<GroupCommit> {
        let (tx, rx) = channel::<Job>();
        let (ready, started) = channel::<Result<()>>();
        let thread = std::thread::Builder::new().name(name.to_owned()).spawn(move || {
            let mut conn = match connect() {
                Ok(c) => {
                    let _ = ready.send(Ok(()));
                    c
                }
                Err(e) => {
                    let _ = ready.send(Err(e));
                    return;
                }
            };
            // Notes whose transaction failed, written with the next group.
            let mut unwritten: Vec<PullNote> = Vec::new();
            while let Ok(first) = rx.recv() {
                let mut group = Group::default();
                group.add_notes(std::mem::take(&mut unwritten));
                group.add(first);
                // Notes alone wait a moment for pushes to be written with.
                let until = std::time::Instant::now() + NOTES_WAIT;
                while group.can_wait() {
                    let left = until.saturating_duration_since(std::time::Instant::now());
                    match rx.recv_timeout(left) {
                        Ok(job) => group.add(job),
                        Err(_) => break,
                    }
                }
                while group.changes < GROUP_CHANGES {
                    let Ok(job) = rx.try_recv() else { break };
                    group.add(job);
                }
                let Group { pushes, notes, written, .. } = group;
                let notes: Vec<PullNote> = notes.into_values().collect();
                let outcome = if pushes.is_empty() && notes.is_empty() {
                    Ok(Written { answers: Vec::new(), notes: Ok(()) })
                } else {
                    write(&mut conn, &pushes, &notes)
                };
                let noted = match outcome {
                    Ok(Written { answers, notes: noted }) => {
                        for (job, answer) in pushes.into_iter().zip(answers) {
                            let _ = job.reply.send(answer);
                        }
                        noted
                    }
                    Err(e) => {
                        let why = e.to_string();
                        for job in pushes {
                            let _ = job.reply.send(Err(StorageError::Database(why.clone())));
                        }
                        Err(e)
                    }
                };
                if let Err(e) = &noted {
                    eprintln!(
                        "anjian-server: could not note {} pulls (tried again with the next group): {e}",
                        notes.len()
                    );
                    unwritten = notes;
                }
                for reply in written {
                    let _ = reply.send(match &noted {
                        Ok(()) => Ok(()),
                        Err(e) => Err(StorageError::Database(e.to_string())),
                    });
                }
            }
        })?;
        started.recv().map_err(|_| StorageError::Database("the writing thread stopped".into()))??;
        Ok(GroupCommit { jobs: Mutex::new(tx), thread: Some(thread) })
    }

    fn send(&self, job: Job) -> Result<()> {
        self.jobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .send(job)
            .map_err(|_| StorageError::Database("the writing thread stopped".into()))
    }

    /// Hands notes of pulls to the writing thread, without waiting.
    pub(crate) fn note_pulls(&self, notes: Vec<PullNote>) {
        if !notes.is_empty()
            && let Err(e) = self.send(Job::Notes(notes))
        {
            eprintln!("anjian-server: could not note pulls: {e}");
        }
    }

    /// Returns once everything handed over before is written.
    pub(crate) fn written(&self) -> Result<()> {
        let (reply, answer) = channel();
        self.send(Job::Written(reply))?;
        answer.recv().map_err(|_| StorageError::Database("the writing thread stopped".into()))?
    }

    /// Hands a push to the writing thread and waits for its answer.
    pub(crate) fn push(&self, device_id: &str, batch_id: &str, changes: &[Change], now: &str) -> Result<PushResponse> {
        let (reply, answer) = channel();
        let job = PushJob {
            device_id: device_id.to_owned(),
            batch_id: batch_id.to_owned(),
            checked: checked(changes),
            changes: changes.to_vec(),
            now: now.to_owned(),
            reply,
        };
        self.send(Job::Push(job))?;
        answer.recv().map_err(|_| StorageError::Database("the writing thread stopped".into()))?
    }
}

impl std::fmt::Debug for GroupCommit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GroupCommit")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use proptest::prelude::*;

    use super::{StoredChange, StoredPage};
    use anjian_sync::protocol::PullPage;

    fn change(seq: u64, text: &str, payload: &str) -> StoredChange {
        StoredChange {
            seq,
            change_id: format!("d:{text}"),
            device_id: text.to_owned(),
            record_type: "hazard".into(),
            record_id: text.to_owned(),
            op: "put".into(),
            rev: text.to_owned(),
            payload: payload.to_owned(),
        }
    }

    /// The hand-written page is the JSON serde writes for the protocol type.
    fn same_as_serde(page: &StoredPage) {
        let written: serde_json::Value = serde_json::from_str(&page.to_json()).unwrap();
        let by_serde = serde_json::to_value(page.clone().into_protocol()).unwrap();
        assert_eq!(written, by_serde);
        // And the device reads it as a page.
        let read: PullPage = serde_json::from_str(&page.to_json()).unwrap();
        assert_eq!(read.changes.len(), page.changes.len());
    }

    #[test]
    fn pages_empty_and_with_awkward_text() {
        same_as_serde(&StoredPage { changes: vec![], next: 7, more: false });
        let awkward = "引号\"反斜杠\\换行\n\t\u{1}é😀</script>";
        let payload = r#"{"description":"库存超过核定数量\n","events":[{"at":"2026-11-29","note":null}],"n":1.5}"#;
        same_as_serde(&StoredPage {
            changes: vec![change(1, awkward, payload), change(2, "", "{}")],
            next: 2,
            more: true,
        });
    }

    proptest! {
        /// Any text in any field (control characters, quotes, backslashes, any plane).
        #[test]
        fn pages_of_any_text_are_what_serde_writes(
            texts in proptest::collection::vec(any::<String>(), 0..6),
            next in any::<u64>(),
            more in any::<bool>(),
        ) {
            let changes = texts.iter().enumerate().map(|(i, t)| change(i as u64 + 1, t, "{}")).collect();
            same_as_serde(&StoredPage { changes, next, more });
        }
    }

    /// Within a group, a change is judged against the record as it will be held (folded),
    /// as it would be in a later group: a move back is refused even after another device's
    /// earlier state was accepted in the same group.
    #[test]
    fn a_group_judges_against_the_folded_record() {
        use anjian_core::hlc::Hlc;
        use anjian_sync::records::{HazardEventImage, HazardImage, Image};
        let rev = |n: u64| Hlc { wall_ms: 1_780_000_000_000 + n, counter: 0, node: 1 }.to_string();
        let event = |status: &str, n: u64| HazardEventImage {
            at: "2026-12-02T02:00:00Z".into(),
            status: status.into(),
            note: None,
            review: None,
            photos: vec![],
            rev: rev(n),
        };
        let hazard = |status: &str, n: u64, events: Vec<HazardEventImage>| {
            Image::Hazard(HazardImage {
                id: "0190e6a0-0000-7000-8000-00000000aaaa".into(),
                enterprise_id: "0190e6a0-0000-7000-8000-000000000001".into(),
                inspection_id: None,
                item_code: None,
                description: "消防通道堵塞".into(),
                level: "general".into(),
                deadline: "2026-12-20".into(),
                status: status.into(),
                found_at: "2026-12-01T02:00:00Z".into(),
                device_id: "a".into(),
                rev: rev(n),
                events,
            })
        };
        let held = hazard("rectified", 2, vec![event("open", 1), event("rectified", 2)]);
        let mut prior = super::PriorRecords::new();
        prior.insert(("hazard".into(), "0190e6a0-0000-7000-8000-00000000aaaa".into()), (held, "a".into()));
        // B had not seen the rectification: an earlier state, accepted (merged forward).
        let unseen = hazard("open", 3, vec![event("open", 1), event("open", 3)]);
        // Then one that had seen every event moves it back: refused.
        let back = hazard("open", 4, vec![event("open", 1), event("rectified", 2), event("open", 3)]);
        let now = 1_780_000_100_000;
        let verdicts = super::verdicts(&[Ok(unseen), Ok(back)], "b", &mut prior, now);
        assert_eq!(verdicts[0], None);
        assert_eq!(verdicts[1].as_deref(), Some("隐患状态不能倒退"));
    }

    proptest! {
        #[test]
        fn any_stored_text_is_written_as_serde_would(text in any::<String>(), value in any::<String>(), seq in any::<u64>(), more in any::<bool>()) {
            let payload = serde_json::json!({ "text": value, "list": [1, 2] }).to_string();
            same_as_serde(&StoredPage { changes: vec![change(seq, &text, &payload)], next: seq, more });
        }
    }

    /// The reads by type find their changes through the log's partial indexes, not by a
    /// scan of every change (the type is written as a literal for it).
    #[test]
    fn reads_by_type_use_the_partial_indexes() {
        use super::Storage;
        let dir = tempfile::tempdir().unwrap();
        let storage = crate::SqliteStorage::open(&dir.path().join("district.db")).unwrap();
        let plans = [
            (
                super::changes_of_type_sql("seq, payload", anjian_sync::records::ENTERPRISE).unwrap(),
                "change_enterprise",
            ),
            (super::changes_of_type_sql("seq, payload", anjian_sync::records::CHECKLIST).unwrap(), "change_checklist"),
            (crate::console::records::PUBLISHED_CHECKLIST.replace('?', "'x/1'"), "change_checklist"),
        ];
        for (sql, index) in plans {
            let mut plan = Vec::new();
            storage
                .read(&mut |q| {
                    plan = q.query(&format!("EXPLAIN QUERY PLAN {sql}"), &[])?;
                    Ok(())
                })
                .unwrap();
            let plan = format!("{plan:?}");
            assert!(plan.contains(index), "{sql}: {plan}");
        }
        assert!(super::changes_of_type_sql("seq", "hazard'; DROP TABLE change; --").is_err(), "only known types");
    }
}
