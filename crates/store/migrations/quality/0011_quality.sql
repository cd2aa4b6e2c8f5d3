-- The service-quality index kept up to date in the dossiers' own write
-- transactions. A kept dossier's share is one row of dossier_quality, added
-- into quality_daily under its day of receipt (yyyymmdd, Vietnam's time),
-- receiving agency, procedure and officer; every later write to it takes
-- the old share away and adds the new one. An open dossier whose clock runs
-- towards its deadline is kept as on time, with the instant it stops being
-- so (running_until, Vietnam's time in microseconds); readers take away
-- those past it. Dossiers not kept yet (kept = 0: new submissions until
-- their first action or the background keeper) are counted from their
-- histories at each request, so none is ever missed.
ALTER TABLE dossiers ADD COLUMN kept BIGINT NOT NULL DEFAULT 0;
CREATE INDEX dossiers_unkept ON dossiers (received_at) WHERE kept = 0;
CREATE TABLE dossier_quality (
    dossier_id BIGINT PRIMARY KEY,
    code TEXT NOT NULL,
    day BIGINT NOT NULL,
    agency TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    officer BIGINT NOT NULL,
    late_minutes BIGINT,
    running_until BIGINT,
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
CREATE INDEX dossier_quality_running ON dossier_quality (running_until) WHERE running_until IS NOT NULL;
CREATE INDEX dossier_quality_by_rule ON dossier_quality (running_until) WHERE running_until IS NOT NULL AND on_time = 0;
-- The sums, by day (grain 'd', period yyyymmdd) and by month (grain 'm',
-- period yyyymm), so that a year reads twelve months and the days at its
-- edges. Each share is added under its agency (procedure_code '' and
-- officer 0: the agency's totals), under its agency and procedure (officer
-- 0), and under its agency and officer (procedure_code ''; officer > 0, a
-- breakdown of the totals, not to be added to them).
CREATE TABLE quality_sums (
    grain TEXT NOT NULL,
    period BIGINT NOT NULL,
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
    PRIMARY KEY (grain, period, agency, procedure_code, officer)
);
CREATE INDEX quality_sums_procedure ON quality_sums (procedure_code, grain, period);
