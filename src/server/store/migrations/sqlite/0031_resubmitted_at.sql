-- When a returned order was last sent back for review: the promise to mail it (and the
-- review and mailing queues' waiting time) counts from then, as the terms say ("counted
-- from the correction, when materials had to be corrected"), not from the payment months
-- before. Orders sent back before this column existed take it from their history.
ALTER TABLE orders ADD COLUMN resubmitted_at BIGINT;
UPDATE orders SET resubmitted_at = (
    SELECT MAX(h.at) FROM order_history h WHERE h.order_id = orders.id AND h.action = 'resubmit'
) WHERE resubmissions > 0;
