-- Board upkeep, run by every board read (claim, task list/show, queue
-- check, escalate, gc) inside its write transaction, by both languages:
-- the shell with `.read`, Python statement by statement. Not a migration.
-- Parameters: @me (the caller, or NULL), @now.
--
-- A claim has ended when its holder is gone (agent_state) or the holder
-- has not been seen for the claim's lease. Ended claims on tasks that
-- were already reclaimed task_max_reclaims - 1 times are parked as stuck.
INSERT INTO task_park(task, actor, at, why)
  SELECT t.id, coalesce(@me, 'operator'), @now,
         CASE WHEN a.dead THEN 'dead' WHEN a.ended THEN 'ended'
              WHEN a.state = 'gone' THEN 'gone' ELSE 'expired' END
    FROM tasks t JOIN agent_state a ON a.id = t.holder
   WHERE t.status = 'claimed'
     AND (a.state = 'gone' OR a.last_seen + t.lease_secs <= @now)
     AND t.reclaims + 1 >= (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'task_max_reclaims')
   ORDER BY t.id;

-- Queued tasks unclaimed past their queue's target escalate, once each.
-- Unclaimed time runs from offered_at (added with its dependencies done,
-- released, reopened, or its last dependency done) while the task is open,
-- and from the holder's last sign of life while its claim has ended.
INSERT INTO task_escalate(task, actor, at, how, target, overdue)
  SELECT id, coalesce(@me, 'operator'), @now, 'sla', target, overdue FROM (
    SELECT t.id, coalesce(q.escalate_to, (SELECT value FROM settings WHERE key = 'task_notify')) AS target,
           @now - (t.offered_at + q.sla) AS overdue
      FROM queues q JOIN tasks t ON t.queue = q.name
     WHERE q.sla IS NOT NULL AND t.queue IS NOT NULL AND t.escalated_at IS NULL
       AND t.status = 'open' AND t.waiting = 0 AND t.offered_at <= @now - q.sla
    UNION ALL
    SELECT t.id, coalesce(q.escalate_to, (SELECT value FROM settings WHERE key = 'task_notify')),
           @now - (max(t.offered_at, a.last_seen) + q.sla)
      FROM tasks t JOIN queues q ON q.name = t.queue JOIN agent_state a ON a.id = t.holder
     WHERE t.status = 'claimed' AND t.escalated_at IS NULL AND q.sla IS NOT NULL
       AND (a.state = 'gone' OR a.last_seen + t.lease_secs <= @now)
       AND max(t.offered_at, a.last_seen) + q.sla <= @now)
   WHERE target IS NOT NULL AND target != ''
   ORDER BY id;
