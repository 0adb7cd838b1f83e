-- The bureau's console: accounts, their sessions and the audit log of what they did.

CREATE TABLE console_account (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL,
    -- argon2id in PHC form; the password itself is never kept.
    password_hash TEXT NOT NULL,
    -- 1 while the password is the one-time one printed by `user add` or `user reset`.
    must_change   BIGINT NOT NULL,
    failures      BIGINT NOT NULL,
    locked_until  TEXT,
    disabled_at   TEXT,
    created_at    TEXT NOT NULL
);

-- The cookie carries the token; only its SHA-256 is kept.
CREATE TABLE console_session (
    token_hash  TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES console_account (id),
    csrf        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    -- The earlier of: created + 12 hours; last use + 2 hours.
    expires_at  TEXT NOT NULL,
    last_seen   TEXT NOT NULL
);
CREATE INDEX console_session_by_account ON console_session (account_id);

-- Every change made from the console (and every sign-in, failed or not), never updated.
CREATE TABLE console_audit (
    id       TEXT PRIMARY KEY,
    at       TEXT NOT NULL,
    account  TEXT NOT NULL,
    action   TEXT NOT NULL,
    detail   TEXT NOT NULL,
    address  TEXT NOT NULL
);
CREATE INDEX console_audit_by_time ON console_audit (at, id);
