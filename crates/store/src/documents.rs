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
    pub snapshot: serde_json::Value,
}

impl Writer<'_> {
    pub fn insert_document(&mut self, new: &NewDocument) -> Result<Id> {
        crate::enterprises::enterprise(&self.tx, new.enterprise_id)?;
        let id = Id::new();
        let rev = self.tick();
        self.tx.execute(
            "INSERT INTO document (id, kind, enterprise_id, inspection_id, snapshot, status, device_id, rev) VALUES (?1, ?2, ?3, ?4, ?5, 'draft', ?6, ?7)",
            rusqlite::params![id.to_string(), new.kind.as_str(), new.enterprise_id.to_string(), new.inspection_id.map(|i| i.to_string()), new.snapshot.to_string(), self.device_id, rev.to_string()],
        )?;
        self.record("document", &id.to_string(), "insert", rev, &new.snapshot, true)?;
        Ok(id)
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

    /// The next number of this device's block for the kind and year. Until the district
    /// server grants blocks this is a local sequence.
    fn next_number(&mut self, prefix: &str, kind: DocumentKind, year: i32) -> Result<DocumentNumber> {
        let key = format!("docseq/{}/{year}", kind.as_str());
        let last: u32 = match crate::get_setting(&self.tx, &key)? {
            Some(v) => v.parse().map_err(|_| StoreError::Corrupt(format!("bad sequence {v}")))?,
            None => 0,
        };
        crate::set_setting(&self.tx, &key, &(last + 1).to_string())?;
        Ok(DocumentNumber { prefix: prefix.to_owned(), kind, year, seq: last + 1 })
    }

    /// Issues a draft: numbers it and fixes its content hash. From here it never changes.
    pub fn issue_document(&mut self, id: Id, prefix: &str, pdf_sha256: &str) -> Result<DocumentNumber> {
        let (kind, status) = self.status_of(id)?;
        if !status.can_become(DocumentStatus::Issued) {
            return Err(StoreError::Refused(format!("document {id} is {} and cannot be issued", status.as_str())));
        }
        // The prefix becomes part of a number that must parse back forever.
        let prefix = validate::required_text("prefix", prefix, 20)?;
        if prefix.chars().any(|c| matches!(c, '〔' | '〕' | '第' | '号') || c.is_whitespace()) {
            return Err(StoreError::Refused(format!("document number prefix {prefix:?} holds a reserved character")));
        }
        if pdf_sha256.len() != 64 || !pdf_sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(StoreError::Refused("not a SHA-256".into()));
        }
        // The document year is Beijing's (UTC+8), not UTC's.
        let year = chrono::Datelike::year(&(self.now + chrono::Duration::hours(8)));
        let number = self.next_number(&prefix, kind, year)?;
        let rev = self.tick();
        self.tx.execute(
            "UPDATE document SET status = 'issued', number = ?2, pdf_sha256 = ?3, issued_at = ?4, rev = ?5 WHERE id = ?1",
            (id.to_string(), number.to_string(), pdf_sha256, self.now.to_rfc3339(), rev.to_string()),
        )?;
        self.record("document", &id.to_string(), "issue", rev, &number, true)?;
        Ok(number)
    }

    /// Voids an issued document; it stays on file with its reason.
    pub fn void_document(&mut self, id: Id, reason: &str) -> Result<()> {
        let reason = validate::required_multiline("reason", reason, 500)?;
        let (_, status) = self.status_of(id)?;
        if !status.can_become(DocumentStatus::Voided) {
            return Err(StoreError::Refused(format!("document {id} is {} and cannot be voided", status.as_str())));
        }
        let rev = self.tick();
        self.tx.execute(
            "UPDATE document SET status = 'voided', void_reason = ?2, rev = ?3 WHERE id = ?1",
            (id.to_string(), &reason, rev.to_string()),
        )?;
        self.record("document", &id.to_string(), "void", rev, &reason, true)
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
        let mut stmt = self.conn().prepare_cached(&format!("SELECT {DOCUMENT_COLUMNS} FROM document WHERE id = ?1"))?;
        let mut rows = stmt.query([id.to_string()])?;
        match rows.next()? {
            Some(r) => document_from_row(r),
            None => Err(StoreError::NotFound { kind: "document", id: id.to_string() }),
        }
    }

    /// An enterprise's documents, drafts and voided ones included, oldest first.
    pub fn documents_of(&self, enterprise: Id) -> Result<Vec<Document>> {
        let mut stmt = self
            .conn()
            .prepare_cached(&format!("SELECT {DOCUMENT_COLUMNS} FROM document WHERE enterprise_id = ?1 ORDER BY id"))?;
        let mut rows = stmt.query([enterprise.to_string()])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(document_from_row(r)?);
        }
        Ok(out)
    }
}
