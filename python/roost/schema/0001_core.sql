-- roost core schema: agents, sessions, Lamport clocks, the event log, config.
-- Read by both the sqlite3 CLI (shell hot path) and Python. Plain SQL only.
-- The migration runner sets PRAGMA user_version from the file number.

PRAGMA application_id = 1380928340;  -- 0x524F4F54, "ROOT"-ish marker for roost files

-- Every agent that ever used this database. State (active/idle/gone) is
-- derived, never stored: see agent_view.
CREATE TABLE agents (
  id            TEXT PRIMARY KEY NOT NULL,
  role          TEXT,
  team          TEXT,
  registered_at INTEGER NOT NULL,
  last_seen     INTEGER NOT NULL,
  pid           INTEGER,          -- the agent's long-lived process (agent CLI), if known
  pid_start     TEXT,             -- its start time (/proc/PID/stat field 22), to detect pid reuse
  host          TEXT,             -- host the pid lives on
  ended_at      INTEGER,          -- session ended (hook session-end); any later activity clears it
  dead_at       INTEGER,          -- its pid was found dead; any later activity clears it
  epoch         INTEGER NOT NULL DEFAULT 0,
  round         INTEGER NOT NULL DEFAULT 0,
  CHECK (id GLOB '[A-Za-z0-9]*' AND length(id) BETWEEN 1 AND 64
         AND id NOT GLOB '*[^A-Za-z0-9._-]*' AND id NOT IN ('all', 'operator'))
);
CREATE INDEX agents_role ON agents(role) WHERE role IS NOT NULL;
CREATE INDEX agents_team ON agents(team) WHERE team IS NOT NULL;

-- Agent-CLI sessions bound to an agent identity (CLAUDE_CODE_SESSION_ID,
-- GEMINI_SESSION_ID, or a session id handed over by a hook).
CREATE TABLE sessions (
  id         TEXT PRIMARY KEY NOT NULL,
  agent      TEXT NOT NULL REFERENCES agents(id),
  vendor     TEXT,
  pid        INTEGER,
  pid_start  TEXT,
  host       TEXT,
  started_at INTEGER NOT NULL,
  ended_at   INTEGER
);
CREATE INDEX sessions_agent ON sessions(agent);

-- Lamport clocks, one per actor ('operator' included: a person with no id).
CREATE TABLE clocks (
  agent TEXT PRIMARY KEY NOT NULL,
  t     INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- The append-only event log. seq grows in commit order: one writer at a
-- time takes max(seq)+1, and rows are never deleted (trigger below), so no
-- AUTOINCREMENT bookkeeping is needed. ts is the actor's Lamport timestamp.
-- Causal order: (ts, agent).
CREATE TABLE events (
  seq    INTEGER PRIMARY KEY,
  ts     INTEGER NOT NULL,
  agent  TEXT NOT NULL,
  kind   TEXT NOT NULL,
  target TEXT,
  body   TEXT,
  at     INTEGER NOT NULL
);
CREATE INDEX events_causal ON events(ts, agent);
CREATE INDEX events_kind ON events(kind, seq);
CREATE INDEX events_agent ON events(agent, seq);

CREATE TRIGGER events_append_only_u BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'roost: the event log is append-only'); END;
CREATE TRIGGER events_append_only_d BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'roost: the event log is append-only'); END;

-- The one way to append an event, for both languages:
--   INSERT INTO emit(agent, kind, target, body, at, seen) VALUES (...)
-- `seen` is the largest Lamport timestamp this event delivers to the actor
-- (0 or NULL for a purely local event). The trigger applies IR1/IR2:
-- ts = max(clock, seen) + 1, appends the event and advances the clock, all
-- inside the caller's transaction.
CREATE VIEW emit(agent, kind, target, body, at, seen) AS
  SELECT agent, kind, target, body, at, 0 FROM events WHERE 0;

CREATE TRIGGER emit_insert INSTEAD OF INSERT ON emit
BEGIN
  INSERT INTO clocks(agent, t) VALUES (NEW.agent, 0) ON CONFLICT(agent) DO NOTHING;
  UPDATE clocks SET t = max(t, coalesce(NEW.seen, 0)) + 1 WHERE agent = NEW.agent;
  INSERT INTO events(ts, agent, kind, target, body, at)
    VALUES ((SELECT t FROM clocks WHERE agent = NEW.agent),
            NEW.agent, NEW.kind, NEW.target, NEW.body, NEW.at);
END;

-- Settings shared by shell and Python. Every key exists with its default;
-- `roost config KEY VALUE` sets value, Python validates by type.
CREATE TABLE config (
  key     TEXT PRIMARY KEY NOT NULL,
  value   TEXT,                  -- NULL: use default
  dflt    TEXT NOT NULL,
  type    TEXT NOT NULL,         -- duration | int | bool | text | target | enum:a|b
  doc     TEXT NOT NULL
) WITHOUT ROWID;

CREATE VIEW settings(key, value) AS
  SELECT key, coalesce(value, dflt) FROM config;

INSERT INTO config(key, dflt, type, doc) VALUES
  ('active_window', '300', 'duration',
   'an agent seen within this long is active'),
  ('gone_window', '3600', 'duration',
   'an agent not seen for this long is gone, whatever its process'),
  ('lease_ttl', '3600', 'duration',
   'default length of a lease when lock gives no --ttl');

-- Liveness facts; the state itself needs "now" and is the temp view
-- agent_state defined in connection.sql (per connection, both languages).
CREATE VIEW agent_facts AS
  SELECT a.*,
         (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'active_window') AS active_window,
         (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'gone_window') AS gone_window,
         (a.ended_at IS NOT NULL) AS ended,
         (a.dead_at IS NOT NULL) AS dead
  FROM agents a;
