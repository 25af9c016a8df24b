-- A customer page that refused a form (a 409, 422 or 429 answering a POST), kept a short
-- while for the browser that sent the form, so that the refusal is shown at an address of
-- its own (post, redirect, get): Back and reload there show it again rather than asking to
-- send the form again. One a browser; rows past their time go as new ones are kept.
CREATE TABLE refusal_pages (
    token_hash   TEXT PRIMARY KEY,
    browser_hash TEXT NOT NULL,
    status       INTEGER NOT NULL,
    body         TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX refusal_pages_browser ON refusal_pages(browser_hash);
CREATE INDEX refusal_pages_created ON refusal_pages(created_at);
