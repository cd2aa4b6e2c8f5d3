-- Indexes that keep the late lists and the running corrections short at
-- ten million dossiers (issue 5), whatever the scope:
-- * the running dossiers by the instant they stop being on time, with the
--   columns the correction of the sums groups by, so that taking away those
--   now past it reads the index alone;
-- * each agency's running dossiers in the same order, so that an agency's
--   (or a commune's) list of the most late does not walk every agency's;
-- * the dossiers late by rule whose clock still runs, in the order of their
--   code (how the list breaks its ties), for all and for each agency.
DROP INDEX dossier_quality_running;
DROP INDEX dossier_quality_by_rule;
CREATE INDEX dossier_quality_running ON dossier_quality (running_until, on_time, day, agency, officer, procedure_code)
    WHERE running_until IS NOT NULL;
CREATE INDEX dossier_quality_agency_running ON dossier_quality (agency, running_until) WHERE running_until IS NOT NULL;
CREATE INDEX dossier_quality_by_rule ON dossier_quality (code) WHERE running_until IS NOT NULL AND on_time = 0;
CREATE INDEX dossier_quality_agency_by_rule ON dossier_quality (agency, code)
    WHERE running_until IS NOT NULL AND on_time = 0;
