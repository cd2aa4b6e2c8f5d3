-- The document parts attached to a dossier; the bytes live in the blob store.
CREATE TABLE dossier_files (
    id {serial},
    dossier_id BIGINT NOT NULL,
    part_index BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    blob_key TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX dossier_files_dossier ON dossier_files (dossier_id)
