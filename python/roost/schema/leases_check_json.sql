-- leases_check_json.sql: what lock --check --json prints after leases_check.sql:
-- {"free", "checked": [{"key", "kind", "status", "holder", ...}]}
SELECT json_object('free', json(CASE WHEN NOT EXISTS (SELECT 1 FROM lease_blk) THEN 'true' ELSE 'false' END),
         'checked', (SELECT json_group_array(json(j)) FROM (SELECT json_object('key', r.key, 'kind', r.kind,
             'status', CASE WHEN l.id IS NULL THEN 'free' WHEN l.holder IS @me THEN 'yours' ELSE 'held' END,
             'holder', l.holder, 'held', l.key,
             'shared', CASE WHEN l.id IS NOT NULL THEN json(CASE WHEN l.shared THEN 'true' ELSE 'false' END) END,
             'reason', l.reason, 'since', l.since, 'until', l.until, 'state', s.state) AS j
           FROM lease_req r
           LEFT JOIN lease_chk a ON a.n = r.n
           LEFT JOIN leases l ON l.id = a.id
           LEFT JOIN agent_state s ON s.id = l.holder
           ORDER BY r.n)))
 WHERE @json;
