-- Mailing, tracking and invoicing: the customer's invoice link and request, the issued
-- invoices, parcel tracking (cached provider answers and events typed by staff), and the
-- e-mail outbox.
ALTER TABLE orders ADD COLUMN invoice_token TEXT;
ALTER TABLE orders ADD COLUMN invoice_request_json TEXT;
ALTER TABLE orders ADD COLUMN invoice_requested_at BIGINT;
ALTER TABLE orders ADD COLUMN invoice_requested_via TEXT;
CREATE UNIQUE INDEX orders_invoice_token ON orders(invoice_token);
-- One parcel number is one parcel: typed twice, the second is refused.
CREATE UNIQUE INDEX orders_tracking ON orders(carrier, tracking_no);

-- One invoice per order: the provider is asked with the order as its serial, so two
-- people issuing at once get the same invoice, never two.
CREATE TABLE invoices (
    order_id      TEXT PRIMARY KEY REFERENCES orders(id),
    invoice_no    TEXT NOT NULL UNIQUE,
    invoice_kind  TEXT NOT NULL,
    request_json  TEXT NOT NULL,
    net_fen       BIGINT NOT NULL,
    tax_fen       BIGINT NOT NULL,
    total_fen     BIGINT NOT NULL,
    provider      TEXT NOT NULL,
    attachment_id TEXT REFERENCES attachments(id),
    issued_by     TEXT,
    issued_at     BIGINT NOT NULL
);

CREATE TABLE invoice_counters (
    year BIGINT PRIMARY KEY,
    last BIGINT NOT NULL
);

-- The last provider answer per parcel; `checked_at` is the last time the provider was
-- asked (the 30-minute rule), `fetched_at` the last time it answered.
CREATE TABLE tracking (
    carrier     TEXT NOT NULL,
    tracking_no TEXT NOT NULL,
    state       TEXT,
    events_json TEXT NOT NULL DEFAULT '[]',
    fetched_at  BIGINT,
    checked_at  BIGINT,
    error       TEXT,
    PRIMARY KEY (carrier, tracking_no)
);

-- Events typed by staff (the `manual` logistics provider).
CREATE TABLE tracking_events (
    id          TEXT PRIMARY KEY,
    carrier     TEXT NOT NULL,
    tracking_no TEXT NOT NULL,
    at          BIGINT NOT NULL,
    state       TEXT NOT NULL,
    context     TEXT NOT NULL,
    operator_id TEXT REFERENCES operators(id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX tracking_events_parcel ON tracking_events(carrier, tracking_no, at);

CREATE TABLE mail_messages (
    id            TEXT PRIMARY KEY,
    order_id      TEXT REFERENCES orders(id),
    to_addr       TEXT NOT NULL,
    subject       TEXT NOT NULL,
    body          TEXT NOT NULL,
    attachment_id TEXT REFERENCES attachments(id),
    provider      TEXT NOT NULL,
    status        TEXT NOT NULL,
    detail        TEXT,
    created_at    BIGINT NOT NULL
);
CREATE INDEX mail_messages_created ON mail_messages(created_at);
