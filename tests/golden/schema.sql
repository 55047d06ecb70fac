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
CREATE TABLE lease_waits (
  id         INTEGER PRIMARY KEY,
  agent      TEXT NOT NULL REFERENCES agents(id),
  ts         INTEGER NOT NULL,      -- Lamport time of the request (its lease.wait event)
  asked      INTEGER NOT NULL,      -- unix time of the request
  until      INTEGER NOT NULL,      -- the waiter gives up at this time
  ttl        INTEGER NOT NULL,      -- length of the leases once granted
  reason     TEXT,
  pid        INTEGER,               -- the waiting process, to drop it when it dies
  pid_start  TEXT,
  host       TEXT
);
CREATE INDEX lease_waits_agent ON lease_waits(agent);
CREATE TABLE lease_clock (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  t  INTEGER NOT NULL
);
CREATE TABLE leases (
  id      INTEGER PRIMARY KEY,
  kind    TEXT NOT NULL CHECK (kind IN ('file', 'dir', 'glob', 'resource')),
  key     TEXT NOT NULL CHECK (length(CAST(key AS BLOB)) > 0),
  base    TEXT NOT NULL,
  holder  TEXT NOT NULL REFERENCES agents(id),
  shared  INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1)),
  reason  TEXT,
  since   INTEGER NOT NULL,
  until   INTEGER NOT NULL,
  ttl     INTEGER NOT NULL,       -- what renew extends by when given no --ttl
  ts      INTEGER NOT NULL,       -- Lamport time of the grant (or of the request, when waiting)
  wait    INTEGER REFERENCES lease_waits(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX leases_held ON leases(key, kind, holder) WHERE wait IS NULL;
CREATE INDEX leases_key ON leases(key, kind);
CREATE INDEX leases_base ON leases(base, kind);
CREATE INDEX leases_holder ON leases(holder, wait);
CREATE INDEX leases_wait ON leases(wait) WHERE wait IS NOT NULL;
CREATE TABLE queues (
  name        TEXT PRIMARY KEY NOT NULL,
  handler     TEXT NOT NULL,           -- AGENT or role:R: new tasks are offered to it
  sla         INTEGER,                 -- response-time target in seconds; NULL: none
  escalate_to TEXT,                    -- AGENT or role:R; NULL: the task_notify setting
  created_by  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  CHECK (name GLOB '[A-Za-z0-9]*' AND length(name) BETWEEN 1 AND 64
         AND name NOT GLOB '*[^A-Za-z0-9._-]*')
) WITHOUT ROWID;
CREATE TABLE tasks (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  title        TEXT NOT NULL,
  body         TEXT,
  priority     INTEGER NOT NULL DEFAULT 0,     -- higher first
  status       TEXT NOT NULL DEFAULT 'open'
               CHECK (status IN ('open', 'claimed', 'done', 'blocked', 'stuck', 'cancelled')),
  for_target   TEXT,                           -- AGENT or role:R; NULL: anyone
  queue        TEXT REFERENCES queues(name),
  holder       TEXT REFERENCES agents(id),
  claimed_at   INTEGER,
  lease_secs   INTEGER,
  waiting      INTEGER NOT NULL DEFAULT 0,     -- dependencies not yet done (kept by triggers)
  attempts     INTEGER NOT NULL DEFAULT 0,     -- claims, reclaims included
  reclaims     INTEGER NOT NULL DEFAULT 0,     -- claims taken from a gone or expired holder
  created_by   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  offered_at   INTEGER NOT NULL,               -- since when it waits for a taker (queue target)
  escalated_at INTEGER,                        -- set once, never cleared
  note         TEXT,                           -- done --note
  reason       TEXT,                           -- block --reason
  CHECK ((status = 'claimed') = (holder IS NOT NULL))
);
CREATE INDEX tasks_ready ON tasks(for_target, priority DESC, id)
  WHERE status = 'open' AND waiting = 0;
CREATE INDEX tasks_held ON tasks(holder, lease_secs, reclaims, waiting, priority, for_target,
                                 queue, escalated_at, offered_at) WHERE status = 'claimed';
CREATE INDEX tasks_sla ON tasks(queue, offered_at)
  WHERE queue IS NOT NULL AND escalated_at IS NULL AND status = 'open' AND waiting = 0;
CREATE TABLE task_deps (
  task  INTEGER NOT NULL REFERENCES tasks(id),
  after INTEGER NOT NULL REFERENCES tasks(id),
  PRIMARY KEY (task, after),
  CHECK (task != after)
) WITHOUT ROWID;
CREATE INDEX task_deps_after ON task_deps(after, task);
CREATE TABLE task_files (
  task INTEGER NOT NULL REFERENCES tasks(id),
  path TEXT NOT NULL,
  PRIMARY KEY (task, path)
) WITHOUT ROWID;
CREATE INDEX events_task_history ON events(target, seq) WHERE kind GLOB 'task.*';
CREATE TRIGGER task_deps_insert AFTER INSERT ON task_deps
BEGIN
  UPDATE tasks SET waiting = waiting + 1
   WHERE id = NEW.task AND (SELECT status FROM tasks WHERE id = NEW.after) != 'done';
END;
CREATE TRIGGER tasks_done_moves_dependents AFTER UPDATE OF status ON tasks
WHEN (OLD.status = 'done') != (NEW.status = 'done')
BEGIN
  UPDATE tasks
     SET waiting = waiting + CASE WHEN NEW.status = 'done' THEN -1 ELSE 1 END,
         offered_at = CASE WHEN NEW.status = 'done' AND waiting = 1
                           THEN max(offered_at, NEW.updated_at) ELSE offered_at END
   WHERE id IN (SELECT task FROM task_deps WHERE after = NEW.id);
END;
CREATE TRIGGER notice_is_a_message AFTER INSERT ON events
WHEN NEW.kind = 'notice' AND EXISTS (SELECT 1 FROM agents WHERE id = NEW.target)
BEGIN
  INSERT INTO messages(id, sender, thread, reply_to) VALUES (NEW.seq, NEW.agent, NEW.seq, NULL);
  INSERT INTO deliveries(agent, msg, sender) VALUES (NEW.target, NEW.seq, NEW.agent);
END;
CREATE TABLE links (
  path   TEXT PRIMARY KEY NOT NULL,
  target TEXT NOT NULL
) WITHOUT ROWID;
