-- roost leases: exclusive and shared leases on files, folders, globs and
-- named resources, and the queue of requests waiting for them.
-- The operations themselves are SQL files in schema/leases_, run by both
-- the shell (.read) and Python (see python/roost/leases.py).

-- A request waiting for leases (roost lock --wait). Served in Lamport
-- order (ts, agent): a request's ts is above every lease and request it
-- saw, so a later request never sorts before an earlier overlapping one.
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

-- The Lamport time of the last lease event. Every lease event is stamped
-- as having seen it (IR2, seen = t) and advances it: the leases are one
-- shared object, so its events are ordered as they were committed, and a
-- grant after a release, or a request queued after another, is later in
-- Lamport order too.
CREATE TABLE lease_clock (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  t  INTEGER NOT NULL
);
INSERT INTO lease_clock VALUES (1, 0);

-- One row per lease held (wait IS NULL) or requested by a waiter (wait =
-- the lease_waits row). Released, reclaimed and broken leases are deleted;
-- the event log keeps their history. An expired lease stays until someone
-- takes it over or `roost gc` drops it: expiry is decided by `until`, never
-- by the row being gone.
--   kind file:     key 'src/a.py'       (relative to ROOT, canonical)
--   kind dir:      key 'src/' or './'   (everything below, and the folder itself)
--   kind glob:     key 'src/**/*.py'    (what it matches: see docs/leases.md)
--   kind resource: key 'port-8080'      (exact name, any text)
-- base is the folder every path the lease covers lies in ('./' for ROOT,
-- '' for resources): the index that keeps conflict checks to a few lookups.
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

INSERT INTO config(key, dflt, type, doc) VALUES
  ('lease_max_ttl', '604800', 'duration',
   'the longest lease lock or renew grants (a longer --ttl is cut to it)');
