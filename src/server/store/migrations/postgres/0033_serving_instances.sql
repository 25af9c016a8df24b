-- Each serving instance says it is alive here every few seconds (PostgreSQL). The serving
-- mark (an advisory lock on the event listener's connection) drops with that connection
-- while it reconnects, and `restored` must not run then: it also refuses while an instance
-- has been seen here lately. A row is removed when its instance stops.
CREATE TABLE serving_instances (
    id TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid BIGINT NOT NULL,
    listen TEXT NOT NULL,
    seen_at BIGINT NOT NULL
);
