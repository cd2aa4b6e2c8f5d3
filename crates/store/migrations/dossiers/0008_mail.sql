-- The mail outbox is the inbox itself: a message the citizen should also
-- receive by e-mail is written 'pending' in the same transaction as the change,
-- and the delivery task records each attempt on it.
-- mail_state: none (no e-mail to send), pending, sent, failed.
ALTER TABLE inbox ADD COLUMN mail_state TEXT NOT NULL DEFAULT 'none';
ALTER TABLE inbox ADD COLUMN mail_attempts BIGINT NOT NULL DEFAULT 0;
-- When the next attempt is due (micros); while pending.
ALTER TABLE inbox ADD COLUMN mail_next_at BIGINT;
-- Claimed by a delivery task until then (micros), so that two instances do not send it twice.
ALTER TABLE inbox ADD COLUMN mail_lease BIGINT;
ALTER TABLE inbox ADD COLUMN mail_error TEXT;
ALTER TABLE inbox ADD COLUMN mail_to TEXT;
ALTER TABLE inbox ADD COLUMN mail_sent_at BIGINT;
CREATE INDEX inbox_mail_due ON inbox (mail_state, mail_next_at);
