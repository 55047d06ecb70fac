-- leases_check_text.sql: the lines lock --check prints (leases_out.sql prints them).
INSERT INTO lease_out(line)
  SELECT replace(CASE r.kind WHEN 'resource' THEN 'resource ' ELSE '' END || r.key || ': ' || CASE
           WHEN l.id IS NULL THEN 'free'
           WHEN l.holder IS @me THEN 'yours until ' || strftime('%Y-%m-%d %H:%M:%SZ', l.until, 'unixepoch')
           ELSE 'held by ' || l.holder
             || CASE WHEN l.key != r.key OR l.kind != r.kind THEN ' through ' || l.key ELSE '' END
             || ' (' || s.state || ') until ' || strftime('%Y-%m-%d %H:%M:%SZ', l.until, 'unixepoch')
             || coalesce(', reason: ' || l.reason, '') END, char(10), ' ')
    FROM lease_req r LEFT JOIN lease_chk a ON a.n = r.n
    LEFT JOIN leases l ON l.id = a.id LEFT JOIN agent_state s ON s.id = l.holder
   WHERE NOT coalesce(@json, 0) AND NOT coalesce(@quiet, 0)
   ORDER BY r.n;
