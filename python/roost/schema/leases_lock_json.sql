-- leases_lock_json.sql: what lock --json prints after leases_lock.sql decided:
-- {"agent", "granted": [...], "conflicts": [...]}; nothing when the request
-- was queued (the waiter prints when it is served).
SELECT json_object('agent', @me,
         'granted', (SELECT json_group_array(json(j)) FROM (SELECT json_object('key', l.key, 'kind', l.kind,
                       'shared', json(CASE l.shared WHEN 1 THEN 'true' ELSE 'false' END),
                       'since', l.since, 'until', l.until, 'reason', l.reason) AS j
                       FROM lease_req r CROSS JOIN leases l ON l.key = r.key AND l.kind = r.kind
                        AND l.holder = @me AND l.wait IS NULL
                      WHERE NOT EXISTS (SELECT 1 FROM roost_err) ORDER BY r.n)),
         'conflicts', (SELECT json_group_array(json(j)) FROM (SELECT json_object('key', r.key, 'held', b.key,
                       'kind', b.kind, 'holder', b.holder,
                       'shared', json(CASE b.shared WHEN 1 THEN 'true' ELSE 'false' END),
                       'queued', json(CASE b.queued WHEN 1 THEN 'true' ELSE 'false' END),
                       'reason', b.reason, 'since', b.since, 'until', b.until, 'state', b.state) AS j
                       FROM lease_blk b CROSS JOIN lease_req r ON r.n = b.n
                      ORDER BY b.n, b.queued, b.since, b.holder)))
 WHERE @json
   AND NOT EXISTS (SELECT 1 FROM roost_ctx WHERE k = 'lease_wait')
   AND (@waitid IS NULL OR coalesce(@final, 0) OR NOT EXISTS (SELECT 1 FROM roost_err));
