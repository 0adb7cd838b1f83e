-- The district server's store (PostgreSQL): the same tables as migrations/sqlite.
-- Only ever add migrations; never edit a shipped one.
CREATE TABLE inspector (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    cert_no    TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE pairing_code (
    code_hash    TEXT PRIMARY KEY,
    inspector_id TEXT NOT NULL REFERENCES inspector (id),
    expires_at   TEXT NOT NULL,
    used_at      TEXT
);

CREATE TABLE device (
    id           TEXT PRIMARY KEY,
    inspector_id TEXT NOT NULL REFERENCES inspector (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    paired_at    TEXT NOT NULL,
    revoked_at   TEXT
);

CREATE TABLE change (
    seq         BIGSERIAL PRIMARY KEY,
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

CREATE TABLE push_batch (
    batch_id    TEXT PRIMARY KEY,
    device_id   TEXT NOT NULL,
    results     TEXT NOT NULL,
    received_at TEXT NOT NULL
);

CREATE TABLE attachment (
    sha256   TEXT PRIMARY KEY,
    size     BIGINT NOT NULL,
    received BIGINT NOT NULL,
    complete BOOLEAN NOT NULL DEFAULT FALSE,
    -- The bytes, appended part by part (SQLite keeps files beside its database instead).
    data     BYTEA NOT NULL DEFAULT ''
);

CREATE TABLE number_block (
    kind       TEXT NOT NULL,
    year       INTEGER NOT NULL,
    first      BIGINT NOT NULL,
    last       BIGINT NOT NULL,
    device_id  TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    PRIMARY KEY (kind, year, first)
);
