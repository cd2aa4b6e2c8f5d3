-- Files held while their form is shown again because another field was
-- refused: the person sends the form back without choosing the file again.
-- Named here (`blob_key`), a held file outlives the sweep of unreferenced
-- files; a hold a day old is let go, and the sweep takes its file after.
CREATE TABLE held_files (
    id {serial},
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    blob_key TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    held_at BIGINT NOT NULL
);
CREATE INDEX held_files_held_at ON held_files (held_at);
CREATE INDEX held_files_blob ON held_files (blob_key)
