//! Schema migrations. Only ever append: a shipped migration is never edited, since
//! devices in the field have already run it. `PRAGMA user_version` counts the ones
//! applied.

use anjian_migrate::{MigrateError, UserVersion};
use rusqlite::Connection;

use crate::error::{Result, StoreError};

const MIGRATIONS: &[&str] = &[
    // 1: the foundation.
    r#"
CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE division (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('street', 'town', 'zone')),
    position INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE sector (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    position INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE enterprise (
    id                    TEXT PRIMARY KEY,
    name                  TEXT NOT NULL,
    credit_code           TEXT NOT NULL,
    credit_code_confirmed INTEGER NOT NULL CHECK (credit_code_confirmed IN (0, 1)),
    address               TEXT NOT NULL,
    division_code         TEXT NOT NULL REFERENCES division (code),
    legal_representative  TEXT,
    safety_contact        TEXT,
    contact_phone         TEXT,
    supervision_class     TEXT CHECK (supervision_class IN ('A', 'B', 'C', 'D')),
    status                TEXT NOT NULL CHECK (status IN ('operating', 'suspended', 'closed')),
    is_demo               INTEGER NOT NULL CHECK (is_demo IN (0, 1)),
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    device_id             TEXT NOT NULL,
    rev                   TEXT NOT NULL
);
-- Unique among the bureau's own records; the demo set stays apart, so a real
-- enterprise is never blocked by a fictional one holding the same code.
CREATE UNIQUE INDEX enterprise_credit_code ON enterprise (credit_code) WHERE is_demo = 0;
CREATE INDEX enterprise_by_code ON enterprise (credit_code, is_demo);
CREATE INDEX enterprise_by_division ON enterprise (division_code, name);
CREATE INDEX enterprise_by_name ON enterprise (name);

CREATE TABLE enterprise_sector (
    enterprise_id TEXT NOT NULL REFERENCES enterprise (id) ON DELETE CASCADE,
    sector_code   TEXT NOT NULL REFERENCES sector (code),
    PRIMARY KEY (enterprise_id, sector_code)
) WITHOUT ROWID;
CREATE INDEX enterprise_sector_by_sector ON enterprise_sector (sector_code, enterprise_id);

-- Name weighs more than address; rowid is the enterprise's rowid.
CREATE VIRTUAL TABLE enterprise_fts USING fts5 (
    name_pairs, address_pairs, singles,
    tokenize = 'unicode61 remove_diacritics 0'
);

CREATE TABLE inspector (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    cert_no    TEXT NOT NULL UNIQUE,
    unit       TEXT,
    updated_at TEXT NOT NULL,
    rev        TEXT NOT NULL
);

CREATE TABLE inspection (
    id                  TEXT PRIMARY KEY,
    enterprise_id       TEXT NOT NULL REFERENCES enterprise (id),
    template_id         TEXT NOT NULL,
    template_version    INTEGER NOT NULL,
    accompanying_person TEXT,
    started_at          TEXT NOT NULL,
    finished_at         TEXT,
    status              TEXT NOT NULL CHECK (status IN ('draft', 'finished')),
    notes               TEXT NOT NULL,
    device_id           TEXT NOT NULL,
    rev                 TEXT NOT NULL
);
CREATE INDEX inspection_by_enterprise ON inspection (enterprise_id, started_at);
CREATE INDEX inspection_by_time ON inspection (started_at);

CREATE TABLE inspection_officer (
    inspection_id TEXT NOT NULL REFERENCES inspection (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    inspector_id  TEXT NOT NULL REFERENCES inspector (id),
    PRIMARY KEY (inspection_id, position)
) WITHOUT ROWID;

CREATE TABLE answer (
    inspection_id TEXT NOT NULL REFERENCES inspection (id) ON DELETE CASCADE,
    item_code     TEXT NOT NULL,
    result        TEXT NOT NULL CHECK (result IN ('compliant', 'nonCompliant', 'notApplicable')),
    note          TEXT,
    photos        TEXT NOT NULL,
    rev           TEXT NOT NULL,
    PRIMARY KEY (inspection_id, item_code)
) WITHOUT ROWID;

CREATE TABLE hazard (
    id            TEXT PRIMARY KEY,
    enterprise_id TEXT NOT NULL REFERENCES enterprise (id),
    inspection_id TEXT REFERENCES inspection (id),
    item_code     TEXT,
    description   TEXT NOT NULL,
    level         TEXT NOT NULL CHECK (level IN ('general', 'major')),
    deadline      TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('open', 'rectified', 'verified')),
    found_at      TEXT NOT NULL,
    device_id     TEXT NOT NULL,
    rev           TEXT NOT NULL
);
-- The ledger: open/overdue lookups, per enterprise, and newest-first pages. The
-- last covers every column the ledger's counts read, so counting scans the index only.
CREATE INDEX hazard_by_status ON hazard (status, deadline);
CREATE INDEX hazard_by_enterprise ON hazard (enterprise_id, found_at);
CREATE INDEX hazard_ledger ON hazard (found_at, status, level, deadline, enterprise_id);

-- Every status change, kept for the hazard's history.
CREATE TABLE hazard_event (
    seq       INTEGER PRIMARY KEY,
    hazard_id TEXT NOT NULL REFERENCES hazard (id),
    at        TEXT NOT NULL,
    status    TEXT NOT NULL,
    note      TEXT,
    rev       TEXT NOT NULL
);
CREATE INDEX hazard_event_by_hazard ON hazard_event (hazard_id, seq);

CREATE VIRTUAL TABLE inspection_fts USING fts5 (pairs, singles, tokenize = 'unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE hazard_fts USING fts5 (pairs, singles, tokenize = 'unicode61 remove_diacritics 0');

CREATE TABLE document (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('inspectionRecord', 'rectificationOrder', 'reviewOpinion')),
    enterprise_id TEXT NOT NULL REFERENCES enterprise (id),
    inspection_id TEXT REFERENCES inspection (id),
    number        TEXT UNIQUE,
    snapshot      TEXT NOT NULL,
    pdf_sha256    TEXT,
    status        TEXT NOT NULL CHECK (status IN ('draft', 'issued', 'voided')),
    issued_at     TEXT,
    void_reason   TEXT,
    device_id     TEXT NOT NULL,
    rev           TEXT NOT NULL,
    CHECK (status = 'draft' OR (number IS NOT NULL AND issued_at IS NOT NULL)),
    CHECK (status <> 'voided' OR void_reason IS NOT NULL)
);
CREATE INDEX document_by_enterprise ON document (enterprise_id);

-- An issued document's content never changes; only the move to voided is allowed.
CREATE TRIGGER document_issued_is_immutable
BEFORE UPDATE ON document
WHEN OLD.status <> 'draft' AND NOT (
    OLD.status = 'issued' AND NEW.status = 'voided'
    AND NEW.kind IS OLD.kind AND NEW.enterprise_id IS OLD.enterprise_id
    AND NEW.inspection_id IS OLD.inspection_id AND NEW.number IS OLD.number
    AND NEW.snapshot IS OLD.snapshot AND NEW.pdf_sha256 IS OLD.pdf_sha256
    AND NEW.issued_at IS OLD.issued_at
)
BEGIN
    SELECT RAISE(ABORT, 'issued document is immutable');
END;
CREATE TRIGGER document_issued_is_kept
BEFORE DELETE ON document
WHEN OLD.status <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'issued document is immutable');
END;

CREATE TABLE attachment (
    sha256     TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    mime       TEXT NOT NULL,
    size       INTEGER NOT NULL,
    created_at TEXT NOT NULL
) WITHOUT ROWID;

-- Changes waiting to be pushed to the district server.
CREATE TABLE outbox (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    record_type TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    op          TEXT NOT NULL,
    rev         TEXT NOT NULL,
    payload     TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- 执法全过程记录: each event's hash covers the previous one.
CREATE TABLE audit_event (
    seq         INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    action      TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE TRIGGER audit_event_append_only_update BEFORE UPDATE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_event_append_only_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
"#,
    // 2: checklists, scored answers, signatures, re-inspection.
    r#"
-- Every checklist version ever loaded; a version once stored never changes.
CREATE TABLE checklist_template (
    id         TEXT NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1),
    sector     TEXT NOT NULL REFERENCES sector (code),
    title      TEXT NOT NULL,
    item_count INTEGER NOT NULL,
    body       TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    loaded_at  TEXT NOT NULL,
    PRIMARY KEY (id, version)
) WITHOUT ROWID;

ALTER TABLE answer ADD COLUMN deducted INTEGER CHECK (deducted IS NULL OR deducted >= 0);

CREATE TABLE inspection_signature (
    inspection_id TEXT NOT NULL REFERENCES inspection (id),
    role          TEXT NOT NULL CHECK (role IN ('officer1', 'officer2', 'unit')),
    sha256        TEXT REFERENCES attachment (sha256),
    refused       INTEGER NOT NULL CHECK (refused IN (0, 1)),
    CHECK ((sha256 IS NULL) = (refused = 1)),
    -- Only the unit's person may refuse (the law lets the officers record it).
    CHECK (refused = 0 OR role = 'unit'),
    PRIMARY KEY (inspection_id, role)
) WITHOUT ROWID;

-- Re-inspection results and their photos in the hazard's history.
ALTER TABLE hazard_event ADD COLUMN review TEXT CHECK (review IS NULL OR review IN ('rectified', 'notRectified'));
ALTER TABLE hazard_event ADD COLUMN photos TEXT NOT NULL DEFAULT '[]';
CREATE INDEX hazard_by_inspection ON hazard (inspection_id);
"#,
    // 3: the finish page's work in progress (proposed hazards as edited), so a crash
    // between the checklist and the signatures loses nothing.
    r#"
CREATE TABLE inspection_finish_draft (
    inspection_id TEXT PRIMARY KEY REFERENCES inspection (id),
    body          TEXT NOT NULL CHECK (json_valid(body)),
    updated_at    TEXT NOT NULL
) WITHOUT ROWID;
"#,
    // 4: the full-text tables were keyed by the records' implicit rowids, which VACUUM
    // may renumber in tables without an INTEGER PRIMARY KEY. A column of our own keeps
    // the key; existing rows take their current rowid, so the index stays as it is.
    r#"
ALTER TABLE enterprise ADD COLUMN fts_key INTEGER;
UPDATE enterprise SET fts_key = rowid;
CREATE UNIQUE INDEX enterprise_by_fts_key ON enterprise (fts_key);
ALTER TABLE inspection ADD COLUMN fts_key INTEGER;
UPDATE inspection SET fts_key = rowid;
CREATE UNIQUE INDEX inspection_by_fts_key ON inspection (fts_key);
ALTER TABLE hazard ADD COLUMN fts_key INTEGER;
UPDATE hazard SET fts_key = rowid;
CREATE UNIQUE INDEX hazard_by_fts_key ON hazard (fts_key);
"#,
    // 5: documents issued from inspections. Number blocks (per kind and year) are what a
    // device numbers from: granted by the district server, or a local block while it has
    // none. A review cites the order it follows; an order knows its hazards by item.
    r#"
CREATE TABLE number_block (
    kind       TEXT NOT NULL CHECK (kind IN ('inspectionRecord', 'rectificationOrder', 'reviewOpinion')),
    year       INTEGER NOT NULL,
    first      INTEGER NOT NULL CHECK (first >= 1),
    last       INTEGER NOT NULL,
    next       INTEGER NOT NULL,
    source     TEXT NOT NULL CHECK (source IN ('local', 'server')),
    granted_at TEXT NOT NULL,
    PRIMARY KEY (kind, year, first),
    CHECK (first <= last AND next BETWEEN first AND last + 1)
) WITHOUT ROWID;

ALTER TABLE document ADD COLUMN cites TEXT REFERENCES document (id);
ALTER TABLE document ADD COLUMN created_at TEXT;
CREATE INDEX document_by_inspection ON document (inspection_id);
CREATE INDEX document_by_cites ON document (cites);
CREATE TRIGGER document_cites_is_immutable
BEFORE UPDATE OF cites ON document
WHEN OLD.status <> 'draft' AND NEW.cites IS NOT OLD.cites
BEGIN
    SELECT RAISE(ABORT, 'issued document is immutable');
END;

CREATE TABLE document_hazard (
    document_id TEXT NOT NULL REFERENCES document (id),
    item        INTEGER NOT NULL,
    hazard_id   TEXT NOT NULL REFERENCES hazard (id),
    PRIMARY KEY (document_id, item)
) WITHOUT ROWID;
CREATE TRIGGER document_hazard_of_issued_is_kept
BEFORE DELETE ON document_hazard
WHEN (SELECT status FROM document WHERE id = OLD.document_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'issued document is immutable');
END;
CREATE TRIGGER document_hazard_of_issued_is_fixed
BEFORE INSERT ON document_hazard
WHEN (SELECT status FROM document WHERE id = NEW.document_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'issued document is immutable');
END;
"#,
    // 6: an issued order's items and hazards could still be re-pointed by UPDATE.
    r#"
CREATE TRIGGER document_hazard_of_issued_is_unchanged
BEFORE UPDATE ON document_hazard
WHEN (SELECT status FROM document WHERE id = OLD.document_id) <> 'draft'
  OR (SELECT status FROM document WHERE id = NEW.document_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'issued document is immutable');
END;
"#,
    // 7: sync. Each enterprise field keeps the clock of the write that set it (merges
    // are field by field) and the values that lost a merge are kept for review; changes
    // refused by the server or not applicable here are kept with the reason; pulled
    // records' attachments wait for their bytes; a hazard's history is unioned by rev.
    r#"
CREATE TABLE enterprise_field (
    enterprise_id TEXT NOT NULL REFERENCES enterprise (id) ON DELETE CASCADE,
    field         TEXT NOT NULL,
    rev           TEXT NOT NULL,
    base          TEXT NOT NULL,
    PRIMARY KEY (enterprise_id, field)
) WITHOUT ROWID;

CREATE TABLE enterprise_overwrite (
    seq             INTEGER PRIMARY KEY,
    enterprise_id   TEXT NOT NULL REFERENCES enterprise (id) ON DELETE CASCADE,
    field           TEXT NOT NULL,
    kept            TEXT NOT NULL,
    kept_rev        TEXT NOT NULL,
    overwritten     TEXT NOT NULL,
    overwritten_rev TEXT NOT NULL,
    at              TEXT NOT NULL,
    UNIQUE (enterprise_id, field, overwritten_rev)
);

CREATE TABLE sync_problem (
    change_id   TEXT PRIMARY KEY,
    direction   TEXT NOT NULL CHECK (direction IN ('push', 'pull')),
    record_type TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    reason      TEXT NOT NULL,
    at          TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE attachment_wanted (
    sha256 TEXT PRIMARY KEY REFERENCES attachment (sha256)
) WITHOUT ROWID;

CREATE UNIQUE INDEX hazard_event_by_rev ON hazard_event (hazard_id, rev);
"#,
    // 8: pulled inspections and hazards wait here for their search-index entries, which
    // are written after the pull (a first sync brings years of records at once);
    // searches read these records directly until then. A key is here or in its index,
    // never both.
    r#"
CREATE TABLE search_backlog (
    tbl     TEXT NOT NULL CHECK (tbl IN ('inspection', 'hazard')),
    fts_key INTEGER NOT NULL,
    PRIMARY KEY (tbl, fts_key)
) WITHOUT ROWID;
"#,
    // 9: a pulled change that could not be applied here is kept whole and tried again
    // at the end of each sync (its enterprise may come in a later page, or the local
    // conflict be resolved); once it applies, its problem goes. `tried_at` rotates the
    // retries when there are many.
    r#"
ALTER TABLE sync_problem ADD COLUMN change TEXT;
ALTER TABLE sync_problem ADD COLUMN seq INTEGER;
ALTER TABLE sync_problem ADD COLUMN tried_at TEXT;
"#,
    // 10: a pushed change the server stored but found a problem with (an issued number
    // another document in the district carried first) is listed apart from refusals.
    r#"
ALTER TABLE sync_problem ADD COLUMN accepted INTEGER NOT NULL DEFAULT 0;
"#,
    // 11: the outbox keeps what the push reads: which record changed, in order (the push
    // sends the record as it is then). The payload was written on every write and never read.
    r#"
ALTER TABLE outbox DROP COLUMN payload;
ALTER TABLE outbox DROP COLUMN op;
ALTER TABLE outbox DROP COLUMN rev;
ALTER TABLE outbox DROP COLUMN created_at;
"#,
    // 12: 挂牌督办 of 重大隐患, as the bureau last set it (pulled from the server only).
    r#"
CREATE TABLE hazard_supervision (
    hazard_id  TEXT PRIMARY KEY REFERENCES hazard (id),
    supervisor TEXT NOT NULL,
    due        TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('active', 'lifted')),
    note       TEXT,
    set_by     TEXT NOT NULL,
    set_at     TEXT NOT NULL,
    rev        TEXT NOT NULL
) WITHOUT ROWID;
"#,
    // 13: tasks the bureau gave this device's inspector (pulled from the server only);
    // the inspection started from one names it (no foreign key: a colleague's inspection
    // may name a task this device was never given).
    r#"
CREATE TABLE task (
    id            TEXT PRIMARY KEY,
    enterprise_id TEXT NOT NULL REFERENCES enterprise (id),
    due_month     TEXT NOT NULL,
    officer_a     TEXT NOT NULL REFERENCES inspector (id),
    officer_b     TEXT NOT NULL REFERENCES inspector (id),
    source        TEXT NOT NULL,
    source_title  TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('open', 'cancelled')),
    set_by        TEXT NOT NULL,
    set_at        TEXT NOT NULL,
    rev           TEXT NOT NULL,
    image         TEXT NOT NULL
) WITHOUT ROWID;
ALTER TABLE inspection ADD COLUMN task_id TEXT;
CREATE INDEX inspection_by_task ON inspection (task_id) WHERE task_id IS NOT NULL;
"#,
];

/// Brings the schema up to date, each migration in its own transaction.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    match anjian_migrate::migrate(&mut UserVersion::new(conn), MIGRATIONS) {
        Ok(_) => Ok(()),
        Err(MigrateError::Newer { found, known }) => {
            Err(StoreError::NewerSchema { found: found as i64, known: known as i64 })
        }
        Err(MigrateError::Backend(e)) => Err(e.into()),
    }
}
