-- An incident raised from a detection or an outage is raised once: asking
-- again finds the one raised before.
CREATE UNIQUE INDEX inc_incidents_source_ref ON inc_incidents (source_ref) WHERE source_ref <> ''
