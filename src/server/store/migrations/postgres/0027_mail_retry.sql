-- An invoice's mail that did not go is tried again by the platform: `retry_at` is when
-- the next attempt may take it — a claim's lapse while it is `sending` (its sender may
-- have stopped), the next try while it is `waiting` (the mail server refused for now),
-- nothing once it is `sent`, `kept` or `failed`. `attempts` counts the tries, so that
-- the last one stops. Only mail under way has a row in the index.
ALTER TABLE mail_messages ADD COLUMN attempts BIGINT NOT NULL DEFAULT 1;
ALTER TABLE mail_messages ADD COLUMN retry_at BIGINT;
-- Claims cut short before this version: those of the last day are sent by the platform
-- like any claim whose sender stopped; older ones are not sent now, days late, and say so.
UPDATE mail_messages SET retry_at = created_at + 120000
    WHERE status = 'sending' AND created_at > CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT) - 86400000;
UPDATE mail_messages SET status = 'failed',
    detail = '发送中断于升级之前，未再发送（sender stopped before the upgrade; not sent）'
    WHERE status = 'sending' AND retry_at IS NULL;
CREATE INDEX mail_messages_due ON mail_messages(retry_at) WHERE retry_at IS NOT NULL;
