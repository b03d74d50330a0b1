-- +goose Up
-- The staff area: accounts, case claims with their audited log, supervision
-- alerts, walk-in applicants registered at a counter, and the indexes the
-- work queues, the verification queue and the statistics read.

-- Staff accounts. roles is a comma-separated, sorted list; password_hash is
-- an argon2id PHC string. A locked account refuses logins until locked_until.
CREATE TABLE staff (
    id            text        NOT NULL,
    username      text        NOT NULL,
    display_name  text        NOT NULL,
    department    text        NOT NULL DEFAULT '',
    roles         text        NOT NULL,
    password_hash text        NOT NULL,
    failed_logins integer     NOT NULL DEFAULT 0,
    locked_until  timestamptz NULL,
    disabled      boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    CONSTRAINT staff_pkey PRIMARY KEY (id)
);
CREATE UNIQUE INDEX staff_username_key ON staff (username);
CREATE INDEX staff_department_idx ON staff (department, id);

-- Who works on a case. One row per case at most (the primary key), so no
-- two staff hold one case; a row whose expires_at has passed is a lapsed
-- lease and the case is back in the queue.
CREATE TABLE case_claims (
    case_id    text        NOT NULL,
    staff_id   text        NOT NULL,
    department text        NOT NULL,
    claimed_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    CONSTRAINT case_claims_pkey PRIMARY KEY (case_id)
);
CREATE INDEX case_claims_staff_idx ON case_claims (staff_id, expires_at);

-- Staff actions on a case that are not workflow transitions (claims,
-- releases, hand-overs between clerks, reassignments), SM3-chained per
-- case like case_events. data is json so the stored text is what was hashed.
CREATE TABLE case_staff_log (
    case_id   text        NOT NULL,
    seq       bigint      NOT NULL,
    action    text        NOT NULL,
    staff_id  text        NOT NULL,
    at        timestamptz NOT NULL,
    data      json        NULL,
    prev_hash text        NOT NULL,
    hash      text        NOT NULL,
    CONSTRAINT case_staff_log_pkey PRIMARY KEY (case_id, seq)
);

-- Yellow and red cards raised by the workflow (warn_supervisor effects),
-- one per outbox entry, for the supervisors' feed.
CREATE TABLE supervision_alerts (
    outbox_id  bigint      NOT NULL,
    case_id    text        NOT NULL,
    number     text        NOT NULL DEFAULT '',
    department text        NOT NULL,
    card       text        NOT NULL,
    reason     text        NOT NULL,
    deadline   timestamptz NULL,
    created_at timestamptz NOT NULL,
    CONSTRAINT supervision_alerts_pkey PRIMARY KEY (outbox_id)
);
CREATE INDEX supervision_alerts_department_idx ON supervision_alerts (department, created_at);

-- Walk-in applicants registered at a counter: identity sealed with SM4,
-- found again by the blind index of the ID number.
CREATE TABLE counter_applicants (
    id           text        NOT NULL,
    id_index     text        NOT NULL,
    id_sealed    text        NOT NULL,
    name_sealed  text        NOT NULL,
    phone_sealed text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    CONSTRAINT counter_applicants_pkey PRIMARY KEY (id)
);
CREATE UNIQUE INDEX counter_applicants_id_index_key ON counter_applicants (id_index);

-- Work queue: a department's open cases, red card first, then yellow, then
-- by deadline (cases not yet accepted by the time they came in), so that a
-- page is an index range scan. The expressions are the text of workOrder in
-- queue.go; the status list is queueStatuses.
CREATE INDEX cases_worklist_idx ON cases
    (department, (CASE card WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 ELSE 2 END), (COALESCE(deadline, created_at)), id)
    WHERE status IN ('submitted', 'accepted', 'supplement_requested', 'special_procedure', 'approved');
-- Verification queue: cases under verification on completion, overdue first,
-- then by what falls due next.
CREATE INDEX cases_verifying_idx ON cases
    (department, (CASE card WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 ELSE 2 END), (COALESCE(next_timer_at, updated_at)), id)
    WHERE status = 'verifying';
-- Statistics read events by time.
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
