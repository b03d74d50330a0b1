-- +goose Up
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
    id           text        NOT NULL,
    kind         text        NOT NULL DEFAULT 'person',
    name_sealed  text        NOT NULL DEFAULT '',
    id_sealed    text        NOT NULL DEFAULT '',
    id_index     text        NULL,
    phone_sealed text        NOT NULL DEFAULT '',
    phone_index  text        NULL,
    verified_at  timestamptz NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    CONSTRAINT citizens_pkey PRIMARY KEY (id),
    CONSTRAINT citizens_kind_check CHECK (kind IN ('person', 'business'))
);
CREATE UNIQUE INDEX citizens_identity_key ON citizens (kind, id_index) WHERE id_index IS NOT NULL;
CREATE INDEX citizens_phone_idx ON citizens (phone_index) WHERE phone_index IS NOT NULL;

-- A login channel account (WeChat openid, Alipay user_id or open_id).
CREATE TABLE citizen_accounts (
    id            text        NOT NULL,
    citizen_id    text        NOT NULL,
    channel       text        NOT NULL,
    app_id        text        NOT NULL,
    subject       text        NOT NULL,
    union_id      text        NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL,
    last_login_at timestamptz NOT NULL,
    CONSTRAINT citizen_accounts_pkey PRIMARY KEY (id),
    CONSTRAINT citizen_accounts_citizen_fkey FOREIGN KEY (citizen_id) REFERENCES citizens (id)
);
CREATE UNIQUE INDEX citizen_accounts_subject_key ON citizen_accounts (channel, app_id, subject);
CREATE INDEX citizen_accounts_citizen_idx ON citizen_accounts (citizen_id);
CREATE INDEX citizen_accounts_union_idx ON citizen_accounts (channel, union_id) WHERE union_id <> '';

-- A person acting for a business: its legal representative (checked with
-- the legal-entity library) or an agent the representative authorised.
CREATE TABLE citizen_agencies (
    business_id text        NOT NULL,
    person_id   text        NOT NULL,
    role        text        NOT NULL,
    granted_by  text        NOT NULL DEFAULT '',
    valid_until timestamptz NULL,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz NULL,
    CONSTRAINT citizen_agencies_pkey PRIMARY KEY (business_id, person_id),
    CONSTRAINT citizen_agencies_role_check CHECK (role IN ('legal_representative', 'agent')),
    CONSTRAINT citizen_agencies_business_fkey FOREIGN KEY (business_id) REFERENCES citizens (id),
    CONSTRAINT citizen_agencies_person_fkey FOREIGN KEY (person_id) REFERENCES citizens (id)
);
CREATE INDEX citizen_agencies_person_idx ON citizen_agencies (person_id);

-- Address book. A case refers to an address by id (Delivery.AddressRef), so
-- a deleted address is only hidden: the courier still needs it.
CREATE TABLE citizen_addresses (
    id               text        NOT NULL,
    citizen_id       text        NOT NULL,
    label            text        NOT NULL DEFAULT '',
    recipient_sealed text        NOT NULL,
    phone_sealed     text        NOT NULL,
    region_sealed    text        NOT NULL,
    detail_sealed    text        NOT NULL,
    created_at       timestamptz NOT NULL,
    deleted_at       timestamptz NULL,
    CONSTRAINT citizen_addresses_pkey PRIMARY KEY (id),
    CONSTRAINT citizen_addresses_citizen_fkey FOREIGN KEY (citizen_id) REFERENCES citizens (id)
);
CREATE INDEX citizen_addresses_citizen_idx ON citizen_addresses (citizen_id, created_at);

-- An application being filled in before submission: which materials the
-- government holds, uploads, the signed commitment, promises and delivery.
CREATE TABLE citizen_applications (
    case_id      text        NOT NULL,
    principal_id text        NOT NULL,
    person_id    text        NOT NULL,
    channel      text        NOT NULL,
    version      bigint      NOT NULL,
    data         text        NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    CONSTRAINT citizen_applications_pkey PRIMARY KEY (case_id),
    CONSTRAINT citizen_applications_case_fkey FOREIGN KEY (case_id) REFERENCES cases (id)
);
CREATE INDEX citizen_applications_person_idx ON citizen_applications (person_id);

-- Every file uploaded for a case, by content hash (the blob key) and SM3.
CREATE TABLE citizen_uploads (
    id           text        NOT NULL,
    case_id      text        NOT NULL,
    material     text        NOT NULL,
    blob_key     text        NOT NULL,
    sm3          text        NOT NULL,
    size         bigint      NOT NULL,
    content_type text        NOT NULL,
    uploaded_by  text        NOT NULL,
    created_at   timestamptz NOT NULL,
    CONSTRAINT citizen_uploads_pkey PRIMARY KEY (id)
);
CREATE INDEX citizen_uploads_case_idx ON citizen_uploads (case_id, material);

-- Case numbers: one counter per day (China Standard Time), shared by every replica.
CREATE TABLE case_number_counters (
    day  text   NOT NULL,
    last bigint NOT NULL,
    CONSTRAINT case_number_counters_pkey PRIMARY KEY (day)
);

-- Payment orders for a case's fees, one per attempt and channel.
CREATE TABLE payment_orders (
    out_trade_no text        NOT NULL,
    case_id      text        NOT NULL,
    principal_id text        NOT NULL,
    channel      text        NOT NULL,
    amount_fen   bigint      NOT NULL,
    payer        text        NOT NULL,
    status       text        NOT NULL,
    trade_no     text        NOT NULL DEFAULT '',
    prepay       text        NOT NULL DEFAULT '',
    refund_no    text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    paid_at      timestamptz NULL,
    refunded_at  timestamptz NULL,
    CONSTRAINT payment_orders_pkey PRIMARY KEY (out_trade_no),
    CONSTRAINT payment_orders_status_check CHECK (status IN ('created', 'paid', 'refunded', 'superseded')),
    CONSTRAINT payment_orders_amount_check CHECK (amount_fen > 0)
);
CREATE INDEX payment_orders_case_idx ON payment_orders (case_id, created_at);
CREATE UNIQUE INDEX payment_orders_trade_key ON payment_orders (channel, trade_no) WHERE trade_no <> '';

-- The in-app inbox: every message a citizen is sent, whatever else reached them.
CREATE TABLE inbox_messages (
    id           bigserial   NOT NULL,
    principal_id text        NOT NULL,
    outbox_id    bigint      NULL,
    case_id      text        NOT NULL DEFAULT '',
    template     text        NOT NULL,
    title        text        NOT NULL,
    body         text        NOT NULL,
    created_at   timestamptz NOT NULL,
    read_at      timestamptz NULL,
    CONSTRAINT inbox_messages_pkey PRIMARY KEY (id)
);
CREATE UNIQUE INDEX inbox_messages_outbox_key ON inbox_messages (outbox_id) WHERE outbox_id IS NOT NULL;
CREATE INDEX inbox_messages_principal_idx ON inbox_messages (principal_id, id);

-- One-time subscribe-message consents an account gave, per template.
CREATE TABLE inbox_consents (
    account_id  text        NOT NULL,
    template_id text        NOT NULL,
    remaining   integer     NOT NULL,
    updated_at  timestamptz NOT NULL,
    CONSTRAINT inbox_consents_pkey PRIMARY KEY (account_id, template_id),
    CONSTRAINT inbox_consents_remaining_check CHECK (remaining >= 0)
);

-- Pushes of an inbox message to an account: claimed before sending, so a
-- retried effect never pushes twice.
CREATE TABLE inbox_deliveries (
    message_id bigint      NOT NULL,
    account_id text        NOT NULL,
    status     text        NOT NULL,
    at         timestamptz NOT NULL,
    CONSTRAINT inbox_deliveries_pkey PRIMARY KEY (message_id, account_id)
);

-- Evaluations (好差评): one per case. comment_sealed may hold personal data.
CREATE TABLE case_evaluations (
    case_id        text        NOT NULL,
    principal_id   text        NOT NULL,
    person_id      text        NOT NULL,
    item_code      text        NOT NULL,
    department     text        NOT NULL,
    stars          integer     NOT NULL,
    indicators     text        NOT NULL,
    comment_sealed text        NOT NULL DEFAULT '',
    channel        text        NOT NULL,
    created_at     timestamptz NOT NULL,
    CONSTRAINT case_evaluations_pkey PRIMARY KEY (case_id),
    CONSTRAINT case_evaluations_stars_check CHECK (stars BETWEEN 1 AND 5)
);
CREATE INDEX case_evaluations_department_idx ON case_evaluations (department, created_at);

-- Evaluation invitations: due three days after a case completes; a replica
-- claims one by setting invited_at, so each is sent once.
CREATE TABLE evaluation_invitations (
    case_id      text        NOT NULL,
    principal_id text        NOT NULL,
    due_at       timestamptz NOT NULL,
    invited_at   timestamptz NULL,
    CONSTRAINT evaluation_invitations_pkey PRIMARY KEY (case_id)
);
CREATE INDEX evaluation_invitations_due_idx ON evaluation_invitations (due_at) WHERE invited_at IS NULL;

-- Follow-ups of bad ratings (1-2 stars) for the department's supervisor.
CREATE TABLE evaluation_followups (
    id         text        NOT NULL,
    case_id    text        NOT NULL,
    department text        NOT NULL,
    stars      integer     NOT NULL,
    status     text        NOT NULL,
    due_at     timestamptz NOT NULL,
    resolution text        NOT NULL DEFAULT '',
    closed_by  text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    closed_at  timestamptz NULL,
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
