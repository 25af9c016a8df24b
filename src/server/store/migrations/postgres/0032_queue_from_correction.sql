-- The review queue in the order its waiting is counted: an order sent back after a return
-- waits from its correction (0031), as the queue's own column and the promise count it,
-- not from its payment months before — listed by payment, an order corrected today sat
-- above orders that had waited two days. A correction always comes after its payment, so
-- the later of the two is the first of these that is set.
DROP INDEX orders_review;
CREATE INDEX orders_review ON orders(status, (COALESCE(resubmitted_at, paid_at, updated_at)), order_no)
    WHERE status = 'pending_review';
