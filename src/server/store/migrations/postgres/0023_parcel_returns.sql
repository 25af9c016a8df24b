-- Parcels the courier brought back, by their number: the order's own tracking number is
-- cleared when it is mailed again, but the number on the returned parcel still finds its
-- order (the courier or the customer quotes it), and is never put on a new label (a
-- waybill is used once).
CREATE TABLE parcel_returns (
    carrier     TEXT NOT NULL,
    tracking_no TEXT NOT NULL,
    order_id    TEXT NOT NULL REFERENCES orders(id),
    returned_at BIGINT NOT NULL,
    PRIMARY KEY (carrier, tracking_no)
);
CREATE INDEX parcel_returns_number ON parcel_returns(tracking_no);
