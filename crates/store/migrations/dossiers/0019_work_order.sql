-- The worklists read a page in the order they show (soonest due first, then
-- by code) straight from an index, without sorting a busy desk's thousands
-- of open dossiers for every page (issue 15, measured in BENCHMARKS.md);
-- these replace 0018's shorter indexes, which they begin with.
DROP INDEX dossiers_current_work;
DROP INDEX dossiers_receiving_work;
DROP INDEX dossiers_assignee_work;
CREATE INDEX dossiers_current_work_due ON dossiers (current_agency, work, due_at, code);
CREATE INDEX dossiers_receiving_work_due ON dossiers (receiving_agency, work, due_at, code);
CREATE INDEX dossiers_assignee_work_due ON dossiers (assignee_id, work, due_at, code);
