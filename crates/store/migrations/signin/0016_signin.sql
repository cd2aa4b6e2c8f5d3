-- Sign-in through identity providers (issue 14).
--
-- A sign-in under way: one row per authorization request, taken (deleted)
-- by the callback, so a `state` is good once; `browser` is the digest of a
-- cookie set on the browser that started it.
CREATE TABLE oidc_logins (
    state TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    nonce TEXT NOT NULL,
    verifier TEXT NOT NULL,
    browser TEXT NOT NULL,
    next TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX oidc_logins_expiry ON oidc_logins (expires_at);
-- An identity at a provider mapped to an egov account (officials).
CREATE TABLE external_identities (
    provider TEXT NOT NULL,
    subject TEXT NOT NULL,
    user_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (provider, subject)
);
-- The citizen record: the personal identification number a provider
-- vouched for (unlike `citizen_id`, which a local registration only
-- claims), the date of birth and the last level of assurance; an
-- organisation's tax code; a local account linked into a verified one.
ALTER TABLE users ADD COLUMN id_number TEXT;
ALTER TABLE users ADD COLUMN birth_date TEXT;
ALTER TABLE users ADD COLUMN assurance BIGINT;
ALTER TABLE users ADD COLUMN tax_code TEXT;
ALTER TABLE users ADD COLUMN linked_to BIGINT;
CREATE UNIQUE INDEX users_id_number ON users (id_number);
CREATE UNIQUE INDEX users_tax_code ON users (tax_code);
-- An organisation's representatives, past (`until` set) and present.
CREATE TABLE representatives (
    org_id BIGINT NOT NULL,
    id_number TEXT NOT NULL,
    full_name TEXT NOT NULL,
    since BIGINT NOT NULL,
    until BIGINT
);
CREATE INDEX representatives_org ON representatives (org_id);
-- A session begun at a provider: which, the subject there, the provider's
-- session id (for logout), the level, the ID token (the logout hint), and
-- in an organisation's session the representative.
ALTER TABLE sessions ADD COLUMN provider TEXT;
ALTER TABLE sessions ADD COLUMN subject TEXT;
ALTER TABLE sessions ADD COLUMN sid TEXT;
ALTER TABLE sessions ADD COLUMN assurance BIGINT;
ALTER TABLE sessions ADD COLUMN id_token TEXT;
ALTER TABLE sessions ADD COLUMN person TEXT;
CREATE INDEX sessions_provider_sid ON sessions (provider, sid);
CREATE INDEX sessions_provider_subject ON sessions (provider, subject);
