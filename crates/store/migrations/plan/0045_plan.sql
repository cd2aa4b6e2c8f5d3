-- The year's IT plan (issue 23): a plan a year (the decision adopting it),
-- its indicators (figures as whole millionths: exact in both databases),
-- amendments of a target from a day, values reported by the responsible
-- unit with their evidence (a blob) on their way to approval, and the
-- daily readings of figures egov holds only as a register of today (radio
-- stations, published gateway services), so that a past day has a value.
CREATE TABLE plan_plans (
    year BIGINT PRIMARY KEY,
    decision TEXT NOT NULL,
    adopted_on TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE plan_indicators (
    id {serial},
    year BIGINT NOT NULL REFERENCES plan_plans (year),
    position BIGINT NOT NULL,
    code TEXT NOT NULL,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    unit TEXT NOT NULL,
    target BIGINT NOT NULL,
    direction TEXT NOT NULL,
    agency TEXT NOT NULL,
    source TEXT NOT NULL,
    course TEXT NOT NULL,
    UNIQUE (year, code)
);
CREATE TABLE plan_amendments (
    id {serial},
    indicator_id BIGINT NOT NULL REFERENCES plan_indicators (id),
    from_day TEXT NOT NULL,
    target BIGINT NOT NULL,
    decision TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX plan_amendments_indicator ON plan_amendments (indicator_id, from_day);
CREATE TABLE plan_reports (
    id {serial},
    indicator_id BIGINT NOT NULL REFERENCES plan_indicators (id),
    as_of TEXT NOT NULL,
    value BIGINT NOT NULL,
    note TEXT NOT NULL,
    evidence_name TEXT NOT NULL,
    evidence_type TEXT NOT NULL,
    evidence_key TEXT NOT NULL,
    evidence_sha256 TEXT NOT NULL,
    evidence_size BIGINT NOT NULL,
    state TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    decided_by TEXT,
    decided_at BIGINT,
    decision_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX plan_reports_indicator ON plan_reports (indicator_id, as_of);
CREATE TABLE plan_readings (
    day TEXT NOT NULL,
    measure TEXT NOT NULL,
    scope TEXT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (measure, scope, day)
);
