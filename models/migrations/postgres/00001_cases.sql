-- +goose Up
-- Cases: the indexed fields as columns, the whole workflow.Case as a document
-- in data (fields added to the domain later need no schema change).
-- last_hash is the hash of the newest event, so a change can chain its
-- event without reading the history.
CREATE TABLE cases (
    id               text        NOT NULL,
    number           text        NOT NULL,
    item_code        text        NOT NULL,
    department       text        NOT NULL,
    applicant_id     text        NOT NULL,
    status           text        NOT NULL,
    version          bigint      NOT NULL,
    trust_first      boolean     NOT NULL DEFAULT false,
    false_commitment boolean     NOT NULL DEFAULT false,
    card             text        NOT NULL DEFAULT '',
    deadline         timestamptz NULL,
    next_timer_at    timestamptz NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    last_hash        text        NOT NULL DEFAULT '',
    data             jsonb       NOT NULL,
    CONSTRAINT cases_pkey PRIMARY KEY (id)
);

-- A case number is unique once assigned; drafts may not have one yet.
CREATE UNIQUE INDEX cases_number_key ON cases (number) WHERE number <> '';

-- Department work queues and supervision (cards, deadlines).
CREATE INDEX cases_queue_idx ON cases (department, status, card, deadline);
-- A citizen's own cases, newest first.
CREATE INDEX cases_applicant_idx ON cases (applicant_id, created_at);
-- Timers: only live cases with a pending timer are indexed. The predicate is
-- the text of timerPredicate() in cases.go, so the planner matches them.
CREATE INDEX cases_timer_idx ON cases (next_timer_at)
    WHERE next_timer_at IS NOT NULL AND status NOT IN ('rejected', 'closed', 'revoked', 'withdrawn');
-- Trust-first eligibility: earlier false commitments of an applicant.
CREATE INDEX cases_false_commitment_idx ON cases (applicant_id) WHERE false_commitment;

-- Case history. data is json (not jsonb) so the stored text is exactly the
-- text that was hashed.
CREATE TABLE case_events (
    case_id     text        NOT NULL,
    seq         bigint      NOT NULL,
    name        text        NOT NULL,
    actor_kind  text        NOT NULL,
    actor_id    text        NOT NULL,
    at          timestamptz NOT NULL,
    from_status text        NOT NULL,
    to_status   text        NOT NULL,
    reason      text        NOT NULL DEFAULT '',
    data        json        NULL,
    prev_hash   text        NOT NULL,
    hash        text        NOT NULL,
    CONSTRAINT case_events_pkey PRIMARY KEY (case_id, seq),
    CONSTRAINT case_events_case_fkey FOREIGN KEY (case_id) REFERENCES cases (id)
);

-- Effects waiting to leave the system. id doubles as the idempotency key the
-- receiving party sees.
CREATE TABLE outbox (
    id           bigserial   NOT NULL,
    case_id      text        NOT NULL,
    kind         text        NOT NULL,
    payload      jsonb       NOT NULL,
    state        text        NOT NULL DEFAULT 'pending',
    attempts     integer     NOT NULL DEFAULT 0,
    next_at      timestamptz NOT NULL,
    leased_until timestamptz NULL,
    last_error   text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    CONSTRAINT outbox_pkey PRIMARY KEY (id),
    CONSTRAINT outbox_state_check CHECK (state IN ('pending', 'done', 'dead'))
);

-- Claim: due pending entries in order. Partial, so the ever-growing done
-- entries stay out of the index the dispatchers scan.
CREATE INDEX outbox_due_idx ON outbox (next_at, id) WHERE state = 'pending';
-- List and counts by state, newest first.
CREATE INDEX outbox_state_idx ON outbox (state, id);

-- Answers given to requests carrying an Idempotency-Key.
CREATE TABLE idempotency_keys (
    scope        text        NOT NULL,
    key          text        NOT NULL,
    request_hash text        NOT NULL,
    status       integer     NOT NULL,
    response     bytea       NULL,
    created_at   timestamptz NOT NULL,
    CONSTRAINT idempotency_keys_pkey PRIMARY KEY (scope, key)
);

-- Expiry sweeps.
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE outbox;
DROP TABLE case_events;
DROP TABLE cases;
