-- post.sql: after targets.sql. The agent is seen; each file it changed
-- is an 'edit' event in the log (kind, key, tool).
UPDATE agents SET last_seen = @now, ended_at = NULL, dead_at = NULL
 WHERE id = (SELECT me FROM hook) AND last_seen < @now;
INSERT INTO emit(agent, kind, target, body, at)
  SELECT h.me, 'edit', t.key, json_object('kind', t.kind, 'tool', h.tool), @now
    FROM hook h, hook_tgt t
   WHERE h.me IS NOT NULL AND EXISTS (SELECT 1 FROM agents WHERE id = h.me)
   ORDER BY t.kind, t.key;
