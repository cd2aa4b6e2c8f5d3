-- Issue 17: a subsystem proves itself by an API key or by a TLS client
-- certificate (both kept as SHA-256 digests); services in full logging
-- mode keep their exchanges' bodies (up to a limit, base64), beside the
-- log's records, whose hashes cover the bodies' digests.
ALTER TABLE gw_keys ADD COLUMN kind TEXT NOT NULL DEFAULT 'ApiKey';
CREATE TABLE gw_bodies (
    seq BIGINT PRIMARY KEY,
    request TEXT NOT NULL,
    response TEXT NOT NULL
);
