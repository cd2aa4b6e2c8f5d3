-- A report's evidence is named the way every blob is (a column `blob_key`
-- or `…_blob_key`): the sweep of unreferenced files and the backups find
-- the columns that name blobs in the schema itself, and missed this one
-- (the sweep removed evidence an hour old).
ALTER TABLE plan_reports RENAME COLUMN evidence_key TO evidence_blob_key;
CREATE INDEX plan_reports_evidence_blob ON plan_reports (evidence_blob_key)
