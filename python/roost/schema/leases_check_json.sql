-- leases_check_json.sql: what lock --check --json prints after leases_check.sql:
-- {"free", "checked": [{"key", "kind", "status", "holder", ...}]}, each
-- path's entry chosen as leases_check_text.sql chooses its line.
SELECT json_object('free', json(CASE WHEN EXISTS (SELECT 1 FROM lease_chk WHERE NOT mine) THEN 'false' ELSE 'true' END),
         'checked', (SELECT json_group_array(json(j)) FROM (SELECT json_object('key', r.key, 'kind', r.kind,
             'status', CASE WHEN l.id IS NULL THEN 'free' WHEN c.mine THEN 'yours' ELSE 'held' END,
             'holder', l.holder, 'held', l.key,
             'shared', CASE WHEN l.id IS NOT NULL THEN json(CASE WHEN l.shared THEN 'true' ELSE 'false' END) END,
             'reason', l.reason, 'since', l.since, 'until', l.until, 'state', c.state) AS j
           FROM lease_req r
           LEFT JOIN lease_chk c ON c.rowid = (SELECT rowid FROM lease_chk WHERE n = r.n ORDER BY mine, since, holder LIMIT 1)
           LEFT JOIN leases l ON l.id = c.id
           ORDER BY r.n)));
