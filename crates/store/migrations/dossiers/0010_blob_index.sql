-- The sweep of unreferenced files asks whether a blob is named by a row.
CREATE INDEX dossier_files_blob ON dossier_files (blob_key)
