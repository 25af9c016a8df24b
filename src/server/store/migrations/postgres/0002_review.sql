-- The review queue: a reviewer's claim on an order (a lease), how often an order came back
-- corrected, and the SMS messages sent to customers.
ALTER TABLE orders ADD COLUMN claimed_by TEXT REFERENCES operators(id);
ALTER TABLE orders ADD COLUMN claimed_by_name TEXT;
ALTER TABLE orders ADD COLUMN claim_expires_at BIGINT;
ALTER TABLE orders ADD COLUMN resubmissions BIGINT NOT NULL DEFAULT 0;
CREATE INDEX orders_review ON orders(status, paid_at);

CREATE TABLE sms_messages (
    id         TEXT PRIMARY KEY,
    order_id   TEXT REFERENCES orders(id),
    phone      TEXT NOT NULL,
    body       TEXT NOT NULL,
    provider   TEXT NOT NULL,
    status     TEXT NOT NULL,
    detail     TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX sms_messages_created ON sms_messages(created_at);
