-- +goose Up
-- The courier desk (integrations/courier/desk): legs, their tracks, door
-- photos and courier accounts. Same schema as migrations/sqlite/00004_courier.sql,
-- in PostgreSQL's types.

-- A leg's indexed fields as columns, the whole leg as a document in data.
-- source_key makes one leg per source (an outbox entry, a delivery leg to
-- bring back), however often the source is delivered.
CREATE TABLE courier_legs (
    id             text        NOT NULL,
    source_key     text        NOT NULL,
    kind           text        NOT NULL,
    case_id        text        NOT NULL,
    provider       text        NOT NULL,
    waybill        text        NOT NULL DEFAULT '',
    status         text        NOT NULL,
    courier_id     text        NOT NULL DEFAULT '',
    version        bigint      NOT NULL,
    synced_version bigint      NOT NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    moved_at       timestamptz NOT NULL,
    data           jsonb       NOT NULL,
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
    id           bigint      GENERATED ALWAYS AS IDENTITY,
    leg_id       text        NOT NULL,
    source       text        NOT NULL,
    "key"        text        NOT NULL,
    request_hash text        NOT NULL DEFAULT '',
    state        text        NOT NULL,
    code         text        NOT NULL DEFAULT '',
    at           timestamptz NOT NULL,
    actor_kind   text        NOT NULL,
    actor_id     text        NOT NULL,
    note         text        NOT NULL DEFAULT '',
    applied      boolean     NOT NULL,
    result       text        NULL,
    received_at  timestamptz NOT NULL,
    CONSTRAINT courier_tracks_pkey PRIMARY KEY (id),
    CONSTRAINT courier_tracks_leg_fkey FOREIGN KEY (leg_id) REFERENCES courier_legs (id)
);
CREATE UNIQUE INDEX courier_tracks_source_key ON courier_tracks (source, "key");
CREATE INDEX courier_tracks_leg_idx ON courier_tracks (leg_id, id);

-- Photos of originals taken at the door; the picture is in the blob store
-- under key (its SHA-256), sm3 is the digest the case records as evidence.
CREATE TABLE courier_photos (
    leg_id       text        NOT NULL,
    "key"        text        NOT NULL,
    sm3          text        NOT NULL,
    size         bigint      NOT NULL,
    content_type text        NOT NULL,
    courier_id   text        NOT NULL,
    created_at   timestamptz NOT NULL,
    CONSTRAINT courier_photos_pkey PRIMARY KEY (leg_id, "key"),
    CONSTRAINT courier_photos_leg_fkey FOREIGN KEY (leg_id) REFERENCES courier_legs (id)
);

-- Courier accounts: name and phone sealed (SM4), the phone found by its
-- blind index (HMAC-SM3); password_hash is bcrypt.
CREATE TABLE couriers (
    id            text        NOT NULL,
    name_sealed   text        NOT NULL,
    phone_sealed  text        NOT NULL,
    phone_index   text        NOT NULL,
    password_hash text        NOT NULL,
    company       text        NOT NULL DEFAULT '',
    active        boolean     NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL,
    CONSTRAINT couriers_pkey PRIMARY KEY (id)
);
CREATE UNIQUE INDEX couriers_phone_index_key ON couriers (phone_index);

-- +goose Down
DROP TABLE couriers;
DROP TABLE courier_photos;
DROP TABLE courier_tracks;
DROP TABLE courier_legs;
