-- A form a customer sent after their sign-in had ended (it expired, or they signed out
-- on another device): what they typed is kept here, for at most an hour, and given back
-- only to the same customer, on the same page, in the same browser (the stash's token is
-- in a cookie there; only its hash is kept), once they have signed in again.
CREATE TABLE form_stashes (
    token_hash  TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers(id),
    path        TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX form_stashes_created ON form_stashes(created_at);
