-- leases_renew.sql: extend the caller's live leases on these keys, or all of them
-- when no key was given, to now + @ttl (NULL: each lease's own ttl), at
-- most lease_max_ttl. An expired lease is not renewed (someone may be
-- queued for it): lock it again. All or nothing. Parameters: @ttl, @json,
-- @quiet.
INSERT INTO roost_err
  SELECT 2, replace(CASE WHEN x.id IS NOT NULL
              THEN 'your lease on ' || quote(r.key) || ' expired at ' || strftime('%Y-%m-%d %H:%M:%SZ', x.until, 'unixepoch') || ': lock it again'
              ELSE 'you hold no lease on ' || quote(r.key) END, char(10), ' ')
    FROM lease_req r
    LEFT JOIN leases x ON x.key = r.key AND x.kind = r.kind AND x.holder IS @me AND x.wait IS NULL
   WHERE x.id IS NULL OR x.until <= @now
   ORDER BY r.n LIMIT 1;
INSERT INTO lease_act(id, why)
  SELECT l.id, 'renew' FROM leases l
   WHERE l.holder IS @me AND l.wait IS NULL AND l.until > @now AND NOT EXISTS (SELECT 1 FROM roost_err)
     AND (NOT EXISTS (SELECT 1 FROM lease_req)
          OR EXISTS (SELECT 1 FROM lease_req r WHERE r.key = l.key AND r.kind = l.kind));
UPDATE leases SET ttl = max(1, min(coalesce(@ttl, ttl),
                      (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'lease_max_ttl')))
 WHERE id IN (SELECT id FROM lease_act);
UPDATE leases SET until = @now + ttl WHERE id IN (SELECT id FROM lease_act);
INSERT INTO emit(agent, kind, target, body, at, seen)
  SELECT @me, 'lease.renew', l.key, json_object('kind', l.kind, 'until', l.until), @now,
         (SELECT t FROM lease_clock)
    FROM lease_act a CROSS JOIN leases l ON l.id = a.id ORDER BY l.id;
UPDATE lease_clock SET t = max(t, coalesce((SELECT t FROM clocks WHERE agent = coalesce(@me, 'operator')), 0));
SELECT json_object('agent', @me, 'renewed', (SELECT json_group_array(json(j)) FROM (SELECT json_object('key', l.key,
           'kind', l.kind, 'until', l.until) AS j FROM lease_act a CROSS JOIN leases l ON l.id = a.id ORDER BY l.id)))
 WHERE @json AND NOT EXISTS (SELECT 1 FROM roost_err);
INSERT INTO lease_out(line)
  SELECT replace('renewed ' || CASE l.kind WHEN 'resource' THEN 'resource ' ELSE '' END || l.key
         || ' until ' || strftime('%Y-%m-%d %H:%M:%SZ', l.until, 'unixepoch'), char(10), ' ')
    FROM lease_act a CROSS JOIN leases l ON l.id = a.id
   WHERE NOT coalesce(@json, 0) AND NOT coalesce(@quiet, 0)
   ORDER BY l.id;
INSERT INTO lease_out(line)
  SELECT 'no live leases to renew'
   WHERE NOT coalesce(@json, 0) AND NOT coalesce(@quiet, 0) AND NOT EXISTS (SELECT 1 FROM roost_err)
     AND NOT EXISTS (SELECT 1 FROM lease_act);
