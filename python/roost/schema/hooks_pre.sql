-- pre.sql: after targets.sql and the lease match (leases/begin.sql,
-- lease_req filled from hook_tgt, leases/match.sql with @check = 1): a
-- tool call that would write a path another live agent holds is denied,
-- with a reason that names the holder and says what to do instead.
INSERT INTO hook_blk(holder, pid, pid_start, host)
  SELECT holder, pid, pid_start, host FROM lease_blk WHERE NOT queued;
