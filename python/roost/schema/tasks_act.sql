-- Board upkeep, part 2: act on the marks tasks_due.sql (or Roost.escalate)
-- left in temp.roost_ctx, then clear them. Same rules as tasks_due.sql:
-- shared by both languages, inside the caller's write transaction, not a
-- migration. Parameters: @me (or NULL), @now. Notifications go through
-- the task_notice view (tasks_notice.sql), the one place to swap for
-- messages.

-- Park as stuck: the ended claim counts as one more reclaim; the previous
-- holder and the task_notify target are told.
INSERT INTO emit(agent, kind, target, body, at)
  SELECT coalesce(@me, 'operator'), 'task.stuck', 'T-' || t.id,
         json_object('from', t.holder, 'why', c.v, 'reclaims', t.reclaims + 1), @now
    FROM roost_ctx c JOIN tasks t ON t.id = CAST(substr(c.k, 6) AS INTEGER)
   WHERE c.k GLOB 'park:*' AND t.status = 'claimed'
   ORDER BY t.id;
INSERT INTO task_notice(actor, target, body, at)
  SELECT coalesce(@me, 'operator'), CASE n.o WHEN 1 THEN t.holder ELSE s.value END,
         json_object('task', 'T-' || t.id, 'about', 'task.stuck', 'by', coalesce(@me, 'operator'), 'text',
           CASE n.o WHEN 1
             THEN 'your claim on T-' || t.id || ' (' || t.title || ') ended (' || c.v || '); the task is now stuck'
             ELSE 'T-' || t.id || ' (' || t.title || ') is stuck: its holders were gone or expired '
                  || (t.reclaims + 1) || ' times (last ' || t.holder || ', ' || c.v
                  || '); it is no longer handed out: look at it, then roost task reopen T-' || t.id END),
         @now
    FROM roost_ctx c JOIN tasks t ON t.id = CAST(substr(c.k, 6) AS INTEGER)
         JOIN settings s ON s.key = 'task_notify', (SELECT 1 AS o UNION ALL SELECT 2) n
   WHERE c.k GLOB 'park:*' AND t.status = 'claimed' AND (n.o = 1 OR s.value != '')
   ORDER BY t.id, n.o;
UPDATE tasks SET status = 'stuck', holder = NULL, reclaims = reclaims + 1, updated_at = @now
 WHERE id IN (SELECT CAST(substr(k, 6) AS INTEGER) FROM roost_ctx WHERE k GLOB 'park:*')
   AND status = 'claimed';

-- Escalate, once per task: from now on the task is offered to the target;
-- the target and the queue's handler (else the previous addressee) are told.
INSERT INTO emit(agent, kind, target, body, at)
  SELECT coalesce(@me, 'operator'), 'task.escalate', 'T-' || t.id,
         json_object('queue', t.queue, 'to', json_extract(c.v, '$[0]'), 'from', t.for_target,
                     'how', json_extract(c.v, '$[2]'), 'overdue', json_extract(c.v, '$[1]')), @now
    FROM roost_ctx c JOIN tasks t ON t.id = CAST(substr(c.k, 5) AS INTEGER)
   WHERE c.k GLOB 'esc:*' AND t.status IN ('open', 'claimed') AND t.escalated_at IS NULL
   ORDER BY t.id;
INSERT INTO task_notice(actor, target, body, at)
  SELECT coalesce(@me, 'operator'),
         CASE n.o WHEN 1 THEN json_extract(c.v, '$[0]') ELSE coalesce(q.handler, t.for_target) END,
         json_object('task', 'T-' || t.id, 'about', 'task.escalate', 'by', coalesce(@me, 'operator'), 'text',
           'T-' || t.id || ' (' || t.title || ')'
           || CASE WHEN t.queue IS NOT NULL THEN ' in queue ' || t.queue ELSE '' END
           || CASE WHEN json_extract(c.v, '$[2]') = 'sla'
                   THEN ' waited ' || json_extract(c.v, '$[1]') || 's past its response-time target'
                   ELSE ' was escalated by hand' END
           || '; it is now offered to ' || json_extract(c.v, '$[0]')),
         @now
    FROM roost_ctx c JOIN tasks t ON t.id = CAST(substr(c.k, 5) AS INTEGER)
         LEFT JOIN queues q ON q.name = t.queue, (SELECT 1 AS o UNION ALL SELECT 2) n
   WHERE c.k GLOB 'esc:*' AND t.status IN ('open', 'claimed') AND t.escalated_at IS NULL
     AND (n.o = 1 OR coalesce(q.handler, t.for_target) != json_extract(c.v, '$[0]'))
   ORDER BY t.id, n.o;
UPDATE tasks SET for_target = (SELECT json_extract(v, '$[0]') FROM roost_ctx WHERE k = 'esc:' || tasks.id),
                 escalated_at = @now, updated_at = @now
 WHERE id IN (SELECT CAST(substr(k, 5) AS INTEGER) FROM roost_ctx WHERE k GLOB 'esc:*')
   AND status IN ('open', 'claimed') AND escalated_at IS NULL;

DELETE FROM roost_ctx WHERE k GLOB 'park:*' OR k GLOB 'esc:*';
