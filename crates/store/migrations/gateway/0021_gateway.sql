-- The data-exchange gateway (issue 17): members' information systems
-- (subsystems, by their X-Road identifier INSTANCE/CLASS/MEMBER/SUBSYSTEM),
-- the services they publish, groups of subsystems, access rights (deny by
-- default), the subsystems' API keys (SHA-256 digests) and the message log,
-- a hash chain of every exchange.
CREATE TABLE gw_subsystems (
    id {serial},
    ident TEXT NOT NULL UNIQUE,
    agency_id TEXT,
    name TEXT NOT NULL,
    state TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    decided_at BIGINT
);
CREATE TABLE gw_services (
    id {serial},
    subsystem_id BIGINT NOT NULL REFERENCES gw_subsystems (id),
    code TEXT NOT NULL,
    upstream TEXT NOT NULL,
    timeout_ms BIGINT NOT NULL,
    logging TEXT NOT NULL,
    openapi TEXT,
    UNIQUE (subsystem_id, code)
);
CREATE TABLE gw_group_members (
    grp TEXT NOT NULL,
    subsystem_id BIGINT NOT NULL REFERENCES gw_subsystems (id),
    PRIMARY KEY (grp, subsystem_id)
);
CREATE TABLE gw_grants (
    id {serial},
    service_id BIGINT NOT NULL REFERENCES gw_services (id),
    grantee_kind TEXT NOT NULL,
    grantee TEXT NOT NULL,
    method TEXT,
    path TEXT,
    valid_from BIGINT,
    valid_until BIGINT,
    revoked_at BIGINT
);
CREATE TABLE gw_keys (
    id {serial},
    subsystem_id BIGINT NOT NULL REFERENCES gw_subsystems (id),
    digest TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE TABLE gw_log (
    seq BIGINT PRIMARY KEY,
    message_id TEXT NOT NULL,
    client TEXT NOT NULL,
    service TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    status BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    request_bytes BIGINT NOT NULL,
    response_bytes BIGINT NOT NULL,
    request_sha256 TEXT NOT NULL,
    response_sha256 TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    duration_us BIGINT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX gw_log_service_time ON gw_log (service, started_at);
CREATE TABLE gw_log_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO gw_log_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
INSERT INTO meta (key, value) VALUES ('gateway_version', '0');
