-- Press information (Decree 244/2026): journalists' requests, press
-- conferences, briefings attended, the monthly periodic information,
-- events with their first statement, correction requests. Each kind reads
-- its own columns (the store maps them to the domain's record, which has
-- exactly its kind's fields); `done_at` is when it was answered, held,
-- spoken or corrected.
CREATE TABLE news_press_entries (
    id {serial},
    agency_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    journalist TEXT NOT NULL,
    outlet TEXT NOT NULL,
    at_time BIGINT NOT NULL,
    deadline TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    done_at BIGINT,
    done_text TEXT NOT NULL DEFAULT '',
    done_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX news_press_entries_time ON news_press_entries (at_time);
