-- Changes the server refused, with the reason told to the device and what was sent: the
-- bureau sees what a device tried (anjian-server refusals).
CREATE TABLE refused_change (
    id INTEGER PRIMARY KEY,
    change_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    payload TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX refused_change_by_time ON refused_change (received_at);
