-- A parcel's number finds its order (a customer or the courier calling quotes it): the
-- orders mailed now, by their tracking number alone. (`orders_tracking` is keyed by
-- carrier first, for the rule that one carrier's number is used once.)
CREATE INDEX orders_tracking_no ON orders(tracking_no) WHERE tracking_no IS NOT NULL;
