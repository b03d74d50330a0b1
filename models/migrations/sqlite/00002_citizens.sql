-- +goose Up
-- Same schema as migrations/postgres/00002_citizens.sql. Timestamps are TEXT in
-- one fixed-width UTC form (2006-01-02T15:04:05.000000Z) so text order is time
-- order; inbox ids are AUTOINCREMENT, never reused.
-- The citizen channel: citizens and businesses (principals), their WeChat
-- and Alipay accounts, agencies, address books, applications being filled
-- in, uploads, case numbers, payment orders, the in-app inbox with
-- subscribe-message consents, and evaluations (好差评).
--
-- Personal data is never stored in clear: *_sealed columns hold SM4-GCM
-- values bound to their row and field (models/pii), *_index columns the
-- keyed HMAC-SM3 blind index that finds a value again.

-- A principal: a person (verified once real-name binding succeeds) or a
-- business (by its unified social credit code). id_index is unique per kind,
-- so one verified person is one citizen however many accounts they use.
CREATE TABLE citizens (
    id           TEXT NOT NULL,
    kind         TEXT NOT NULL DEFAULT 'person',
    name_sealed  TEXT NOT NULL DEFAULT '',
    id_sealed    TEXT NOT NULL DEFAULT '',
    id_index     TEXT NULL,
    phone_sealed TEXT NOT NULL DEFAULT '',
    phone_index  TEXT NULL,
    verified_at  TEXT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CONSTRAINT citizens_pkey PRIMARY KEY (id),
    CONSTRAINT citizens_kind_check CHECK (kind IN ('person', 'business'))
);
CREATE UNIQUE INDEX citizens_identity_key ON citizens (kind, id_index) WHERE id_index IS NOT NULL;
CREATE INDEX citizens_phone_idx ON citizens (phone_index) WHERE phone_index IS NOT NULL;

-- A login channel account (WeChat openid, Alipay user_id or open_id).
CREATE TABLE citizen_accounts (
    id            TEXT NOT NULL,
    citizen_id    TEXT NOT NULL,
    channel       TEXT NOT NULL,
    app_id        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    union_id      TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    last_login_at TEXT NOT NULL,
    CONSTRAINT citizen_accounts_pkey PRIMARY KEY (id),
    CONSTRAINT citizen_accounts_citizen_fkey FOREIGN KEY (citizen_id) REFERENCES citizens (id)
);
CREATE UNIQUE INDEX citizen_accounts_subject_key ON citizen_accounts (channel, app_id, subject);
CREATE INDEX citizen_accounts_citizen_idx ON citizen_accounts (citizen_id);
CREATE INDEX citizen_accounts_union_idx ON citizen_accounts (channel, union_id) WHERE union_id <> '';

-- A person acting for a business: its legal representative (checked with
-- the legal-entity library) or an agent the representative authorised.
CREATE TABLE citizen_agencies (
    business_id TEXT NOT NULL,
    person_id   TEXT NOT NULL,
    role        TEXT NOT NULL,
    granted_by  TEXT NOT NULL DEFAULT '',
    valid_until TEXT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT NULL,
    CONSTRAINT citizen_agencies_pkey PRIMARY KEY (business_id, person_id),
    CONSTRAINT citizen_agencies_role_check CHECK (role IN ('legal_representative', 'agent')),
    CONSTRAINT citizen_agencies_business_fkey FOREIGN KEY (business_id) REFERENCES citizens (id),
    CONSTRAINT citizen_agencies_person_fkey FOREIGN KEY (person_id) REFERENCES citizens (id)
);
CREATE INDEX citizen_agencies_person_idx ON citizen_agencies (person_id);

-- Address book. A case refers to an address by id (Delivery.AddressRef), so
-- a deleted address is only hidden: the courier still needs it.
CREATE TABLE citizen_addresses (
    id               TEXT NOT NULL,
    citizen_id       TEXT NOT NULL,
    label            TEXT NOT NULL DEFAULT '',
    recipient_sealed TEXT NOT NULL,
    phone_sealed     TEXT NOT NULL,
    region_sealed    TEXT NOT NULL,
    detail_sealed    TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    deleted_at       TEXT NULL,
    CONSTRAINT citizen_addresses_pkey PRIMARY KEY (id),
    CONSTRAINT citizen_addresses_citizen_fkey FOREIGN KEY (citizen_id) REFERENCES citizens (id)
);
CREATE INDEX citizen_addresses_citizen_idx ON citizen_addresses (citizen_id, created_at);

-- An application being filled in before submission: which materials the
-- government holds, uploads, the signed commitment, promises and delivery.
CREATE TABLE citizen_applications (
    case_id      TEXT NOT NULL,
    principal_id TEXT NOT NULL,
    person_id    TEXT NOT NULL,
    channel      TEXT NOT NULL,
    version      INTEGER NOT NULL,
    data         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CONSTRAINT citizen_applications_pkey PRIMARY KEY (case_id),
    CONSTRAINT citizen_applications_case_fkey FOREIGN KEY (case_id) REFERENCES cases (id)
);
CREATE INDEX citizen_applications_person_idx ON citizen_applications (person_id);

-- Every file uploaded for a case, by content hash (the blob key) and SM3.
CREATE TABLE citizen_uploads (
    id           TEXT NOT NULL,
    case_id      TEXT NOT NULL,
    material     TEXT NOT NULL,
    blob_key     TEXT NOT NULL,
    sm3          TEXT NOT NULL,
    size         INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    uploaded_by  TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    CONSTRAINT citizen_uploads_pkey PRIMARY KEY (id)
);
CREATE INDEX citizen_uploads_case_idx ON citizen_uploads (case_id, material);

-- Case numbers: one counter per day (China Standard Time), shared by every replica.
CREATE TABLE case_number_counters (
    day  TEXT NOT NULL,
    last INTEGER NOT NULL,
    CONSTRAINT case_number_counters_pkey PRIMARY KEY (day)
);

-- Payment orders for a case's fees, one per attempt and channel.
CREATE TABLE payment_orders (
    out_trade_no TEXT NOT NULL,
    case_id      TEXT NOT NULL,
    principal_id TEXT NOT NULL,
    channel      TEXT NOT NULL,
    amount_fen   INTEGER NOT NULL,
    payer        TEXT NOT NULL,
    status       TEXT NOT NULL,
    trade_no     TEXT NOT NULL DEFAULT '',
    prepay       TEXT NOT NULL DEFAULT '',
    refund_no    TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    paid_at      TEXT NULL,
    refunded_at  TEXT NULL,
    CONSTRAINT payment_orders_pkey PRIMARY KEY (out_trade_no),
    CONSTRAINT payment_orders_status_check CHECK (status IN ('created', 'paid', 'refunded', 'superseded')),
    CONSTRAINT payment_orders_amount_check CHECK (amount_fen > 0)
);
CREATE INDEX payment_orders_case_idx ON payment_orders (case_id, created_at);
CREATE UNIQUE INDEX payment_orders_trade_key ON payment_orders (channel, trade_no) WHERE trade_no <> '';

-- The in-app inbox: every message a citizen is sent, whatever else reached them.
CREATE TABLE inbox_messages (
    id           INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    principal_id TEXT NOT NULL,
    outbox_id    INTEGER NULL,
    case_id      TEXT NOT NULL DEFAULT '',
    template     TEXT NOT NULL,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    read_at      TEXT NULL
);
CREATE UNIQUE INDEX inbox_messages_outbox_key ON inbox_messages (outbox_id) WHERE outbox_id IS NOT NULL;
CREATE INDEX inbox_messages_principal_idx ON inbox_messages (principal_id, id);

-- One-time subscribe-message consents an account gave, per template.
CREATE TABLE inbox_consents (
    account_id  TEXT NOT NULL,
    template_id TEXT NOT NULL,
    remaining   INTEGER NOT NULL,
    updated_at  TEXT NOT NULL,
    CONSTRAINT inbox_consents_pkey PRIMARY KEY (account_id, template_id),
    CONSTRAINT inbox_consents_remaining_check CHECK (remaining >= 0)
);

-- Pushes of an inbox message to an account: claimed before sending, so a
-- retried effect never pushes twice.
CREATE TABLE inbox_deliveries (
    message_id INTEGER NOT NULL,
    account_id TEXT NOT NULL,
    status     TEXT NOT NULL,
    at         TEXT NOT NULL,
    CONSTRAINT inbox_deliveries_pkey PRIMARY KEY (message_id, account_id)
);

-- Evaluations (好差评): one per case. comment_sealed may hold personal data.
CREATE TABLE case_evaluations (
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
CREATE INDEX case_evaluations_department_idx ON case_evaluations (department, created_at);

-- Evaluation invitations: due three days after a case completes; a replica
-- claims one by setting invited_at, so each is sent once.
CREATE TABLE evaluation_invitations (
    case_id      TEXT NOT NULL,
    principal_id TEXT NOT NULL,
    due_at       TEXT NOT NULL,
    invited_at   TEXT NULL,
    CONSTRAINT evaluation_invitations_pkey PRIMARY KEY (case_id)
);
CREATE INDEX evaluation_invitations_due_idx ON evaluation_invitations (due_at) WHERE invited_at IS NULL;

-- Follow-ups of bad ratings (1-2 stars) for the department's supervisor.
CREATE TABLE evaluation_followups (
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
CREATE UNIQUE INDEX evaluation_followups_case_key ON evaluation_followups (case_id);
CREATE INDEX evaluation_followups_queue_idx ON evaluation_followups (department, status, due_at);

-- +goose Down
DROP TABLE evaluation_followups;
DROP TABLE evaluation_invitations;
DROP TABLE case_evaluations;
DROP TABLE inbox_deliveries;
DROP TABLE inbox_consents;
DROP TABLE inbox_messages;
DROP TABLE payment_orders;
DROP TABLE case_number_counters;
DROP TABLE citizen_uploads;
DROP TABLE citizen_applications;
DROP TABLE citizen_addresses;
DROP TABLE citizen_agencies;
DROP TABLE citizen_accounts;
DROP TABLE citizens;
