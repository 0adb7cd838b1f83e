//! The district's records as tables the bureau queries (by 镇街, 行业, month, status,
//! overdue): enterprises with each field's history and overwritten values, officers,
//! inspections with their officers and answers, hazards with their events, documents
//! with their hazards. Kept from the change log in the transaction that stores the
//! changes, and made again from the log by `rebuild`: the same `apply`, so a rebuilt
//! table equals the kept one. Each record folds as on the devices (`anjian_sync::fold`).
//!
//! A group of changes is folded in memory, record by record in the order stored, from
//! what the tables held before it; then each table is written at once (one statement per
//! table on PostgreSQL, whatever the group's size). The tables are described once here
//! (`Table`) and each backend writes their statements from that description.

use std::collections::{BTreeMap, HashMap};

use anjian_sync::fold::fold;
use anjian_sync::records::{DocumentImage, EnterpriseImage, HazardImage, Image, InspectionImage, InspectorImage};
use sha2::Digest;

use crate::storage::Result;

/// A statement's parameter: text or a whole number, either possibly null.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Param {
    Text(Option<String>),
    Int(Option<i64>),
}

fn text(s: &str) -> Param {
    Param::Text(Some(s.to_owned()))
}

fn maybe(s: Option<&str>) -> Param {
    Param::Text(s.map(str::to_owned))
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Text,
    Int,
}

/// A record table: its columns in order, its key, and what a row already there becomes.
#[derive(Debug)]
pub(crate) struct Table {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Kind)],
    pub key: &'static [&'static str],
    /// Columns a new row with the same key overwrites; none: the first row stays.
    pub update: &'static [&'static str],
    /// The column naming the record a child row belongs to (children are replaced).
    pub parent: Option<&'static str>,
}

impl Table {
    fn column_list(&self) -> String {
        self.columns.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ")
    }

    fn on_conflict(&self) -> String {
        let key = self.key.join(", ");
        if self.update.is_empty() {
            return format!("ON CONFLICT ({key}) DO NOTHING");
        }
        let set: Vec<String> = self.update.iter().map(|c| format!("{c} = excluded.{c}")).collect();
        format!("ON CONFLICT ({key}) DO UPDATE SET {}", set.join(", "))
    }

    /// One row at a time (`$1 … $n`), as SQLite runs it.
    pub fn insert_row_sql(&self) -> String {
        let params: Vec<String> = (1..=self.columns.len()).map(|i| format!("${i}")).collect();
        format!(
            "INSERT INTO {} ({}) VALUES ({}) {}",
            self.name,
            self.column_list(),
            params.join(", "),
            self.on_conflict()
        )
    }

    /// Every row at once, one array per column, as PostgreSQL runs it.
    pub fn insert_arrays_sql(&self) -> String {
        let arrays: Vec<String> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, (_, kind))| format!("${}::{}[]", i + 1, if *kind == Int { "bigint" } else { "text" }))
            .collect();
        format!(
            "INSERT INTO {} ({}) SELECT * FROM unnest({}) {}",
            self.name,
            self.column_list(),
            arrays.join(", "),
            self.on_conflict()
        )
    }

    /// The image a record table holds for an id (its text, or the payload it is), and
    /// its owner, one id at a time.
    pub fn held_one_sql(&self) -> String {
        format!("SELECT {}, r.created_by FROM {} r {} WHERE r.id = $1", self.image_text(), self.name, self.image_join())
    }

    /// The same for many ids at once.
    pub fn held_many_sql(&self) -> String {
        format!(
            "SELECT r.id, {}, r.created_by FROM {} r {} WHERE r.id = ANY($1::text[])",
            self.image_text(),
            self.name,
            self.image_join()
        )
    }

    fn keeps_seq(&self) -> bool {
        self.columns.iter().any(|(c, _)| *c == "image_seq")
    }

    fn image_text(&self) -> &'static str {
        if self.keeps_seq() { "coalesce(r.image, c.payload)" } else { "r.image" }
    }

    fn image_join(&self) -> &'static str {
        if self.keeps_seq() { "LEFT JOIN change c ON c.seq = r.image_seq" } else { "" }
    }

    pub fn delete_one_sql(&self) -> String {
        format!("DELETE FROM {} WHERE {} = $1", self.name, self.parent.unwrap_or("id"))
    }

    pub fn delete_many_sql(&self) -> String {
        format!("DELETE FROM {} WHERE {} = ANY($1::text[])", self.name, self.parent.unwrap_or("id"))
    }
}

use Kind::{Int, Text};

pub(crate) const ENTERPRISE: Table = Table {
    name: "enterprise",
    columns: &[
        ("id", Text),
        ("name", Text),
        ("credit_code", Text),
        ("address", Text),
        ("division_code", Text),
        ("supervision_class", Text),
        ("status", Text),
        ("legal_representative", Text),
        ("safety_contact", Text),
        ("contact_phone", Text),
        ("created_at", Text),
        ("created_by", Text),
        ("updated_at", Text),
        ("rev", Text),
        ("image", Text),
        ("image_seq", Int),
    ],
    key: &["id"],
    update: &[
        "name",
        "credit_code",
        "address",
        "division_code",
        "supervision_class",
        "status",
        "legal_representative",
        "safety_contact",
        "contact_phone",
        "updated_at",
        "rev",
        "image",
        "image_seq",
    ],
    parent: None,
};
const ENTERPRISE_SECTOR: Table = Table {
    name: "enterprise_sector",
    columns: &[("enterprise_id", Text), ("sector_code", Text)],
    key: &["enterprise_id", "sector_code"],
    update: &[],
    parent: Some("enterprise_id"),
};
const ENTERPRISE_FIELD: Table = Table {
    name: "enterprise_field",
    columns: &[
        ("enterprise_id", Text),
        ("field", Text),
        ("rev", Text),
        ("base", Text),
        ("value", Text),
        ("device_id", Text),
        ("received_at", Text),
    ],
    key: &["enterprise_id", "field", "rev"],
    update: &[],
    parent: None,
};
const ENTERPRISE_OVERWRITE: Table = Table {
    name: "enterprise_overwrite",
    columns: &[
        ("enterprise_id", Text),
        ("field", Text),
        ("overwritten_rev", Text),
        ("overwritten", Text),
        ("kept_rev", Text),
        ("kept", Text),
        ("found_at", Text),
    ],
    key: &["enterprise_id", "field", "overwritten_rev"],
    update: &[],
    parent: None,
};
const OFFICER: Table = Table {
    name: "officer",
    columns: &[
        ("id", Text),
        ("name", Text),
        ("cert_no", Text),
        ("unit", Text),
        ("created_by", Text),
        ("received_at", Text),
        ("image", Text),
    ],
    key: &["id"],
    update: &[],
    parent: None,
};
pub(crate) const INSPECTION: Table = Table {
    name: "inspection",
    columns: &[
        ("id", Text),
        ("enterprise_id", Text),
        ("template_id", Text),
        ("template_version", Int),
        ("accompanying_person", Text),
        ("started_at", Text),
        ("started_day", Text),
        ("finished_at", Text),
        ("status", Text),
        ("notes", Text),
        ("device_id", Text),
        ("created_by", Text),
        ("rev", Text),
        ("image", Text),
        ("image_seq", Int),
        ("task_id", Text),
    ],
    key: &["id"],
    update: &[
        "task_id",
        "enterprise_id",
        "template_id",
        "template_version",
        "accompanying_person",
        "started_at",
        "started_day",
        "finished_at",
        "status",
        "notes",
        "device_id",
        "rev",
        "image",
        "image_seq",
    ],
    parent: None,
};
const INSPECTION_OFFICER: Table = Table {
    name: "inspection_officer",
    columns: &[("inspection_id", Text), ("position", Int), ("inspector_id", Text), ("name", Text), ("cert_no", Text)],
    key: &["inspection_id", "position"],
    update: &[],
    parent: Some("inspection_id"),
};
const INSPECTION_ANSWER: Table = Table {
    name: "inspection_answer",
    columns: &[
        ("inspection_id", Text),
        ("item_code", Text),
        ("result", Text),
        ("note", Text),
        ("deducted", Int),
        ("photos", Text),
    ],
    key: &["inspection_id", "item_code"],
    update: &[],
    parent: Some("inspection_id"),
};
/// A hazard's own fields never change once found; its status, events and revision do.
pub(crate) const HAZARD: Table = Table {
    name: "hazard",
    columns: &[
        ("id", Text),
        ("enterprise_id", Text),
        ("inspection_id", Text),
        ("item_code", Text),
        ("description", Text),
        ("level", Text),
        ("deadline", Text),
        ("status", Text),
        ("found_at", Text),
        ("found_day", Text),
        ("closed_at", Text),
        ("device_id", Text),
        ("created_by", Text),
        ("rev", Text),
        ("image", Text),
        ("image_seq", Int),
    ],
    key: &["id"],
    update: &["status", "closed_at", "rev", "image", "image_seq"],
    parent: None,
};
const HAZARD_EVENT: Table = Table {
    name: "hazard_event",
    columns: &[
        ("hazard_id", Text),
        ("rev", Text),
        ("at", Text),
        ("status", Text),
        ("note", Text),
        ("review", Text),
        ("photos", Text),
    ],
    key: &["hazard_id", "rev"],
    update: &[],
    parent: None,
};
pub(crate) const DOCUMENT: Table = Table {
    name: "document",
    columns: &[
        ("id", Text),
        ("kind", Text),
        ("enterprise_id", Text),
        ("inspection_id", Text),
        ("number", Text),
        ("status", Text),
        ("addressee", Text),
        ("pdf_sha256", Text),
        ("issued_at", Text),
        ("issued_day", Text),
        ("void_reason", Text),
        ("voided_at", Text),
        ("verify_code", Text),
        ("cites", Text),
        ("created_at", Text),
        ("device_id", Text),
        ("created_by", Text),
        ("rev", Text),
        ("image", Text),
        ("image_seq", Int),
    ],
    key: &["id"],
    update: &[
        "kind",
        "enterprise_id",
        "inspection_id",
        "number",
        "status",
        "addressee",
        "pdf_sha256",
        "issued_at",
        "issued_day",
        "void_reason",
        "voided_at",
        "verify_code",
        "cites",
        "created_at",
        "device_id",
        "rev",
        "image",
        "image_seq",
    ],
    parent: None,
};
const DOCUMENT_HAZARD: Table = Table {
    name: "document_hazard",
    columns: &[("document_id", Text), ("item", Int), ("hazard_id", Text)],
    key: &["document_id", "item"],
    update: &[],
    parent: Some("document_id"),
};

/// A 重大隐患's 挂牌督办, as the bureau last set it.
pub(crate) const SUPERVISION: Table = Table {
    name: "hazard_supervision",
    columns: &[
        ("id", Text),
        ("supervisor", Text),
        ("due", Text),
        ("status", Text),
        ("note", Text),
        ("set_by", Text),
        ("set_at", Text),
        ("created_by", Text),
        ("rev", Text),
        ("image", Text),
        ("image_seq", Int),
    ],
    key: &["id"],
    update: &["supervisor", "due", "status", "note", "set_by", "set_at", "rev", "image", "image_seq"],
    parent: None,
};

/// A planned or drawn inspection, as the bureau last set it.
pub(crate) const TASK: Table = Table {
    name: "task",
    columns: &[
        ("id", Text),
        ("enterprise_id", Text),
        ("due_month", Text),
        ("officer_a", Text),
        ("officer_b", Text),
        ("source", Text),
        ("source_id", Text),
        ("source_title", Text),
        ("status", Text),
        ("set_by", Text),
        ("set_at", Text),
        ("created_by", Text),
        ("rev", Text),
        ("image", Text),
        ("image_seq", Int),
    ],
    key: &["id"],
    update: &[
        "enterprise_id",
        "due_month",
        "officer_a",
        "officer_b",
        "source",
        "source_id",
        "source_title",
        "status",
        "set_by",
        "set_at",
        "rev",
        "image",
        "image_seq",
    ],
    parent: None,
};

/// The record tables, parents before children: the order rows are written and digested.
pub(crate) const TABLES: [&Table; 14] = [
    &ENTERPRISE,
    &ENTERPRISE_SECTOR,
    &ENTERPRISE_FIELD,
    &ENTERPRISE_OVERWRITE,
    &OFFICER,
    &INSPECTION,
    &INSPECTION_OFFICER,
    &INSPECTION_ANSWER,
    &HAZARD,
    &HAZARD_EVENT,
    &DOCUMENT,
    &DOCUMENT_HAZARD,
    &SUPERVISION,
    &TASK,
];

/// A stored change as the tables are rebuilt from it.
pub(crate) struct LoggedChange {
    pub seq: i64,
    pub device_id: String,
    pub record_type: String,
    pub payload: String,
    pub received_at: String,
}

/// What the tables need of a backend, inside one transaction.
pub(crate) trait RecordTx {
    /// The image held for each of `ids` in `table` (a record table), and its owner.
    fn held(&mut self, table: &Table, ids: &[String]) -> Result<HashMap<String, (String, String)>>;
    /// Removes the child rows of these records (`table.parent` names them).
    fn delete_children(&mut self, table: &Table, parents: &[String]) -> Result<()>;
    /// Writes rows, each a value per column of `table`.
    fn insert(&mut self, table: &Table, rows: &[Vec<Param>]) -> Result<()>;
    fn execute(&mut self, sql: &str, params: &[Param]) -> Result<()>;
    /// Every row of a query, each column as text (`None` for null).
    fn rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>>;
    /// Stored changes after `after`, at most `limit`, in sequence order.
    fn changes_after(&mut self, after: i64, limit: i64) -> Result<Vec<LoggedChange>>;
}

/// The log as `rebuild` reads it, the same in both dialects.
pub(crate) const CHANGES_AFTER: &str =
    "SELECT seq, device_id, record_type, payload, received_at FROM change WHERE seq > $1 ORDER BY seq LIMIT $2";

/// The schema whose migration creates the last of the tables: filled from the log as it
/// runs (a server upgraded across it rebuilds them all then).
pub(crate) const SCHEMA: usize = 13;
pub(crate) const MIGRATION: &str = include_str!("../migrations/common/0006_district_records.sql");
pub(crate) const SUPERVISION_MIGRATION: &str = include_str!("../migrations/common/0008_supervision.sql");
pub(crate) const TASK_MIGRATION: &str = include_str!("../migrations/common/0013_tasks.sql");

/// A stored change as the tables take it: its image, who wrote it, when it was stored.
pub(crate) struct Stored<'a> {
    pub image: &'a Image,
    /// Its place in the log.
    pub seq: i64,
    /// The image's text as stored (kept as the record's image when it is the record).
    pub payload: &'a str,
    pub device_id: &'a str,
    pub at: &'a str,
}

/// A record being folded: what the tables held before the group, and where it is now.
struct Record {
    held: Option<Image>,
    now: Option<Image>,
    /// The change whose payload `now` is, when it is an arriving image itself.
    now_seq: Option<i64>,
    /// The device that first wrote it (the first change of the group, for a new one).
    created_by: String,
    /// When the last change that altered it was stored.
    at: String,
}

/// A table's rows, and the keys of those kept first-wins.
type TableRows = (Vec<Vec<Param>>, std::collections::HashSet<Vec<Param>>);

/// Rows to write, per table, each key once (the first row for a key stays, as
/// `DO NOTHING` would keep it).
#[derive(Default)]
struct Rows {
    by_table: BTreeMap<&'static str, TableRows>,
}

impl Rows {
    fn add(&mut self, table: &Table, row: Vec<Param>) {
        let (rows, keys) = self.by_table.entry(table.name).or_default();
        // A record's own row comes once per group; rows kept first-wins are deduplicated.
        if !table.update.is_empty() {
            rows.push(row);
            return;
        }
        let key: Vec<Param> = table
            .key
            .iter()
            .map(|k| row[table.columns.iter().position(|(c, _)| c == k).unwrap_or(0)].clone())
            .collect();
        if keys.insert(key) {
            rows.push(row);
        }
    }

    fn take(&mut self, table: &Table) -> Vec<Vec<Param>> {
        self.by_table.remove(table.name).map(|(rows, _)| rows).unwrap_or_default()
    }
}

/// What the tables hold of records, by (record type, id): each one's image as folded so
/// far and the device whose change first brought it. Records the tables do not keep are
/// left out; one read per table.
pub(crate) type Held = HashMap<(String, String), (Image, String)>;

fn table_of(record_type: &str) -> Option<&'static Table> {
    match record_type {
        anjian_sync::records::ENTERPRISE => Some(&ENTERPRISE),
        anjian_sync::records::INSPECTION => Some(&INSPECTION),
        anjian_sync::records::HAZARD => Some(&HAZARD),
        anjian_sync::records::DOCUMENT => Some(&DOCUMENT),
        anjian_sync::records::INSPECTOR => Some(&OFFICER),
        anjian_sync::records::SUPERVISION => Some(&SUPERVISION),
        anjian_sync::records::TASK => Some(&TASK),
        _ => None,
    }
}

pub(crate) fn held<'i>(tx: &mut impl RecordTx, images: impl IntoIterator<Item = &'i Image>) -> Result<Held> {
    let mut wanted: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    for image in images {
        if table_of(image.record_type()).is_some() {
            wanted.entry(image.record_type()).or_default().push(image.record_id());
        }
    }
    let mut out = Held::new();
    for (record_type, mut ids) in wanted {
        let Some(table) = table_of(record_type) else { continue };
        ids.sort();
        ids.dedup();
        for (id, (json, owner)) in tx.held(table, &ids)? {
            // Kept from checked images; one that no longer reads is as if not held.
            if let Ok(image) = Image::parse_json(record_type, &json) {
                out.insert((record_type.to_owned(), id), (image, owner));
            }
        }
    }
    Ok(out)
}

/// Keeps the tables current with changes just stored, in their order, over what they
/// held before them (`held`, read by `held()`). Record types the tables do not hold
/// (attachments, checklists, number blocks) leave them as they are.
pub(crate) fn apply<'a>(tx: &mut impl RecordTx, held: &Held, changes: &[Stored<'a>]) -> Result<()> {
    let mut records: HashMap<(&'static str, String), Record> = HashMap::new();
    let mut rows = Rows::default();
    for c in changes {
        let id = c.image.record_id();
        if let Image::Inspector(i) = c.image {
            rows.add(&OFFICER, officer(i, c.device_id, c.at, text(c.payload)));
            continue;
        }
        let Some(table) = table_of(c.image.record_type()) else { continue };
        let record = records.entry((table.name, id)).or_insert_with_key(|(_, id)| {
            let before = held.get(&(c.image.record_type().to_owned(), id.clone()));
            Record {
                held: before.map(|(image, _)| image.clone()),
                now: before.map(|(image, _)| image.clone()),
                now_seq: None,
                created_by: before.map_or_else(|| c.device_id.to_owned(), |(_, owner)| owner.clone()),
                at: String::new(),
            }
        });
        if let Image::Enterprise(next) = c.image {
            field_history(&mut rows, record.now.as_ref(), next, c.device_id, c.at);
        }
        let Some(folded) = fold(record.now.as_ref(), c.image) else { continue };
        if let Image::Enterprise(e) = &folded.image {
            for o in &folded.overwritten {
                rows.add(
                    &ENTERPRISE_OVERWRITE,
                    vec![
                        text(&e.id),
                        text(&o.field),
                        text(&o.overwritten.rev),
                        text(&o.overwritten.value.to_string()),
                        text(&o.kept.rev),
                        text(&o.kept.value.to_string()),
                        text(c.at),
                    ],
                );
            }
        }
        // Officers as each image named them, the first naming kept (as one at a time would).
        if let Image::Inspection(i) = &folded.image {
            for o in &i.officers {
                rows.add(&OFFICER, officer(o, c.device_id, c.at, text(Image::Inspector(o.clone()).payload().get())));
            }
        }
        record.now = Some(folded.image);
        record.now_seq = folded.as_sent.then_some(c.seq);
        record.at = c.at.to_owned();
    }
    write(tx, records, rows)
}

/// Writes every record the group altered, its children, and the rows gathered.
fn write(tx: &mut impl RecordTx, records: HashMap<(&'static str, String), Record>, mut rows: Rows) -> Result<()> {
    let mut replaced: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let mut altered: Vec<&Record> = records.values().filter(|r| r.now.is_some() && r.now != r.held).collect();
    // A stable order, so that rows are written alike however the group was made.
    altered.sort_by_key(|r| r.now.as_ref().map(Image::record_id));
    for record in altered {
        let (Some(now), held) = (&record.now, &record.held) else { continue };
        // The record's text, or the change whose payload it is.
        let image = match record.now_seq {
            Some(seq) => [Param::Text(None), Param::Int(Some(seq))],
            None => [text(now.payload().get()), Param::Int(None)],
        };
        match now {
            Image::Enterprise(e) => {
                rows.add(&ENTERPRISE, enterprise(e, &record.created_by, &record.at, &image));
                if held.is_some() {
                    replaced.entry(ENTERPRISE_SECTOR.name).or_default().push(e.id.clone());
                }
                let sectors = e.fields.get("sectors").and_then(|f| f.value.as_array());
                for code in sectors.into_iter().flatten().filter_map(|v| v.as_str()) {
                    rows.add(&ENTERPRISE_SECTOR, vec![text(&e.id), text(code)]);
                }
            }
            Image::Inspection(i) => {
                rows.add(&INSPECTION, inspection(i, &record.created_by, &image));
                if held.is_some() {
                    for child in [&INSPECTION_OFFICER, &INSPECTION_ANSWER] {
                        replaced.entry(child.name).or_default().push(i.id.clone());
                    }
                }
                inspection_children(&mut rows, i);
            }
            Image::Hazard(h) => {
                rows.add(&HAZARD, hazard(h, &record.created_by, &image));
                let before: Vec<&str> = match held {
                    Some(Image::Hazard(b)) => b.events.iter().map(|e| e.rev.as_str()).collect(),
                    _ => Vec::new(),
                };
                for e in h.events.iter().filter(|e| !before.contains(&e.rev.as_str())) {
                    rows.add(
                        &HAZARD_EVENT,
                        vec![
                            text(&h.id),
                            text(&e.rev),
                            text(&e.at),
                            text(&e.status),
                            maybe(e.note.as_deref()),
                            maybe(e.review.as_deref()),
                            text(&serde_json::to_string(&e.photos).unwrap_or_default()),
                        ],
                    );
                }
            }
            Image::Document(d) => {
                rows.add(&DOCUMENT, document(d, &record.created_by, &image));
                let same = matches!(held, Some(Image::Document(b)) if b.hazards == d.hazards);
                if !same {
                    if held.is_some() {
                        replaced.entry(DOCUMENT_HAZARD.name).or_default().push(d.id.clone());
                    }
                    for (item, hazard) in d.hazards.iter().enumerate() {
                        rows.add(&DOCUMENT_HAZARD, vec![text(&d.id), Param::Int(Some(item as i64 + 1)), text(hazard)]);
                    }
                }
            }
            Image::Supervision(s) => {
                rows.add(
                    &SUPERVISION,
                    vec![
                        text(&s.hazard_id),
                        text(&s.supervisor),
                        text(&s.due),
                        text(&s.status),
                        maybe(s.note.as_deref()),
                        text(&s.set_by),
                        text(&s.set_at),
                        text(&record.created_by),
                        text(&s.rev),
                        image[0].clone(),
                        image[1].clone(),
                    ],
                );
            }
            Image::Task(t) => {
                let officer = |n: usize| t.officers.get(n).map_or_else(|| text(""), |o| text(&o.id));
                rows.add(
                    &TASK,
                    vec![
                        text(&t.id),
                        text(&t.enterprise_id),
                        text(&t.due_month),
                        officer(0),
                        officer(1),
                        text(&t.source),
                        text(&t.source_id),
                        text(&t.source_title),
                        text(&t.status),
                        text(&t.set_by),
                        text(&t.set_at),
                        text(&record.created_by),
                        text(&t.rev),
                        image[0].clone(),
                        image[1].clone(),
                    ],
                );
            }
            _ => {}
        }
    }
    for table in TABLES {
        if let Some(parents) = replaced.get(table.name) {
            tx.delete_children(table, parents)?;
        }
    }
    for table in TABLES {
        let table_rows = rows.take(table);
        if !table_rows.is_empty() {
            tx.insert(table, &table_rows)?;
        }
    }
    Ok(())
}

/// The Beijing day of an RFC 3339 instant (`None` for text that is not one).
fn beijing_day(instant: &str) -> Option<String> {
    let at = chrono::DateTime::parse_from_rfc3339(instant).ok()?;
    Some(anjian_core::beijing::today(at.with_timezone(&chrono::Utc)).to_string())
}

fn enterprise(e: &EnterpriseImage, created_by: &str, at: &str, image: &[Param; 2]) -> Vec<Param> {
    let field = |name: &str| e.fields.get(name).and_then(|f| f.value.as_str()).map(str::to_owned);
    let required = |name: &str| Param::Text(Some(field(name).unwrap_or_default()));
    let rev = e.fields.values().map(|f| f.rev.as_str()).max().unwrap_or_default();
    vec![
        text(&e.id),
        required("name"),
        required("creditCode"),
        required("address"),
        required("divisionCode"),
        Param::Text(field("supervisionClass")),
        required("status"),
        Param::Text(field("legalRepresentative")),
        Param::Text(field("safetyContact")),
        Param::Text(field("contactPhone")),
        text(&e.created_at),
        text(created_by),
        text(at),
        text(rev),
        image[0].clone(),
        image[1].clone(),
    ]
}

/// Each value the image's fields carry that the record has not held before, kept in
/// the field's history whether or not it wins the merge.
fn field_history(rows: &mut Rows, held: Option<&Image>, next: &EnterpriseImage, device_id: &str, at: &str) {
    let held = match held {
        Some(Image::Enterprise(h)) => Some(h),
        _ => None,
    };
    for (name, f) in &next.fields {
        if held.and_then(|h| h.fields.get(name)).is_some_and(|h| h.rev == f.rev) {
            continue;
        }
        rows.add(
            &ENTERPRISE_FIELD,
            vec![
                text(&next.id),
                text(name),
                text(&f.rev),
                maybe(f.base.as_deref()),
                text(&f.value.to_string()),
                text(device_id),
                text(at),
            ],
        );
    }
}

fn officer(i: &InspectorImage, created_by: &str, at: &str, image: Param) -> Vec<Param> {
    vec![text(&i.id), text(&i.name), text(&i.cert_no), maybe(i.unit.as_deref()), text(created_by), text(at), image]
}

fn inspection(i: &InspectionImage, created_by: &str, image: &[Param; 2]) -> Vec<Param> {
    vec![
        text(&i.id),
        text(&i.enterprise_id),
        text(&i.template_id),
        Param::Int(Some(i.template_version)),
        maybe(i.accompanying_person.as_deref()),
        text(&i.started_at),
        Param::Text(Some(beijing_day(&i.started_at).unwrap_or_default())),
        maybe(i.finished_at.as_deref()),
        text(&i.status),
        text(&i.notes),
        text(&i.device_id),
        text(created_by),
        text(&i.rev),
        image[0].clone(),
        image[1].clone(),
        maybe(i.task_id.as_deref()),
    ]
}

fn inspection_children(rows: &mut Rows, i: &InspectionImage) {
    for (position, o) in i.officers.iter().enumerate() {
        rows.add(
            &INSPECTION_OFFICER,
            vec![text(&i.id), Param::Int(Some(position as i64)), text(&o.id), text(&o.name), text(&o.cert_no)],
        );
    }
    for a in &i.answers {
        rows.add(
            &INSPECTION_ANSWER,
            vec![
                text(&i.id),
                text(&a.item_code),
                text(&a.result),
                maybe(a.note.as_deref()),
                Param::Int(a.deducted),
                text(&serde_json::to_string(&a.photos).unwrap_or_default()),
            ],
        );
    }
}

fn hazard(h: &HazardImage, created_by: &str, image: &[Param; 2]) -> Vec<Param> {
    let closed_at =
        h.events.iter().filter(|e| e.status == "rectified" || e.status == "verified").map(|e| e.at.as_str()).min();
    vec![
        text(&h.id),
        text(&h.enterprise_id),
        maybe(h.inspection_id.as_deref()),
        maybe(h.item_code.as_deref()),
        text(&h.description),
        text(&h.level),
        text(&h.deadline),
        text(&h.status),
        text(&h.found_at),
        Param::Text(Some(beijing_day(&h.found_at).unwrap_or_default())),
        maybe(closed_at),
        text(&h.device_id),
        text(created_by),
        text(&h.rev),
        image[0].clone(),
        image[1].clone(),
    ]
}

/// The addressee a document's snapshot names (`{"kind", "snapshot": {"addressee"}}`).
fn addressee(d: &DocumentImage) -> Option<String> {
    let snapshot: serde_json::Value = serde_json::from_str(&d.snapshot).ok()?;
    snapshot.get("snapshot")?.get("addressee")?.as_str().map(str::to_owned)
}

/// The code printed on an issued document, from its snapshot as the device hashed it
/// (`anjian_docs::content_hash`), so /v/ finds the record a paper copy came from.
fn verify_code(d: &DocumentImage) -> Option<String> {
    if !d.is_issued() {
        return None;
    }
    let snapshot: anjian_docs::Snapshot = serde_json::from_str(&d.snapshot).ok()?;
    Some(anjian_docs::verification_code(&anjian_docs::content_hash(&snapshot)))
}

/// When a voided document was voided: the clock of the write that voided it.
fn voided_at(d: &DocumentImage) -> Option<String> {
    if d.status != "voided" {
        return None;
    }
    let hlc: anjian_core::hlc::Hlc = d.rev.parse().ok()?;
    let at = chrono::DateTime::from_timestamp_millis(i64::try_from(hlc.wall_ms).ok()?)?;
    Some(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

fn document(d: &DocumentImage, created_by: &str, image: &[Param; 2]) -> Vec<Param> {
    vec![
        text(&d.id),
        text(&d.kind),
        text(&d.enterprise_id),
        maybe(d.inspection_id.as_deref()),
        maybe(d.number.as_deref()),
        text(&d.status),
        Param::Text(addressee(d)),
        maybe(d.pdf_sha256.as_deref()),
        maybe(d.issued_at.as_deref()),
        Param::Text(d.issued_at.as_deref().and_then(beijing_day)),
        maybe(d.void_reason.as_deref()),
        Param::Text(voided_at(d)),
        Param::Text(verify_code(d)),
        maybe(d.cites.as_deref()),
        maybe(d.created_at.as_deref()),
        text(&d.device_id),
        text(created_by),
        text(&d.rev),
        image[0].clone(),
        image[1].clone(),
    ]
}

/// Empties the tables and applies every stored change again, in order, a page at a
/// time. The number of changes read.
pub(crate) fn rebuild(tx: &mut impl RecordTx) -> Result<u64> {
    for table in TABLES.iter().rev() {
        tx.execute(&format!("DELETE FROM {}", table.name), &[])?;
    }
    let (mut after, mut read) = (0, 0u64);
    loop {
        let page = tx.changes_after(after, 2_000)?;
        let Some(last) = page.last() else { return Ok(read) };
        after = last.seq;
        read += page.len() as u64;
        // Every stored change was checked on its way in.
        let images: Vec<(Image, &LoggedChange)> =
            page.iter().filter_map(|c| Image::parse_json(&c.record_type, &c.payload).ok().map(|i| (i, c))).collect();
        let stored: Vec<Stored<'_>> = images
            .iter()
            .map(|(image, c)| Stored {
                image,
                seq: c.seq,
                payload: &c.payload,
                device_id: &c.device_id,
                at: &c.received_at,
            })
            .collect();
        let before = held(tx, stored.iter().map(|s| s.image))?;
        apply(tx, &before, &stored)?;
    }
}

/// A table's rows and the SHA-256 of their text, in key order: two servers (or one
/// before and after `rebuild`) hold the same records when their digests agree.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TableDigest {
    pub table: String,
    pub rows: u64,
    pub sha256: String,
}

pub(crate) fn digests(tx: &mut impl RecordTx) -> Result<Vec<TableDigest>> {
    let mut out = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let rows = tx.rows(&format!("SELECT * FROM {} ORDER BY {}", table.name, table.key.join(", ")))?;
        let mut hash = sha2::Sha256::new();
        for row in &rows {
            for column in row {
                match column {
                    Some(v) => {
                        hash.update([1]);
                        hash.update((v.len() as u64).to_le_bytes());
                        hash.update(v.as_bytes());
                    }
                    None => hash.update([0]),
                }
            }
        }
        out.push(TableDigest {
            table: table.name.to_owned(),
            rows: rows.len() as u64,
            sha256: hex::encode(hash.finalize()),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every table's description matches its key columns and its migration.
    #[test]
    fn tables_are_described_as_created() {
        for table in TABLES {
            for k in table.key.iter().chain(table.update).chain(table.parent.iter()) {
                assert!(table.columns.iter().any(|(c, _)| c == k), "{}.{k}", table.name);
            }
            let migration = [MIGRATION, SUPERVISION_MIGRATION, TASK_MIGRATION].concat();
            for (column, _) in table.columns {
                let added = format!("ALTER TABLE {} ADD COLUMN {column} ", table.name);
                assert!(
                    migration.contains(&format!("    {column} ")) || migration.contains(&added),
                    "{}.{column} in the migrations",
                    table.name
                );
            }
            assert!(migration.contains(&format!("CREATE TABLE {} (", table.name)), "{}", table.name);
        }
        assert_eq!(
            HAZARD_EVENT.insert_row_sql(),
            "INSERT INTO hazard_event (hazard_id, rev, at, status, note, review, photos) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (hazard_id, rev) DO NOTHING"
        );
        assert!(HAZARD.insert_arrays_sql().contains(
            "unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], \
             $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], \
             $16::bigint[]) ON CONFLICT (id) DO UPDATE SET status = excluded.status"
        ));
    }
}
