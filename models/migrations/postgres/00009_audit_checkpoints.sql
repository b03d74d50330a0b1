-- +goose Up
-- Witnesses of the audit trail, written by the server's checkpoint under
-- the audit key (models/audit_checkpoint.go): the newest head each case's
-- event chain and staff log chain had at a checkpoint. A witness only
-- moves forward, so a case deleted, or an event or staff log entry dropped
-- from the end, after a checkpoint no longer matches its witness.
CREATE TABLE audit_heads (
    case_id    text   PRIMARY KEY,
    version    bigint NOT NULL,
    hash       text   NOT NULL,
    staff_seq  bigint NOT NULL,
    staff_hash text   NOT NULL,
    mac        text   NOT NULL
);

-- One row per checkpoint, chained by mac: how many witnesses there were,
-- the events and staff log entries they cover, and a digest of their macs,
-- so a witness deleted or added since is noticed too.
CREATE TABLE audit_checkpoints (
    seq           bigint      PRIMARY KEY,
    at            timestamptz NOT NULL,
    cases         bigint      NOT NULL,
    events        bigint      NOT NULL,
    staff_entries bigint      NOT NULL,
    digest        text        NOT NULL,
    prev_mac      text        NOT NULL,
    mac           text        NOT NULL
);

-- +goose Down
DROP TABLE audit_checkpoints;
DROP TABLE audit_heads;
