-- +goose Up
-- Token revocations, the durable record: Redis (or the in-process store)
-- only caches them, so a restart or a Redis that lost its data does not
-- bring a logged-out or revoked token back. Times are Unix microseconds.
CREATE TABLE token_revocations (
    token_id TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    until_us BIGINT NOT NULL
);
CREATE INDEX token_revocations_subject_idx ON token_revocations (subject, until_us);

-- Every token of a subject issued before before_us is refused.
CREATE TABLE subject_revocations (
    subject TEXT PRIMARY KEY,
    before_us BIGINT NOT NULL
);

-- +goose Down
DROP TABLE subject_revocations;
DROP TABLE token_revocations;
