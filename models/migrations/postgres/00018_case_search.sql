-- +goose Up
-- Staff find a case by its applicant's ID number or phone (staff.Search):
-- an exact match on a blind index, never a scan that opens sealed values.
-- Cases are found by the identity they were opened for (subject_index),
-- citizens by their phone index (00002), walk-in applicants by the phone
-- index kept here from now on: those registered before keep NULL and are
-- found by their ID number, until they next apply at a counter.
CREATE INDEX cases_subject_idx ON cases (subject_index) WHERE subject_index IS NOT NULL;
ALTER TABLE counter_applicants ADD COLUMN phone_index text NULL;
CREATE INDEX counter_applicants_phone_idx ON counter_applicants (phone_index) WHERE phone_index IS NOT NULL;

-- +goose Down
DROP INDEX counter_applicants_phone_idx;
ALTER TABLE counter_applicants DROP COLUMN phone_index;
DROP INDEX cases_subject_idx;
