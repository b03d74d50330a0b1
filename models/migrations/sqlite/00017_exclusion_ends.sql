-- +goose Up
-- A false commitment bars its applicant from trust first until a credit
-- repair (信用修复) or, where the item sets an exclusion period, until the
-- period ends. The end is dated when the false commitment is recorded
-- (workflow.ExclusionEnd) and kept beside false_commitment, so the count
-- of what still excludes a subject stays one indexed query. Existing
-- false commitments keep NULL: until a repair, as before.
ALTER TABLE cases ADD COLUMN exclusion_ends_at TEXT NULL;

-- A commitment signed at a counter is the scan of the paper letter the
-- applicant signed (workflow.Signature.Letter). One signed letter is one
-- case's commitment: a clerk cannot pass another applicant's letter off
-- as a new one. The key is kept beside the case, unique.
ALTER TABLE cases ADD COLUMN commitment_letter TEXT NULL;
CREATE UNIQUE INDEX cases_commitment_letter_idx ON cases (commitment_letter) WHERE commitment_letter IS NOT NULL;

-- +goose Down
DROP INDEX cases_commitment_letter_idx;
ALTER TABLE cases DROP COLUMN commitment_letter;
ALTER TABLE cases DROP COLUMN exclusion_ends_at;
