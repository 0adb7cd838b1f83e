-- The same in SQLite and PostgreSQL: both backends run this file.
-- Inspection plans (crates/server/src/console/plans.rs; the rules in core::plan).

-- The bureau's plan settings, one row per key, the value as JSON (`class_rates`:
-- inspections a year for each supervision class).
CREATE TABLE plan_setting (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL,
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL
);

-- An inspector never drawn for an enterprise (亲属, former employer, own 属地 unit).
CREATE TABLE inspector_relation (
    enterprise_id TEXT NOT NULL,
    inspector_id  TEXT NOT NULL,
    reason        TEXT NOT NULL,
    set_by        TEXT NOT NULL,
    set_at        TEXT NOT NULL,
    PRIMARY KEY (enterprise_id, inspector_id)
);

-- A 双随机 draw as it was made: its filters, the pool, the inspectors and the relations it
-- was drawn from (sorted JSON arrays), its seed and its result. Written once, never changed:
-- anyone can repeat it from these columns (core::plan::draw).
CREATE TABLE plan_draw (
    id         TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    seed       TEXT NOT NULL,
    filters    TEXT NOT NULL,
    pool       TEXT NOT NULL,
    inspectors TEXT NOT NULL,
    related    TEXT NOT NULL,
    result     TEXT NOT NULL,
    drawn_by   TEXT NOT NULL,
    drawn_at   TEXT NOT NULL
);
CREATE INDEX plan_draw_by_time ON plan_draw (drawn_at, id);
