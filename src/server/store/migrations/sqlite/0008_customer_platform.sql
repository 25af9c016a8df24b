-- The customer's own platform: orders carry the channel they came by; customers sign in
-- with a code sent to their mobile number; their sessions, their application in progress
-- and what staff did on their behalf are kept.

ALTER TABLE orders ADD COLUMN channel TEXT NOT NULL DEFAULT 'counter';
CREATE INDEX orders_channel ON orders(channel, order_no);

-- Who submits and uploads for the customer platform: it can never sign in.
INSERT INTO operators (id, name, roles, created_at, disabled_at)
VALUES ('00000000-0000-7000-8000-0000000c0de1', 'online', 'clerk', 0, 0);

-- One row per mobile number: the live code (hashed), its limits and the lock.
CREATE TABLE login_codes (
    phone        TEXT PRIMARY KEY,
    code_hash    TEXT,
    sent_at      BIGINT,
    expires_at   BIGINT,
    wrong        BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT,
    day          TEXT NOT NULL,
    sent_today   BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE customer_sessions (
    id           TEXT PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    customer_id  TEXT NOT NULL REFERENCES customers(id),
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    user_agent   TEXT NOT NULL,
    revoked_at   BIGINT
);
CREATE INDEX customer_sessions_customer ON customer_sessions(customer_id, created_at);

-- The application a customer is filling in, one at a time; `id` becomes the order's
-- idempotency key, so submitting twice makes one order.
CREATE TABLE customer_drafts (
    customer_id TEXT PRIMARY KEY REFERENCES customers(id),
    id          TEXT NOT NULL,
    version     BIGINT NOT NULL,
    data_json   TEXT NOT NULL,
    scan        BLOB,
    scan_type   TEXT,
    scan_name   TEXT,
    scan_json   TEXT,
    updated_at  BIGINT NOT NULL
);

-- What staff did for a customer that is not about one order (a sign-in code resent).
CREATE TABLE customer_audit (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id TEXT NOT NULL REFERENCES customers(id),
    at          BIGINT NOT NULL,
    actor_id    TEXT REFERENCES operators(id),
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    detail      TEXT
);
CREATE INDEX customer_audit_customer ON customer_audit(customer_id, id);
