-- leases_fast_lock.sql: after leases_fast.sql settled a lock, grant it and say so, as
-- leases_lock.sql and leases_lock_json.sql / leases_lock_text.sql do when nothing is in the way.
INSERT INTO roost_ctx SELECT 'lease_ttl', max(1, min(
  coalesce(@ttl, (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'lease_ttl')),
  (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'lease_max_ttl')))
 WHERE EXISTS (SELECT 1 FROM roost_ctx WHERE k = 'lease_fast');
INSERT INTO emit(agent, kind, target, body, at, seen)
  SELECT @me, 'lease.grant', key,
         json_object('kind', kind, 'shared', json(CASE shared WHEN 1 THEN 'true' ELSE 'false' END),
                     'until', @now + t.v, 'reason', CAST(@reason AS TEXT)),
         @now, (SELECT t FROM lease_clock)
    FROM lease_req JOIN roost_ctx t ON t.k = 'lease_ttl' ORDER BY n;
INSERT INTO leases(kind, key, base, holder, shared, reason, since, until, ttl, ts)
  SELECT kind, key, CASE kind WHEN 'resource' THEN '' ELSE coalesce(nullif(rtrim(key, replace(key, '/', '')), ''), './') END,
         @me, shared, CAST(@reason AS TEXT), @now, @now + t.v, t.v, (SELECT t FROM clocks WHERE agent = @me)
    FROM lease_req JOIN roost_ctx t ON t.k = 'lease_ttl' ORDER BY n;
UPDATE lease_clock SET t = max(t, coalesce((SELECT t FROM clocks WHERE agent = coalesce(@me, 'operator')), 0)) WHERE EXISTS (SELECT 1 FROM roost_ctx WHERE k = 'lease_fast');
SELECT json_object('agent', @me,
         'granted', (SELECT json_group_array(json(j)) FROM (SELECT json_object('key', key, 'kind', kind,
                       'shared', json(CASE shared WHEN 1 THEN 'true' ELSE 'false' END),
                       'since', @now, 'until', @now + t.v, 'reason', CAST(@reason AS TEXT)) AS j
                       FROM lease_req JOIN roost_ctx t ON t.k = 'lease_ttl' ORDER BY n)),
         'conflicts', json_array())
 WHERE @json AND EXISTS (SELECT 1 FROM roost_ctx WHERE k = 'lease_fast');
INSERT INTO lease_out(line)
  SELECT replace('locked ' || CASE kind WHEN 'resource' THEN 'resource ' ELSE '' END || key
         || CASE shared WHEN 1 THEN ' (shared)' ELSE '' END
         || ' until ' || strftime('%Y-%m-%d %H:%M:%SZ', @now + t.v, 'unixepoch'), char(10), ' ')
    FROM lease_req JOIN roost_ctx t ON t.k = 'lease_ttl'
   WHERE NOT coalesce(@json, 0) AND NOT coalesce(@quiet, 0)
   ORDER BY n;
