-- +goose Up
-- Sanctions follow the person: a case carries the blind index (HMAC-SM3,
-- models/pii) of the identity its applicant applied as, the resident ID
-- number of a person or the unified social credit code of a business, so
-- an earlier false commitment is found whichever account, channel or
-- counter the same person or business applied through. New cases get it
-- when they are opened. Existing ones are filled in here from the indexes
-- their applicants are already stored with (no key is needed): a
-- citizen's or business's id_index, a walk-in applicant's id_index. A
-- business case opened at a counter for a person (the business's code is
-- not stored beside it) keeps NULL and is still counted by its account.
ALTER TABLE cases ADD COLUMN subject_index text NULL;

UPDATE cases SET subject_index = p.id_index
    FROM citizens p
    WHERE p.id = cases.applicant_id AND p.id_index IS NOT NULL
      AND (p.kind = 'business' OR COALESCE(cases.data->>'applicant_type', 'person') <> 'business');
UPDATE cases SET subject_index = a.id_index
    FROM counter_applicants a
    WHERE a.id = cases.applicant_id AND cases.subject_index IS NULL
      AND COALESCE(cases.data->>'applicant_type', 'person') <> 'business';

-- Trust-first eligibility: earlier false commitments of an identity, by
-- the time they were recorded (a credit repair ends those before it).
CREATE INDEX cases_subject_false_idx ON cases (subject_index, updated_at) WHERE false_commitment;

-- +goose Down
DROP INDEX cases_subject_false_idx;
ALTER TABLE cases DROP COLUMN subject_index;
