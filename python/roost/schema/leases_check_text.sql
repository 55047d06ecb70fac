-- leases_check_text.sql: the line lock --check prints for each path, after
-- leases_check.sql: the first holder in the way, else the caller's own
-- lease, else free. Agent text in it (keys, reasons, names) has had its
-- newlines made spaces; whoever prints drops the other control characters
-- (lib/roost/leases.sh, roost.text).
SELECT replace(CASE r.kind WHEN 'resource' THEN 'resource ' ELSE '' END || r.key || ': ' || CASE
         WHEN l.id IS NULL THEN 'free'
         WHEN c.mine THEN 'yours until ' || strftime('%Y-%m-%d %H:%M:%SZ', l.until, 'unixepoch')
         ELSE 'held by ' || l.holder
           || CASE WHEN l.key != r.key OR l.kind != r.kind THEN ' through ' || l.key ELSE '' END
           || ' (' || c.state || ') until ' || strftime('%Y-%m-%d %H:%M:%SZ', l.until, 'unixepoch')
           || coalesce(', reason: ' || l.reason, '') END, char(10), ' ')
  FROM lease_req r
  LEFT JOIN lease_chk c ON c.rowid = (SELECT rowid FROM lease_chk WHERE n = r.n ORDER BY mine, since, holder LIMIT 1)
  LEFT JOIN leases l ON l.id = c.id
 ORDER BY r.n;
