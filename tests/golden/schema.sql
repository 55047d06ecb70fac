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
CREATE TABLE clocks (
  agent TEXT PRIMARY KEY NOT NULL,
  t     INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE events (
  seq    INTEGER PRIMARY KEY AUTOINCREMENT,
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
CREATE VIEW emit(agent, kind, target, body, at, seen) AS
  SELECT agent, kind, target, body, at, 0 FROM events WHERE 0
/* emit(agent,kind,target,body,at,seen) */;
CREATE TRIGGER emit_insert INSTEAD OF INSERT ON emit
BEGIN
  INSERT INTO clocks(agent, t) VALUES (NEW.agent, 0) ON CONFLICT(agent) DO NOTHING;
  UPDATE clocks SET t = max(t, coalesce(NEW.seen, 0)) + 1 WHERE agent = NEW.agent;
  INSERT INTO events(ts, agent, kind, target, body, at)
    VALUES ((SELECT t FROM clocks WHERE agent = NEW.agent),
            NEW.agent, NEW.kind, NEW.target, NEW.body, NEW.at);
END;
CREATE TABLE config (
  key     TEXT PRIMARY KEY NOT NULL,
  value   TEXT,                  -- NULL: use default
  dflt    TEXT NOT NULL,
  type    TEXT NOT NULL,         -- duration | int | bool | text | target | enum:a|b
  doc     TEXT NOT NULL
) WITHOUT ROWID;
CREATE VIEW settings(key, value) AS
  SELECT key, coalesce(value, dflt) FROM config
/* settings("key",value) */;
CREATE VIEW agent_facts AS
  SELECT a.*,
         (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'active_window') AS active_window,
         (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'gone_window') AS gone_window,
         (a.ended_at IS NOT NULL) AS ended,
         (a.dead_at IS NOT NULL) AS dead
  FROM agents a
/* agent_facts(id,role,team,registered_at,last_seen,pid,pid_start,host,ended_at,dead_at,epoch,round,active_window,gone_window,ended,dead) */;
CREATE TABLE messages (
  id       INTEGER PRIMARY KEY REFERENCES events(seq),  -- = the msg.send event's seq
  sender   TEXT NOT NULL,
  thread   INTEGER NOT NULL,        -- id of the first message of the thread (itself for a root)
  reply_to INTEGER REFERENCES messages(id)
);
CREATE INDEX messages_thread ON messages(thread, id);
CREATE INDEX messages_sender ON messages(sender, id);
CREATE TABLE deliveries (
  agent    TEXT NOT NULL REFERENCES agents(id),
  msg      INTEGER NOT NULL REFERENCES messages(id),
  sender   TEXT NOT NULL,           -- copied from messages, for recv --from
  read_at  INTEGER,                 -- unix time it was first shown to the recipient (NULL: unread)
  acked_at INTEGER,                 -- unix time the recipient acknowledged it
  PRIMARY KEY (agent, msg)
) WITHOUT ROWID;
CREATE INDEX deliveries_unread ON deliveries(agent, msg) WHERE read_at IS NULL;
