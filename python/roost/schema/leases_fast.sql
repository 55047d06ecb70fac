-- leases_fast.sql: the common case, decided with index lookups alone, before
-- anything costly is prepared: every request is a file or a resource and
-- no lease row at all (anyone's, held or queued, live or not) has the same
-- key, is a folder at or above it, or is a glob rooted at or above it.
-- Then nothing can be in the way, nothing is to reclaim, and a lock is
-- granted by leases_fast_lock.sql; a check finds every path free. Otherwise
-- nothing happens and leases_match.sql decides (the full path), as it would have
-- here. Sets roost_ctx lease_fast.
INSERT INTO roost_ctx SELECT 'lease_fast', 1
 WHERE NOT EXISTS (SELECT 1 FROM lease_req WHERE kind NOT IN ('file', 'resource'))
   AND NOT EXISTS (SELECT 1 FROM lease_req r CROSS JOIN leases l ON l.key = r.key AND l.kind = r.kind)
   AND NOT EXISTS (
     WITH RECURSIVE pre(d, rest) AS (
       -- './', each folder above the file, and the file's own path as a folder
       SELECT './', key || '/' FROM lease_req WHERE kind = 'file'
       UNION ALL
       SELECT CASE d WHEN './' THEN '' ELSE d END || substr(rest, 1, instr(rest, '/')),
              substr(rest, instr(rest, '/') + 1)
         FROM pre WHERE instr(rest, '/') > 0)
     SELECT 1 FROM pre CROSS JOIN leases l ON l.key = pre.d AND l.kind = 'dir'
     UNION ALL
     SELECT 1 FROM pre CROSS JOIN leases l ON l.base = pre.d AND l.kind = 'glob');
