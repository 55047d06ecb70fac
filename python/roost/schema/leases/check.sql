-- check.sql: after match.sql with @check = 1 (held leases only; a queued
-- request holds nothing). Exit 2 when someone else holds any of the paths.
-- Writes nothing but the caller's last-seen time. Parameters: @json, @quiet.
INSERT INTO roost_err SELECT 2, msg FROM lease_blk ORDER BY n, since, holder LIMIT 1;

-- Per path (why = n): the first holder in the way, else the caller's own
-- lease, else nothing (id -n).
INSERT INTO lease_act(id, why)
  SELECT coalesce(
           (SELECT b.id FROM lease_blk b WHERE b.n = r.n ORDER BY b.since, b.holder LIMIT 1),
           (SELECT l.id FROM lease_hit h JOIN leases l ON l.id = h.id
             WHERE h.n = r.n AND l.holder IS @me AND l.wait IS NULL AND l.until > @now
             ORDER BY l.since LIMIT 1),
           -r.n),
         r.n
    FROM lease_req r;
SELECT json_object('free', json(CASE WHEN NOT EXISTS (SELECT 1 FROM lease_blk) THEN 'true' ELSE 'false' END),
         'checked', (SELECT json_group_array(j) FROM (SELECT json_object('key', r.key, 'kind', r.kind,
             'status', CASE WHEN l.id IS NULL THEN 'free' WHEN l.holder IS @me THEN 'yours' ELSE 'held' END,
             'holder', l.holder, 'held', l.key,
             'shared', CASE WHEN l.id IS NOT NULL THEN json(CASE WHEN l.shared THEN 'true' ELSE 'false' END) END,
             'reason', l.reason, 'since', l.since, 'until', l.until, 'state', s.state) AS j
           FROM lease_req r
           JOIN lease_act a ON a.why = r.n
           LEFT JOIN leases l ON l.id = a.id
           LEFT JOIN agent_state s ON s.id = l.holder
           ORDER BY r.n)))
 WHERE @json;
INSERT INTO lease_out(line)
  SELECT CASE r.kind WHEN 'resource' THEN 'resource ' ELSE '' END || r.key || ': ' || CASE
           WHEN l.id IS NULL THEN 'free'
           WHEN l.holder IS @me THEN 'yours until ' || strftime('%Y-%m-%d %H:%M:%SZ', l.until, 'unixepoch')
           ELSE 'held by ' || l.holder
             || CASE WHEN l.key != r.key OR l.kind != r.kind THEN ' through ' || l.key ELSE '' END
             || ' (' || s.state || ') until ' || strftime('%Y-%m-%d %H:%M:%SZ', l.until, 'unixepoch')
             || coalesce(', reason: ' || l.reason, '') END
    FROM lease_req r JOIN lease_act a ON a.why = r.n
    LEFT JOIN leases l ON l.id = a.id LEFT JOIN agent_state s ON s.id = l.holder
   WHERE NOT coalesce(@json, 0) AND NOT coalesce(@quiet, 0)
   ORDER BY r.n;
