-- Background jobs that must run on one instance at a time (issue 16, point
-- 3): the instance holding each job's lease, and until when; a lease not
-- renewed in time is taken over by another instance.
CREATE TABLE job_leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until_at BIGINT NOT NULL
);
