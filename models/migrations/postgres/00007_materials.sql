-- +goose Up
-- open_drafts_locked takes a transaction-scoped lock on an applicant's
-- drafts and counts them, up to lim. It is VOLATILE plpgsql, so its count
-- runs on a snapshot taken after the lock: a draft inserted by
-- `INSERT … WHERE open_drafts_locked(…) < lim` sees every draft of the
-- applicant committed before it, and parallel inserts of one applicant
-- take turns (the lock is held until the inserting statement commits).
-- +goose StatementBegin
CREATE FUNCTION open_drafts_locked(applicant text, lim integer) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('open-drafts:' || applicant, 0));
    RETURN (SELECT count(*) FROM (SELECT 1 FROM cases WHERE applicant_id = applicant AND status = 'draft' LIMIT lim) AS d);
END
$$;
-- +goose StatementEnd

-- The upload quotas: an account's uploads within a window, a case's in
-- all; and the blob sweep, which asks which uploads name a key.
CREATE INDEX citizen_uploads_by_idx ON citizen_uploads (uploaded_by, created_at);
CREATE INDEX citizen_uploads_blob_idx ON citizen_uploads (blob_key);
CREATE INDEX courier_photos_key_idx ON courier_photos ("key");

-- upload_room_locked takes transaction-scoped locks on a case's and an
-- account's uploads (always the case first, so two uploads never wait on
-- each other in a cycle) and tells, on a snapshot taken after them,
-- whether one more file of size stays within the quotas: the case's files
-- and bytes in all, the account's since `since`.
-- +goose StatementBegin
CREATE FUNCTION upload_room_locked(case_key text, person text, since timestamptz, size bigint,
    case_files bigint, case_bytes bigint, person_files bigint, person_bytes bigint) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    cf bigint; cb numeric; pf bigint; pb numeric;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('uploads-case:' || case_key, 0));
    PERFORM pg_advisory_xact_lock(hashtextextended('uploads-account:' || person, 0));
    SELECT count(*), coalesce(sum(u.size), 0) INTO cf, cb FROM citizen_uploads u WHERE u.case_id = case_key;
    SELECT count(*), coalesce(sum(u.size), 0) INTO pf, pb FROM citizen_uploads u
        WHERE u.uploaded_by = person AND u.created_at > since;
    RETURN cf < case_files AND cb + size <= case_bytes AND pf < person_files AND pb + size <= person_bytes;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION upload_room_locked(text, text, timestamptz, bigint, bigint, bigint, bigint, bigint);
DROP INDEX courier_photos_key_idx;
DROP INDEX citizen_uploads_blob_idx;
DROP INDEX citizen_uploads_by_idx;
DROP FUNCTION open_drafts_locked(text, integer);
