-- 0027 as first released declared `attempts` a 32-bit INTEGER, which the platform reads as
-- a 64-bit number, and set every claim cut short before it to be sent again, however old.
-- A claim of more than a day ago that is still `sending` is not sent now, days late: it is
-- failed and says why (a migration already applied is never edited: a platform that ran
-- it would refuse to start).
ALTER TABLE mail_messages ALTER COLUMN attempts TYPE BIGINT;
UPDATE mail_messages SET status = 'failed', retry_at = NULL,
    detail = '发送中断于升级之前，未再发送（sender stopped before the upgrade; not sent）'
    WHERE status = 'sending' AND created_at <= CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT) - 86400000;
