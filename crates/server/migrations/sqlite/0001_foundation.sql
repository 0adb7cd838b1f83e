-- The district server's store. Only ever add migrations; never edit a shipped one.
CREATE TABLE inspector (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    cert_no    TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

-- One-time pairing codes, kept as hashes.
CREATE TABLE pairing_code (
    code_hash    TEXT PRIMARY KEY,
    inspector_id TEXT NOT NULL REFERENCES inspector (id),
    expires_at   TEXT NOT NULL,
    used_at      TEXT
);

-- Paired devices; the token is kept as its hash only.
CREATE TABLE device (
    id           TEXT PRIMARY KEY,
    inspector_id TEXT NOT NULL REFERENCES inspector (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    paired_at    TEXT NOT NULL,
    revoked_at   TEXT
);

-- Every change the server holds, in one increasing sequence: what devices pull.
CREATE TABLE change (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    change_id   TEXT NOT NULL UNIQUE,
    device_id   TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    op          TEXT NOT NULL,
    rev         TEXT NOT NULL,
    payload     TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX change_by_record ON change (record_type, record_id);

-- Each batch's answer, so a repeated batch gets the same one.
CREATE TABLE push_batch (
    batch_id    TEXT PRIMARY KEY,
    device_id   TEXT NOT NULL,
    results     TEXT NOT NULL,
    received_at TEXT NOT NULL
);

-- Attachments arrive in parts; complete once the whole file's hash is verified.
CREATE TABLE attachment (
    sha256   TEXT PRIMARY KEY,
    size     INTEGER NOT NULL,
    received INTEGER NOT NULL,
    complete INTEGER NOT NULL DEFAULT 0
);

-- Document numbers granted to devices, per kind and year; never overlapping.
CREATE TABLE number_block (
    kind       TEXT NOT NULL,
    year       INTEGER NOT NULL,
    first      INTEGER NOT NULL,
    last       INTEGER NOT NULL,
    device_id  TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    PRIMARY KEY (kind, year, first)
);
