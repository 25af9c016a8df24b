-- Indexes a new order does not enter. An order is created without an invoice token, a
-- parcel or a payment, yet every index of `orders` took an entry for it (a NULL is an
-- entry too): three of its eleven index insertions were for nothing. The unique indexes
-- now hold only the rows that have the value (NULLs never conflicted), and the review
-- queue's index holds only the orders waiting for review, in the queue's own order
-- (oldest payment first), so the queue is read straight from it. Its first column, the
-- status, is the same in every entry; it is there so that SQLite, which plans from the
-- query's conditions, prefers it to orders_status and a sort.
DROP INDEX orders_invoice_token;
CREATE UNIQUE INDEX orders_invoice_token ON orders(invoice_token) WHERE invoice_token IS NOT NULL;
DROP INDEX orders_tracking;
CREATE UNIQUE INDEX orders_tracking ON orders(carrier, tracking_no) WHERE tracking_no IS NOT NULL;
DROP INDEX orders_review;
CREATE INDEX orders_review ON orders(status, (COALESCE(paid_at, updated_at)), order_no)
    WHERE status = 'pending_review';
