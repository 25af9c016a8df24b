-- The files customers and clerks supply (scans of signed forms, transfer vouchers,
-- corrections, others), by their content: the same bytes on another order — one transfer
-- voucher sent for two orders, one order's signed scan sent for another — are found by
-- this index (`Store::files_elsewhere`, and the review queue's mark). Generated files
-- (application forms, invoices) are not in it. The condition is written as the queries
-- write it, so that SQLite, which matches a partial index by its terms, uses it.
CREATE INDEX attachments_supplied ON attachments(sha256)
    WHERE kind IN ('signed_form', 'voucher', 'correction', 'other');
