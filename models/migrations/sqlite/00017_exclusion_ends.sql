-- +goose Up
-- A false commitment bars its applicant from trust first until a credit
-- repair (信用修复) or, where the item sets an exclusion period, until the
-- period ends. The end is dated when the false commitment is recorded
-- (workflow.ExclusionEnd) and kept beside false_commitment, so the count
-- of what still excludes a subject stays one indexed query. Existing
-- false commitments keep NULL: until a repair, as before.
ALTER TABLE cases ADD COLUMN exclusion_ends_at TEXT NULL;

-- +goose Down
ALTER TABLE cases DROP COLUMN exclusion_ends_at;
