-- leases_lock.sql: after leases_match.sql, grant every request or none. Parameters:
-- @ttl (seconds; NULL: the lease_ttl setting), @reason, @wait (seconds to
-- queue for when denied; NULL or 0: do not queue), @waitid (the caller's
-- queued request being served; @final = 1 on its last try), @wpid/@wstart/
-- @host (the waiting process), @json, @quiet.
INSERT INTO roost_ctx VALUES ('lease_ttl', max(1, min(
  coalesce(@ttl, (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'lease_ttl')),
  (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'lease_max_ttl'))));

-- Denied: name every agent in the way, each by the first thing of theirs
-- in the way (held before queued), on one line.
INSERT INTO roost_err
  SELECT 2, group_concat(msg, '; ') FROM (
    SELECT msg FROM (SELECT msg, n, queued, since, holder, id,
                            row_number() OVER (PARTITION BY holder ORDER BY n, queued, since, id) AS k
                       FROM lease_blk)
     WHERE k = 1 ORDER BY n, queued, since, holder, id)
  HAVING count(*) > 0;

-- Denied with --wait: queue the request, Lamport-stamped, in this same
-- transaction. The caller then waits (python: Roost.lock_wait). @now is
-- the second the request was made in, its true time up to a second later:
-- the request lasts until @now + @wait + 1, never less than @wait, and the
-- waiter stops @wait after it started (or at that until, if sooner).
INSERT INTO emit(agent, kind, target, body, at, seen)
  SELECT @me, 'lease.wait', (SELECT key FROM lease_req ORDER BY n LIMIT 1),
         json_object('keys', (SELECT json_group_array(key) FROM (SELECT key FROM lease_req ORDER BY n)),
                     'until', @now + @wait + 1),
         @now, (SELECT t FROM lease_clock)
   WHERE @wait > 0 AND @waitid IS NULL AND EXISTS (SELECT 1 FROM roost_err);
INSERT INTO lease_waits(agent, ts, asked, until, ttl, reason, pid, pid_start, host)
  SELECT @me, (SELECT t FROM clocks WHERE agent = @me), @now, @now + @wait + 1,
         (SELECT v FROM roost_ctx WHERE k = 'lease_ttl'), CAST(@reason AS TEXT), @wpid, @wstart, @host
   WHERE @wait > 0 AND @waitid IS NULL AND EXISTS (SELECT 1 FROM roost_err);
INSERT INTO roost_ctx SELECT 'lease_wait', last_insert_rowid() WHERE changes() > 0;
INSERT INTO leases(kind, key, base, holder, shared, reason, since, until, ttl, ts, wait)
  SELECT kind, key, base, @me, shared, CAST(@reason AS TEXT), @now, @now + @wait + 1,
         (SELECT v FROM roost_ctx WHERE k = 'lease_ttl'),
         (SELECT t FROM clocks WHERE agent = @me), (SELECT v FROM roost_ctx WHERE k = 'lease_wait')
    FROM lease_req WHERE EXISTS (SELECT 1 FROM roost_ctx WHERE k = 'lease_wait') ORDER BY n;

-- Granted. First take over what ended: others' conflicting leases that
-- expired or whose holder is gone (none of them is in the way, or we would
-- have been denied). The log and the previous holder are told why.
INSERT INTO lease_act(id, why)
  SELECT l.id, CASE
           WHEN l.until <= @now THEN 'it expired at ' || strftime('%Y-%m-%d %H:%M:%SZ', l.until, 'unixepoch')
           WHEN s.dead THEN 'its holder''s process died'
           WHEN s.ended THEN 'its holder''s session ended'
           ELSE 'its holder was not seen for ' || s.gone_window || 's' END
    FROM lease_hit h CROSS JOIN lease_req r ON r.n = h.n CROSS JOIN leases l ON l.id = h.id
    CROSS JOIN agent_state s ON s.id = l.holder
   WHERE NOT EXISTS (SELECT 1 FROM roost_err)
     AND l.wait IS NULL AND l.holder IS NOT @me AND NOT (r.shared AND l.shared)
   GROUP BY l.id;
INSERT INTO emit(agent, kind, target, body, at, seen)
  SELECT @me, 'lease.reclaim', l.key,
         json_object('from', l.holder, 'kind', l.kind, 'why', g.why, 'since', l.since,
                     'until', l.until, 'reason', l.reason),
         @now, (SELECT t FROM lease_clock)
    FROM lease_act g CROSS JOIN leases l ON l.id = g.id ORDER BY l.id;
-- A notice to the holder: a message (schema 0007_notices.sql).
INSERT INTO emit(agent, kind, target, body, at, seen)
  SELECT @me, 'notice', l.holder,
         'your lease on ' || quote(l.key) || ' was reclaimed by ' || coalesce(@me, 'operator')
           || ' because ' || g.why,
         @now, (SELECT t FROM lease_clock)
    FROM lease_act g CROSS JOIN leases l ON l.id = g.id ORDER BY l.id;
DELETE FROM leases WHERE id IN (SELECT id FROM lease_act);

-- A queued request leaves the queue when served, or when its wait ran
-- out (@final: the waiter's last attempt).
INSERT INTO emit(agent, kind, target, body, at, seen)
  SELECT @me, 'lease.timeout', (SELECT key FROM lease_req ORDER BY n LIMIT 1),
         json_object('keys', (SELECT json_group_array(key) FROM (SELECT key FROM lease_req ORDER BY n))), @now,
         (SELECT t FROM lease_clock)
   WHERE @waitid IS NOT NULL AND coalesce(@final, 0) AND EXISTS (SELECT 1 FROM roost_err);
DELETE FROM lease_waits WHERE id = @waitid AND agent = @me
   AND (coalesce(@final, 0) OR NOT EXISTS (SELECT 1 FROM roost_err));

-- Then grant: a lease already held by the caller is extended (keeping
-- its since); shared or exclusive becomes what was asked now.
INSERT INTO emit(agent, kind, target, body, at, seen)
  SELECT @me, 'lease.grant', key,
         json_object('kind', kind, 'shared', json(CASE shared WHEN 1 THEN 'true' ELSE 'false' END),
                     'until', @now + (SELECT v FROM roost_ctx WHERE k = 'lease_ttl'), 'reason', CAST(@reason AS TEXT)),
         @now, (SELECT t FROM lease_clock)
    FROM lease_req WHERE NOT EXISTS (SELECT 1 FROM roost_err) ORDER BY n;
INSERT INTO leases(kind, key, base, holder, shared, reason, since, until, ttl, ts)
  SELECT kind, key, base, @me, shared, CAST(@reason AS TEXT), @now, @now + (SELECT v FROM roost_ctx WHERE k = 'lease_ttl'),
         (SELECT v FROM roost_ctx WHERE k = 'lease_ttl'), (SELECT t FROM clocks WHERE agent = @me)
    FROM lease_req WHERE NOT EXISTS (SELECT 1 FROM roost_err) ORDER BY n
  ON CONFLICT (key, kind, holder) WHERE wait IS NULL DO UPDATE SET
    shared = excluded.shared, reason = coalesce(excluded.reason, reason),
    until = excluded.until, ttl = excluded.ttl, ts = excluded.ts;
UPDATE lease_clock SET t = max(t, coalesce((SELECT t FROM clocks WHERE agent = coalesce(@me, 'operator')), 0));
