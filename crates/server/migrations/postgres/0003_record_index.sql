-- A record's changes in order: the latest image of a document (which, once issued,
-- never changes) and the bureau's imports read by record.
CREATE INDEX change_by_record ON change (record_type, record_id, seq);
