-- A dossier's files are its document parts or its electronic result.
ALTER TABLE dossier_files ADD COLUMN purpose TEXT NOT NULL DEFAULT 'part'
