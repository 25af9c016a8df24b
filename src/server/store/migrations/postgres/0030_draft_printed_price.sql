-- The price the customer's application form was printed at (with `printed_ref`): an order
-- is not made at another price than the signed paper's — a catalog change since sends the
-- application back to printing its form again.
ALTER TABLE customer_drafts ADD COLUMN printed_amount_fen BIGINT;
