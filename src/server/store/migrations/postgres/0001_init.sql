-- ca-counter schema, PostgreSQL. Keep in step with ../sqlite/0001_init.sql: same tables,
-- same columns, same meaning. Times are unix milliseconds (BIGINT); ids are UUIDv7 text.

CREATE TABLE operators (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    roles       TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    disabled_at BIGINT
);

CREATE TABLE operator_tokens (
    token_hash  TEXT PRIMARY KEY,
    operator_id TEXT NOT NULL REFERENCES operators(id),
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
CREATE INDEX operator_tokens_operator ON operator_tokens(operator_id);

CREATE TABLE projects (
    id         TEXT PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    region     TEXT NOT NULL,
    initials   TEXT NOT NULL,
    sort_order BIGINT NOT NULL DEFAULT 0,
    active     BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE products (
    id             TEXT PRIMARY KEY,
    project_id     TEXT NOT NULL REFERENCES projects(id),
    code           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    user_type      TEXT NOT NULL,
    validity_years BIGINT NOT NULL,
    price_fen      BIGINT NOT NULL,
    active         BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX products_project ON products(project_id);

CREATE TABLE customers (
    id                   TEXT PRIMARY KEY,
    phone                TEXT NOT NULL UNIQUE,
    name                 TEXT NOT NULL,
    id_number            TEXT,
    realname_verified_at BIGINT,
    created_at           BIGINT NOT NULL,
    created_by           TEXT REFERENCES operators(id)
);

CREATE TABLE realname_sessions (
    id                 TEXT PRIMARY KEY,
    token_hash         TEXT NOT NULL UNIQUE,
    customer_id        TEXT NOT NULL REFERENCES customers(id),
    expected_name      TEXT NOT NULL,
    status             TEXT NOT NULL,
    attempts           BIGINT NOT NULL DEFAULT 0,
    last_error         TEXT,
    verified_name      TEXT,
    verified_id_number TEXT,
    created_by         TEXT NOT NULL REFERENCES operators(id),
    created_at         BIGINT NOT NULL,
    expires_at         BIGINT NOT NULL,
    finished_at        BIGINT
);
CREATE INDEX realname_sessions_customer ON realname_sessions(customer_id, status);

CREATE TABLE order_counters (
    day  TEXT PRIMARY KEY,
    last BIGINT NOT NULL
);

CREATE TABLE orders (
    id                TEXT PRIMARY KEY,
    order_no          TEXT NOT NULL UNIQUE,
    status            TEXT NOT NULL,
    version           BIGINT NOT NULL,
    user_type         TEXT NOT NULL,
    customer_id       TEXT NOT NULL REFERENCES customers(id),
    product_id        TEXT NOT NULL REFERENCES products(id),
    project_id        TEXT NOT NULL REFERENCES projects(id),
    amount_fen        BIGINT NOT NULL,
    applicant_name    TEXT NOT NULL,
    display_name      TEXT NOT NULL,
    phone             TEXT NOT NULL,
    id_number         TEXT NOT NULL,
    applicant_json    TEXT NOT NULL,
    organization_json TEXT,
    mailing_json      TEXT NOT NULL,
    note              TEXT,
    application_ref   TEXT,
    terms_version     TEXT,
    payment_method    TEXT,
    paid_at           BIGINT,
    rejection_json    TEXT,
    carrier           TEXT,
    tracking_no       TEXT,
    shipped_at        BIGINT,
    invoice_no        TEXT,
    submitted_by      TEXT NOT NULL REFERENCES operators(id),
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX orders_status ON orders(status, order_no);
CREATE INDEX orders_phone ON orders(phone);
CREATE INDEX orders_id_number ON orders(id_number);
CREATE INDEX orders_customer ON orders(customer_id);
CREATE INDEX orders_project ON orders(project_id, order_no);

CREATE TABLE order_history (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    TEXT NOT NULL REFERENCES orders(id),
    at          BIGINT NOT NULL,
    actor_id    TEXT REFERENCES operators(id),
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT,
    reason      TEXT,
    request_id  TEXT
);
CREATE INDEX order_history_order ON order_history(order_id, id);


CREATE TABLE attachments (
    id           TEXT PRIMARY KEY,
    order_id     TEXT NOT NULL REFERENCES orders(id),
    kind         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    filename     TEXT NOT NULL,
    data         BYTEA NOT NULL,
    uploaded_by  TEXT NOT NULL REFERENCES operators(id),
    uploaded_at  BIGINT NOT NULL
);
CREATE INDEX attachments_order ON attachments(order_id, uploaded_at);
CREATE INDEX attachments_hash ON attachments(order_id, kind, sha256);

CREATE TABLE idempotency_keys (
    operator_id     TEXT NOT NULL REFERENCES operators(id),
    key             TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    response_status BIGINT,
    response_body   TEXT,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (operator_id, key)
);

-- Payment attempts. status: pending, paid, closed, refund_needed (money arrived for an
-- order that could no longer take it).
CREATE TABLE payments (
    id           TEXT PRIMARY KEY,
    order_id     TEXT NOT NULL REFERENCES orders(id),
    method       TEXT NOT NULL,
    out_trade_no TEXT NOT NULL UNIQUE,
    token        TEXT NOT NULL UNIQUE,
    qr_code      TEXT,
    amount_fen   BIGINT NOT NULL,
    status       TEXT NOT NULL,
    trade_no     TEXT,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    paid_at      BIGINT,
    checked_at   BIGINT
);
CREATE INDEX payments_order ON payments(order_id);
CREATE INDEX payments_status ON payments(status, created_at);

-- Everything a payment provider said or was asked: precreate, notify, query, close.
CREATE TABLE payment_events (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payment_id TEXT,
    at         BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    outcome    TEXT NOT NULL,
    detail     TEXT NOT NULL,
    params     TEXT
);
CREATE INDEX payment_events_payment ON payment_events(payment_id, id);

-- Keys the platform makes for itself (the sandbox cashier's signing key).
CREATE TABLE provider_keys (
    name        TEXT PRIMARY KEY,
    private_pem TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- Live events: `topic` is `order` (subject = order id and number) or `realname`
-- (subject = the verification session).
CREATE TABLE events (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic      TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    subject_no TEXT NOT NULL,
    kind       TEXT NOT NULL,
    action     TEXT,
    status     TEXT NOT NULL,
    version    BIGINT NOT NULL,
    at         BIGINT NOT NULL
);
-- The audit trail is append-only.
CREATE FUNCTION order_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'order_history is append-only';
END;
$$;
CREATE TRIGGER order_history_no_change BEFORE UPDATE OR DELETE ON order_history
    FOR EACH ROW EXECUTE FUNCTION order_history_append_only();
