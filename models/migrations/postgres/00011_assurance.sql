-- +goose Up
-- Identity assurance (身份核验等级) of a person: channel_account (signed in
-- only), real_name (name and ID number checked with the population
-- library) or verified_person (a channel's liveness and face check, or a
-- clerk's check of the physical ID card). People bound before levels were
-- recorded proved a real name only.
ALTER TABLE citizens ADD COLUMN assurance text NOT NULL DEFAULT 'channel_account';
ALTER TABLE citizens ADD COLUMN assured_by text NOT NULL DEFAULT '';
ALTER TABLE citizens ADD COLUMN assured_at timestamptz NULL;
UPDATE citizens SET assurance = 'real_name', assured_by = 'population_library', assured_at = verified_at
    WHERE kind = 'person' AND verified_at IS NOT NULL;

-- An identity taken over from an earlier binder by a person who proved a
-- higher level: who held it, who took it, how, and which open cases in the
-- person's name were there then. Supervisors review these.
CREATE TABLE identity_takeovers (
    id                  text        NOT NULL,
    citizen_id          text        NOT NULL,
    detached_citizen_id text        NOT NULL,
    account_id          text        NOT NULL,
    from_level          text        NOT NULL,
    to_level            text        NOT NULL,
    method              text        NOT NULL,
    actor               text        NOT NULL DEFAULT '',
    detached_accounts   text        NOT NULL DEFAULT '',
    revoked_agencies    text        NOT NULL DEFAULT '',
    open_cases          text        NOT NULL DEFAULT '',
    at                  timestamptz NOT NULL,
    CONSTRAINT identity_takeovers_pkey PRIMARY KEY (id)
);
CREATE INDEX identity_takeovers_at_idx ON identity_takeovers (at, id);
CREATE INDEX identity_takeovers_citizen_idx ON identity_takeovers (citizen_id);

-- Every proof of a person (a face check, a clerk's check of the ID card):
-- which account, which citizen it made a verified person, how, by whom (the
-- clerk for a counter check) and the channel's evidence, a digest of the
-- WeChat verify_result or the Alipay certify id, each usable once.
CREATE TABLE identity_proofs (
    id          text        NOT NULL,
    account_id  text        NOT NULL,
    citizen_id  text        NOT NULL,
    method      text        NOT NULL,
    actor       text        NOT NULL DEFAULT '',
    evidence    text        NULL,
    takeover_id text        NOT NULL DEFAULT '',
    at          timestamptz NOT NULL,
    CONSTRAINT identity_proofs_pkey PRIMARY KEY (id)
);
CREATE UNIQUE INDEX identity_proofs_evidence_key ON identity_proofs (evidence) WHERE evidence IS NOT NULL;
CREATE INDEX identity_proofs_citizen_idx ON identity_proofs (citizen_id, at);

-- +goose Down
DROP TABLE identity_proofs;
DROP TABLE identity_takeovers;
ALTER TABLE citizens DROP COLUMN assured_at;
ALTER TABLE citizens DROP COLUMN assured_by;
ALTER TABLE citizens DROP COLUMN assurance;
