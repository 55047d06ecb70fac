-- leases_check.sql: after leases_match.sql with @check = 1 (held leases only; a queued
-- request holds nothing). Exit 2 when someone else holds any of the paths,
-- naming every holder in the way as leases_lock.sql does.
-- Writes nothing but the caller's last-seen time. Parameters: @json, @quiet.
INSERT INTO roost_err
  SELECT 2, group_concat(msg, '; ') FROM (
    SELECT msg FROM (SELECT msg, n, since, holder, id,
                            row_number() OVER (PARTITION BY holder ORDER BY n, since, id) AS k
                       FROM lease_blk)
     WHERE k = 1 ORDER BY n, since, holder, id)
  HAVING count(*) > 0;

-- Per path (n): the first holder in the way, else the caller's own lease,
-- else nothing (id NULL). One lease may cover several of the paths, so
-- this is keyed by path (lease_act is keyed by lease).
CREATE TEMP TABLE IF NOT EXISTS lease_chk (n INTEGER PRIMARY KEY, id INTEGER);
DELETE FROM lease_chk;
INSERT INTO lease_chk(n, id)
  SELECT r.n, coalesce(
           (SELECT b.id FROM lease_blk b WHERE b.n = r.n ORDER BY b.since, b.holder LIMIT 1),
           (SELECT l.id FROM lease_hit h CROSS JOIN leases l ON l.id = h.id
             WHERE h.n = r.n AND l.holder IS @me AND l.wait IS NULL AND l.until > @now
             ORDER BY l.since LIMIT 1))
    FROM lease_req r;
