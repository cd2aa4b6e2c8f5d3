-- Seals of the gateway's message log (issue 17): its head signed now and
-- then with a gateway instance's Ed25519 key, kept for archives.
CREATE TABLE gw_seals (
    seq BIGINT PRIMARY KEY,
    hash TEXT NOT NULL,
    at_micros BIGINT NOT NULL,
    signer TEXT NOT NULL,
    sig TEXT NOT NULL
);
