-- Search that uses an index (see src/server/store/search.rs): an n-gram table written with
-- each order, the ID number's keyed hash instead of an index of plain numbers, and the key.
-- Orders made before this migration are given their terms and hash when the platform
-- starts (Store::open).
CREATE TABLE order_terms (
    term TEXT NOT NULL,
    order_no TEXT NOT NULL,
    PRIMARY KEY (term, order_no)
);

ALTER TABLE orders ADD COLUMN id_hash TEXT;
CREATE INDEX orders_id_hash ON orders(id_hash, order_no);
DROP INDEX orders_id_number;

CREATE TABLE search_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    secret TEXT NOT NULL
);
