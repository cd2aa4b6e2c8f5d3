-- Each attempt to pay a request through a redirect gateway: the reference
-- sent to the gateway (unique), the amount asked, and how it ended, as the
-- gateway's verified notification or a query said (never the browser).
CREATE TABLE payment_attempts (
    id {serial},
    payment_id BIGINT NOT NULL,
    provider TEXT NOT NULL,
    reference TEXT NOT NULL UNIQUE,
    amount BIGINT NOT NULL,
    created TEXT NOT NULL,
    state TEXT NOT NULL,
    transaction_no TEXT,
    settled_by TEXT,
    created_at BIGINT NOT NULL,
    settled_at BIGINT
);
CREATE INDEX payment_attempts_payment ON payment_attempts (payment_id);
