-- 已完成 orders held by a reversal (红冲): the hold's columns set while the red-letter
-- invoice is made. A reversal cut short (the process stopped between the red invoice and
-- the order's move) leaves its order held; the platform finds those whose hold lapsed
-- here and finishes them. Only held 已完成 orders have a row: a handful at any time.
CREATE INDEX orders_completed_held ON orders(claim_expires_at)
    WHERE status = 'completed' AND claimed_by IS NOT NULL;
