-- What each dossier owes: one request per fee of its procedure, written in
-- the transaction that submits (or receives) the dossier. State and method
-- are the domain's enums (egov_payments::payment::{State, Method}).
CREATE TABLE payment_requests (
    id {serial},
    dossier_id BIGINT NOT NULL,
    dossier_code TEXT NOT NULL,
    agency_code TEXT NOT NULL,
    fee_index INTEGER NOT NULL,
    description_vi TEXT NOT NULL,
    description_en TEXT NOT NULL,
    amount BIGINT NOT NULL,
    due TEXT NOT NULL,
    state TEXT NOT NULL,
    method TEXT,
    reference TEXT,
    payer TEXT,
    paid_at BIGINT,
    confirmed_by TEXT,
    refund_reason TEXT,
    refunded_at BIGINT,
    refunded_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (dossier_id, fee_index)
);
CREATE INDEX payment_requests_code ON payment_requests (dossier_code);
CREATE INDEX payment_requests_state ON payment_requests (agency_code, state);
