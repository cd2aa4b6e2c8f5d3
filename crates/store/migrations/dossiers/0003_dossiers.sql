-- One-stop dossiers, their gap-free daily counters and their history.
CREATE TABLE dossiers (
    id {serial},
    code TEXT UNIQUE,
    procedure_code TEXT NOT NULL,
    owner_id BIGINT,
    applicant_name TEXT NOT NULL,
    applicant_folded TEXT NOT NULL,
    applicant_id_number TEXT,
    assignee_id BIGINT,
    due_at TEXT,
    receiving_agency TEXT NOT NULL,
    current_agency TEXT NOT NULL,
    status TEXT NOT NULL,
    state TEXT NOT NULL,
    form_data TEXT NOT NULL,
    received_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX dossiers_owner ON dossiers (owner_id);
CREATE INDEX dossiers_agency_status ON dossiers (current_agency, status);
CREATE INDEX dossiers_receiving_status ON dossiers (receiving_agency, status);
CREATE INDEX dossiers_assignee ON dossiers (assignee_id);
CREATE TABLE dossier_counters (
    agency TEXT NOT NULL,
    day TEXT NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (agency, day)
);
CREATE TABLE dossier_events (
    id {serial},
    dossier_id BIGINT NOT NULL,
    at BIGINT NOT NULL,
    actor_id BIGINT,
    action TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    note TEXT NOT NULL,
    due TEXT
);
CREATE INDEX dossier_events_dossier ON dossier_events (dossier_id, id)
