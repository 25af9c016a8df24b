-- A return for the transfer's amount may say what the vouchers showed in all (fen), so the
-- customer is told the rest to transfer, not the whole amount again. Set by every return
-- (NULL when not said), cleared when the order is sent back for review.
ALTER TABLE orders ADD COLUMN voucher_total_fen INTEGER;
