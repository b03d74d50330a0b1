-- +goose Up
-- Holiday arrangements administrators loaded at run time, append-only: the
-- calendar's audit trail. A year's newest row replaces the configured
-- arrangement of that year; every replica polls max(revision) and rebuilds
-- its calendar when it grows. Revision is the primary key, so two loads
-- racing for the same next revision cannot both succeed.
CREATE TABLE calendar_arrangements (
    revision  INTEGER NOT NULL,
    year      INTEGER NOT NULL,
    body      TEXT    NOT NULL,
    loaded_by TEXT    NOT NULL,
    loaded_at TEXT    NOT NULL,
    CONSTRAINT calendar_arrangements_pkey PRIMARY KEY (revision)
);
CREATE INDEX calendar_arrangements_year_idx ON calendar_arrangements (year, revision);

-- +goose Down
DROP TABLE calendar_arrangements;
