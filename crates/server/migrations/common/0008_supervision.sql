-- The same in SQLite and PostgreSQL: both backends run this file.
-- 挂牌督办 of 重大隐患 as the bureau last set it, folded from the `supervision` changes
-- the console publishes (crates/server/src/ledger.rs); `id` is the hazard's.
CREATE TABLE hazard_supervision (
    id          TEXT PRIMARY KEY,
    supervisor  TEXT NOT NULL,
    due         TEXT NOT NULL,
    status      TEXT NOT NULL,
    note        TEXT,
    set_by      TEXT NOT NULL,
    set_at      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    rev         TEXT NOT NULL,
    image       TEXT,
    image_seq   BIGINT
);
CREATE INDEX hazard_supervision_by_status ON hazard_supervision (status, due);
