-- egov foundation schema. `{serial}` becomes the backend's auto-increment key.
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE admin_units (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    parent_code TEXT,
    effective_from TEXT NOT NULL,
    effective_to TEXT,
    succeeded_by TEXT
);
CREATE TABLE agencies (
    id TEXT PRIMARY KEY,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent_id TEXT,
    unit_code TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to TEXT
);
CREATE TABLE users (
    id {serial},
    username TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    full_name TEXT NOT NULL,
    citizen_id TEXT UNIQUE,
    email TEXT UNIQUE,
    phone TEXT,
    agency_id TEXT,
    password_hash TEXT NOT NULL,
    active BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX users_agency ON users (agency_id);
CREATE TABLE user_roles (
    user_id BIGINT NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);
CREATE TABLE sessions (
    digest TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL,
    csrf TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE TABLE api_tokens (
    id {serial},
    digest TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE TABLE login_failures (
    id {serial},
    username TEXT NOT NULL,
    address TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_user ON login_failures (username, at);
CREATE INDEX login_failures_address ON login_failures (address, at);
CREATE TABLE fields (
    code TEXT PRIMARY KEY,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL
);
CREATE TABLE procedures (
    code TEXT PRIMARY KEY,
    name_vi TEXT NOT NULL,
    field TEXT NOT NULL,
    online_level TEXT NOT NULL,
    definition TEXT NOT NULL,
    popularity BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    before_digest TEXT NOT NULL,
    after_digest TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    writes BIGINT NOT NULL
);
INSERT INTO audit_head (id, seq, hash, writes) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0);
INSERT INTO meta (key, value) VALUES ('catalog_version', '0');
