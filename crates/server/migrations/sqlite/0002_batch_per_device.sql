-- A batch id is the device's own: the same id from two devices is two batches. The
-- batch's change ids are kept so a repeat with other contents is refused, not answered.
CREATE TABLE push_batch_2 (
    device_id   TEXT NOT NULL,
    batch_id    TEXT NOT NULL,
    change_ids  TEXT NOT NULL DEFAULT '',
    results     TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (device_id, batch_id)
);
INSERT INTO push_batch_2 (device_id, batch_id, results, received_at)
    SELECT device_id, batch_id, results, received_at FROM push_batch;
DROP TABLE push_batch;
ALTER TABLE push_batch_2 RENAME TO push_batch;
