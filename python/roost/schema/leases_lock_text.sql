-- leases_lock_text.sql: the lines lock prints (leases_out.sql prints them).
INSERT INTO lease_out(line)
  SELECT replace('locked ' || CASE l.kind WHEN 'resource' THEN 'resource ' ELSE '' END || l.key
         || CASE l.shared WHEN 1 THEN ' (shared)' ELSE '' END
         || ' until ' || strftime('%Y-%m-%d %H:%M:%SZ', l.until, 'unixepoch'), char(10), ' ')
    FROM lease_req r CROSS JOIN leases l ON l.key = r.key AND l.kind = r.kind AND l.holder = @me AND l.wait IS NULL
   WHERE NOT coalesce(@json, 0) AND NOT coalesce(@quiet, 0) AND NOT EXISTS (SELECT 1 FROM roost_err)
   ORDER BY r.n;
