-- The same in SQLite and PostgreSQL: both backends run this file.
-- The log is read by record only for the bureau's enterprises and checklists (the record
-- tables answer everything else): an index of each of those two types instead of one over
-- every change, so the hazards, inspections and documents pushed, nearly every change,
-- write one index fewer. Queries name the type as a literal, which the partial index needs;
-- a checklist by id is found among the few checklists.
CREATE INDEX change_checklist ON change (seq) WHERE record_type = 'checklist';
CREATE INDEX change_enterprise ON change (seq) WHERE record_type = 'enterprise';
DROP INDEX change_by_record_seq;
