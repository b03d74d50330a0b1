-- +goose Up
-- A department's work queue filtered by service item, as on PostgreSQL.
CREATE INDEX cases_worklist_item_idx ON cases
    (department, item_code, (CASE card WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 ELSE 2 END), (COALESCE(deadline, created_at)), id)
    WHERE status IN ('submitted', 'accepted', 'supplement_requested', 'special_procedure', 'approved');

-- +goose Down
DROP INDEX cases_worklist_item_idx;
