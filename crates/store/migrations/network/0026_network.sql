-- The specialised data network (issue 19): connection points (sites) linked
-- to the directory's units and agencies; their probes with the prober's
-- lease (lease_holder, lease_until) and each probe's run of results
-- (failures, first_failure, down; last_slot: the last interval probed, so
-- an instance taking a probe over never probes a slot twice); results kept
-- per probe and hour (sums, and the raw results packed four bytes each
-- until the raw period ends); outages of probes (a site's are their
-- union); maintenance windows; links with their SNMP counters and 5-minute
-- samples. A site's down_since/alerted/reminded say what its outage owed.
CREATE TABLE net_sites (
    id {serial},
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    agency_id TEXT,
    access_level TEXT NOT NULL,
    address TEXT NOT NULL,
    public BIGINT NOT NULL,
    notes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    down_since BIGINT,
    alerted BIGINT NOT NULL DEFAULT 0,
    reminded BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE net_probes (
    id {serial},
    site_id BIGINT NOT NULL REFERENCES net_sites (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    interval_s BIGINT NOT NULL,
    timeout_s BIGINT NOT NULL,
    down_after BIGINT NOT NULL,
    paused BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    push_digest TEXT UNIQUE,
    last_push BIGINT,
    lease_holder TEXT,
    lease_until BIGINT NOT NULL DEFAULT 0,
    failures BIGINT NOT NULL DEFAULT 0,
    first_failure BIGINT,
    down BIGINT NOT NULL DEFAULT 0,
    last_slot BIGINT NOT NULL DEFAULT -1,
    last_at BIGINT,
    last_ok BIGINT,
    last_ms BIGINT,
    last_note TEXT NOT NULL DEFAULT '',
    cert_expires_at BIGINT
);
CREATE INDEX net_probes_site ON net_probes (site_id);
CREATE TABLE net_hours (
    probe_id BIGINT NOT NULL,
    hour BIGINT NOT NULL,
    checks BIGINT NOT NULL,
    fails BIGINT NOT NULL,
    ms_sum BIGINT NOT NULL,
    ms_max BIGINT NOT NULL,
    raw TEXT NOT NULL,
    PRIMARY KEY (probe_id, hour)
);
CREATE TABLE net_outages (
    id {serial},
    probe_id BIGINT NOT NULL,
    site_id BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    ended_at BIGINT,
    cause TEXT NOT NULL
);
CREATE INDEX net_outages_site ON net_outages (site_id, started_at);
CREATE TABLE net_maintenance (
    id {serial},
    site_id BIGINT NOT NULL REFERENCES net_sites (id),
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    note TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX net_maintenance_site ON net_maintenance (site_id, starts_at);
CREATE TABLE net_links (
    id {serial},
    site_id BIGINT NOT NULL REFERENCES net_sites (id),
    name TEXT NOT NULL,
    capacity_mbps BIGINT NOT NULL,
    snmp_address TEXT,
    snmp_community TEXT,
    if_index BIGINT,
    read_at BIGINT,
    read_in BIGINT,
    read_out BIGINT
);
CREATE TABLE net_samples (
    link_id BIGINT NOT NULL,
    at BIGINT NOT NULL,
    in_bps BIGINT NOT NULL,
    out_bps BIGINT NOT NULL,
    PRIMARY KEY (link_id, at)
);
