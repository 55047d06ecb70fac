-- leases_unlock.sql: release the caller's leases on exactly these keys (after
-- leases_begin.sql and the requests; no matching: a key is released as it was
-- taken). @force = 1 also breaks others' leases on them: logged, and the
-- holder is told. All or nothing. Parameters: @force, @json, @quiet.
INSERT INTO roost_err
  SELECT 2, replace(CASE r.kind WHEN 'resource' THEN 'resource ' ELSE '' END || quote(r.key)
            || ': nobody holds it'
            || coalesce(' (' || x.holder || '''s lease ended at ' || strftime('%Y-%m-%d %H:%M:%SZ', x.until, 'unixepoch') || ')', ''),
            char(10), ' ')
    FROM lease_req r
    LEFT JOIN leases x ON x.key = r.key AND x.kind = r.kind AND x.wait IS NULL
   WHERE NOT EXISTS (SELECT 1 FROM leases l CROSS JOIN agent_state s ON s.id = l.holder
                      WHERE l.key = r.key AND l.kind = r.kind AND l.wait IS NULL
                        AND (l.holder IS @me OR (l.until > @now AND s.state != 'gone')))
   ORDER BY r.n LIMIT 1;
INSERT INTO roost_err
  SELECT 2, replace(quote(r.key) || ' is held by ' || l.holder
            || ', not by you: unlock --force breaks the lease (its holder is told)', char(10), ' ')
    FROM lease_req r CROSS JOIN leases l ON l.key = r.key AND l.kind = r.kind AND l.wait IS NULL
   WHERE NOT coalesce(@force, 0) AND NOT EXISTS (SELECT 1 FROM roost_err)
     AND NOT EXISTS (SELECT 1 FROM leases m WHERE m.key = r.key AND m.kind = r.kind
                      AND m.wait IS NULL AND m.holder IS @me)
   ORDER BY r.n LIMIT 1;

INSERT INTO lease_act(id, why)
  SELECT l.id, CASE WHEN l.holder IS @me THEN 'release' ELSE 'break' END
    FROM lease_req r CROSS JOIN leases l ON l.key = r.key AND l.kind = r.kind AND l.wait IS NULL
   WHERE NOT EXISTS (SELECT 1 FROM roost_err) AND (l.holder IS @me OR coalesce(@force, 0));
INSERT INTO emit(agent, kind, target, body, at, seen)
  SELECT coalesce(@me, 'operator'), 'lease.' || a.why, l.key,
         json_object('from', l.holder, 'kind', l.kind, 'since', l.since, 'until', l.until,
                     'reason', l.reason),
         @now, (SELECT t FROM lease_clock)
    FROM lease_act a CROSS JOIN leases l ON l.id = a.id ORDER BY l.id;
-- A notice to the holder: a message (schema 0007_notices.sql).
INSERT INTO emit(agent, kind, target, body, at, seen)
  SELECT coalesce(@me, 'operator'), 'notice', l.holder,
         'your lease on ' || quote(l.key) || ' was broken by ' || coalesce(@me, 'the operator')
           || ' with unlock --force',
         @now, (SELECT t FROM lease_clock)
    FROM lease_act a CROSS JOIN leases l ON l.id = a.id WHERE a.why = 'break' ORDER BY l.id;
SELECT json_object('agent', @me, 'released', (SELECT json_group_array(json(j)) FROM (SELECT json_object('key', l.key,
           'kind', l.kind, 'holder', l.holder, 'forced', json(CASE WHEN a.why = 'break' THEN 'true' ELSE 'false' END))
           AS j FROM lease_act a CROSS JOIN leases l ON l.id = a.id ORDER BY l.id)))
 WHERE @json AND NOT EXISTS (SELECT 1 FROM roost_err);
INSERT INTO lease_out(line)
  SELECT replace(CASE a.why WHEN 'release' THEN 'released ' ELSE 'broke ' || l.holder || '''s lease on ' END
         || CASE l.kind WHEN 'resource' THEN 'resource ' ELSE '' END || l.key, char(10), ' ')
    FROM lease_act a CROSS JOIN leases l ON l.id = a.id
   WHERE NOT coalesce(@json, 0) AND NOT coalesce(@quiet, 0)
   ORDER BY l.id;
DELETE FROM leases WHERE id IN (SELECT id FROM lease_act);
UPDATE lease_clock SET t = max(t, coalesce((SELECT t FROM clocks WHERE agent = coalesce(@me, 'operator')), 0));
