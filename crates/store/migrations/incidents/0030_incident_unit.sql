-- The administrative unit where an incident happened (a commune, or the
-- province): by default the reporting agency's; an outage's is its site's.
ALTER TABLE inc_incidents ADD COLUMN unit_code TEXT NOT NULL DEFAULT '';
UPDATE inc_incidents SET unit_code = (SELECT a.unit_code FROM agencies a WHERE a.id = inc_incidents.agency_id)
    WHERE EXISTS (SELECT 1 FROM agencies a WHERE a.id = inc_incidents.agency_id)
