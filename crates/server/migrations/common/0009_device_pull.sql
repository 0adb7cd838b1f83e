-- The same in SQLite and PostgreSQL: both backends run this file.
-- How far each device has pulled: it asks for the changes after `after`, so it holds every
-- change up to it (the console's 检查表 page shows which devices hold which version);
-- `at` is its last pull, its last contact.
CREATE TABLE device_pull (
    device_id TEXT PRIMARY KEY,
    after     BIGINT NOT NULL,
    at        TEXT NOT NULL
);
