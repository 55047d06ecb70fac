-- hooks_post.sql: after hooks_norm.sql (and, when hooks_gate_post.sql set
-- full, hooks_targets.sql). The agent is seen (which also keeps its task
-- claims alive); each file it changed is an 'edit' event in the log.
UPDATE agents SET last_seen = @now, ended_at = NULL, dead_at = NULL
 WHERE id = (SELECT me FROM hook) AND last_seen < @now AND NOT (SELECT full FROM hook_gate);
INSERT INTO emit(agent, kind, target, body, at)
  SELECT h.me, 'edit', t.key, json_object('kind', t.kind, 'tool', h.tool), @now
    FROM hook h, hook_tgt t
   WHERE h.me IS NOT NULL AND EXISTS (SELECT 1 FROM agents WHERE id = h.me) AND NOT (SELECT full FROM hook_gate)
   ORDER BY t.kind, t.key;
