-- When a returned order was last sent back for review: the promise to mail it (and the
-- review queue's waiting time) counts from then, as the terms say ("counted from the
-- correction, when materials had to be corrected"), not from the payment months before.
ALTER TABLE orders ADD COLUMN resubmitted_at BIGINT;
