-- Real-name verification by an outside provider and the facts every check keeps; the SMS
-- outbox.
--
-- A real-name session may have one outside check in flight (Alipay's face check): its
-- provider, transaction id (certify_id), our request number, the URL the phone opens, and
-- what the customer typed for it; `checked_at` is when it was last asked about.
ALTER TABLE realname_sessions ADD COLUMN provider TEXT;
ALTER TABLE realname_sessions ADD COLUMN certify_id TEXT;
ALTER TABLE realname_sessions ADD COLUMN outer_order_no TEXT;
ALTER TABLE realname_sessions ADD COLUMN certify_url TEXT;
ALTER TABLE realname_sessions ADD COLUMN claimed_name TEXT;
ALTER TABLE realname_sessions ADD COLUMN claimed_id_number TEXT;
ALTER TABLE realname_sessions ADD COLUMN checked_at BIGINT;
CREATE INDEX realname_sessions_open ON realname_sessions(status, expires_at);

-- Every finished check: who checked (provider), its transaction id, for whom, the verdict
-- (passed, failed, abandoned) and when. Append-only, like the audit trail.
CREATE TABLE identity_checks (
    id              TEXT PRIMARY KEY,
    session_id      TEXT NOT NULL REFERENCES realname_sessions(id),
    customer_id     TEXT NOT NULL REFERENCES customers(id),
    provider        TEXT NOT NULL,
    transaction_id  TEXT NOT NULL,
    name            TEXT NOT NULL,
    id_number       TEXT NOT NULL,
    verdict         TEXT NOT NULL,
    reason          TEXT,
    material_sha256 TEXT,
    checked_at      BIGINT NOT NULL
);
CREATE INDEX identity_checks_customer ON identity_checks(customer_id, checked_at);
CREATE INDEX identity_checks_id_number ON identity_checks(id_number);
CREATE INDEX customers_id_number ON customers(id_number);
CREATE TRIGGER identity_checks_no_update BEFORE UPDATE ON identity_checks
BEGIN SELECT RAISE(ABORT, 'identity_checks is append-only'); END;
CREATE TRIGGER identity_checks_no_delete BEFORE DELETE ON identity_checks
BEGIN SELECT RAISE(ABORT, 'identity_checks is append-only'); END;

-- The SMS outbox: a message is written with the change that causes it (status `queued`)
-- and sent by a worker that claims it with a lease (`sending`, lease_owner, lease_until);
-- the gateway's answer is kept (`sent` with its BizId, or `failed` / `unknown`).
ALTER TABLE sms_messages ADD COLUMN kind TEXT;
ALTER TABLE sms_messages ADD COLUMN params_json TEXT;
ALTER TABLE sms_messages ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sms_messages ADD COLUMN next_attempt_at BIGINT;
ALTER TABLE sms_messages ADD COLUMN lease_owner TEXT;
ALTER TABLE sms_messages ADD COLUMN lease_until BIGINT;
ALTER TABLE sms_messages ADD COLUMN biz_id TEXT;
ALTER TABLE sms_messages ADD COLUMN gateway_code TEXT;
ALTER TABLE sms_messages ADD COLUMN sent_at BIGINT;
ALTER TABLE sms_messages ADD COLUMN updated_at BIGINT;
CREATE INDEX sms_messages_due ON sms_messages(status, next_attempt_at);
