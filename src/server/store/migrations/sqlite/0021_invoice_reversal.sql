-- An order's invoices over its life. The one that counts is the blue invoice not reversed;
-- one found wrong (the buyer's title, its tax number) is cancelled in full by a red-letter
-- invoice (红字发票, negative amounts) that names it in `reverses`, and the blue one names
-- its red one in `reversed_by`; the order then waits for a new blue invoice. Invoices were
-- keyed by order (one per order for good): they are keyed by number now, and one index
-- keeps one current invoice per order. `issuer_id`: the operator who asked for a red
-- invoice (a retry of theirs is told apart from someone else's reversal by it).
CREATE TABLE invoices_by_number (
    invoice_no      TEXT NOT NULL PRIMARY KEY,
    order_id        TEXT NOT NULL REFERENCES orders(id),
    invoice_kind    TEXT NOT NULL,
    request_json    TEXT NOT NULL,
    net_fen         BIGINT NOT NULL,
    tax_fen         BIGINT NOT NULL,
    total_fen       BIGINT NOT NULL,
    provider        TEXT NOT NULL,
    attachment_id   TEXT REFERENCES attachments(id),
    issued_by       TEXT,
    issued_at       BIGINT NOT NULL,
    check_code      TEXT,
    reverses        TEXT UNIQUE,
    confirmation_no TEXT,
    reason          TEXT,
    reversed_by     TEXT,
    issuer_id       TEXT
);
INSERT INTO invoices_by_number (invoice_no, order_id, invoice_kind, request_json, net_fen,
    tax_fen, total_fen, provider, attachment_id, issued_by, issued_at, check_code)
SELECT invoice_no, order_id, invoice_kind, request_json, net_fen, tax_fen, total_fen,
    provider, attachment_id, issued_by, issued_at, check_code FROM invoices;
DROP TABLE invoices;
ALTER TABLE invoices_by_number RENAME TO invoices;
CREATE UNIQUE INDEX invoices_current ON invoices(order_id)
    WHERE reverses IS NULL AND reversed_by IS NULL;
CREATE INDEX invoices_order ON invoices(order_id, issued_at);
