-- The same table as PostgreSQL's (0033), kept empty on SQLite: there the serving mark is a
-- lock on a file beside the database, held for the whole life of the instance.
CREATE TABLE serving_instances (
    id TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    listen TEXT NOT NULL,
    seen_at INTEGER NOT NULL
);
