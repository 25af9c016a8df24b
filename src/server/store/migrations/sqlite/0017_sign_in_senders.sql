-- Sign-in codes asked for from one client address in the current hour, so one client
-- cannot have texts sent to number after number at the CA's expense (each number has its
-- own limits in login_codes). Rows of past hours are removed as codes are asked for.
CREATE TABLE sign_in_senders (
    address      TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    sent         BIGINT NOT NULL
);
CREATE INDEX sign_in_senders_window ON sign_in_senders(window_start);
