-- The same in SQLite and PostgreSQL: both backends run this file.
-- The console's ledger lists hazards newest first, a page at a time: read in this order,
-- a page joins its enterprise, device and 督办 for its own rows only.
CREATE INDEX hazard_by_found ON hazard (found_at DESC, id);
-- 总览 reads a period's rows of each table once: these hold every column it reads, so
-- the rows themselves (with their images) are never visited.
CREATE INDEX inspection_for_figures ON inspection (status, started_day, enterprise_id);
CREATE INDEX hazard_for_figures ON hazard (found_day, enterprise_id, level, status, deadline);
CREATE INDEX document_for_figures ON document (issued_day, status, kind, enterprise_id);
