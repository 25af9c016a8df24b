-- Events are numbered by the sequencer, not by the writers (see store/events.rs): a writer
-- inserts its event with `seq` NULL and waits for no one; after commit, one sequencer at a
-- time (under an advisory lock) gives the committed, unnumbered events the next numbers in
-- id order. Clients see `seq` as the event id; readers read `seq > position`, so an event
-- whose transaction commits late is numbered late instead of being passed over.
-- `from_status` is the status an order left (transitions only), for the clients' counts.
ALTER TABLE events ADD COLUMN seq BIGINT;
ALTER TABLE events ADD COLUMN from_status TEXT;
UPDATE events SET seq = id;
CREATE UNIQUE INDEX events_seq ON events (seq);
CREATE INDEX events_unsequenced ON events (id) WHERE seq IS NULL;
