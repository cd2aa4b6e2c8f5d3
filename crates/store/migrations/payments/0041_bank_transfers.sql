-- Credits on the agencies' accounts as the bank reported them (statement
-- or signed notification), each once by its reference, with what it did:
-- matched (the requests it paid are paid with its reference), or listed
-- for an official (partial, over, duplicate, unmatched) until resolved.
CREATE TABLE bank_transfers (
    id {serial},
    reference TEXT NOT NULL UNIQUE,
    received_at TEXT NOT NULL,
    amount BIGINT NOT NULL,
    description TEXT NOT NULL,
    dossier_code TEXT,
    agency_code TEXT,
    outcome TEXT NOT NULL,
    difference BIGINT NOT NULL,
    source TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    recorded_by TEXT NOT NULL,
    resolved_at BIGINT,
    resolved_by TEXT,
    resolution TEXT
);
CREATE INDEX bank_transfers_open ON bank_transfers (agency_code, resolved_at, outcome);
