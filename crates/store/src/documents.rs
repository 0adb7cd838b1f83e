//! Enforcement documents. A draft may change; an issued document may only be voided
//! (with a reason), and the schema's triggers refuse anything else even from SQL.

use anjian_core::document::{Document, DocumentKind, DocumentNumber, DocumentStatus};
use anjian_core::{Id, validate};
use rusqlite::OptionalExtension;

use crate::error::{Result, StoreError};
use crate::{Store, Writer, parse_id, parse_time};

#[derive(Debug, Clone)]
pub struct NewDocument {
    pub kind: DocumentKind,
    pub enterprise_id: Id,
    pub inspection_id: Option<Id>,
    /// The order a review follows.
    pub cites: Option<Id>,
    /// The hazards an order states, in item order (item 1 first).
    pub hazards: Vec<Id>,
    pub snapshot: serde_json::Value,
}

/// What issuing produced: the final snapshot (with its number) and the PDF.
#[derive(Debug, Clone)]
pub struct IssuedContent {
    pub snapshot: serde_json::Value,
    pub pdf: Vec<u8>,
}

/// Numbers a device may still use, per kind, in one year.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct NumberReserve {
    pub kind: DocumentKind,
    pub year: i32,
    pub left: u32,
    /// Whether any of them come from a local block (unique on this device only).
    pub local: bool,
}

/// A document in lists: no snapshot.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct DocumentSummary {
    pub id: Id,
    pub kind: DocumentKind,
    pub number: Option<String>,
    pub status: DocumentStatus,
    pub enterprise_id: Id,
    pub enterprise_name: String,
    pub inspection_id: Option<Id>,
    pub cites: Option<Id>,
    pub created_at: Option<String>,
    pub issued_at: Option<String>,
    pub void_reason: Option<String>,
    pub pdf_sha256: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct DocumentFilter {
    pub id: Option<Id>,
    pub status: Option<DocumentStatus>,
    pub kind: Option<DocumentKind>,
    pub enterprise: Option<Id>,
    pub inspection: Option<Id>,
    pub cites: Option<Id>,
    pub limit: u32,
    pub offset: u32,
}

/// Numbers in a block made on the device when it has none from the server.
const LOCAL_BLOCK: u32 = 100;

impl Writer<'_> {
    pub fn insert_document(&mut self, new: &NewDocument) -> Result<Id> {
        crate::enterprises::enterprise(&self.tx, new.enterprise_id)?;
        let id = Id::new();
        let rev = self.tick();
        self.tx.execute(
            "INSERT INTO document (id, kind, enterprise_id, inspection_id, cites, snapshot, status, device_id, rev, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'draft', ?7, ?8, ?9)",
            rusqlite::params![id.to_string(), new.kind.as_str(), new.enterprise_id.to_string(), new.inspection_id.map(|i| i.to_string()), new.cites.map(|i| i.to_string()), new.snapshot.to_string(), self.device_id, rev.to_string(), self.now.to_rfc3339()],
        )?;
        self.set_document_hazards(id, &new.hazards)?;
        self.record("document", &id.to_string(), "insert", &new.snapshot, true)?;
        Ok(id)
    }

    fn set_document_hazards(&mut self, id: Id, hazards: &[Id]) -> Result<()> {
        self.tx.execute("DELETE FROM document_hazard WHERE document_id = ?1", [id.to_string()])?;
        for (i, h) in hazards.iter().enumerate() {
            self.tx.execute(
                "INSERT INTO document_hazard (document_id, item, hazard_id) VALUES (?1, ?2, ?3)",
                (id.to_string(), i as i64 + 1, h.to_string()),
            )?;
        }
        Ok(())
    }

    /// Replaces what a draft says (and, for an order, its hazards). Issued ones never change.
    pub fn replace_draft(&mut self, id: Id, snapshot: &serde_json::Value, hazards: &[Id]) -> Result<()> {
        let (_, status) = self.status_of(id)?;
        if status != DocumentStatus::Draft {
            return Err(StoreError::CannotChange("文书已签发，不能修改；如有错误请作废后重新制作".into()));
        }
        let rev = self.tick();
        self.tx.execute(
            "UPDATE document SET snapshot = ?2, rev = ?3 WHERE id = ?1",
            (id.to_string(), snapshot.to_string(), rev.to_string()),
        )?;
        self.set_document_hazards(id, hazards)?;
        self.record("document", &id.to_string(), "update", snapshot, true)
    }

    /// Records a block of numbers granted by the district server; local numbers not yet
    /// used are given up. Blocks of one kind and year never overlap: numbers a device
    /// already issued from a local block make an overlapping grant refused.
    pub fn add_number_block(&mut self, kind: DocumentKind, year: i32, first: u32, last: u32) -> Result<()> {
        if first == 0 || last < first {
            return Err(StoreError::Refused(format!("bad number block {first}..{last}")));
        }
        // Once the district grants numbers, local ones not yet used are given up, wherever
        // they lie: the server knows only the numbers documents carried, and may grant
        // the rest to another device. An unused local block goes, a partly used one keeps
        // only what it issued.
        self.tx.execute(
            "DELETE FROM number_block WHERE kind = ?1 AND year = ?2 AND source = 'local' AND next = first",
            (kind.as_str(), year),
        )?;
        self.tx.execute(
            "UPDATE number_block SET last = next - 1 WHERE kind = ?1 AND year = ?2 AND source = 'local' AND next > first AND next <= last",
            (kind.as_str(), year),
        )?;
        let overlapping: i64 = self.tx.query_row(
            "SELECT count(*) FROM number_block WHERE kind = ?1 AND year = ?2 AND first <= ?4 AND last >= ?3",
            (kind.as_str(), year, first, last),
            |r| r.get(0),
        )?;
        if overlapping > 0 {
            return Err(StoreError::Refused(format!("number block {first}..{last} overlaps one already held")));
        }
        self.insert_block(kind, year, first, last, "server")
    }

    fn insert_block(&mut self, kind: DocumentKind, year: i32, first: u32, last: u32, source: &str) -> Result<()> {
        self.tx.execute(
            "INSERT INTO number_block (kind, year, first, last, next, source, granted_at) VALUES (?1, ?2, ?3, ?4, ?3, ?5, ?6)",
            rusqlite::params![kind.as_str(), year, first, last, source, self.now.to_rfc3339()],
        )?;
        Ok(())
    }

    fn status_of(&self, id: Id) -> Result<(DocumentKind, DocumentStatus)> {
        let row: Option<(String, String)> = self
            .tx
            .query_row("SELECT kind, status FROM document WHERE id = ?1", [id.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let (kind, status) = row.ok_or_else(|| StoreError::NotFound { kind: "document", id: id.to_string() })?;
        let bad = || StoreError::Corrupt(format!("document {id} has kind {kind} / status {status}"));
        Ok((DocumentKind::parse(&kind).ok_or_else(bad)?, DocumentStatus::parse(&status).ok_or_else(bad)?))
    }

    /// The next number for the kind and year: from the lowest block with numbers left;
    /// without one, from a new local block after every number this device has held.
    fn next_number(&mut self, prefix: &str, kind: DocumentKind, year: i32) -> Result<DocumentNumber> {
        let open = |tx: &rusqlite::Transaction<'_>| -> Result<Option<(u32, u32)>> {
            Ok(tx
                .query_row(
                    "SELECT first, next FROM number_block WHERE kind = ?1 AND year = ?2 AND next <= last
                     ORDER BY source = 'local', first LIMIT 1",
                    (kind.as_str(), year),
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?)
        };
        let (first, seq) = match open(&self.tx)? {
            Some(found) => found,
            None => {
                let held: Option<u32> = self.tx.query_row(
                    "SELECT max(last) FROM number_block WHERE kind = ?1 AND year = ?2",
                    (kind.as_str(), year),
                    |r| r.get(0),
                )?;
                // Numbers issued before blocks existed (schema 4) counted in a setting.
                let legacy: u32 = crate::get_setting(&self.tx, &format!("docseq/{}/{year}", kind.as_str()))?
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                let start = held.unwrap_or(0).max(legacy) + 1;
                self.insert_block(kind, year, start, start + LOCAL_BLOCK - 1, "local")?;
                (start, start)
            }
        };
        self.tx.execute(
            "UPDATE number_block SET next = next + 1 WHERE kind = ?1 AND year = ?2 AND first = ?3",
            (kind.as_str(), year, first),
        )?;
        Ok(DocumentNumber { prefix: prefix.to_owned(), kind, year, seq })
    }

    /// Issues a draft: takes the next number, lets `render` fix the final snapshot and
    /// its PDF (which carry the number), keeps the PDF and its hash. All in this one
    /// transaction: a refusal or a crash leaves the draft and the number unused. From
    /// here the document never changes.
    pub fn issue_document(
        &mut self,
        id: Id,
        prefix: &str,
        year: i32,
        render: impl FnOnce(&DocumentNumber, &serde_json::Value) -> std::result::Result<IssuedContent, String>,
    ) -> Result<DocumentNumber> {
        let (kind, status) = self.status_of(id)?;
        if !status.can_become(DocumentStatus::Issued) {
            return Err(StoreError::CannotIssue(format!("文书已{}，不能再次签发", status_name(status))));
        }
        // The prefix becomes part of a number that must parse back forever.
        let prefix = validate::required_text("prefix", prefix, 20)?;
        if !DocumentNumber::is_valid_prefix(&prefix) {
            return Err(StoreError::CannotIssue(format!("文号前缀“{prefix}”含有不允许的字符")));
        }
        let (snapshot, cites): (String, Option<String>) =
            self.tx.query_row("SELECT snapshot, cites FROM document WHERE id = ?1", [id.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        if kind == DocumentKind::ReviewOpinion {
            let cited: Option<(String, String)> = match &cites {
                Some(c) => self
                    .tx
                    .query_row("SELECT kind, status FROM document WHERE id = ?1", [c], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?,
                None => None,
            };
            if cited.as_ref().is_none_or(|(k, s)| k != DocumentKind::RectificationOrder.as_str() || s != "issued") {
                return Err(StoreError::CannotIssue("复查意见书须引用一份已签发且未作废的责令限期整改指令书".into()));
            }
        }
        let draft: serde_json::Value =
            serde_json::from_str(&snapshot).map_err(|_| StoreError::Corrupt(format!("document {id}: bad snapshot")))?;
        let number = self.next_number(&prefix, kind, year)?;
        let content = render(&number, &draft).map_err(StoreError::CannotIssue)?;
        let pdf = self.put_attachment(&content.pdf, "application/pdf")?;
        let rev = self.tick();
        self.tx.execute(
            "UPDATE document SET status = 'issued', number = ?2, snapshot = ?3, pdf_sha256 = ?4, issued_at = ?5, rev = ?6 WHERE id = ?1",
            (id.to_string(), number.to_string(), content.snapshot.to_string(), &pdf.sha256, self.now.to_rfc3339(), rev.to_string()),
        )?;
        self.record(
            "document",
            &id.to_string(),
            "issue",
            &serde_json::json!({ "number": number.to_string(), "snapshot": content.snapshot, "pdfSha256": pdf.sha256 }),
            true,
        )?;
        Ok(number)
    }

    /// Voids an issued document; it stays on file with its reason.
    pub fn void_document(&mut self, id: Id, reason: &str) -> Result<()> {
        let reason = validate::required_multiline("reason", reason, 500)?;
        let (_, status) = self.status_of(id)?;
        if !status.can_become(DocumentStatus::Voided) {
            return Err(StoreError::CannotChange(format!("只有已签发的文书可以作废（此文书{}）", status_name(status))));
        }
        let rev = self.tick();
        self.tx.execute(
            "UPDATE document SET status = 'voided', void_reason = ?2, rev = ?3 WHERE id = ?1",
            (id.to_string(), &reason, rev.to_string()),
        )?;
        self.record("document", &id.to_string(), "void", &reason, true)
    }
}

fn status_name(status: DocumentStatus) -> &'static str {
    match status {
        DocumentStatus::Draft => "是草稿",
        DocumentStatus::Issued => "已签发",
        DocumentStatus::Voided => "已作废",
    }
}

fn document_from_row(r: &rusqlite::Row<'_>) -> Result<Document> {
    let id: String = r.get(0)?;
    let kind: String = r.get(1)?;
    let status: String = r.get(6)?;
    let number: Option<String> = r.get(4)?;
    let snapshot: String = r.get(5)?;
    let bad = |what: &str| StoreError::Corrupt(format!("document {id}: bad {what}"));
    Ok(Document {
        kind: DocumentKind::parse(&kind).ok_or_else(|| bad("kind"))?,
        enterprise_id: parse_id(&r.get::<_, String>(2)?)?,
        inspection_id: r.get::<_, Option<String>>(3)?.as_deref().map(parse_id).transpose()?,
        number: number.as_deref().map(|n| n.parse().map_err(|_| bad("number"))).transpose()?,
        snapshot: serde_json::from_str(&snapshot).map_err(|_| bad("snapshot"))?,
        pdf_sha256: r.get(7)?,
        status: DocumentStatus::parse(&status).ok_or_else(|| bad("status"))?,
        issued_at: r.get::<_, Option<String>>(8)?.as_deref().map(parse_time).transpose()?,
        void_reason: r.get(9)?,
        id: parse_id(&id)?,
    })
}

const DOCUMENT_COLUMNS: &str =
    "id, kind, enterprise_id, inspection_id, number, snapshot, status, pdf_sha256, issued_at, void_reason";

impl Store {
    pub fn document(&self, id: Id) -> Result<Document> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(&format!("SELECT {DOCUMENT_COLUMNS} FROM document WHERE id = ?1"))?;
        let mut rows = stmt.query([id.to_string()])?;
        match rows.next()? {
            Some(r) => document_from_row(r),
            None => Err(StoreError::NotFound { kind: "document", id: id.to_string() }),
        }
    }

    /// An enterprise's documents, drafts and voided ones included, oldest first.
    pub fn documents_of(&self, enterprise: Id) -> Result<Vec<Document>> {
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare_cached(&format!("SELECT {DOCUMENT_COLUMNS} FROM document WHERE enterprise_id = ?1 ORDER BY id"))?;
        let mut rows = stmt.query([enterprise.to_string()])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(document_from_row(r)?);
        }
        Ok(out)
    }

    /// Documents newest first, drafts and voided ones included.
    pub fn documents(&self, f: &DocumentFilter) -> Result<Vec<DocumentSummary>> {
        let mut sql = String::from(
            "SELECT d.id, d.kind, d.number, d.status, d.enterprise_id, e.name, d.inspection_id, d.cites, d.created_at, d.issued_at, d.void_reason, d.pdf_sha256 FROM document d JOIN enterprise e ON e.id = d.enterprise_id WHERE 1 = 1",
        );
        let mut params: Vec<String> = Vec::new();
        let mut add = |clause: &str, value: String| {
            params.push(value);
            sql.push_str(&format!(" AND {clause} ?{}", params.len()));
        };
        if let Some(id) = f.id {
            add("d.id =", id.to_string());
        }
        if let Some(s) = f.status {
            add("d.status =", s.as_str().to_owned());
        }
        if let Some(k) = f.kind {
            add("d.kind =", k.as_str().to_owned());
        }
        if let Some(e) = f.enterprise {
            add("d.enterprise_id =", e.to_string());
        }
        if let Some(i) = f.inspection {
            add("d.inspection_id =", i.to_string());
        }
        if let Some(c) = f.cites {
            add("d.cites =", c.to_string());
        }
        sql.push_str(&format!(" ORDER BY d.id DESC LIMIT {} OFFSET {}", f.limit.clamp(1, 500), f.offset));
        let conn = self.conn()?;
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            let bad = |what: &str| StoreError::Corrupt(format!("document {id}: bad {what}"));
            out.push(DocumentSummary {
                kind: DocumentKind::parse(&r.get::<_, String>(1)?).ok_or_else(|| bad("kind"))?,
                number: r.get(2)?,
                status: DocumentStatus::parse(&r.get::<_, String>(3)?).ok_or_else(|| bad("status"))?,
                enterprise_id: parse_id(&r.get::<_, String>(4)?)?,
                enterprise_name: r.get(5)?,
                inspection_id: r.get::<_, Option<String>>(6)?.as_deref().map(parse_id).transpose()?,
                cites: r.get::<_, Option<String>>(7)?.as_deref().map(parse_id).transpose()?,
                created_at: r.get(8)?,
                issued_at: r.get(9)?,
                void_reason: r.get(10)?,
                pdf_sha256: r.get(11)?,
                id: parse_id(&id)?,
            });
        }
        Ok(out)
    }

    /// The hazards an order states, item 1 first.
    pub fn document_hazards(&self, id: Id) -> Result<Vec<Id>> {
        let conn = self.conn()?;
        let mut stmt =
            conn.prepare_cached("SELECT hazard_id FROM document_hazard WHERE document_id = ?1 ORDER BY item")?;
        let rows = stmt.query_map([id.to_string()], |r| r.get::<_, String>(0))?;
        rows.map(|r| parse_id(&r?)).collect()
    }

    /// The document a review cites.
    pub fn cited_document(&self, id: Id) -> Result<Option<Id>> {
        let cites: Option<String> =
            self.conn()?.query_row("SELECT cites FROM document WHERE id = ?1", [id.to_string()], |r| r.get(0))?;
        cites.as_deref().map(parse_id).transpose()
    }

    /// Numbers left per kind in `year`.
    pub fn number_reserve(&self, year: i32) -> Result<Vec<NumberReserve>> {
        DocumentKind::ALL
            .into_iter()
            .map(|kind| {
                let (left, local): (i64, i64) = self.conn()?.query_row(
                    "SELECT coalesce(sum(last - next + 1), 0), coalesce(max(source = 'local' AND next <= last), 0) FROM number_block WHERE kind = ?1 AND year = ?2",
                    (kind.as_str(), year),
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                Ok(NumberReserve { kind, year, left: left as u32, local: local != 0 })
            })
            .collect()
    }
}
