-- +goose Up
-- 好差评 as a cycle (国办发〔2019〕51号): one evaluation per case and stage
-- (受理 accept, 办结 result), the staff who served on each rating, the
-- indicator set of the service channel, and exclusion after an appeal.
-- SQLite cannot change a primary key: the tables are rebuilt.
CREATE TABLE case_evaluations_new (
    case_id        TEXT    NOT NULL,
    stage          TEXT    NOT NULL DEFAULT 'result',
    principal_id   TEXT    NOT NULL,
    person_id      TEXT    NOT NULL,
    item_code      TEXT    NOT NULL,
    department     TEXT    NOT NULL,
    stars          INTEGER NOT NULL,
    indicators     TEXT    NOT NULL,
    comment_sealed TEXT    NOT NULL DEFAULT '',
    channel        TEXT    NOT NULL,
    service        TEXT    NOT NULL DEFAULT 'online',
    accepted_by    TEXT    NOT NULL DEFAULT '',
    decided_by     TEXT    NOT NULL DEFAULT '',
    excluded       INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT    NOT NULL,
    CONSTRAINT case_evaluations_pkey PRIMARY KEY (case_id, stage),
    CONSTRAINT case_evaluations_stars_check CHECK (stars BETWEEN 1 AND 5),
    CONSTRAINT case_evaluations_stage_check CHECK (stage IN ('accept', 'result'))
);
INSERT INTO case_evaluations_new (case_id, principal_id, person_id, item_code, department, stars, indicators, comment_sealed, channel, created_at)
    SELECT case_id, principal_id, person_id, item_code, department, stars, indicators, comment_sealed, channel, created_at FROM case_evaluations;
DROP TABLE case_evaluations;
ALTER TABLE case_evaluations_new RENAME TO case_evaluations;
CREATE INDEX case_evaluations_department_idx ON case_evaluations (department, created_at);
CREATE INDEX case_evaluations_item_idx ON case_evaluations (department, item_code);

-- A follow-up per bad rating, so per case and stage; its states are the
-- steps of the cycle: 回访, 核实, 整改, 反馈, and 申诉复核 beside them.
CREATE TABLE evaluation_followups_new (
    id          TEXT    NOT NULL,
    case_id     TEXT    NOT NULL,
    stage       TEXT    NOT NULL DEFAULT 'result',
    department  TEXT    NOT NULL,
    stars       INTEGER NOT NULL,
    status      TEXT    NOT NULL,
    due_at      TEXT    NOT NULL,
    step_due_at TEXT    NULL,
    finding     TEXT    NOT NULL DEFAULT '',
    appeal_from TEXT    NOT NULL DEFAULT '',
    appealed_by TEXT    NOT NULL DEFAULT '',
    escalated   TEXT    NOT NULL DEFAULT '',
    resolution  TEXT    NOT NULL DEFAULT '',
    closed_by   TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL,
    closed_at   TEXT    NULL,
    CONSTRAINT evaluation_followups_pkey PRIMARY KEY (id),
    CONSTRAINT evaluation_followups_status_check
        CHECK (status IN ('open', 'contacted', 'verified', 'rectified', 'closed', 'appealed', 'excluded'))
);
INSERT INTO evaluation_followups_new (id, case_id, department, stars, status, due_at, resolution, closed_by, created_at, closed_at)
    SELECT id, case_id, department, stars, status, due_at, resolution, closed_by, created_at, closed_at FROM evaluation_followups;
DROP TABLE evaluation_followups;
ALTER TABLE evaluation_followups_new RENAME TO evaluation_followups;
CREATE UNIQUE INDEX evaluation_followups_case_key ON evaluation_followups (case_id, stage);
CREATE INDEX evaluation_followups_queue_idx ON evaluation_followups (department, status, due_at);
CREATE INDEX evaluation_followups_step_due_idx ON evaluation_followups (step_due_at)
    WHERE status IN ('open', 'contacted', 'verified', 'rectified');

-- Each step of a follow-up, in order: who took it, when, and what they said.
CREATE TABLE evaluation_followup_steps (
    followup_id TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    step        TEXT    NOT NULL,
    staff_id    TEXT    NOT NULL,
    note        TEXT    NOT NULL DEFAULT '',
    at          TEXT    NOT NULL,
    CONSTRAINT evaluation_followup_steps_pkey PRIMARY KEY (followup_id, seq)
);

-- One-time evaluation links (QR code on the acceptance notice and the
-- result, SMS link, the pad at the window): only the SHA-256 of the token
-- is kept; used_at marks the one evaluation it allowed.
CREATE TABLE evaluation_tokens (
    token_hash TEXT NOT NULL,
    case_id    TEXT NOT NULL,
    stage      TEXT NOT NULL,
    medium     TEXT NOT NULL,
    issued_by  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT NULL,
    CONSTRAINT evaluation_tokens_pkey PRIMARY KEY (token_hash)
);
CREATE INDEX evaluation_tokens_case_idx ON evaluation_tokens (case_id, stage);

-- +goose Down
DROP TABLE evaluation_tokens;
DROP TABLE evaluation_followup_steps;
CREATE TABLE evaluation_followups_old (
    id         TEXT NOT NULL,
    case_id    TEXT NOT NULL,
    department TEXT NOT NULL,
    stars      INTEGER NOT NULL,
    status     TEXT NOT NULL,
    due_at     TEXT NOT NULL,
    resolution TEXT NOT NULL DEFAULT '',
    closed_by  TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    closed_at  TEXT NULL,
    CONSTRAINT evaluation_followups_pkey PRIMARY KEY (id),
    CONSTRAINT evaluation_followups_status_check CHECK (status IN ('open', 'closed'))
);
INSERT INTO evaluation_followups_old SELECT id, case_id, department, stars,
    CASE WHEN status = 'closed' THEN 'closed' ELSE 'open' END, due_at, resolution, closed_by, created_at, closed_at
    FROM evaluation_followups WHERE stage = 'result';
DROP TABLE evaluation_followups;
ALTER TABLE evaluation_followups_old RENAME TO evaluation_followups;
CREATE UNIQUE INDEX evaluation_followups_case_key ON evaluation_followups (case_id);
CREATE INDEX evaluation_followups_queue_idx ON evaluation_followups (department, status, due_at);
CREATE TABLE case_evaluations_old (
    case_id        TEXT NOT NULL,
    principal_id   TEXT NOT NULL,
    person_id      TEXT NOT NULL,
    item_code      TEXT NOT NULL,
    department     TEXT NOT NULL,
    stars          INTEGER NOT NULL,
    indicators     TEXT NOT NULL,
    comment_sealed TEXT NOT NULL DEFAULT '',
    channel        TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    CONSTRAINT case_evaluations_pkey PRIMARY KEY (case_id),
    CONSTRAINT case_evaluations_stars_check CHECK (stars BETWEEN 1 AND 5)
);
INSERT INTO case_evaluations_old SELECT case_id, principal_id, person_id, item_code, department, stars, indicators,
    comment_sealed, channel, created_at FROM case_evaluations WHERE stage = 'result';
DROP TABLE case_evaluations;
ALTER TABLE case_evaluations_old RENAME TO case_evaluations;
CREATE INDEX case_evaluations_department_idx ON case_evaluations (department, created_at);
