-- The same in SQLite and PostgreSQL: both backends run this file.
-- A lost device is revoked with or without wiping: `wipe` 1 tells it, at its next contact,
-- to delete its data and its key; `revocation_told_at` is when it was first told (the
-- console shows whether a lost device has heard).
ALTER TABLE device ADD COLUMN wipe INTEGER NOT NULL DEFAULT 0;
ALTER TABLE device ADD COLUMN revocation_told_at TEXT;
