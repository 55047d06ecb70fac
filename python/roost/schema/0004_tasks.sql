-- roost tasks: the board (tasks, dependencies, files), queues with a
-- response-time target, and the actions both languages share as triggers.
--
-- A claim is a lease renewed by the holder's activity: it is live while
-- now < holder.last_seen + tasks.lease_secs and the holder is not gone.
-- Every roost command the holder runs already updates agents.last_seen (the
-- touch in _roost_begin / CoreMixin._touch), so renewal costs nothing and no
-- command, roost renew included, has to know about tasks. The lease end is
-- derived, never stored (task_json shows it as lease_until).
--
-- What the board does (claim, park as stuck, escalate) is plain SQL in
-- tasks_claim.sql, tasks_due.sql and tasks_act.sql beside this file, run
-- by both languages; only small triggers live in the schema, because
-- every roost command parses the whole schema when it starts.

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

-- Ids are shown as T-<id>. AUTOINCREMENT: an id is never handed out twice,
-- even if rows were ever deleted.
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
-- claim without an id: three index seeks (for anyone, for me, for my role).
CREATE INDEX tasks_ready ON tasks(for_target, priority DESC, id)
  WHERE status = 'open' AND waiting = 0;
-- Live claims, covering every column the hot queries read about them (a
-- new process starts with a cold page cache: claimed rows spread over a
-- big table would cost one page read each).
CREATE INDEX tasks_held ON tasks(holder, lease_secs, reclaims, waiting, priority, for_target,
                                 queue, escalated_at, offered_at) WHERE status = 'claimed';
CREATE INDEX tasks_sla ON tasks(queue, offered_at)
  WHERE queue IS NOT NULL AND escalated_at IS NULL AND status = 'open' AND waiting = 0;

-- `task` waits for `after` to be done.
CREATE TABLE task_deps (
  task  INTEGER NOT NULL REFERENCES tasks(id),
  after INTEGER NOT NULL REFERENCES tasks(id),
  PRIMARY KEY (task, after),
  CHECK (task != after)
) WITHOUT ROWID;
CREATE INDEX task_deps_after ON task_deps(after, task);

-- Files a task will touch, as canonical keys relative to ROOT.
CREATE TABLE task_files (
  task INTEGER NOT NULL REFERENCES tasks(id),
  path TEXT NOT NULL,
  PRIMARY KEY (task, path)
) WITHOUT ROWID;

-- A task's history (`task show`) reads its events by target.
CREATE INDEX events_task_history ON events(target, seq) WHERE kind GLOB 'task.*';

INSERT INTO config(key, dflt, type, doc) VALUES
  ('task_lease', '1800', 'duration',
   'a claim lasts this long after the holder was last seen (any roost command renews it)'),
  ('task_max_reclaims', '3', 'int',
   'a task whose holders were gone or expired this many times is parked as stuck'),
  ('task_notify', 'role:lead', 'target',
   'who is told about stuck tasks, and escalations of queues without --escalate-to');

-- Dependencies: `waiting` counts a task's dependencies that are not done.
CREATE TRIGGER task_deps_insert AFTER INSERT ON task_deps
BEGIN
  UPDATE tasks SET waiting = waiting + 1
   WHERE id = NEW.task AND (SELECT status FROM tasks WHERE id = NEW.after) != 'done';
END;

-- A task entering or leaving `done` moves its dependents' counts; a dependent
-- whose last dependency is done starts waiting for a taker at that moment.
CREATE TRIGGER tasks_done_moves_dependents AFTER UPDATE OF status ON tasks
WHEN (OLD.status = 'done') != (NEW.status = 'done')
BEGIN
  UPDATE tasks
     SET waiting = waiting + CASE WHEN NEW.status = 'done' THEN -1 ELSE 1 END,
         offered_at = CASE WHEN NEW.status = 'done' AND waiting = 1
                           THEN max(offered_at, NEW.updated_at) ELSE offered_at END
   WHERE id IN (SELECT task FROM task_deps WHERE after = NEW.id);
END;

-- The one place a task notification is recorded, for both languages:
--   INSERT INTO task_notice(actor, target, body, at) VALUES (...)
-- target is an agent, role:R or team:T; a role or team becomes one notice
-- per member (one addressed to the group itself when it has none, so
-- nothing is lost). Notices are events of kind 'notice' aimed at the agent.
-- Each notice to an agent is also a message in its inbox (0007_notices.sql).
CREATE VIEW task_notice(actor, target, body, at) AS
  SELECT NULL, NULL, NULL, NULL WHERE 0;

CREATE TRIGGER task_notice_insert INSTEAD OF INSERT ON task_notice
BEGIN
  INSERT INTO emit(agent, kind, target, body, at)
    SELECT NEW.actor, 'notice', a.id, NEW.body, NEW.at FROM agents a
     WHERE a.id = NEW.target
        OR (NEW.target GLOB 'role:*' AND a.role = substr(NEW.target, 6))
        OR (NEW.target GLOB 'team:*' AND a.team = substr(NEW.target, 6))
     ORDER BY a.id;
  INSERT INTO emit(agent, kind, target, body, at)
    SELECT NEW.actor, 'notice', NEW.target, NEW.body, NEW.at
     WHERE NOT EXISTS (SELECT 1 FROM agents a
                        WHERE a.id = NEW.target
                           OR (NEW.target GLOB 'role:*' AND a.role = substr(NEW.target, 6))
                           OR (NEW.target GLOB 'team:*' AND a.team = substr(NEW.target, 6)));
END;

-- One JSON shape for a task, used by the shell's claim and by Python, so
-- both print the same bytes. Needs no "now": lease_until is derived from
-- the holder's last-seen time.
CREATE VIEW task_json(id, json) AS
  SELECT t.id, json_object(
    'id', 'T-' || t.id,
    'title', t.title,
    'body', t.body,
    'priority', t.priority,
    'status', t.status,
    'ready', json(CASE WHEN t.status = 'open' AND t.waiting = 0 THEN 'true' ELSE 'false' END),
    'for', t.for_target,
    'queue', t.queue,
    'holder', t.holder,
    'claimed_at', t.claimed_at,
    'lease_until', CASE WHEN t.status = 'claimed'
                        THEN (SELECT a.last_seen FROM agents a WHERE a.id = t.holder) + t.lease_secs END,
    'after', json((SELECT json_group_array('T-' || d.after)
                     FROM (SELECT after FROM task_deps WHERE task = t.id ORDER BY after) d)),
    'waiting_on', json((SELECT json_group_array('T-' || d.after)
                          FROM (SELECT x.after FROM task_deps x JOIN tasks y ON y.id = x.after
                                 WHERE x.task = t.id AND y.status != 'done' ORDER BY x.after) d)),
    'files', json((SELECT json_group_array(f.path)
                     FROM (SELECT path FROM task_files WHERE task = t.id ORDER BY path) f)),
    'attempts', t.attempts,
    'reclaims', t.reclaims,
    'created_by', t.created_by,
    'created_at', t.created_at,
    'updated_at', t.updated_at,
    'offered_at', t.offered_at,
    'escalated_at', t.escalated_at,
    'note', t.note,
    'reason', t.reason)
  FROM tasks t;
