-- Board upkeep, part 1: what is due. Run inside the caller's write
-- transaction by every board read (claim, task list/show, queue check,
-- gc), by both languages: the shell with `.read`, Python statement by
-- statement. Not a migration. Parameters: @me (or NULL), @now.
-- Marks in temp.roost_ctx, acted on by tasks_act.sql:
--   'park:ID' = why   a claim that ended (holder gone or lease run out) on
--                     a task already reclaimed task_max_reclaims - 1 times
--   'esc:ID'  = json_array(target, overdue seconds, 'sla')
--                     a queued task unclaimed past its queue's target
DELETE FROM roost_ctx WHERE k GLOB 'park:*' OR k GLOB 'esc:*';

INSERT OR REPLACE INTO roost_ctx(k, v)
  SELECT 'park:' || t.id,
         CASE WHEN a.dead THEN 'dead' WHEN a.ended THEN 'ended'
              WHEN a.state = 'gone' THEN 'gone' ELSE 'expired' END
    FROM tasks t INDEXED BY tasks_held JOIN agent_state a ON a.id = t.holder
   WHERE t.status = 'claimed'
     AND (a.state = 'gone' OR a.last_seen + t.lease_secs <= @now)
     AND t.reclaims + 1 >= (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'task_max_reclaims');

-- Unclaimed time runs from offered_at (added with its dependencies done,
-- released, reopened, or its last dependency done) while the task is
-- open, and from the holder's last sign of life once its claim ended.
-- CROSS JOIN: queues first, then the tasks_sla index range per queue.
-- INDEXED BY tasks_held (here and in tasks_claim.sql): the covering index
-- of live claims, which the planner would not pick without statistics.
INSERT OR REPLACE INTO roost_ctx(k, v)
  SELECT 'esc:' || id, json_array(target, overdue, 'sla') FROM (
    SELECT t.id, coalesce(q.escalate_to, (SELECT value FROM settings WHERE key = 'task_notify')) AS target,
           @now - (t.offered_at + q.sla) AS overdue
      FROM queues q CROSS JOIN tasks t
     WHERE t.queue = q.name AND q.sla IS NOT NULL AND t.queue IS NOT NULL AND t.escalated_at IS NULL
       AND t.status = 'open' AND t.waiting = 0 AND t.offered_at <= @now - q.sla
    UNION ALL
    SELECT t.id, coalesce(q.escalate_to, (SELECT value FROM settings WHERE key = 'task_notify')),
           @now - (max(t.offered_at, a.last_seen) + q.sla)
      FROM tasks t INDEXED BY tasks_held JOIN queues q ON q.name = t.queue JOIN agent_state a ON a.id = t.holder
     WHERE t.status = 'claimed' AND t.escalated_at IS NULL AND q.sla IS NOT NULL
       AND (a.state = 'gone' OR a.last_seen + t.lease_secs <= @now)
       AND max(t.offered_at, a.last_seen) + q.sla <= @now)
   WHERE target IS NOT NULL AND target != '';
