-- The spokespersons' register (Decree 244/2026): each body's appointed
-- spokespersons and written delegations, as recorded (published on the
-- portal from then: `published_at`), and when one stopped speaking.
CREATE TABLE news_spokespersons (
    id {serial},
    agency_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    full_name TEXT NOT NULL,
    title TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT NOT NULL,
    appointed_at BIGINT NOT NULL,
    instrument TEXT NOT NULL,
    scope TEXT NOT NULL,
    ends_on TEXT,
    published_at BIGINT NOT NULL,
    recorded_by TEXT NOT NULL,
    ended_at BIGINT,
    end_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX news_spokespersons_agency ON news_spokespersons (agency_code);
