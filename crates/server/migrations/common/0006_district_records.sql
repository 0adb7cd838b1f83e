-- The same in SQLite and PostgreSQL: both backends run this file.
-- The district's records as the bureau queries them, kept from the change log in the
-- transaction that stores each change (crates/server/src/ledger.rs). The log stays the
-- source of truth: `anjian-server rebuild` makes these tables again from it. `image` is
-- the record as folded so far (anjian_sync::fold), what the next change folds into; it
-- is null where the record is exactly the payload of change `image_seq` (most records,
-- as they first arrive), so that the text is not stored twice.
CREATE TABLE enterprise (
    id                   TEXT PRIMARY KEY,
    name                 TEXT NOT NULL,
    credit_code          TEXT NOT NULL,
    address              TEXT NOT NULL,
    division_code        TEXT NOT NULL,
    supervision_class    TEXT,
    status               TEXT NOT NULL,
    legal_representative TEXT,
    safety_contact       TEXT,
    contact_phone        TEXT,
    created_at           TEXT NOT NULL,
    created_by           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    rev                  TEXT NOT NULL,
    image                TEXT,
    image_seq            BIGINT
);
CREATE INDEX enterprise_by_division ON enterprise (division_code);
CREATE INDEX enterprise_by_class ON enterprise (supervision_class);
CREATE INDEX enterprise_by_credit_code ON enterprise (credit_code);

CREATE TABLE enterprise_sector (
    enterprise_id TEXT NOT NULL,
    sector_code   TEXT NOT NULL,
    PRIMARY KEY (enterprise_id, sector_code)
);
CREATE INDEX enterprise_sector_by_sector ON enterprise_sector (sector_code, enterprise_id);

-- Every value each field of an enterprise took, by the clock of its write, with the
-- device that wrote it: the field's history.
CREATE TABLE enterprise_field (
    enterprise_id TEXT NOT NULL,
    field         TEXT NOT NULL,
    rev           TEXT NOT NULL,
    base          TEXT,
    value         TEXT NOT NULL,
    device_id     TEXT NOT NULL,
    received_at   TEXT NOT NULL,
    PRIMARY KEY (enterprise_id, field, rev)
);

-- Concurrent edits that lost the merge: the value kept and the one overwritten.
CREATE TABLE enterprise_overwrite (
    enterprise_id   TEXT NOT NULL,
    field           TEXT NOT NULL,
    overwritten_rev TEXT NOT NULL,
    overwritten     TEXT NOT NULL,
    kept_rev        TEXT NOT NULL,
    kept            TEXT NOT NULL,
    found_at        TEXT NOT NULL,
    PRIMARY KEY (enterprise_id, field, overwritten_rev)
);

-- Inspectors as the devices know them: enrolled, or from a device's colleagues list
-- (also as an inspection names them). `created_by`, on every record table: the device
-- whose change first brought the record, its owner under the district's rules.
CREATE TABLE officer (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    cert_no     TEXT NOT NULL,
    unit        TEXT,
    created_by  TEXT NOT NULL,
    received_at TEXT NOT NULL,
    image       TEXT NOT NULL
);
CREATE INDEX officer_by_cert_no ON officer (cert_no);

-- `*_day` columns are Beijing dates (YYYY-MM-DD): months and periods are prefixes and
-- ranges of them, the same on both backends.
CREATE TABLE inspection (
    id                  TEXT PRIMARY KEY,
    enterprise_id       TEXT NOT NULL,
    template_id         TEXT NOT NULL,
    template_version    BIGINT NOT NULL,
    accompanying_person TEXT,
    started_at          TEXT NOT NULL,
    started_day         TEXT NOT NULL,
    finished_at         TEXT,
    status              TEXT NOT NULL,
    notes               TEXT NOT NULL,
    device_id           TEXT NOT NULL,
    created_by          TEXT NOT NULL,
    rev                 TEXT NOT NULL,
    image               TEXT,
    image_seq           BIGINT
);
CREATE INDEX inspection_by_day ON inspection (started_day);
CREATE INDEX inspection_by_enterprise ON inspection (enterprise_id, started_day);
CREATE INDEX inspection_by_status ON inspection (status, started_day);

CREATE TABLE inspection_officer (
    inspection_id TEXT NOT NULL,
    position      BIGINT NOT NULL,
    inspector_id  TEXT NOT NULL,
    name          TEXT NOT NULL,
    cert_no       TEXT NOT NULL,
    PRIMARY KEY (inspection_id, position)
);
CREATE INDEX inspection_officer_by_cert_no ON inspection_officer (cert_no);

CREATE TABLE inspection_answer (
    inspection_id TEXT NOT NULL,
    item_code     TEXT NOT NULL,
    result        TEXT NOT NULL,
    note          TEXT,
    deducted      BIGINT,
    photos        TEXT NOT NULL,
    PRIMARY KEY (inspection_id, item_code)
);
CREATE INDEX inspection_answer_by_result ON inspection_answer (result, item_code);

-- `closed_at`: when an event first recorded it rectified (or verified).
CREATE TABLE hazard (
    id            TEXT PRIMARY KEY,
    enterprise_id TEXT NOT NULL,
    inspection_id TEXT,
    item_code     TEXT,
    description   TEXT NOT NULL,
    level         TEXT NOT NULL,
    deadline      TEXT NOT NULL,
    status        TEXT NOT NULL,
    found_at      TEXT NOT NULL,
    found_day     TEXT NOT NULL,
    closed_at     TEXT,
    device_id     TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    rev           TEXT NOT NULL,
    image         TEXT,
    image_seq     BIGINT
);
CREATE INDEX hazard_by_day ON hazard (found_day);
CREATE INDEX hazard_by_enterprise ON hazard (enterprise_id, found_day);
CREATE INDEX hazard_overdue ON hazard (status, deadline);
CREATE INDEX hazard_by_inspection ON hazard (inspection_id);

CREATE TABLE hazard_event (
    hazard_id TEXT NOT NULL,
    rev       TEXT NOT NULL,
    at        TEXT NOT NULL,
    status    TEXT NOT NULL,
    note      TEXT,
    review    TEXT,
    photos    TEXT NOT NULL,
    PRIMARY KEY (hazard_id, rev)
);

CREATE TABLE document (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    enterprise_id TEXT NOT NULL,
    inspection_id TEXT,
    number        TEXT,
    status        TEXT NOT NULL,
    addressee     TEXT,
    pdf_sha256    TEXT,
    issued_at     TEXT,
    issued_day    TEXT,
    void_reason   TEXT,
    voided_at     TEXT,
    -- The verification code printed on the paper (docs::verify), for /v/.
    verify_code   TEXT,
    cites         TEXT,
    created_at    TEXT,
    device_id     TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    rev           TEXT NOT NULL,
    image         TEXT,
    image_seq     BIGINT
);
CREATE INDEX document_by_day ON document (issued_day, kind);
CREATE INDEX document_by_enterprise ON document (enterprise_id);
CREATE INDEX document_by_number ON document (number);
CREATE INDEX document_by_status ON document (status, kind);
CREATE INDEX document_by_inspection ON document (inspection_id);
CREATE INDEX document_by_code ON document (verify_code);

CREATE TABLE document_hazard (
    document_id TEXT NOT NULL,
    item        BIGINT NOT NULL,
    hazard_id   TEXT NOT NULL,
    PRIMARY KEY (document_id, item)
);
CREATE INDEX document_hazard_by_hazard ON document_hazard (hazard_id);

-- A device's refusals, latest first: what is kept of them is trimmed per device.
CREATE INDEX refused_change_by_device ON refused_change (device_id, id);
