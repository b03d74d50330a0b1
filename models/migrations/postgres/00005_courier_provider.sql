-- +goose Up
-- A courier works for one provider and sees and takes only that
-- provider's unassigned legs; '' (accounts made before) sees every provider's.
ALTER TABLE couriers ADD COLUMN provider TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE couriers DROP COLUMN provider;
