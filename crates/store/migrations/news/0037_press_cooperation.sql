-- Information cooperation with the press: the outlets' register, the
-- contracts or orders an agency places with them, and every item
-- delivered, with its acceptance by the department.
CREATE TABLE news_outlets (
    id {serial},
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    licence TEXT NOT NULL,
    in_province BIGINT NOT NULL,
    contact TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE TABLE news_contracts (
    id {serial},
    agency_code TEXT NOT NULL,
    outlet_id BIGINT NOT NULL REFERENCES news_outlets (id),
    number TEXT NOT NULL,
    subject TEXT NOT NULL,
    items BIGINT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    budget BIGINT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE TABLE news_deliveries (
    id {serial},
    contract_id BIGINT NOT NULL REFERENCES news_contracts (id),
    title TEXT NOT NULL,
    where_when TEXT NOT NULL,
    delivered_on TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    accepted_at BIGINT,
    accepted_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX news_deliveries_contract ON news_deliveries (contract_id);
