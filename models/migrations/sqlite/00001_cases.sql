-- +goose Up
-- Same schema as migrations/postgres/00001_cases.sql. Timestamps are TEXT in
-- one fixed-width UTC form (2006-01-02T15:04:05.000000Z) so text order is time
-- order; booleans are 0/1; JSON is TEXT.
CREATE TABLE cases (
    id               TEXT    NOT NULL,
    number           TEXT    NOT NULL,
    item_code        TEXT    NOT NULL,
    department       TEXT    NOT NULL,
    applicant_id     TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    version          INTEGER NOT NULL,
    trust_first      BOOLEAN NOT NULL DEFAULT 0,
    false_commitment BOOLEAN NOT NULL DEFAULT 0,
    card             TEXT    NOT NULL DEFAULT '',
    deadline         TEXT    NULL,
    next_timer_at    TEXT    NULL,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    last_hash        TEXT    NOT NULL DEFAULT '',
    data             TEXT    NOT NULL,
    CONSTRAINT cases_pkey PRIMARY KEY (id)
);

-- A case number is unique once assigned; drafts may not have one yet.
CREATE UNIQUE INDEX cases_number_key ON cases (number) WHERE number <> '';

CREATE INDEX cases_queue_idx ON cases (department, status, card, deadline);
CREATE INDEX cases_applicant_idx ON cases (applicant_id, created_at);
CREATE INDEX cases_timer_idx ON cases (next_timer_at)
    WHERE next_timer_at IS NOT NULL AND status NOT IN ('rejected', 'closed', 'revoked', 'withdrawn');
CREATE INDEX cases_false_commitment_idx ON cases (applicant_id) WHERE false_commitment;

CREATE TABLE case_events (
    case_id     TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    actor_kind  TEXT    NOT NULL,
    actor_id    TEXT    NOT NULL,
    at          TEXT    NOT NULL,
    from_status TEXT    NOT NULL,
    to_status   TEXT    NOT NULL,
    reason      TEXT    NOT NULL DEFAULT '',
    data        TEXT    NULL,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL,
    CONSTRAINT case_events_pkey PRIMARY KEY (case_id, seq),
    CONSTRAINT case_events_case_fkey FOREIGN KEY (case_id) REFERENCES cases (id)
);

-- AUTOINCREMENT: an id is never reused, because receivers see it as an
-- idempotency key.
CREATE TABLE outbox (
    id           INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    case_id      TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    state        TEXT    NOT NULL DEFAULT 'pending',
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      TEXT    NOT NULL,
    leased_until TEXT    NULL,
    last_error   TEXT    NOT NULL DEFAULT '',
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    CONSTRAINT outbox_state_check CHECK (state IN ('pending', 'done', 'dead'))
);

CREATE INDEX outbox_due_idx ON outbox (next_at, id) WHERE state = 'pending';
CREATE INDEX outbox_state_idx ON outbox (state, id);

CREATE TABLE idempotency_keys (
    scope        TEXT    NOT NULL,
    "key"        TEXT    NOT NULL,
    request_hash TEXT    NOT NULL,
    status       INTEGER NOT NULL,
    response     BLOB    NULL,
    created_at   TEXT    NOT NULL,
    CONSTRAINT idempotency_keys_pkey PRIMARY KEY (scope, "key")
);

CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE outbox;
DROP TABLE case_events;
DROP TABLE cases;
