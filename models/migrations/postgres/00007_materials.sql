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

-- +goose Down
DROP FUNCTION open_drafts_locked(text, integer);
