-- The citizen's rating of a finished dossier (Circular 01/2018: nine indicators, 0-2 each).
CREATE TABLE ratings (
    dossier_id BIGINT PRIMARY KEY,
    scores TEXT NOT NULL,
    total BIGINT NOT NULL,
    created_at BIGINT NOT NULL
)
