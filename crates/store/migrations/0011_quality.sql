-- The service-quality index kept up to date in the dossiers' own write
-- transactions. A dossier whose share is final (processing ended, or
-- withdrawn) is "settled": its share is one row of dossier_quality and is
-- added into quality_daily under its day of receipt (yyyymmdd, Vietnam's
-- time), receiving agency, procedure and officer. Every later write to it
-- takes the old share away and adds the new one. Dossiers not settled are
-- counted from their histories at each request (they are the open ones),
-- so a dossier missing from the sums is still counted, never lost.
ALTER TABLE dossiers ADD COLUMN settled BIGINT NOT NULL DEFAULT 0;
CREATE INDEX dossiers_unsettled ON dossiers (received_at) WHERE settled = 0;
CREATE TABLE dossier_quality (
    dossier_id BIGINT PRIMARY KEY,
    code TEXT NOT NULL,
    day BIGINT NOT NULL,
    agency TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    officer BIGINT NOT NULL,
    late_minutes BIGINT,
    appointment TEXT,
    counted BIGINT NOT NULL,
    on_time BIGINT NOT NULL,
    finished BIGINT NOT NULL,
    minutes BIGINT NOT NULL,
    online BIGINT NOT NULL,
    paid_online BIGINT NOT NULL,
    digitised BIGINT NOT NULL,
    complaints BIGINT NOT NULL,
    rated BIGINT NOT NULL,
    rating_sum BIGINT NOT NULL
);
CREATE INDEX dossier_quality_late ON dossier_quality (late_minutes, day) WHERE late_minutes IS NOT NULL;
CREATE INDEX dossier_quality_agency_late ON dossier_quality (agency, late_minutes) WHERE late_minutes IS NOT NULL;
CREATE TABLE quality_daily (
    day BIGINT NOT NULL,
    agency TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    officer BIGINT NOT NULL,
    counted BIGINT NOT NULL,
    on_time BIGINT NOT NULL,
    finished BIGINT NOT NULL,
    minutes BIGINT NOT NULL,
    online BIGINT NOT NULL,
    paid_online BIGINT NOT NULL,
    digitised BIGINT NOT NULL,
    complaints BIGINT NOT NULL,
    rated BIGINT NOT NULL,
    rating_sum BIGINT NOT NULL,
    PRIMARY KEY (day, agency, procedure_code, officer)
);
