-- The sequencer finds unnumbered events through the partial index events_unsequenced
-- (0011). Numbering an event updates its row, and the index keeps the old version's entry
-- until VACUUM removes it: under a stream of orders the index holds thousands of entries
-- for events already numbered. A bitmap scan (the planner's choice for the few rows it
-- expects) visits the table for every one of them, on every run: the run took ~0.5 ms of
-- the database's time at a few thousand entries and grows with them. A plain index scan
-- marks an entry it finds dead to everyone as such, and later scans step over it without
-- visiting the table; so the sequencer plans without bitmap scans.
ALTER FUNCTION ca_counter_sequence(BIGINT, BOOLEAN) SET enable_bitmapscan = off;

-- And the entries must not pile up between vacuums: by default VACUUM waits for a fifth of
-- the table to be dead (a million entries at a few million events), and then skips
-- cleaning indexes when few of the table's pages hold dead rows, which for an append-only
-- table whose newest rows are updated is always. So events are vacuumed after every
-- 20,000 numbered events, indexes included (each vacuum reads the events indexes whole:
-- at a province's pace, every few days).
ALTER TABLE events SET (
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 20000,
    vacuum_index_cleanup = on
);
