-- Per-connection set-up, run by both sides on every connection: the sqlite3
-- CLI reads it with -init, Python executes it minus the dot-command lines.
-- Nothing here writes to the database file.
-- Keep the WAL at close: each roost command is a short-lived process and
-- would otherwise checkpoint and fsync on every exit (auto-checkpoint at
-- 1000 pages still bounds the WAL). Durability is unchanged: a commit is
-- as durable as synchronous=NORMAL makes it, whether or not it is
-- checkpointed. .dbconfig prints its value, hence the .output pair.
.output /dev/null
.dbconfig no_ckpt_on_close on
.output
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
