-- The same in SQLite and PostgreSQL: both backends run this file.
-- hazard_for_figures (found_day, …) serves every read by day that hazard_by_day served;
-- each index is written at every push, so the duplicate goes.
DROP INDEX hazard_by_day;
