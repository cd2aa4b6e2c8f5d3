-- Decision 766's reuse of digitised data is counted (dossiers that took a
-- part from the citizen's store), and "digitised inputs" now means parts
-- checked against their originals by an official (or taken from the store),
-- not merely uploaded: every kept share is dropped and kept again from the
-- histories (a dossier not kept yet is counted from its history meanwhile).
ALTER TABLE dossier_quality ADD COLUMN reused BIGINT NOT NULL DEFAULT 0;
ALTER TABLE quality_sums ADD COLUMN reused BIGINT NOT NULL DEFAULT 0;
DELETE FROM quality_sums;
DELETE FROM dossier_quality;
UPDATE dossiers SET kept = 0 WHERE kept <> 0
