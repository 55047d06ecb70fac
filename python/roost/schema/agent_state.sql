-- agent_state.sql: the liveness view, after connection.sql (roost_ctx).
-- Python makes it on every connection (db.CONNECTION_FILES); the shell
-- reads this file only into the scripts that use it (_roost_state in
-- lib/roost/core.sh): creating the view costs as much to compile as a
-- small command, and most commands never look at liveness.
-- Liveness, the one definition every feature uses.
--   gone:   session ended, or process found dead, since it was last seen;
--           or not seen for gone_window
--   active: seen within active_window
--   idle:   otherwise (its process is alive, or unknown)
CREATE TEMP VIEW IF NOT EXISTS agent_state AS
  SELECT f.*,
         CASE
           WHEN f.ended OR f.dead THEN 'gone'
           WHEN (SELECT v FROM roost_ctx WHERE k = 'now') - f.last_seen > f.gone_window THEN 'gone'
           WHEN (SELECT v FROM roost_ctx WHERE k = 'now') - f.last_seen <= f.active_window THEN 'active'
           ELSE 'idle'
         END AS state
  FROM agent_facts f;
