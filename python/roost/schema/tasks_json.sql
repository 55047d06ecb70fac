-- Not a migration: per-connection TEMP objects, made only where needed.
-- Every roost command parses the whole persisted schema when it starts,
-- so what only some commands use lives here instead of in a migration
-- (0008_lean.sql dropped the persisted copies). Both languages run it
-- only where it is used: Python on a connection when the task board first
-- needs it (TasksMixin._tconn in roost/tasks.py), the shell in claim.

-- One JSON shape for a task, used by the shell's claim and by Python, so
-- both print the same bytes. Needs no "now": lease_until is derived from
-- the holder's last-seen time.
CREATE TEMP VIEW IF NOT EXISTS task_json(id, json) AS
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
