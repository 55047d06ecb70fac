-- leases_check.sql: lock --check, after leases_near.sql or leases_match.sql
-- (lease_hit). Takes nothing and writes nothing to the database (its temp
-- tables only): a read transaction. Counts held leases only (a queued
-- request holds nothing): in the way is someone else's held lease that has
-- not run out, whose holder is not gone, unless both are shared; the
-- caller's own live lease is kept too, to say 'yours'. Exit 2 when
-- anything is in the way, naming every holder in the way once, in the
-- words of leases_match.sql.
-- Parameters: @now, @me.
CREATE TEMP TABLE IF NOT EXISTS lease_chk (
  n INTEGER NOT NULL, id INTEGER NOT NULL, holder TEXT NOT NULL, mine INTEGER NOT NULL,
  since INTEGER NOT NULL, state TEXT NOT NULL, pid INTEGER, pid_start TEXT, host TEXT,
  msg TEXT NOT NULL
);
DELETE FROM lease_chk;
-- (Each mention of agent_state.state expands the whole liveness rule: read
-- once per holder.)
WITH st AS MATERIALIZED (
  SELECT id, state, pid, pid_start, host FROM agent_state
   WHERE id IN (SELECT l.holder FROM lease_hit h CROSS JOIN leases l ON l.id = h.id))
INSERT INTO lease_chk(n, id, holder, mine, since, state, pid, pid_start, host, msg)
SELECT h.n, l.id, l.holder, l.holder IS @me, l.since, s.state, s.pid, s.pid_start, s.host,
       replace(CASE r.kind WHEN 'resource' THEN 'resource ' ELSE '' END || quote(r.key)
         || ' is held by ' || l.holder
         || CASE WHEN l.key != r.key OR l.kind != r.kind THEN ' through ' || quote(l.key) ELSE '' END
         || ' (' || CASE WHEN l.shared THEN 'shared, ' ELSE '' END || s.state
         || ', since ' || strftime('%Y-%m-%d %H:%M:%SZ', l.since, 'unixepoch')
         || ', until ' || strftime('%Y-%m-%d %H:%M:%SZ', l.until, 'unixepoch')
         || coalesce(', reason: ' || l.reason, '') || ')', char(10), ' ')
  FROM lease_hit h
  CROSS JOIN lease_req r ON r.n = h.n
  CROSS JOIN leases l ON l.id = h.id
  CROSS JOIN st s ON s.id = l.holder
 WHERE l.wait IS NULL AND l.until > @now
   AND (l.holder IS @me OR (s.state != 'gone' AND NOT (r.shared AND l.shared)));
INSERT INTO roost_err
  SELECT 2, group_concat(msg, '; ') FROM (
    SELECT msg FROM (SELECT msg, n, since, holder, id,
                            row_number() OVER (PARTITION BY holder ORDER BY n, since, id) AS k
                       FROM lease_chk WHERE NOT mine)
     WHERE k = 1 ORDER BY n, since, holder, id)
  HAVING count(*) > 0;
