-- The document parts received with a dossier (names), for the receipt.
ALTER TABLE dossiers ADD COLUMN parts TEXT NOT NULL DEFAULT '[]'
