-- Each report sent is kept as the PDF that was sent (base64), its SHA-256,
-- the instance's Ed25519 signature of that digest and the signing key.
ALTER TABLE inc_reports ADD COLUMN pdf TEXT;
ALTER TABLE inc_reports ADD COLUMN pdf_sha256 TEXT;
ALTER TABLE inc_reports ADD COLUMN signature TEXT;
ALTER TABLE inc_reports ADD COLUMN signer_key TEXT
