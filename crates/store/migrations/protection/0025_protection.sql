-- Endpoint protection (issue 18): the inventory of agencies' servers and
-- workstations (dated: a machine counts from added_on until retired_on),
-- one-time enrolment tokens and agents' credentials (SHA-256 digests), each
-- machine's last heartbeat, detections and their handling, and the daily
-- coverage series kept for the year-end report. own = 1: egov's own
-- machine, whose uploads it scans (not in any agency's inventory).
CREATE TABLE pr_machines (
    id {serial},
    agency_id TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    location TEXT NOT NULL,
    address TEXT NOT NULL,
    notes TEXT NOT NULL,
    added_on TEXT NOT NULL,
    retired_on TEXT,
    own BIGINT NOT NULL DEFAULT 0,
    UNIQUE (agency_id, name)
);
CREATE TABLE pr_enrolments (
    digest TEXT PRIMARY KEY,
    machine_id BIGINT NOT NULL REFERENCES pr_machines (id),
    issued_by TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE TABLE pr_agents (
    id {serial},
    machine_id BIGINT NOT NULL REFERENCES pr_machines (id),
    digest TEXT NOT NULL UNIQUE,
    enrolled_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX pr_agents_machine ON pr_agents (machine_id);
CREATE TABLE pr_status (
    machine_id BIGINT PRIMARY KEY REFERENCES pr_machines (id),
    agent_id BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    host_name TEXT NOT NULL,
    os TEXT NOT NULL,
    addresses TEXT NOT NULL,
    agent_version TEXT NOT NULL,
    engine_line TEXT,
    signature_date BIGINT,
    last_scan BIGINT,
    last_scan_result TEXT,
    last_good_scan BIGINT,
    alerted_at BIGINT
);
CREATE TABLE pr_detections (
    id {serial},
    machine_id BIGINT NOT NULL REFERENCES pr_machines (id),
    report_id TEXT NOT NULL,
    found_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    path TEXT NOT NULL,
    signature TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    action TEXT NOT NULL,
    state TEXT NOT NULL,
    handled_by TEXT,
    handled_at BIGINT,
    note TEXT NOT NULL DEFAULT '',
    UNIQUE (machine_id, report_id)
);
CREATE INDEX pr_detections_received ON pr_detections (received_at);
CREATE TABLE pr_coverage_days (
    day TEXT NOT NULL,
    agency_id TEXT NOT NULL,
    machines BIGINT NOT NULL,
    covered BIGINT NOT NULL,
    PRIMARY KEY (day, agency_id)
);
