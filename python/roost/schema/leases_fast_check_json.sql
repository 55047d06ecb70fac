-- leases_fast_check_json.sql: leases_fast_check_text.sql's answer as JSON (lock --check
-- --json).
SELECT json_object('free', json('true'),
         'checked', (SELECT json_group_array(json(j)) FROM (SELECT json_object('key', key, 'kind', kind,
             'status', 'free', 'holder', NULL, 'held', NULL, 'shared', NULL, 'reason', NULL,
             'since', NULL, 'until', NULL, 'state', NULL) AS j
           FROM lease_req ORDER BY n)))
 WHERE NOT EXISTS (SELECT 1 FROM lease_hit);
