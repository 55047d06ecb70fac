-- hooks_deny.sql: the denial, when hook_blk names someone in the way. The
-- reason names the holder and what to do instead (it is what the model
-- reads); agent text in it (a lease's reason) is on one line, with angle
-- brackets defused. The holders' processes go to the status line
-- (hooks_answer.sql): the shell allows after all when every one is dead.
INSERT INTO hook_out(kind, text)
  SELECT 'deny', 'roost: ' || m || CASE WHEN n > 1 THEN ' (and ' || (n - 1) || ' more of the paths this call writes)' ELSE '' END
           || '. Do not write it now, and do not work around this with another tool or command: message '
           || holder || ' (`roost send ' || holder || ' TEXT`), wait for the lease (`roost lock '
           || CASE WHEN key GLOB '*[ ''"$`\]*' THEN quote(key) ELSE key END || ' --wait 10m`), or pick other work.'
    FROM (SELECT holder, key,
                 (SELECT replace(replace(replace(replace(replace(x, char(10), ' '), char(13), ' '), char(27), ''),
                                 '<', '‹'), '>', '›') FROM (SELECT msg AS x)) AS m,
                 (SELECT count(DISTINCT key) FROM hook_blk) AS n
            FROM hook_blk ORDER BY rowid LIMIT 1)
   WHERE NOT (SELECT full FROM hook_gate);
INSERT INTO hook_log(msg)
  SELECT 'denied ' || coalesce(h.tool, 'a shell command') || ': ' || replace(replace(b.msg, char(10), ' '), char(27), '')
    FROM hook h, (SELECT msg FROM hook_blk ORDER BY rowid LIMIT 1) b
   WHERE NOT (SELECT full FROM hook_gate);
