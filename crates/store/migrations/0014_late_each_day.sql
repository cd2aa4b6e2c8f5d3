-- A short period's most late dossiers read day by day (issue 5): each day's
-- first rows of an index by (day, lateness, code) are that day's most late
-- in the list's order, so a week reads at most 7 × the limit. A walk of the
-- index by lateness read tens of thousands for a recent week (its dossiers
-- are the least late), and reading all of the week's read as many.
CREATE INDEX dossier_quality_day_lateness ON dossier_quality (day, late_minutes DESC, code)
    WHERE late_minutes IS NOT NULL;
-- an agency's, the same way; it replaces the one by (agency, day, procedure)
DROP INDEX dossier_quality_agency_day_late;
CREATE INDEX dossier_quality_agency_day_lateness ON dossier_quality (agency, day, late_minutes DESC, code)
    WHERE late_minutes IS NOT NULL;
