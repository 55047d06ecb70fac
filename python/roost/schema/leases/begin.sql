-- Lease operations, shared by the shell (sqlite3 .read) and Python
-- (roost.leases): the same statements decide grants, denials and reclaims
-- on both sides. Parameters: @now, @me (as everywhere), and per operation
-- those named in each file. Unset parameters are NULL.
--
-- begin.sql: per-connection scratch tables, emptied for a new request.
-- The caller then fills lease_req (n, kind, key, shared) with canonical
-- keys, one row per path, and runs match.sql.
CREATE TEMP TABLE IF NOT EXISTS lease_req (
  n      INTEGER PRIMARY KEY,       -- argument order
  kind   TEXT NOT NULL,             -- file | dir | glob | resource
  key    TEXT NOT NULL,
  shared INTEGER NOT NULL DEFAULT 0,
  base   TEXT,                      -- filled by match.sql, as leases.base
  pat    TEXT,                      -- the key as a pattern: 'src/' is 'src/**'
  UNIQUE (key, kind)
);
-- Every lease row (held or queued, anyone's, live or not) that overlaps a
-- request: the geometry alone.
CREATE TEMP TABLE IF NOT EXISTS lease_hit (
  n  INTEGER NOT NULL,
  id INTEGER NOT NULL,
  PRIMARY KEY (n, id)
) WITHOUT ROWID;
-- The hits that stand in the way: someone else's live held lease, or an
-- earlier live waiter's request, and not both shared.
CREATE TEMP TABLE IF NOT EXISTS lease_blk (
  n INTEGER NOT NULL, id INTEGER NOT NULL, holder TEXT NOT NULL, kind TEXT NOT NULL,
  key TEXT NOT NULL, shared INTEGER NOT NULL, reason TEXT, since INTEGER NOT NULL,
  until INTEGER NOT NULL, state TEXT NOT NULL, queued INTEGER NOT NULL, ts INTEGER NOT NULL,
  pid INTEGER, pid_start TEXT, host TEXT, wait INTEGER, msg TEXT
);
-- The leases an operation acts on (taken over, released, renewed), and why.
CREATE TEMP TABLE IF NOT EXISTS lease_act (id INTEGER PRIMARY KEY, why TEXT NOT NULL);
-- Lines of human output, cleaned of control characters by out.sql.
CREATE TEMP TABLE IF NOT EXISTS lease_out (i INTEGER PRIMARY KEY, line TEXT NOT NULL);
DELETE FROM roost_err;
DELETE FROM lease_req;
DELETE FROM lease_hit;
DELETE FROM lease_blk;
DELETE FROM lease_out;
DELETE FROM lease_act;
DELETE FROM roost_ctx WHERE k GLOB 'lease_*';
