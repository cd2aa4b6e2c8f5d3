-- Announced working-day schedules, one document per year.
CREATE TABLE calendar_announcements (
    year BIGINT PRIMARY KEY,
    document TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('calendar_version', '0');
