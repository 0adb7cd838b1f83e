-- A batch id is the device's own: the same id from two devices is two batches. The
-- batch's change ids are kept so a repeat with other contents is refused, not answered.
ALTER TABLE push_batch DROP CONSTRAINT push_batch_pkey;
ALTER TABLE push_batch ADD PRIMARY KEY (device_id, batch_id);
ALTER TABLE push_batch ADD COLUMN change_ids TEXT NOT NULL DEFAULT '';
