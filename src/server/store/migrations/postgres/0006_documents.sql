-- Documents: what the QR code on an uploaded scan said (the check's result as JSON, for
-- the reviewer), the customer's link to the correction notice on the phone, and the
-- check code (校验码) an invoice provider gives with each invoice.
ALTER TABLE attachments ADD COLUMN scan_json TEXT;

CREATE TABLE notice_links (
    order_id   TEXT PRIMARY KEY REFERENCES orders(id),
    token      TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

ALTER TABLE invoices ADD COLUMN check_code TEXT;
