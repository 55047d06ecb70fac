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
-- A shell script also stops itself here: INSERT INTO roost_err(rc) SELECT
-- NULL WHERE ... fails the NOT NULL constraint, and sqlite3 -bail exits,
-- rolling back (a table of its own for that cost a TEMP table's creation,
-- about 170K instructions, in every command).
CREATE TEMP TABLE roost_err(rc INTEGER NOT NULL, msg TEXT NOT NULL);
-- Liveness (the view agent_state) is in agent_state.sql: made when a
-- script first needs it (the shell: _roost_state), on every connection
-- (Python).
