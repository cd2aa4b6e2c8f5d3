-- Bearer tokens expire (issue 12): every token has an instant after which it
-- names nobody. Tokens issued before this migration had none: they get 90 days
-- from their issue, so that a forgotten one ends rather than living forever.
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;
UPDATE api_tokens SET expires_at = created_at + 7776000000000 WHERE expires_at IS NULL;
CREATE INDEX api_tokens_user ON api_tokens (user_id);
CREATE INDEX api_tokens_expiry ON api_tokens (expires_at);
CREATE INDEX sessions_expiry ON sessions (expires_at);
