-- An invoice's mail is claimed by its attachment before it is sent (`claim_mail`, under
-- the order's lock): found by index, not by reading every mail ever kept.
CREATE INDEX mail_messages_attachment ON mail_messages(attachment_id)
    WHERE attachment_id IS NOT NULL;
