-- Events are numbered by `seq`, the id clients see. SQLite's writers are serialized by the
-- write lock, so each event takes the next number as it is inserted (store/events.rs);
-- PostgreSQL numbers them after commit. `from_status` is the status an order left
-- (transitions only), for the clients' counts.
ALTER TABLE events ADD COLUMN seq INTEGER;
ALTER TABLE events ADD COLUMN from_status TEXT;
UPDATE events SET seq = id;
CREATE UNIQUE INDEX events_seq ON events (seq);
