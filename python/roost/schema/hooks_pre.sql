-- hooks_pre.sql (needs the leases schema): the full pre-tool check, when
-- hooks_gate_pre.sql could not decide: after hooks_targets.sql,
-- hooks_norm.sql and the leases capability's own conflict check
-- (leases_begin.sql, lease_req filled from hook_tgt, leases_match.sql with
-- @check = 1), every live lease of another agent in the way (not just
-- queued for) is a blocker; hooks_deny.sql words the denial.
INSERT INTO hook_blk(holder, key, msg, pid, pid_start, host)
  SELECT b.holder, r.key, b.msg, b.pid, b.pid_start, b.host
    FROM lease_blk b JOIN lease_req r ON r.n = b.n
   WHERE NOT b.queued ORDER BY b.n, b.since, b.holder;
-- A folder target that meets a file lease on the same path (`rm foo.txt`
-- against a lease on foo.txt) is named as that file: the denial
-- (hooks_deny.sql) and the `roost lock` it suggests then say 'foo.txt',
-- not 'foo.txt/'. (Only here: the quick check's targets are all files.)
UPDATE hook_blk SET key = substr(key, 1, length(key) - 1),
                    msg = quote(substr(key, 1, length(key) - 1)) || ' is held by ' || holder || ' ('
                          || substr(msg, length(quote(key) || ' is held by ' || holder || ' through '
                                                || quote(substr(key, 1, length(key) - 1)) || ' (') + 1)
 WHERE substr(key, -1) = '/' AND length(key) > 1
   AND substr(msg, 1, length(quote(key) || ' is held by ' || holder || ' through '
                             || quote(substr(key, 1, length(key) - 1)) || ' ('))
       = quote(key) || ' is held by ' || holder || ' through ' || quote(substr(key, 1, length(key) - 1)) || ' (';
