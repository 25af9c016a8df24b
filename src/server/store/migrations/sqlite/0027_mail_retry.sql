-- An invoice's mail that did not go is tried again by the platform: `retry_at` is when
-- the next attempt may take it — a claim's lapse while it is `sending` (its sender may
-- have stopped), the next try while it is `waiting` (the mail server refused for now),
-- nothing once it is `sent`, `kept` or `failed`. `attempts` counts the tries, so that
-- one refused for good stops. Only mail under way has a row in the index.
ALTER TABLE mail_messages ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
ALTER TABLE mail_messages ADD COLUMN retry_at BIGINT;
UPDATE mail_messages SET retry_at = created_at + 120000 WHERE status = 'sending';
CREATE INDEX mail_messages_due ON mail_messages(retry_at) WHERE retry_at IS NOT NULL;
