-- The same in SQLite and PostgreSQL: both backends run this file.
-- The console's ledger lists hazards newest first, a page at a time: read in this order,
-- a page joins its enterprise, device and 督办 for its own rows only.
CREATE INDEX hazard_by_found ON hazard (found_at DESC, id);
