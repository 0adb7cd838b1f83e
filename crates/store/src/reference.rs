//! Reference data (divisions, sectors) and the officers (inspectors, and which of them
//! holds this device).

use anjian_core::Id;
use anjian_core::division::{Division, DivisionKind, Sector};
use anjian_core::inspector::{Inspector, InspectorInput};
use anjian_core::validate::{FieldError, Rule};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::{Store, Writer, parse_id};

const PROFILE_KEY: &str = "current_inspector";

impl Writer<'_> {
    /// Replaces the division and sector lists' names and order; codes in use stay.
    pub fn put_reference(&mut self, divisions: &[Division], sectors: &[Sector]) -> Result<()> {
        for (i, d) in divisions.iter().enumerate() {
            self.tx.execute(
                "INSERT INTO division (code, name, kind, position) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind, position = excluded.position",
                (&d.code, &d.name, d.kind.as_str(), i as i64),
            )?;
        }
        for (i, s) in sectors.iter().enumerate() {
            self.tx.execute(
                "INSERT INTO sector (code, name, position) VALUES (?1, ?2, ?3)
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, position = excluded.position",
                (&s.code, &s.name, i as i64),
            )?;
        }
        self.record("reference", "divisions+sectors", "put", &(divisions, sectors), false)
    }

    /// Adds an officer, or updates the one with the same certificate number.
    pub fn put_inspector(&mut self, input: &InspectorInput) -> Result<Inspector> {
        let (name, cert_no, unit) = input.check()?;
        let existing: Option<String> =
            self.tx.query_row("SELECT id FROM inspector WHERE cert_no = ?1", [&cert_no], |r| r.get(0)).optional()?;
        let id = match existing {
            Some(id) => parse_id(&id)?,
            None => Id::new(),
        };
        let rev = self.tick();
        self.tx.execute(
            "INSERT INTO inspector (id, name, cert_no, unit, updated_at, rev) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, unit = excluded.unit, updated_at = excluded.updated_at, rev = excluded.rev",
            (id.to_string(), &name, &cert_no, &unit, self.now.to_rfc3339(), rev.to_string()),
        )?;
        let inspector = Inspector { id, name, cert_no, unit };
        self.record("inspector", &id.to_string(), "put", &inspector, true)?;
        Ok(inspector)
    }

    /// Sets the officer who holds this device (设置 → 本人信息).
    pub fn save_profile(&mut self, input: &InspectorInput) -> Result<Inspector> {
        // A changed certificate number is a different officer: keep the old one on file.
        let inspector = self.put_inspector(input)?;
        crate::set_setting(&self.tx, PROFILE_KEY, &inspector.id.to_string())?;
        self.record("profile", &inspector.id.to_string(), "select", &inspector.id, false)?;
        Ok(inspector)
    }
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Counts {
    pub enterprises: u64,
    pub demo_enterprises: u64,
}

impl Store {
    pub fn divisions(&self) -> Result<Vec<Division>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare("SELECT code, name, kind FROM division ORDER BY position")?;
        let rows =
            stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (code, name, kind) = row?;
            let kind = DivisionKind::parse(&kind)
                .ok_or_else(|| StoreError::Corrupt(format!("division {code}: kind {kind}")))?;
            out.push(Division { code, name, kind });
        }
        Ok(out)
    }

    pub fn sectors(&self) -> Result<Vec<Sector>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare("SELECT code, name FROM sector ORDER BY position")?;
        let rows = stmt.query_map([], |r| Ok(Sector { code: r.get(0)?, name: r.get(1)? }))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn inspectors(&self) -> Result<Vec<Inspector>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare("SELECT id, name, cert_no, unit FROM inspector ORDER BY name")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, name, cert_no, unit) = row?;
            out.push(Inspector { id: parse_id(&id)?, name, cert_no, unit });
        }
        Ok(out)
    }

    pub fn inspector(&self, id: Id) -> Result<Inspector> {
        let row = self
            .conn()?
            .query_row("SELECT name, cert_no, unit FROM inspector WHERE id = ?1", [id.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        let (name, cert_no, unit) = row.ok_or(StoreError::NotFound { kind: "inspector", id: id.to_string() })?;
        Ok(Inspector { id, name, cert_no, unit })
    }

    /// The officer who holds this device, if set.
    pub fn profile(&self) -> Result<Option<Inspector>> {
        match self.setting(PROFILE_KEY)? {
            Some(id) => Ok(Some(self.inspector(parse_id(&id)?)?)),
            None => Ok(None),
        }
    }

    pub fn counts(&self) -> Result<Counts> {
        let (enterprises, demo_enterprises) =
            self.conn()?.query_row("SELECT count(*), coalesce(sum(is_demo), 0) FROM enterprise", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        Ok(Counts { enterprises, demo_enterprises })
    }
}

/// Checks division and sector codes against the lists.
pub(crate) fn check_codes(conn: &Connection, division: &str, sectors: &[String]) -> Result<()> {
    let known: bool =
        conn.query_row("SELECT EXISTS (SELECT 1 FROM division WHERE code = ?1)", [division], |r| r.get(0))?;
    if !known {
        return Err(FieldError::new("divisionCode", Rule::UnknownDivision).into());
    }
    for s in sectors {
        let known: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM sector WHERE code = ?1)", [s], |r| r.get(0))?;
        if !known {
            return Err(FieldError::new("sectors", Rule::UnknownSector).into());
        }
    }
    Ok(())
}
