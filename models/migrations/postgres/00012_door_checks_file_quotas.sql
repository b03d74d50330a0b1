-- +goose Up
-- Failed door checks of a leg, counted before the recipient's ID number is
-- compared, so parallel attempts cannot test more numbers than allowed.
ALTER TABLE courier_legs ADD COLUMN door_failures integer NOT NULL DEFAULT 0;

-- A courier's door photos within the quota's window (RecordPhoto).
CREATE INDEX courier_photos_by_idx ON courier_photos (courier_id, created_at);

-- Files scanned at the counter, by whom, for the scan quotas: a clerk's
-- within the window, and the scans an intake names.
CREATE TABLE staff_scans (
    staff_id   text        NOT NULL,
    blob_key   text        NOT NULL,
    size       bigint      NOT NULL,
    created_at timestamptz NOT NULL,
    CONSTRAINT staff_scans_pkey PRIMARY KEY (staff_id, blob_key)
);
CREATE INDEX staff_scans_by_idx ON staff_scans (staff_id, created_at);
CREATE INDEX staff_scans_key_idx ON staff_scans (blob_key);

-- +goose Down
DROP TABLE staff_scans;
DROP INDEX courier_photos_by_idx;
ALTER TABLE courier_legs DROP COLUMN door_failures;
