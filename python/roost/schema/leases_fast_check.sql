-- leases_fast_check.sql: after leases_fast.sql settled a check, every path is free; say
-- so as leases_check_json.sql / leases_check_text.sql do.
SELECT json_object('free', json('true'),
         'checked', (SELECT json_group_array(json(j)) FROM (SELECT json_object('key', key, 'kind', kind,
             'status', 'free', 'holder', NULL, 'held', NULL, 'shared', NULL, 'reason', NULL,
             'since', NULL, 'until', NULL, 'state', NULL) AS j
           FROM lease_req ORDER BY n)))
 WHERE @json AND EXISTS (SELECT 1 FROM roost_ctx WHERE k = 'lease_fast');
INSERT INTO lease_out(line)
  SELECT replace(CASE kind WHEN 'resource' THEN 'resource ' ELSE '' END || key || ': free', char(10), ' ')
    FROM lease_req
   WHERE NOT coalesce(@json, 0) AND NOT coalesce(@quiet, 0)
     AND EXISTS (SELECT 1 FROM roost_ctx WHERE k = 'lease_fast')
   ORDER BY n;
