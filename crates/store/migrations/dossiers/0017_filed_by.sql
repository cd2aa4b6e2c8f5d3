-- Who filed a dossier online, as an identity provider vouched for them
-- (issue 14): the provider, the subject there, the level of assurance, and
-- for an organisation the representative's ID number.
CREATE TABLE dossier_filers (
    dossier_id BIGINT PRIMARY KEY,
    provider TEXT NOT NULL,
    subject TEXT NOT NULL,
    assurance BIGINT NOT NULL,
    person TEXT,
    at BIGINT NOT NULL
);
