-- Per-connection set-up, run by both sides on every connection: the sqlite3
-- CLI reads it with -init, Python executes it minus the dot-command lines.
-- Nothing here writes to the database file.
-- The WAL: Python leaves SQLite's checkpoint at close on; the shell's
-- commands and hooks keep the WAL at exit and restart it themselves
-- (_roost_wal_keep and _roost_wal_restart in lib/roost/core.sh: a kept WAL
-- that is never restarted grows without bound, because a lone process
-- rebuilds the WAL index on open and forgets what was checkpointed).
PRAGMA foreign_keys = ON;
PRAGMA synchronous = NORMAL;
PRAGMA temp_store = MEMORY;
-- The caller's context: k='now' (unix seconds, or ROOST_NOW in tests).
CREATE TEMP TABLE roost_ctx(k TEXT PRIMARY KEY NOT NULL, v) WITHOUT ROWID;
-- Errors raised by a script: a row here is printed and the script stops.
CREATE TEMP TABLE roost_err(rc INTEGER NOT NULL, msg TEXT NOT NULL);
CREATE TEMP TABLE roost_stop(x CHECK (x IS NULL));
-- Liveness, the one definition every feature uses.
--   gone:   session ended, or process found dead, since it was last seen;
--           or not seen for gone_window
--   active: seen within active_window
--   idle:   otherwise (its process is alive, or unknown)
CREATE TEMP VIEW agent_state AS
  SELECT f.*,
         CASE
           WHEN f.ended OR f.dead THEN 'gone'
           WHEN (SELECT v FROM roost_ctx WHERE k = 'now') - f.last_seen > f.gone_window THEN 'gone'
           WHEN (SELECT v FROM roost_ctx WHERE k = 'now') - f.last_seen <= f.active_window THEN 'active'
           ELSE 'idle'
         END AS state
  FROM agent_facts f;
