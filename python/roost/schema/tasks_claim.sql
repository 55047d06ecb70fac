-- One claim, run by `roost claim` (lib/roost/commands/claim.sh, with
-- `.read`) and by Roost.claim() (python/roost/tasks.py), after
-- tasks_due.sql (and tasks_act.sql), inside the caller's BEGIN IMMEDIATE
-- transaction.
-- Not a migration. Parameters: @me (the caller), @now, @want (a task id,
-- or NULL for the next ready task), @lease (seconds, or NULL for the
-- task_lease setting), @host (this host, for the pid check).
--
-- Results, in temp.roost_ctx: 'due' 1 when upkeep marks are pending (then
-- nothing is claimed or written here: the caller runs tasks_act.sql and
-- this again); 'task' the task taken (NULL: none); 'own' a task the caller
-- already held; 'prev' and 'why' the previous holder of a reclaimed task
-- and why its claim ended; 'sus:AGENT' = 'PID<tab>START' for holders that
-- look alive but have a pid on this host (when nothing was taken, the
-- caller checks those pids and, if one is dead, records the death and runs
-- this again). A refusal is a row in roost_err.
DELETE FROM roost_ctx WHERE k GLOB 'sus:*';
INSERT OR REPLACE INTO roost_ctx(k, v) VALUES ('task', NULL), ('own', NULL), ('prev', NULL), ('why', NULL),
  ('due', EXISTS (SELECT 1 FROM roost_ctx WHERE k GLOB 'park:*' OR k GLOB 'esc:*'));

-- claim ID of a task the caller holds: keep it (with a new lease if given).
INSERT OR REPLACE INTO roost_ctx(k, v)
  SELECT 'own', id FROM tasks
   WHERE id = @want AND status = 'claimed' AND holder = @me AND (SELECT v FROM roost_ctx WHERE k = 'due') = 0;
INSERT INTO emit(agent, kind, target, body, at)
  SELECT @me, 'task.renew', 'T-' || id, json_object('lease', @lease), @now
    FROM tasks WHERE id = (SELECT v FROM roost_ctx WHERE k = 'own') AND @lease IS NOT NULL;
UPDATE tasks SET lease_secs = @lease, updated_at = @now
 WHERE id = (SELECT v FROM roost_ctx WHERE k = 'own') AND @lease IS NOT NULL;

-- Choose: not done, not held by a live claim, dependencies done; without
-- an id also addressed to the caller, its role, or anyone; highest
-- priority first, then oldest. Parked (stuck) tasks are never chosen.
INSERT OR REPLACE INTO roost_ctx(k, v)
  SELECT 'task', id FROM (
    SELECT * FROM (SELECT id, priority FROM tasks
                    WHERE status = 'open' AND waiting = 0 AND for_target IS NULL
                    ORDER BY priority DESC, id LIMIT 1)
    UNION ALL
    SELECT * FROM (SELECT id, priority FROM tasks
                    WHERE status = 'open' AND waiting = 0 AND for_target = @me
                    ORDER BY priority DESC, id LIMIT 1)
    UNION ALL
    SELECT * FROM (SELECT id, priority FROM tasks
                    WHERE status = 'open' AND waiting = 0
                      AND for_target = (SELECT 'role:' || role FROM agents WHERE id = @me)
                    ORDER BY priority DESC, id LIMIT 1)
    UNION ALL
    SELECT t.id, t.priority FROM tasks t INDEXED BY tasks_held JOIN agent_state a ON a.id = t.holder
     WHERE t.status = 'claimed' AND t.waiting = 0 AND t.holder != @me
       AND (a.state = 'gone' OR a.last_seen + t.lease_secs <= @now)
       AND (t.for_target IS NULL OR t.for_target = @me
            OR t.for_target = (SELECT 'role:' || role FROM agents WHERE id = @me)))
   WHERE @want IS NULL AND (SELECT v FROM roost_ctx WHERE k = 'due') = 0
   ORDER BY priority DESC, id LIMIT 1;
INSERT OR REPLACE INTO roost_ctx(k, v)
  SELECT 'task', t.id FROM tasks t LEFT JOIN agent_state a ON a.id = t.holder
   WHERE t.id = @want AND t.waiting = 0 AND (SELECT v FROM roost_ctx WHERE k = 'due') = 0
     AND (t.status = 'open'
          OR (t.status = 'claimed' AND t.holder != @me
              AND (a.state = 'gone' OR a.last_seen + t.lease_secs <= @now)));

INSERT OR REPLACE INTO roost_ctx(k, v)
  SELECT 'prev', t.holder FROM tasks t
   WHERE t.id = (SELECT v FROM roost_ctx WHERE k = 'task') AND t.status = 'claimed';
INSERT OR REPLACE INTO roost_ctx(k, v)
  SELECT 'why', CASE WHEN a.dead THEN 'dead' WHEN a.ended THEN 'ended'
                     WHEN a.state = 'gone' THEN 'gone' ELSE 'expired' END
    FROM tasks t JOIN agent_state a ON a.id = t.holder
   WHERE t.id = (SELECT v FROM roost_ctx WHERE k = 'task') AND t.status = 'claimed';

-- Take it. A reclaim is logged and the previous holder told.
INSERT INTO emit(agent, kind, target, body, at)
  SELECT @me, 'task.reclaim', 'T-' || t.id,
         json_object('from', t.holder, 'why', (SELECT v FROM roost_ctx WHERE k = 'why'), 'reclaims', t.reclaims + 1), @now
    FROM tasks t WHERE t.id = (SELECT v FROM roost_ctx WHERE k = 'task') AND t.status = 'claimed';
INSERT INTO task_notice(actor, target, body, at)
  SELECT @me, t.holder,
         json_object('task', 'T-' || t.id, 'about', 'task.reclaim', 'by', @me,
                     'text', 'your claim on T-' || t.id || ' (' || t.title || ') ended ('
                             || (SELECT v FROM roost_ctx WHERE k = 'why') || '); ' || @me
                             || ' has taken the task over'), @now
    FROM tasks t WHERE t.id = (SELECT v FROM roost_ctx WHERE k = 'task') AND t.status = 'claimed';
UPDATE tasks
   SET reclaims = reclaims + (status = 'claimed'), attempts = attempts + 1, status = 'claimed',
       holder = @me, claimed_at = @now, updated_at = @now,
       lease_secs = coalesce(@lease, (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'task_lease'))
 WHERE id = (SELECT v FROM roost_ctx WHERE k = 'task');
INSERT INTO emit(agent, kind, target, body, at)
  SELECT @me, 'task.claim', 'T-' || id, json_object('lease', lease_secs, 'attempt', attempts), @now
    FROM tasks WHERE id = (SELECT v FROM roost_ctx WHERE k = 'task');

-- Nothing taken: say why.
INSERT INTO roost_err(rc, msg)
  SELECT CASE WHEN @want IS NOT NULL AND t.id IS NULL THEN 64 ELSE 2 END,
         CASE
           WHEN @want IS NULL THEN 'nothing ready for ' || @me
           WHEN t.id IS NULL THEN 'no such task T-' || @want
           WHEN t.status IN ('done', 'cancelled', 'blocked', 'stuck') THEN 'T-' || t.id || ' is ' || t.status
           WHEN t.waiting > 0 THEN 'T-' || t.id || ' is waiting on ' ||
             (SELECT group_concat('T-' || x.after, ', ')
                FROM (SELECT d.after FROM task_deps d JOIN tasks y ON y.id = d.after
                       WHERE d.task = t.id AND y.status != 'done' ORDER BY d.after) x)
           ELSE 'T-' || t.id || ' is held by ' || t.holder || ' (' || a.state || ', seen '
                || (@now - a.last_seen) || 's ago)'
         END
    FROM (SELECT 1) LEFT JOIN tasks t ON t.id = @want LEFT JOIN agent_state a ON a.id = t.holder
   WHERE (SELECT v FROM roost_ctx WHERE k = 'task') IS NULL
     AND (SELECT v FROM roost_ctx WHERE k = 'own') IS NULL;

-- Holders that look alive but might be dead (a pid on this host).
INSERT OR REPLACE INTO roost_ctx(k, v)
  SELECT DISTINCT 'sus:' || a.id, a.pid || char(9) || coalesce(a.pid_start, '')
    FROM tasks t INDEXED BY tasks_held JOIN agent_state a ON a.id = t.holder
   WHERE (SELECT v FROM roost_ctx WHERE k = 'task') IS NULL
     AND (SELECT v FROM roost_ctx WHERE k = 'own') IS NULL
     AND t.status = 'claimed' AND t.holder != @me
     AND a.pid IS NOT NULL AND a.host = @host
     AND a.state != 'gone' AND a.last_seen + t.lease_secs > @now
     AND (t.id = @want
          OR (@want IS NULL AND t.waiting = 0
              AND (t.for_target IS NULL OR t.for_target = @me
                   OR t.for_target = (SELECT 'role:' || role FROM agents WHERE id = @me))))
   LIMIT 32;
