-- +goose Up
-- Witnesses of the audit trail, written by the server's checkpoint under
-- the audit key (models/audit_checkpoint.go): the newest head each case's
-- event chain and staff log chain had at a checkpoint. A witness only
-- moves forward, so a case deleted, or an event or staff log entry dropped
-- from the end, after a checkpoint no longer matches its witness.
CREATE TABLE audit_heads (
    case_id    TEXT    PRIMARY KEY,
    version    INTEGER NOT NULL,
    hash       TEXT    NOT NULL,
    staff_seq  INTEGER NOT NULL,
    staff_hash TEXT    NOT NULL,
    mac        TEXT    NOT NULL
);

-- One row per checkpoint, chained by mac: how many witnesses there were,
-- the events and staff log entries they cover, and a digest of their macs,
-- so a witness deleted or added since is noticed too.
CREATE TABLE audit_checkpoints (
    seq           INTEGER PRIMARY KEY,
    at            TEXT    NOT NULL,
    cases         INTEGER NOT NULL,
    events        INTEGER NOT NULL,
    staff_entries INTEGER NOT NULL,
    digest        TEXT    NOT NULL,
    prev_mac      TEXT    NOT NULL,
    mac           TEXT    NOT NULL
);

-- +goose Down
DROP TABLE audit_checkpoints;
DROP TABLE audit_heads;
