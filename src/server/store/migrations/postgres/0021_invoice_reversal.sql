-- An order's invoices over its life. The one that counts is the blue invoice not reversed;
-- one found wrong (the buyer's title, its tax number) is cancelled in full by a red-letter
-- invoice (红字发票, negative amounts) that names it in `reverses`, and the blue one names
-- its red one in `reversed_by`; the order then waits for a new blue invoice. Invoices were
-- keyed by order (one per order for good): they are keyed by number now, and one index
-- keeps one current invoice per order. `issuer_id`: the operator who asked for a red
-- invoice (a retry of theirs is told apart from someone else's reversal by it).
ALTER TABLE invoices DROP CONSTRAINT invoices_pkey;
ALTER TABLE invoices ADD PRIMARY KEY (invoice_no);
ALTER TABLE invoices ADD COLUMN reverses TEXT UNIQUE;
ALTER TABLE invoices ADD COLUMN confirmation_no TEXT;
ALTER TABLE invoices ADD COLUMN reason TEXT;
ALTER TABLE invoices ADD COLUMN reversed_by TEXT;
ALTER TABLE invoices ADD COLUMN issuer_id TEXT;
CREATE UNIQUE INDEX invoices_current ON invoices(order_id)
    WHERE reverses IS NULL AND reversed_by IS NULL;
CREATE INDEX invoices_order ON invoices(order_id, issued_at);
