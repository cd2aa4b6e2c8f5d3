-- Commune radio (issue 20): stations attached to a commune's code (read on a
-- day through the directory's mergers), their daily slots, devices with a
-- one-time enrolment code and their credentials (SHA-256 digests), each
-- device's last status, bulletins with their audio (base64, in the database:
-- copied by every backup, never swept as an orphan file), their approval,
-- the commune's order among clashing bulletins, playbacks as devices report
-- them (with the station's unit then), and when each device received an
-- emergency.
CREATE TABLE radio_stations (
    id {serial},
    name TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    staff BIGINT NOT NULL,
    address TEXT NOT NULL,
    UNIQUE (unit_code, name)
);
CREATE TABLE radio_slots (
    station_id BIGINT NOT NULL REFERENCES radio_stations (id),
    start_min BIGINT NOT NULL,
    end_min BIGINT NOT NULL,
    PRIMARY KEY (station_id, start_min)
);
CREATE TABLE radio_devices (
    id {serial},
    station_id BIGINT NOT NULL REFERENCES radio_stations (id),
    serial TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    location TEXT NOT NULL,
    enrol_digest TEXT UNIQUE,
    enrol_expires BIGINT,
    cred_digest TEXT UNIQUE,
    enrolled_at BIGINT,
    last_seen BIGINT,
    playing BIGINT,
    volume BIGINT,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX radio_devices_station ON radio_devices (station_id);
CREATE TABLE radio_audio (
    sha256 TEXT PRIMARY KEY,
    format TEXT NOT NULL,
    duration_ms BIGINT NOT NULL,
    size BIGINT NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE radio_bulletins (
    id {serial},
    owner_agency TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    category TEXT NOT NULL,
    priority TEXT NOT NULL,
    target TEXT NOT NULL,
    valid_from BIGINT NOT NULL,
    valid_to BIGINT NOT NULL,
    state TEXT NOT NULL,
    level TEXT NOT NULL,
    audio_sha256 TEXT REFERENCES radio_audio (sha256),
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    decided_by TEXT,
    decided_at BIGINT,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX radio_bulletins_live ON radio_bulletins (state, valid_to);
CREATE TABLE radio_ranks (
    station_id BIGINT NOT NULL REFERENCES radio_stations (id),
    bulletin_id BIGINT NOT NULL REFERENCES radio_bulletins (id),
    rank BIGINT NOT NULL,
    PRIMARY KEY (station_id, bulletin_id)
);
CREATE TABLE radio_playbacks (
    id {serial},
    device_id BIGINT NOT NULL REFERENCES radio_devices (id),
    station_id BIGINT NOT NULL,
    unit_code TEXT NOT NULL,
    bulletin_id BIGINT NOT NULL REFERENCES radio_bulletins (id),
    report_id TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    ended_at BIGINT NOT NULL,
    completed BIGINT NOT NULL,
    UNIQUE (device_id, report_id)
);
CREATE INDEX radio_playbacks_time ON radio_playbacks (started_at);
CREATE TABLE radio_deliveries (
    bulletin_id BIGINT NOT NULL REFERENCES radio_bulletins (id),
    device_id BIGINT NOT NULL REFERENCES radio_devices (id),
    delivered_at BIGINT NOT NULL,
    PRIMARY KEY (bulletin_id, device_id)
)
