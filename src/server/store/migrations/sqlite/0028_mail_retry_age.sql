-- 0027 as first released set every claim cut short before it to be sent again, however
-- old. A claim of more than a day ago that is still `sending` is not sent now, days late:
-- it is failed and says why (a migration already applied is never edited: a platform that
-- ran it would refuse to start).
UPDATE mail_messages SET status = 'failed', retry_at = NULL,
    detail = '发送中断于升级之前，未再发送（sender stopped before the upgrade; not sent）'
    WHERE status = 'sending' AND created_at <= CAST(strftime('%s', 'now') AS INTEGER) * 1000 - 86400000;
