-- +goose Up
-- The verification queue holds cases under verification on completion and
-- those whose commitment is in doubt: under a clerk's review, or ordered
-- rectified within a period (workflow/breach.go). The status list is
-- verifyStates in queue.go.
DROP INDEX cases_verifying_idx;
CREATE INDEX cases_verifying_idx ON cases
    (department, (CASE card WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 ELSE 2 END), (COALESCE(next_timer_at, updated_at)), id)
    WHERE status IN ('verifying', 'commitment_review', 'rectifying');

-- +goose Down
DROP INDEX cases_verifying_idx;
CREATE INDEX cases_verifying_idx ON cases
    (department, (CASE card WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 ELSE 2 END), (COALESCE(next_timer_at, updated_at)), id)
    WHERE status = 'verifying';
