-- Results returned by agencies, registered as they are returned (issue 22):
-- the kind of document, its number (unique in its agency), the day of
-- issue, its holder (the dossier's applicant; the account, when the
-- dossier has an owner), its last valid day, the code printed on it for
-- the public check, and the dossier and electronic copy it came from.
CREATE TABLE issued_results (
    id {serial},
    dossier_id BIGINT NOT NULL,
    dossier_code TEXT NOT NULL,
    file_id BIGINT,
    doc_type TEXT NOT NULL,
    number TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    agency_code TEXT NOT NULL,
    holder_name TEXT NOT NULL,
    holder_folded TEXT NOT NULL,
    holder_user BIGINT,
    valid_until TEXT,
    check_code TEXT NOT NULL,
    issued_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX issued_results_number ON issued_results (agency_code, number);
CREATE UNIQUE INDEX issued_results_dossier ON issued_results (dossier_id);
CREATE INDEX issued_results_holder ON issued_results (holder_user);
CREATE INDEX issued_results_agency ON issued_results (agency_code, id);
-- A document part checked against its original by an official (who, when),
-- and a part taken from the citizen's store instead of uploaded (the file it
-- was taken from; the bytes are the same blob).
ALTER TABLE dossier_files ADD COLUMN digitised_by BIGINT;
ALTER TABLE dossier_files ADD COLUMN digitised_at BIGINT;
ALTER TABLE dossier_files ADD COLUMN reused_from BIGINT
