-- leases_acts.sql: the scratch tables of the operations that change leases
-- (lock, unlock, renew), after leases_begin.sql; lock --check needs neither.
-- The leases an operation acts on (taken over, released, renewed), and why.
CREATE TEMP TABLE IF NOT EXISTS lease_act (id INTEGER PRIMARY KEY, why TEXT NOT NULL);
-- Lines of human output (leases_out.sql prints them).
CREATE TEMP TABLE IF NOT EXISTS lease_out (i INTEGER PRIMARY KEY, line TEXT NOT NULL);
