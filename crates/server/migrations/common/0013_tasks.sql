-- The same in SQLite and PostgreSQL: both backends run this file.
-- Tasks: every planned or drawn inspection (an enterprise, its month, its two officers),
-- folded from the `task` changes the console publishes (crates/server/src/ledger.rs;
-- the rules in core::task). Done when one of its officers' devices finishes an
-- inspection of its enterprise started from it (`inspection.task_id`).
CREATE TABLE task (
    id            TEXT PRIMARY KEY,
    enterprise_id TEXT NOT NULL,
    due_month     TEXT NOT NULL,
    officer_a     TEXT NOT NULL,
    officer_b     TEXT NOT NULL,
    source        TEXT NOT NULL,
    source_id     TEXT NOT NULL,
    source_title  TEXT NOT NULL,
    status        TEXT NOT NULL,
    set_by        TEXT NOT NULL,
    set_at        TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    rev           TEXT NOT NULL,
    image         TEXT,
    image_seq     BIGINT
);
CREATE INDEX task_by_month ON task (due_month, status);
CREATE INDEX task_by_source ON task (source, source_id);
CREATE INDEX task_by_officer_a ON task (officer_a);
CREATE INDEX task_by_officer_b ON task (officer_b);

ALTER TABLE inspection ADD COLUMN task_id TEXT;
CREATE INDEX inspection_by_task ON inspection (task_id) WHERE task_id IS NOT NULL;

-- Who may pull a change: NULL for every device, else the inspector ids (space separated)
-- whose devices receive it (a task goes to its officers', old and new, only).
ALTER TABLE change ADD COLUMN audience TEXT;
