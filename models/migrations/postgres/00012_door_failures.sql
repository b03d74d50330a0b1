-- +goose Up
-- Failed door checks of a leg, counted before the recipient's ID number is
-- compared, so parallel attempts cannot test more numbers than allowed.
ALTER TABLE courier_legs ADD COLUMN door_failures integer NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE courier_legs DROP COLUMN door_failures;
