-- Lease operations, shared by the shell (sqlite3 .read) and Python
-- (roost.leases): the same statements decide grants, denials and reclaims
-- on both sides. Parameters: @now, @me (as everywhere), and per operation
-- those named in each file. Unset parameters are NULL.
--
-- leases_begin.sql: per-connection scratch tables (temp: never in the file). A
-- connection that runs several operations empties them first (Python:
-- roost.leases RESET). The caller then fills lease_req (n, kind, key,
-- shared) with canonical keys, one row per path, and runs leases_fast.sql.
--
-- Files, in the order an operation reads them:
--   lock:    begin, fast, fast_lock (+ out) | match, lock, lock_json | lock_text + out
--   check:   begin, fast, fast_check (+ out) | match, check, check_json | check_text + out
--   unlock:  begin, unlock (+ out);   renew: begin, renew (+ out)
-- The shell reads only what a command needs, as sqlite3 prepares every
-- statement it is given: statements that cannot apply are not given.
CREATE TEMP TABLE IF NOT EXISTS lease_req (
  n      INTEGER PRIMARY KEY,       -- argument order
  kind   TEXT NOT NULL,             -- file | dir | glob | resource
  key    TEXT NOT NULL,
  shared INTEGER NOT NULL DEFAULT 0,
  base   TEXT,                      -- filled by leases_match.sql, as leases.base
  pat    TEXT,                      -- the key as a pattern: 'src/' is 'src/**'
  UNIQUE (key, kind)
);
-- The leases an operation acts on (taken over, released, renewed), and why.
CREATE TEMP TABLE IF NOT EXISTS lease_act (id INTEGER PRIMARY KEY, why TEXT NOT NULL);
-- Lines of human output (leases_out.sql prints them).
CREATE TEMP TABLE IF NOT EXISTS lease_out (i INTEGER PRIMARY KEY, line TEXT NOT NULL);
