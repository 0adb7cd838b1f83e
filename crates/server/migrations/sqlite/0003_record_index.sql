-- A record's changes newest first: the latest image of a document (which, once issued,
-- never changes) is read on every push that touches it.
CREATE INDEX change_by_record_seq ON change (record_type, record_id, seq);
DROP INDEX change_by_record;
