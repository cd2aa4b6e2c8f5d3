-- An agency's receiving accounts for bank transfers (VietQR), each from a
-- day: the one in force on a day is the latest begun by then.
CREATE TABLE payment_accounts (
    id {serial},
    agency_code TEXT NOT NULL,
    bin TEXT NOT NULL,
    account TEXT NOT NULL,
    holder TEXT NOT NULL,
    service TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX payment_accounts_agency ON payment_accounts (agency_code, effective_from);
