-- The shell's claim, before tasks_due.sql (lib/roost/commands/claim.sh):
-- holders whose process has left this host (no /proc entry: readfile() of
-- the sqlite3 CLI gives NULL) are recorded dead, as Roost.mark_dead does,
-- so the upkeep sees their claims ended and their tasks rank with the rest
-- (priority first) instead of after them. A recycled pid needs its start
-- time: tasks_claim.sql's 'sus' rows. Python does the same with
-- Roost.reap. Parameters: @me, @now, @host (this host).
-- (The agents with a pid here that hold a claim first, then one readfile
-- each: a readfile in a scan of the claims would run for every claim, 1.7
-- ms on 200 of them.)
INSERT OR REPLACE INTO roost_ctx(k, v)
  WITH h AS MATERIALIZED (
    SELECT a.id, a.pid FROM agents a
     WHERE a.pid IS NOT NULL AND a.host = @host AND a.dead_at IS NULL AND a.id != @me
       AND EXISTS (SELECT 1 FROM tasks t INDEXED BY tasks_held WHERE t.holder = a.id AND t.status = 'claimed'))
  SELECT 'dead:' || h.id, h.pid FROM h
   WHERE (SELECT readfile('/proc/self/stat') IS NOT NULL)
     AND readfile('/proc/' || h.pid || '/stat') IS NULL;
INSERT INTO emit(agent, kind, target, body, at)
  SELECT @me, 'agent.dead', substr(k, 6), json_object('pid', v), @now FROM roost_ctx WHERE k GLOB 'dead:*';
UPDATE agents SET dead_at = @now, pid = NULL, pid_start = NULL
 WHERE id IN (SELECT substr(k, 6) FROM roost_ctx WHERE k GLOB 'dead:*');
DELETE FROM roost_ctx WHERE k GLOB 'dead:*';
