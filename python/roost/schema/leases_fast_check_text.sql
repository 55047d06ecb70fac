-- leases_fast_check_text.sql: after leases_near.sql or leases_match.sql, when no
-- lease row at all overlaps any path (lease_hit is empty), lock --check
-- needs nothing more: every path is free; say so as leases_check_json.sql
-- and leases_check_text.sql would. (The shell then stops the script before
-- leases_check.sql is even compiled.) Read only when lines are printed
-- (not with --quiet, as leases_check_text.sql); the JSON is
-- leases_fast_check_json.sql.
SELECT replace(CASE kind WHEN 'resource' THEN 'resource ' ELSE '' END || key || ': free', char(10), ' ')
  FROM lease_req
 WHERE NOT EXISTS (SELECT 1 FROM lease_hit)
 ORDER BY n;
