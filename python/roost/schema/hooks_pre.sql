-- hooks_pre.sql: after hooks_targets.sql and the leases capability's own
-- conflict check (leases/begin.sql, lease_req filled from hook_tgt,
-- leases/match.sql with @check = 1): a tool call that would write a path
-- another live agent holds is denied. The reason names the holder and says
-- what to do instead; the holders' processes go to the status line, so
-- that the shell can allow when every one of them is provably dead.
INSERT INTO hook_blk(holder, pid, pid_start, host)
  SELECT holder, pid, pid_start, host FROM lease_blk WHERE NOT queued;
INSERT INTO hook_out(kind, text)
  SELECT 'deny', 'roost: ' || m || CASE WHEN n > 1 THEN ' (and ' || (n - 1) || ' more of the paths this call writes)' ELSE '' END
           || '. Do not write it now, and do not work around this with another tool or command: message '
           || holder || ' (`roost send ' || holder || ' TEXT`), wait for the lease (`roost lock '
           || CASE WHEN key GLOB '*[ ''"$`\]*' THEN quote(key) ELSE key END || ' --wait 10m`), or pick other work.'
    FROM (SELECT b.holder, r.key,
                 (SELECT replace(replace(replace(replace(replace(x, char(10), ' '), char(13), ' '), char(27), ''),
                                 '<', '‹'), '>', '›')
                    FROM (SELECT b.msg AS x)) AS m,
                 (SELECT count(DISTINCT n) FROM lease_blk WHERE NOT queued) AS n
            FROM lease_blk b JOIN lease_req r ON r.n = b.n
           WHERE NOT b.queued ORDER BY b.n, b.since, b.holder LIMIT 1);
INSERT INTO hook_log(msg)
  SELECT 'denied ' || coalesce(h.tool, 'a shell command') || ': ' || replace(replace(b.msg, char(10), ' '), char(27), '')
    FROM hook h, (SELECT msg FROM lease_blk WHERE NOT queued ORDER BY n, since, holder LIMIT 1) b;
-- lease_on_edit: no one in the way, so the caller takes a short lease on
-- each file it is about to write (not already its own), that the next
-- writer finds held. The caller's process takes it through `roost lock`
-- (the leases capability's own grant), so only plain keys qualify.
INSERT INTO hook_take(key)
  SELECT t.key FROM hook_tgt t, hook h
   WHERE t.kind = 'file' AND t.key NOT GLOB '*[^A-Za-z0-9._/+@,=-]*' AND t.key NOT GLOB '-*'
     AND h.me IS NOT NULL
     AND (SELECT value FROM settings WHERE key = 'lease_on_edit') = '1'
     AND NOT EXISTS (SELECT 1 FROM lease_blk WHERE NOT queued)
     AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.key = t.key AND l.kind = 'file' AND l.holder = h.me
                      AND l.wait IS NULL AND l.until > @now);
