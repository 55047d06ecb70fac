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
--   lock:    begin, acts, fast, fast_lock (+ out) | match, lock, lock_json | lock_text + out
--   check:   begin, near (files and resources) | match, fast_check_json | fast_check_text | check, check_json | check_text
--   unlock:  begin, acts, unlock (+ out);   renew: begin, acts, renew (+ out)
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
