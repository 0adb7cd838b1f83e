//! Enterprises: the profile, its sectors, and search by any part of the name, the
//! credit code or the address.

use anjian_core::Id;
use anjian_core::enterprise::{Enterprise, EnterpriseInput, Profile, Status, SupervisionClass};
use anjian_core::hlc::Hlc;
use anjian_core::search_text;
use rusqlite::{Connection, OptionalExtension, Row, params_from_iter};
use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::reference::check_codes;
use crate::{Store, Writer, parse_id, parse_rev, parse_time};

const COLUMNS: &str = "e.id, e.name, e.credit_code, e.credit_code_confirmed, e.address, e.division_code, \
    e.legal_representative, e.safety_contact, e.contact_phone, e.supervision_class, e.status, e.is_demo, \
    e.created_at, e.updated_at, e.rev";

impl Writer<'_> {
    /// Adds an enterprise. Demo records never enter the outbox: they must not reach
    /// the district server.
    pub fn insert_enterprise(&mut self, input: &EnterpriseInput, is_demo: bool) -> Result<Enterprise> {
        let profile = input.check()?;
        anjian_core::enterprise::check_class_change(None, profile.supervision_class, is_demo)?;
        check_codes(&self.tx, &profile.division_code, &profile.sectors)?;
        self.refuse_duplicate_code(&profile.credit_code, is_demo, None)?;
        let id = Id::new();
        let rev = self.tick();
        let e = Enterprise { id, profile, is_demo, created_at: self.now, updated_at: self.now, rev };
        let device = self.device_id;
        self.write_enterprise_row(&e, device)?;
        self.set_field_revs(&e, None)?;
        self.record("enterprise", &id.to_string(), "insert", &e, !is_demo)?;
        Ok(e)
    }

    /// Changes an enterprise's profile if nobody changed it since `expected_rev`.
    pub fn update_enterprise(&mut self, id: Id, expected_rev: Hlc, input: &EnterpriseInput) -> Result<Enterprise> {
        let profile = input.check()?;
        let current = enterprise(&self.tx, id)?;
        if current.rev != expected_rev {
            return Err(StoreError::Conflict {
                kind: "enterprise",
                id: id.to_string(),
                current: current.rev.to_string(),
            });
        }
        anjian_core::enterprise::check_class_change(
            current.profile.supervision_class,
            profile.supervision_class,
            current.is_demo,
        )?;
        check_codes(&self.tx, &profile.division_code, &profile.sectors)?;
        self.refuse_duplicate_code(&profile.credit_code, current.is_demo, Some(id))?;
        let rev = self.tick();
        let before = current.clone();
        let e = Enterprise { profile, updated_at: self.now, rev, ..current };
        let device = self.device_id;
        self.write_enterprise_row(&e, device)?;
        self.set_field_revs(&e, Some(&before))?;
        self.record("enterprise", &id.to_string(), "update", &e, !e.is_demo)?;
        Ok(e)
    }

    fn refuse_duplicate_code(&self, code: &str, is_demo: bool, except: Option<Id>) -> Result<()> {
        let other: Option<String> = self
            .tx
            .query_row("SELECT id FROM enterprise WHERE credit_code = ?1 AND is_demo = ?2", (code, is_demo), |r| {
                r.get(0)
            })
            .optional()?;
        match other {
            Some(o) if Some(o.as_str()) != except.map(|e| e.to_string()).as_deref() => {
                Err(StoreError::DuplicateCreditCode(code.to_owned()))
            }
            _ => Ok(()),
        }
    }

    /// Removes the demo enterprises nothing refers to (no inspection, hazard or
    /// document), with their sectors and index rows. Returns how many went.
    pub fn remove_demo_enterprises(&mut self) -> Result<u64> {
        const UNUSED: &str = "is_demo = 1
            AND NOT EXISTS (SELECT 1 FROM inspection i WHERE i.enterprise_id = enterprise.id)
            AND NOT EXISTS (SELECT 1 FROM hazard h WHERE h.enterprise_id = enterprise.id)
            AND NOT EXISTS (SELECT 1 FROM document d WHERE d.enterprise_id = enterprise.id)";
        self.tx.execute(
            &format!("DELETE FROM enterprise_fts WHERE rowid IN (SELECT fts_key FROM enterprise WHERE {UNUSED})"),
            [],
        )?;
        let removed = self.tx.execute(&format!("DELETE FROM enterprise WHERE {UNUSED}"), [])? as u64;
        self.record("enterprise", "demo", "remove_demo", &removed, false)?;
        Ok(removed)
    }

    /// Writes an enterprise (insert or replace: a new one, an edit, or one merged from a
    /// pulled change) with its sectors and search index; `writer` is the device.
    pub(crate) fn write_enterprise_row(&mut self, e: &Enterprise, writer: &str) -> Result<()> {
        self.run(
            "INSERT INTO enterprise (id, name, credit_code, credit_code_confirmed, address, division_code, legal_representative,
                safety_contact, contact_phone, supervision_class, status, is_demo, created_at, updated_at, rev, device_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, credit_code = excluded.credit_code,
                credit_code_confirmed = excluded.credit_code_confirmed, address = excluded.address,
                division_code = excluded.division_code, legal_representative = excluded.legal_representative,
                safety_contact = excluded.safety_contact, contact_phone = excluded.contact_phone,
                supervision_class = excluded.supervision_class, status = excluded.status,
                updated_at = excluded.updated_at, rev = excluded.rev, device_id = excluded.device_id",
            rusqlite::params![
                e.id.to_string(), e.profile.name, e.profile.credit_code, e.profile.credit_code_confirmed, e.profile.address,
                e.profile.division_code, e.profile.legal_representative, e.profile.safety_contact, e.profile.contact_phone,
                e.profile.supervision_class.map(SupervisionClass::as_str), e.profile.status.as_str(), e.is_demo,
                e.created_at.to_rfc3339(), e.updated_at.to_rfc3339(), e.rev.to_string(), writer,
            ],
        )?;
        self.run("DELETE FROM enterprise_sector WHERE enterprise_id = ?1", [e.id.to_string()])?;
        self.write_sectors_and_index(e)
    }

    fn write_sectors_and_index(&mut self, e: &Enterprise) -> Result<()> {
        let id = e.id.to_string();
        for s in &e.profile.sectors {
            self.run("INSERT INTO enterprise_sector (enterprise_id, sector_code) VALUES (?1, ?2)", (&id, s))?;
        }
        let rowid = self.fts_key("enterprise", &id)?;
        self.run("DELETE FROM enterprise_fts WHERE rowid = ?1", [rowid])?;
        let p = &e.profile;
        let name = format!("{} {}", p.name, p.credit_code);
        let people = [p.legal_representative.as_deref(), p.safety_contact.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        self.run(
            "INSERT INTO enterprise_fts (rowid, name_pairs, address_pairs, singles) VALUES (?1, ?2, ?3, ?4)",
            (
                rowid,
                search_text::pairs(&name),
                search_text::pairs(&format!("{} {people}", p.address)),
                search_text::singles(&format!("{} {}", p.name, p.address)),
            ),
        )?;
        Ok(())
    }
}

fn from_row(r: &Row<'_>, sectors: Vec<String>) -> Result<Enterprise> {
    let class: Option<String> = r.get(9)?;
    let status: String = r.get(10)?;
    Ok(Enterprise {
        id: parse_id(&r.get::<_, String>(0)?)?,
        profile: Profile {
            name: r.get(1)?,
            credit_code: r.get(2)?,
            credit_code_confirmed: r.get(3)?,
            address: r.get(4)?,
            division_code: r.get(5)?,
            sectors,
            legal_representative: r.get(6)?,
            safety_contact: r.get(7)?,
            contact_phone: r.get(8)?,
            supervision_class: class.as_deref().and_then(SupervisionClass::parse),
            status: Status::parse(&status).ok_or_else(|| StoreError::Corrupt(format!("bad status {status}")))?,
        },
        is_demo: r.get(11)?,
        created_at: parse_time(&r.get::<_, String>(12)?)?,
        updated_at: parse_time(&r.get::<_, String>(13)?)?,
        rev: parse_rev(&r.get::<_, String>(14)?)?,
    })
}

fn sectors_of(conn: &Connection, id: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT es.sector_code FROM enterprise_sector es JOIN sector s ON s.code = es.sector_code WHERE es.enterprise_id = ?1 ORDER BY s.position",
    )?;
    let rows = stmt.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn enterprise(conn: &Connection, id: Id) -> Result<Enterprise> {
    let key = id.to_string();
    let sectors = sectors_of(conn, &key)?;
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM enterprise e WHERE e.id = ?1"))?;
    let mut rows = stmt.query([&key])?;
    match rows.next()? {
        Some(r) => from_row(r, sectors),
        None => Err(StoreError::NotFound { kind: "enterprise", id: key }),
    }
}

#[derive(Debug, Clone, Default)]
pub struct EnterpriseQuery {
    pub text: Option<String>,
    pub division: Option<String>,
    pub sector: Option<String>,
    pub limit: u32,
    pub offset: u32,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct EnterpriseSummary {
    pub id: Id,
    pub name: String,
    pub credit_code: String,
    pub address: String,
    pub division_code: String,
    pub division_name: String,
    pub sectors: Vec<String>,
    pub is_demo: bool,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(rename = "SearchResult")]
pub struct EnterprisePage {
    #[ts(type = "number")]
    pub total: u64,
    pub items: Vec<EnterpriseSummary>,
}

/// What a query must be a substring of, in lower case (ASCII folds; Han is unchanged).
const HAYSTACK: &str = "lower(e.name || ' ' || e.address || ' ' || e.credit_code || ' ' || \
    coalesce(e.legal_representative, '') || ' ' || coalesce(e.safety_contact, ''))";

const ENTERPRISE_COLUMNS: search_text::Columns<'static> =
    search_text::Columns { pairs: &["name_pairs", "address_pairs"], singles: "singles" };

pub const MAX_PAGE: u32 = 200;

impl Store {
    pub fn enterprise(&self, id: Id) -> Result<Enterprise> {
        enterprise(&*self.conn()?, id)
    }

    /// Ranked search: a name hit before an address hit, an exact or leading name
    /// match first; without text, by name.
    pub fn search_enterprises(&self, q: &EnterpriseQuery) -> Result<EnterprisePage> {
        let text = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let mut params: Vec<String> = Vec::new();
        let mut filters = Vec::new();
        let mut rank = "0.0".to_owned();
        let mut from = "enterprise e".to_owned();
        if let Some(t) = text {
            let Some(expr) = search_text::fts_query(t, ENTERPRISE_COLUMNS) else {
                return Ok(EnterprisePage { total: 0, items: Vec::new() });
            };
            params.push(expr);
            params.push(t.to_owned());
            let whole = params.len();
            // The index finds candidates; each word of the query must then really be a
            // substring of the record (the index also matches words by prefix only).
            let mut verify = Vec::new();
            for word in t.split_whitespace() {
                params.push(word.to_lowercase());
                verify.push(format!("instr({HAYSTACK}, ?{}) > 0", params.len()));
            }
            // LIMIT -1 keeps the candidates a subquery of their own: flattened into the
            // join, bm25() would run outside its full-text scan.
            from = "(SELECT rowid AS rid, bm25(enterprise_fts, 10.0, 2.0, 1.0) AS score FROM enterprise_fts WHERE enterprise_fts MATCH ?1 LIMIT -1) m
                 JOIN enterprise e ON e.fts_key = m.rid"
                .to_owned();
            filters.push(verify.join(" AND "));
            rank = format!(
                "min(m.score) - (CASE WHEN e.name = ?{whole} THEN 100 WHEN instr(e.credit_code, upper(?{whole})) = 1 THEN 80
                                      WHEN instr(e.name, ?{whole}) = 1 THEN 50 ELSE 0 END)"
            );
        }
        if let Some(d) = q.division.as_deref().filter(|d| !d.is_empty()) {
            params.push(d.to_owned());
            filters.push(format!("e.division_code = ?{}", params.len()));
        }
        if let Some(s) = q.sector.as_deref().filter(|s| !s.is_empty()) {
            params.push(s.to_owned());
            filters.push(format!(
                "EXISTS (SELECT 1 FROM enterprise_sector es WHERE es.enterprise_id = e.id AND es.sector_code = ?{})",
                params.len()
            ));
        }
        let filter = if filters.is_empty() { String::new() } else { format!("WHERE {}", filters.join(" AND ")) };
        let limit = q.limit.clamp(1, MAX_PAGE);
        // One pass: the page and, through the window, the size of the whole result.
        let sql = format!(
            "SELECT e.id, e.name, e.credit_code, e.address, e.division_code, d.name, e.is_demo, {rank} AS rank, count(*) OVER () AS total
             FROM {from} JOIN division d ON d.code = e.division_code {filter}
             GROUP BY e.id ORDER BY rank, e.name LIMIT {limit} OFFSET {}",
            q.offset
        );
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(params.iter()), |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get::<_, u64>(8)?,
            ))
        })?;
        let mut items = Vec::new();
        let mut total = 0;
        for row in rows {
            let (id, name, credit_code, address, division_code, division_name, is_demo, all) = row?;
            total = all;
            items.push(EnterpriseSummary {
                sectors: sectors_of(&*self.conn()?, &id)?,
                id: parse_id(&id)?,
                name,
                credit_code,
                address,
                division_code,
                division_name,
                is_demo,
            });
        }
        if items.is_empty() && q.offset > 0 {
            // Paged past the end: the window saw no rows, so count on its own.
            total = self.conn()?.query_row(
                &format!("SELECT count(*) FROM (SELECT e.id, {rank} AS rank FROM {from} {filter} GROUP BY e.id)"),
                params_from_iter(params.iter()),
                |r| r.get(0),
            )?;
        }
        Ok(EnterprisePage { total, items })
    }
}
