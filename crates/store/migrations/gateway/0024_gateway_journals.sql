-- Issue 17: how far each instance's local journal of the message log is
-- in the chain (its last entry's number), written with each batch.
CREATE TABLE gw_journals (
    id TEXT PRIMARY KEY,
    n BIGINT NOT NULL
);
