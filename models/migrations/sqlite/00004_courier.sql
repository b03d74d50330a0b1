-- +goose Up
-- The courier desk (integrations/courier/desk): legs, their tracks, door
-- photos and courier accounts. Same schema as migrations/postgres/00004_courier.sql;
-- timestamps are fixed-width UTC TEXT, booleans 0/1, JSON TEXT.

-- A leg's indexed fields as columns, the whole leg as a document in data.
-- source_key makes one leg per source (an outbox entry, a delivery leg to
-- bring back), however often the source is delivered.
CREATE TABLE courier_legs (
    id             TEXT    NOT NULL,
    source_key     TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    case_id        TEXT    NOT NULL,
    provider       TEXT    NOT NULL,
    waybill        TEXT    NOT NULL DEFAULT '',
    status         TEXT    NOT NULL,
    courier_id     TEXT    NOT NULL DEFAULT '',
    version        INTEGER NOT NULL,
    synced_version INTEGER NOT NULL,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    moved_at       TEXT    NOT NULL,
    data           TEXT    NOT NULL,
    CONSTRAINT courier_legs_pkey PRIMARY KEY (id)
);
CREATE UNIQUE INDEX courier_legs_source_key ON courier_legs (source_key);
CREATE INDEX courier_legs_waybill_idx ON courier_legs (waybill) WHERE waybill <> '';
CREATE INDEX courier_legs_case_idx ON courier_legs (case_id, created_at);
CREATE INDEX courier_legs_courier_idx ON courier_legs (courier_id, updated_at);
-- Open legs: the courier's list, the sweep of waiting orders and of parcels
-- that stopped moving.
CREATE INDEX courier_legs_open_idx ON courier_legs (status, moved_at)
    WHERE status NOT IN ('delivered', 'refused', 'undeliverable', 'lost', 'cancelled');
-- Legs whose case has not caught up.
CREATE INDEX courier_legs_unsynced_idx ON courier_legs (updated_at) WHERE synced_version < version;

-- Every input a leg received: route points from the provider, our
-- couriers' scans, the sweep's findings. (source, key) makes a repeat
-- recognisable; result is the answer given to a scan, for its resend.
CREATE TABLE courier_tracks (
    id           INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    leg_id       TEXT    NOT NULL,
    source       TEXT    NOT NULL,
    "key"        TEXT    NOT NULL,
    request_hash TEXT    NOT NULL DEFAULT '',
    state        TEXT    NOT NULL,
    code         TEXT    NOT NULL DEFAULT '',
    at           TEXT    NOT NULL,
    actor_kind   TEXT    NOT NULL,
    actor_id     TEXT    NOT NULL,
    note         TEXT    NOT NULL DEFAULT '',
    applied      BOOLEAN NOT NULL,
    result       TEXT    NULL,
    received_at  TEXT    NOT NULL,
    CONSTRAINT courier_tracks_leg_fkey FOREIGN KEY (leg_id) REFERENCES courier_legs (id)
);
CREATE UNIQUE INDEX courier_tracks_source_key ON courier_tracks (source, "key");
CREATE INDEX courier_tracks_leg_idx ON courier_tracks (leg_id, id);

-- Photos of originals taken at the door; the picture is in the blob store
-- under key (its SHA-256), sm3 is the digest the case records as evidence.
CREATE TABLE courier_photos (
    leg_id       TEXT    NOT NULL,
    "key"        TEXT    NOT NULL,
    sm3          TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    content_type TEXT    NOT NULL,
    courier_id   TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    CONSTRAINT courier_photos_pkey PRIMARY KEY (leg_id, "key"),
    CONSTRAINT courier_photos_leg_fkey FOREIGN KEY (leg_id) REFERENCES courier_legs (id)
);

-- Courier accounts: name and phone sealed (SM4), the phone found by its
-- blind index (HMAC-SM3); password_hash is bcrypt.
CREATE TABLE couriers (
    id            TEXT    NOT NULL,
    name_sealed   TEXT    NOT NULL,
    phone_sealed  TEXT    NOT NULL,
    phone_index   TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    company       TEXT    NOT NULL DEFAULT '',
    active        BOOLEAN NOT NULL DEFAULT 1,
    created_at    TEXT    NOT NULL,
    CONSTRAINT couriers_pkey PRIMARY KEY (id)
);
CREATE UNIQUE INDEX couriers_phone_index_key ON couriers (phone_index);

-- +goose Down
DROP TABLE couriers;
DROP TABLE courier_photos;
DROP TABLE courier_tracks;
DROP TABLE courier_legs;
