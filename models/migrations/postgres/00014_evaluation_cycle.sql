-- +goose Up
-- 好差评 as a cycle (国办发〔2019〕51号): one evaluation per case and stage
-- (受理 accept, 办结 result), the staff who served on each rating, the
-- indicator set of the service channel, and exclusion after an appeal.
ALTER TABLE case_evaluations ADD COLUMN stage text NOT NULL DEFAULT 'result';
ALTER TABLE case_evaluations ADD COLUMN service text NOT NULL DEFAULT 'online';
ALTER TABLE case_evaluations ADD COLUMN accepted_by text NOT NULL DEFAULT '';
ALTER TABLE case_evaluations ADD COLUMN decided_by text NOT NULL DEFAULT '';
ALTER TABLE case_evaluations ADD COLUMN excluded boolean NOT NULL DEFAULT false;
ALTER TABLE case_evaluations DROP CONSTRAINT case_evaluations_pkey;
ALTER TABLE case_evaluations ADD CONSTRAINT case_evaluations_pkey PRIMARY KEY (case_id, stage);
ALTER TABLE case_evaluations ADD CONSTRAINT case_evaluations_stage_check CHECK (stage IN ('accept', 'result'));
CREATE INDEX case_evaluations_item_idx ON case_evaluations (department, item_code);

-- A follow-up per bad rating, so per case and stage; its states are the
-- steps of the cycle: 回访, 核实, 整改, 反馈, and 申诉复核 beside them.
ALTER TABLE evaluation_followups ADD COLUMN stage text NOT NULL DEFAULT 'result';
ALTER TABLE evaluation_followups ADD COLUMN step_due_at timestamptz NULL;
ALTER TABLE evaluation_followups ADD COLUMN finding text NOT NULL DEFAULT '';
ALTER TABLE evaluation_followups ADD COLUMN appeal_from text NOT NULL DEFAULT '';
ALTER TABLE evaluation_followups ADD COLUMN appealed_by text NOT NULL DEFAULT '';
ALTER TABLE evaluation_followups ADD COLUMN escalated text NOT NULL DEFAULT '';
ALTER TABLE evaluation_followups DROP CONSTRAINT evaluation_followups_status_check;
ALTER TABLE evaluation_followups ADD CONSTRAINT evaluation_followups_status_check
    CHECK (status IN ('open', 'contacted', 'verified', 'rectified', 'closed', 'appealed', 'excluded'));
DROP INDEX evaluation_followups_case_key;
CREATE UNIQUE INDEX evaluation_followups_case_key ON evaluation_followups (case_id, stage);
CREATE INDEX evaluation_followups_step_due_idx ON evaluation_followups (step_due_at)
    WHERE status IN ('open', 'contacted', 'verified', 'rectified');

-- Each step of a follow-up, in order: who took it, when, and what they said.
CREATE TABLE evaluation_followup_steps (
    followup_id text        NOT NULL,
    seq         integer     NOT NULL,
    step        text        NOT NULL,
    staff_id    text        NOT NULL,
    note        text        NOT NULL DEFAULT '',
    at          timestamptz NOT NULL,
    CONSTRAINT evaluation_followup_steps_pkey PRIMARY KEY (followup_id, seq)
);

-- One-time evaluation links (QR code on the acceptance notice and the
-- result, SMS link, the pad at the window): only the SHA-256 of the token
-- is kept; used_at marks the one evaluation it allowed.
CREATE TABLE evaluation_tokens (
    token_hash text        NOT NULL,
    case_id    text        NOT NULL,
    stage      text        NOT NULL,
    medium     text        NOT NULL,
    issued_by  text        NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz NULL,
    CONSTRAINT evaluation_tokens_pkey PRIMARY KEY (token_hash)
);
CREATE INDEX evaluation_tokens_case_idx ON evaluation_tokens (case_id, stage);

-- +goose Down
DROP TABLE evaluation_tokens;
DROP TABLE evaluation_followup_steps;
DROP INDEX evaluation_followups_step_due_idx;
DROP INDEX evaluation_followups_case_key;
DELETE FROM evaluation_followups WHERE stage <> 'result';
CREATE UNIQUE INDEX evaluation_followups_case_key ON evaluation_followups (case_id);
UPDATE evaluation_followups SET status = 'open' WHERE status NOT IN ('open', 'closed');
ALTER TABLE evaluation_followups DROP CONSTRAINT evaluation_followups_status_check;
ALTER TABLE evaluation_followups ADD CONSTRAINT evaluation_followups_status_check CHECK (status IN ('open', 'closed'));
ALTER TABLE evaluation_followups DROP COLUMN escalated;
ALTER TABLE evaluation_followups DROP COLUMN appealed_by;
ALTER TABLE evaluation_followups DROP COLUMN appeal_from;
ALTER TABLE evaluation_followups DROP COLUMN finding;
ALTER TABLE evaluation_followups DROP COLUMN step_due_at;
ALTER TABLE evaluation_followups DROP COLUMN stage;
DROP INDEX case_evaluations_item_idx;
DELETE FROM case_evaluations WHERE stage <> 'result';
ALTER TABLE case_evaluations DROP CONSTRAINT case_evaluations_stage_check;
ALTER TABLE case_evaluations DROP CONSTRAINT case_evaluations_pkey;
ALTER TABLE case_evaluations ADD CONSTRAINT case_evaluations_pkey PRIMARY KEY (case_id);
ALTER TABLE case_evaluations DROP COLUMN excluded;
ALTER TABLE case_evaluations DROP COLUMN decided_by;
ALTER TABLE case_evaluations DROP COLUMN accepted_by;
ALTER TABLE case_evaluations DROP COLUMN service;
ALTER TABLE case_evaluations DROP COLUMN stage;
