-- Information-security incidents (issue 19, part 4): the inventory of
-- information systems with their security levels; the legal bases' rules
-- for the reports owed (dated data, a JSON document each); incidents, the
-- systems they affect, their timeline of actions (who, when, what) and the
-- reports sent (a periodic report has no incident).
CREATE TABLE inc_systems (
    id {serial},
    name TEXT NOT NULL,
    owner_agency TEXT NOT NULL,
    operator TEXT NOT NULL,
    proposed_level BIGINT NOT NULL,
    approved_level BIGINT,
    approval_decision TEXT NOT NULL,
    protection_plan TEXT NOT NULL,
    last_test TEXT,
    monitored BIGINT NOT NULL,
    national BIGINT NOT NULL,
    UNIQUE (owner_agency, name)
);
CREATE TABLE inc_regimes (
    code TEXT PRIMARY KEY,
    effective_from TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE TABLE inc_incidents (
    id {serial},
    agency_id TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    harms TEXT NOT NULL,
    beyond_capacity_on TEXT,
    serious BIGINT NOT NULL,
    phase TEXT NOT NULL,
    discovered_at BIGINT NOT NULL,
    reported_at BIGINT NOT NULL,
    reported_by TEXT NOT NULL,
    contained_at BIGINT,
    response_ended_on TEXT,
    closed_at BIGINT,
    root_cause TEXT NOT NULL DEFAULT '',
    lessons TEXT NOT NULL DEFAULT '',
    assignee TEXT,
    source TEXT NOT NULL,
    source_ref TEXT NOT NULL DEFAULT '',
    regime TEXT NOT NULL
);
CREATE INDEX inc_incidents_agency ON inc_incidents (agency_id, discovered_at);
CREATE TABLE inc_affected (
    incident_id BIGINT NOT NULL REFERENCES inc_incidents (id),
    system_id BIGINT NOT NULL REFERENCES inc_systems (id),
    PRIMARY KEY (incident_id, system_id)
);
CREATE TABLE inc_actions (
    id {serial},
    incident_id BIGINT NOT NULL REFERENCES inc_incidents (id),
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    what TEXT NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX inc_actions_incident ON inc_actions (incident_id, at);
CREATE TABLE inc_reports (
    id {serial},
    incident_id BIGINT REFERENCES inc_incidents (id),
    agency_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    sent_on TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    sent_by TEXT NOT NULL,
    recipients TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX inc_reports_incident ON inc_reports (incident_id);
