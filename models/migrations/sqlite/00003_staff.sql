-- +goose Up
-- Same schema as migrations/postgres/00003_staff.sql (timestamps as sortable
-- UTC text, booleans 0/1, JSON as text).
CREATE TABLE staff (
    id            TEXT    NOT NULL,
    username      TEXT    NOT NULL,
    display_name  TEXT    NOT NULL,
    department    TEXT    NOT NULL DEFAULT '',
    roles         TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT    NULL,
    disabled      BOOLEAN NOT NULL DEFAULT 0,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    CONSTRAINT staff_pkey PRIMARY KEY (id)
);
CREATE UNIQUE INDEX staff_username_key ON staff (username);
CREATE INDEX staff_department_idx ON staff (department, id);

CREATE TABLE case_claims (
    case_id    TEXT NOT NULL,
    staff_id   TEXT NOT NULL,
    department TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    CONSTRAINT case_claims_pkey PRIMARY KEY (case_id)
);
CREATE INDEX case_claims_staff_idx ON case_claims (staff_id, expires_at);

CREATE TABLE case_staff_log (
    case_id   TEXT    NOT NULL,
    seq       INTEGER NOT NULL,
    action    TEXT    NOT NULL,
    staff_id  TEXT    NOT NULL,
    at        TEXT    NOT NULL,
    data      TEXT    NULL,
    prev_hash TEXT    NOT NULL,
    hash      TEXT    NOT NULL,
    CONSTRAINT case_staff_log_pkey PRIMARY KEY (case_id, seq)
);

CREATE TABLE supervision_alerts (
    outbox_id  INTEGER NOT NULL,
    case_id    TEXT    NOT NULL,
    number     TEXT    NOT NULL DEFAULT '',
    department TEXT    NOT NULL,
    card       TEXT    NOT NULL,
    reason     TEXT    NOT NULL,
    deadline   TEXT    NULL,
    created_at TEXT    NOT NULL,
    CONSTRAINT supervision_alerts_pkey PRIMARY KEY (outbox_id)
);
CREATE INDEX supervision_alerts_department_idx ON supervision_alerts (department, created_at);

CREATE TABLE counter_applicants (
    id           TEXT NOT NULL,
    id_index     TEXT NOT NULL,
    id_sealed    TEXT NOT NULL,
    name_sealed  TEXT NOT NULL,
    phone_sealed TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    CONSTRAINT counter_applicants_pkey PRIMARY KEY (id)
);
CREATE UNIQUE INDEX counter_applicants_id_index_key ON counter_applicants (id_index);

-- SQLite uses an expression index only for the very same expression text:
-- these are workOrder and verifyOrder in queue.go.
CREATE INDEX cases_worklist_idx ON cases
    (department, (CASE card WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 ELSE 2 END), (COALESCE(deadline, created_at)), id)
    WHERE status IN ('submitted', 'accepted', 'supplement_requested', 'special_procedure', 'approved');
CREATE INDEX cases_verifying_idx ON cases
    (department, (CASE card WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 ELSE 2 END), (COALESCE(next_timer_at, updated_at)), id)
    WHERE status = 'verifying';
CREATE INDEX case_events_at_idx ON case_events (at);

-- +goose Down
DROP INDEX case_events_at_idx;
DROP INDEX cases_verifying_idx;
DROP INDEX cases_worklist_idx;
DROP TABLE counter_applicants;
DROP TABLE supervision_alerts;
DROP TABLE case_staff_log;
DROP TABLE case_claims;
DROP TABLE staff;
