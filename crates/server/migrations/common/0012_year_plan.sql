-- The same in SQLite and PostgreSQL: both backends run this file.
-- The yearly supervision plan (《安全生产年度监督检查计划编制办法》): a draft the bureau
-- edits, then versions published from it that never change (a revision is a new
-- version; every version is kept). `inputs` and, once published, `result` are JSON
-- (crates/server/src/console/plans.rs); a draft's result is computed when it is read.
CREATE TABLE year_plan (
    id           TEXT PRIMARY KEY,
    year         BIGINT NOT NULL,
    version      BIGINT NOT NULL,
    status       TEXT NOT NULL,
    inputs       TEXT NOT NULL,
    result       TEXT,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    published_by TEXT,
    published_at TEXT,
    UNIQUE (year, version)
);
-- At most one draft a year.
CREATE UNIQUE INDEX year_plan_one_draft ON year_plan (year) WHERE status = 'draft';
