-- Orders per status, kept by the same transactions that change a status, so the counts
-- are a lookup, never a scan of the orders. A change moves one unit between two statuses
-- within one of eight shards picked at random, so concurrent writers rarely wait on one
-- row; a shard may go below zero, the sum over a status's shards is its count.
CREATE TABLE order_counts (
    status TEXT NOT NULL,
    shard INTEGER NOT NULL,
    n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (status, shard)
);

INSERT INTO order_counts (status, shard, n)
SELECT status, 0, COUNT(*) FROM orders GROUP BY status;
