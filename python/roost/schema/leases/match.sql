-- match.sql: which lease rows overlap each request (lease_hit), and which
-- of them stand in the way (lease_blk). Parameters: @now, @me; @check = 1
-- counts held leases only (lock --check); @waitid = the caller's own
-- queued request, which only earlier requests may block.
--
-- Geometry. Every key is also a pattern of '/'-separated segments: a file
-- 'src/a.py' is itself, a folder 'src/' is 'src/**', a glob is as given.
-- In a segment, * and ? never match '/', [...] is a class (SQLite GLOB);
-- a segment that is exactly ** matches zero or more whole segments. Two
-- leases overlap when some path matches both patterns; a resource only
-- overlaps the same name. Candidates come from index lookups alone: the
-- same key; folders and glob bases at or above the request's folder; keys
-- below a folder or a glob's base. Pairs involving a glob then run the
-- segment automaton below: exact when one side has no wildcards (file or
-- folder against a glob); for two globs, two wildcard segments are taken
-- to overlap unless their literal prefixes or suffixes differ (this may
-- over-deny, never under-deny).
UPDATE lease_req SET
  base = CASE kind
    WHEN 'resource' THEN ''
    WHEN 'dir' THEN key
    ELSE coalesce(nullif(rtrim(lit, replace(lit, '/', '')), ''), './') END,
  pat = CASE kind WHEN 'dir' THEN CASE key WHEN './' THEN '**' ELSE key || '**' END ELSE key END
FROM (SELECT n AS m,
             CASE kind WHEN 'glob'
               THEN substr(key, 1, min(instr(key || '*', '*'), instr(key || '?', '?'), instr(key || '[', '[')) - 1)
               ELSE key END AS lit
        FROM lease_req)
WHERE n = m;

INSERT OR IGNORE INTO lease_hit(n, id)
WITH RECURSIVE
  -- './' and every folder from the top down to the request's base
  pre(n, d, rest) AS (
    SELECT n, './', CASE base WHEN './' THEN '' ELSE base END FROM lease_req WHERE kind != 'resource'
    UNION ALL
    SELECT n, CASE d WHEN './' THEN '' ELSE d END || substr(rest, 1, instr(rest, '/')),
           substr(rest, instr(rest, '/') + 1)
      FROM pre WHERE instr(rest, '/') > 0
  ),
  -- how = 0: overlaps for sure; 1: let the automaton decide
  cand(n, id, how) AS (
    SELECT r.n, l.id, 0 FROM lease_req r JOIN leases l ON l.key = r.key AND l.kind = r.kind
    UNION ALL
    SELECT p.n, l.id, 0 FROM pre p JOIN leases l ON l.key = p.d AND l.kind = 'dir'
    UNION ALL
    SELECT p.n, l.id, 1 FROM pre p JOIN leases l ON l.base = p.d AND l.kind = 'glob'
    UNION ALL
    SELECT r.n, l.id, 0 FROM lease_req r JOIN leases l ON l.key = r.key || '/' AND l.kind = 'dir'
     WHERE r.kind = 'file'
    UNION ALL
    SELECT r.n, l.id, 0 FROM lease_req r
      JOIN leases l ON l.key = substr(r.key, 1, length(r.key) - 1) AND l.kind = 'file'
     WHERE r.kind = 'dir'
    UNION ALL
    -- a trailing ** also matches the folder itself: 'src/**' and 'src'
    SELECT r.n, l.id, 1 FROM lease_req r JOIN leases l ON l.base = r.key || '/' AND l.kind = 'glob'
     WHERE r.kind = 'file'
    UNION ALL
    SELECT r.n, l.id, 1 FROM lease_req r
      JOIN leases l ON l.key = substr(r.base, 1, length(r.base) - 1) AND l.kind = 'file'
     WHERE r.kind = 'glob' AND r.base != './'
    UNION ALL
    -- keys below 'src/' sort in ['src/', 'src0'): '0' follows '/'
    SELECT r.n, l.id, r.kind = 'glob' FROM lease_req r
      JOIN leases l ON l.key > r.base AND l.key < substr(r.base, 1, length(r.base) - 1) || '0'
     WHERE r.kind IN ('dir', 'glob') AND r.base != './' AND l.kind != 'resource'
    UNION ALL
    SELECT r.n, l.id, r.kind = 'glob' FROM lease_req r JOIN leases l ON l.kind != 'resource'
     WHERE r.kind IN ('dir', 'glob') AND r.base = './'
  ),
  -- pairs for the automaton, after a cheap necessary test for file/glob
  -- pairs: the path must match the glob with each ** widened to *
  nc(n, id) AS (
    SELECT DISTINCT c.n, c.id FROM cand c
      JOIN lease_req r ON r.n = c.n JOIN leases l ON l.id = c.id
     WHERE c.how AND CASE
       WHEN r.kind = 'file' AND l.kind = 'glob'
         THEN r.key GLOB replace(replace(l.key, '**/', '*'), '/**', '*')
       WHEN r.kind = 'glob' AND l.kind = 'file'
         THEN l.key GLOB replace(replace(r.key, '**/', '*'), '/**', '*')
       ELSE 1 END
  ),
  -- the segments of each pattern: side 0 the request n, side 1 the lease id
  sg(side, k, i, s, rest) AS (
    SELECT 0, n, 0, NULL, pat || '/' FROM lease_req WHERE n IN (SELECT n FROM nc)
    UNION ALL
    SELECT 1, id, 0, NULL,
           CASE kind WHEN 'dir' THEN CASE key WHEN './' THEN '**' ELSE key || '**' END ELSE key END || '/'
      FROM leases WHERE id IN (SELECT id FROM nc)
    UNION ALL
    SELECT side, k, i + 1, substr(rest, 1, instr(rest, '/') - 1), substr(rest, instr(rest, '/') + 1)
      FROM sg WHERE rest != ''
  ),
  seg(side, k, i, s, star, lit, pre, suf) AS (
    SELECT side, k, i, s, s = '**', s NOT GLOB '*[[*?]*',
           substr(s, 1, min(instr(s || '*', '*'), instr(s || '?', '?'), instr(s || '[', '[')) - 1),
           substr(s, length(rtrim(s, replace(replace(replace(s, '*', ''), '?', ''), ']', ''))) + 1)
      FROM sg WHERE i > 0
  ),
  segs(side, k, c) AS (SELECT side, k, max(i) FROM sg GROUP BY side, k),
  -- the automaton: (i, j) = the next segment of each side
  m(n, id, i, j) AS (
    SELECT n, id, 1, 1 FROM nc
    UNION
    SELECT m.n, m.id, m.i + 1, m.j FROM m
      JOIN seg x ON x.side = 0 AND x.k = m.n AND x.i = m.i
     WHERE x.star
    UNION
    SELECT m.n, m.id, m.i, m.j + 1 FROM m
      JOIN seg x ON x.side = 0 AND x.k = m.n AND x.i = m.i
      JOIN seg y ON y.side = 1 AND y.k = m.id AND y.i = m.j
     WHERE x.star
    UNION
    SELECT m.n, m.id, m.i, m.j + 1 FROM m
      JOIN seg y ON y.side = 1 AND y.k = m.id AND y.i = m.j
     WHERE y.star
    UNION
    SELECT m.n, m.id, m.i + 1, m.j FROM m
      JOIN seg y ON y.side = 1 AND y.k = m.id AND y.i = m.j
      JOIN seg x ON x.side = 0 AND x.k = m.n AND x.i = m.i
     WHERE y.star
    UNION
    SELECT m.n, m.id, m.i + 1, m.j + 1 FROM m
      JOIN seg x ON x.side = 0 AND x.k = m.n AND x.i = m.i
      JOIN seg y ON y.side = 1 AND y.k = m.id AND y.i = m.j
     WHERE NOT x.star AND NOT y.star AND CASE
       WHEN x.lit THEN x.s GLOB y.s
       WHEN y.lit THEN y.s GLOB x.s
       ELSE (instr(x.pre, y.pre) = 1 OR instr(y.pre, x.pre) = 1)
        AND (x.suf = '' OR y.suf = '' OR substr(x.suf, -length(y.suf)) = y.suf
             OR substr(y.suf, -length(x.suf)) = x.suf) END
  )
SELECT n, id FROM cand WHERE NOT how
UNION
SELECT m.n, m.id FROM m
  JOIN segs a ON a.side = 0 AND a.k = m.n
  JOIN segs b ON b.side = 1 AND b.k = m.id
 WHERE m.i > a.c AND m.j > b.c;

-- In the way: someone else's held lease that has not expired, or the
-- request of someone queued earlier (ts, agent) whose wait has not run out,
-- unless both are shared; a gone holder or waiter never is. A waiter whose
-- process died is dropped by the caller's pid check (the slow path).
INSERT INTO lease_blk(n, id, holder, kind, key, shared, reason, since, until, state, queued, ts,
                      pid, pid_start, host, wait, msg)
SELECT h.n, l.id, l.holder, l.kind, l.key, l.shared, l.reason, l.since, l.until, s.state,
       l.wait IS NOT NULL, l.ts,
       CASE WHEN l.wait IS NULL THEN s.pid ELSE w.pid END,
       CASE WHEN l.wait IS NULL THEN s.pid_start ELSE w.pid_start END,
       CASE WHEN l.wait IS NULL THEN s.host ELSE w.host END,
       l.wait,
       -- the denial (out.sql cleans it)
       CASE r.kind WHEN 'resource' THEN 'resource ' ELSE '' END || quote(r.key) || CASE
         WHEN l.wait IS NOT NULL THEN ' is wanted by ' || l.holder || ', who asked first (lamport '
           || l.ts || ') and waits until ' || strftime('%Y-%m-%d %H:%M:%SZ', w.until, 'unixepoch')
         ELSE ' is held by ' || l.holder
           || CASE WHEN l.key != r.key OR l.kind != r.kind THEN ' through ' || quote(l.key) ELSE '' END
           || ' (' || CASE WHEN l.shared THEN 'shared, ' ELSE '' END || s.state
           || ', since ' || strftime('%Y-%m-%d %H:%M:%SZ', l.since, 'unixepoch')
           || ', until ' || strftime('%Y-%m-%d %H:%M:%SZ', l.until, 'unixepoch')
           || coalesce(', reason: ' || l.reason, '') || ')' END
  FROM lease_hit h
  JOIN lease_req r ON r.n = h.n
  JOIN leases l ON l.id = h.id
  JOIN agent_state s ON s.id = l.holder
  LEFT JOIN lease_waits w ON w.id = l.wait
 WHERE l.holder IS NOT @me
   AND NOT (r.shared AND l.shared)
   AND s.state != 'gone'
   AND CASE WHEN l.wait IS NULL THEN l.until > @now
            ELSE NOT coalesce(@check, 0) AND w.until > @now
             AND (@waitid IS NULL
                  OR (w.ts, w.agent) < (SELECT ts, agent FROM lease_waits WHERE id = @waitid)) END;
