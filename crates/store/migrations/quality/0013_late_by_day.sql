-- A short period's late dossiers read by their day (issue 5): a day or a
-- week has few of them, and walking the index by lateness until enough
-- are found in it would read nearly all. The agency's index by lateness
-- gains the day, so that a walk checks the period without the table.
DROP INDEX dossier_quality_agency_late;
CREATE INDEX dossier_quality_agency_late ON dossier_quality (agency, late_minutes, day) WHERE late_minutes IS NOT NULL;
CREATE INDEX dossier_quality_day_late ON dossier_quality (day, procedure_code) WHERE late_minutes IS NOT NULL;
CREATE INDEX dossier_quality_agency_day_late ON dossier_quality (agency, day, procedure_code)
    WHERE late_minutes IS NOT NULL;
