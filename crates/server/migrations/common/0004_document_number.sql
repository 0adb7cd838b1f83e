-- The same in SQLite and PostgreSQL: both backends run this file.
-- Every number an issued document carries, by kind, year and serial, with the first
-- document that carried it. A grant never hands out a number already used (a device
-- that ran out of granted numbers offline numbers from a block of its own), and a
-- number carried by a second document is kept as a conflict for the bureau to resolve
-- (one of the two is voided and issued again). Filled from the stored documents when
-- this migration runs.
CREATE TABLE document_number (
    kind        TEXT NOT NULL,
    year        INTEGER NOT NULL,
    serial      BIGINT NOT NULL,
    number      TEXT NOT NULL,
    document_id TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    PRIMARY KEY (kind, year, serial)
);

CREATE TABLE number_conflict (
    kind        TEXT NOT NULL,
    year        INTEGER NOT NULL,
    serial      BIGINT NOT NULL,
    number      TEXT NOT NULL,
    document_id TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    found_at    TEXT NOT NULL,
    PRIMARY KEY (kind, year, serial, document_id)
);
