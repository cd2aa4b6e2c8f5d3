-- A short period's most late dossiers read day by day (issue 5): each day's
-- first entries of an index by (day, lateness, code) are that day's most
-- late in the list's order, so a week reads at most 7 × the limit entries
-- of the index to learn the lateness of the last in the list, then the
-- rows at least that late. A walk of the index by lateness read tens of
-- thousands for a recent week (its dossiers are the least late), and
-- reading all of the week's read as many.
CREATE INDEX dossier_quality_day_lateness ON dossier_quality (day, late_minutes DESC, code)
    WHERE late_minutes IS NOT NULL;
-- an agency's and some procedures' the same way; they replace the ones by
-- (agency, day, procedure) and (day, procedure), which a planner without
-- statistics (SQLite) would pass over for the one above, checking the
-- procedure on every row of the period
DROP INDEX dossier_quality_agency_day_late;
CREATE INDEX dossier_quality_agency_day_lateness ON dossier_quality (agency, day, late_minutes DESC, code)
    WHERE late_minutes IS NOT NULL;
DROP INDEX dossier_quality_day_late;
CREATE INDEX dossier_quality_procedure_day_lateness ON dossier_quality (procedure_code, day, late_minutes DESC, code)
    WHERE late_minutes IS NOT NULL;
