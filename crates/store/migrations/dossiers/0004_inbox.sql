-- The citizen's inbox: one message per change the citizen should know of.
CREATE TABLE inbox (
    id {serial},
    user_id BIGINT NOT NULL,
    dossier_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX inbox_user ON inbox (user_id, id)
