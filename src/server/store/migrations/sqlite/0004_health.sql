-- One row the readiness check writes: a platform whose disk is full, or whose database
-- refuses writes, is not ready even if it can still read.
CREATE TABLE health_probe (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at BIGINT NOT NULL
);
INSERT INTO health_probe (id, checked_at) VALUES (1, 0);
