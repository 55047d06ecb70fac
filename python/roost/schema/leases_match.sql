-- leases_match.sql: which lease rows overlap each request (lease_hit), and which
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
-- to overlap unless they start or end with different literal characters
-- ('*.py' and '*.md' do not overlap; 'a*' and 'ab*c' are taken to): this
-- may over-deny, never under-deny.

-- The hits that stand in the way: someone else's live held lease, or an
-- earlier live waiter's request, and not both shared.
CREATE TEMP TABLE IF NOT EXISTS lease_blk (
  n INTEGER NOT NULL, id INTEGER NOT NULL, holder TEXT NOT NULL, kind TEXT NOT NULL,
  key TEXT NOT NULL, shared INTEGER NOT NULL, reason TEXT, since INTEGER NOT NULL,
  until INTEGER NOT NULL, state TEXT NOT NULL, queued INTEGER NOT NULL, ts INTEGER NOT NULL,
  pid INTEGER, pid_start TEXT, host TEXT, wait INTEGER, msg TEXT
);
-- Every lease row (held or queued, anyone's, live or not) that overlaps a
-- request: the geometry alone (as leases_near.sql makes it for files).
CREATE TEMP TABLE IF NOT EXISTS lease_hit (n INTEGER NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (n, id)) WITHOUT ROWID;
DELETE FROM lease_hit;
DELETE FROM lease_blk;
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
    SELECT r.n, l.id, 0 FROM lease_req r CROSS JOIN leases l ON l.key = r.key AND l.kind = r.kind
    UNION ALL
    SELECT p.n, l.id, 0 FROM pre p CROSS JOIN leases l ON l.key = p.d AND l.kind = 'dir'
    UNION ALL
    SELECT p.n, l.id, 1 FROM pre p CROSS JOIN leases l ON l.base = p.d AND l.kind = 'glob'
    UNION ALL
    SELECT r.n, l.id, 0 FROM lease_req r CROSS JOIN leases l ON l.key = r.key || '/' AND l.kind = 'dir'
     WHERE r.kind = 'file'
    UNION ALL
    SELECT r.n, l.id, 0 FROM lease_req r
      CROSS JOIN leases l ON l.key = substr(r.key, 1, length(r.key) - 1) AND l.kind = 'file'
     WHERE r.kind = 'dir'
    UNION ALL
    -- a trailing ** also matches the folder itself: 'src/**' and 'src'
    SELECT r.n, l.id, 1 FROM lease_req r CROSS JOIN leases l ON l.base = r.key || '/' AND l.kind = 'glob'
     WHERE r.kind = 'file'
    UNION ALL
    SELECT r.n, l.id, 1 FROM lease_req r
      CROSS JOIN leases l ON l.key = substr(r.base, 1, length(r.base) - 1) AND l.kind = 'file'
     WHERE r.kind = 'glob' AND r.base != './'
    UNION ALL
    -- keys below 'src/' sort in ['src/', 'src0'): '0' follows '/'
    SELECT r.n, l.id, r.kind = 'glob' FROM lease_req r
      CROSS JOIN leases l ON l.key > r.base AND l.key < substr(r.base, 1, length(r.base) - 1) || '0'
     WHERE r.kind IN ('dir', 'glob') AND r.base != './' AND l.kind != 'resource'
    UNION ALL
    SELECT r.n, l.id, r.kind = 'glob' FROM lease_req r CROSS JOIN leases l ON l.kind != 'resource'
     WHERE r.kind IN ('dir', 'glob') AND r.base = './'
  ),
  -- pairs for the automaton, after a cheap necessary test for file/glob
  -- pairs: the path must match the glob with each ** widened to *
  nc(n, id) AS (
    SELECT DISTINCT c.n, c.id FROM cand c
      CROSS JOIN lease_req r ON r.n = c.n CROSS JOIN leases l ON l.id = c.id
     WHERE c.how AND CASE
       WHEN r.kind = 'file' AND l.kind = 'glob'
         THEN r.key GLOB replace(replace(l.key, '**/', '*'), '/**', '*')
       WHEN r.kind = 'glob' AND l.kind = 'file'
         THEN l.key GLOB replace(replace(r.key, '**/', '*'), '/**', '*')
       ELSE 1 END
  ),
  -- the automaton over the two patterns, a (the request's) and b (the
  -- lease's), each as the segments still to match, every one ending in '/'
  m(n, id, a, b) AS (
    SELECT c.n, c.id, r.pat || '/',
           CASE l.kind WHEN 'dir' THEN CASE l.key WHEN './' THEN '**' ELSE l.key || '**' END
                       ELSE l.key END || '/'
      FROM nc c CROSS JOIN lease_req r ON r.n = c.n CROSS JOIN leases l ON l.id = c.id
    UNION  -- a's ** matches no more segments
    SELECT n, id, substr(a, 4), b FROM m WHERE substr(a, 1, 3) = '**/'
    UNION  -- a's ** matches b's next segment
    SELECT n, id, a, substr(b, instr(b, '/') + 1) FROM m WHERE substr(a, 1, 3) = '**/' AND b != ''
    UNION  -- and the same for b's **
    SELECT n, id, a, substr(b, 4) FROM m WHERE substr(b, 1, 3) = '**/'
    UNION
    SELECT n, id, substr(a, instr(a, '/') + 1), b FROM m WHERE substr(b, 1, 3) = '**/' AND a != ''
    UNION  -- two segments that can match one name: exact when one has no
           -- wildcard; else their first and last characters must agree where
           -- both are literal
    SELECT n, id, substr(a, instr(a, '/') + 1), substr(b, instr(b, '/') + 1) FROM m
     WHERE a != '' AND b != '' AND substr(a, 1, 3) != '**/' AND substr(b, 1, 3) != '**/'
       AND CASE
         WHEN substr(a, 1, instr(a, '/') - 1) NOT GLOB '*[[*?]*'
           THEN substr(a, 1, instr(a, '/') - 1) GLOB substr(b, 1, instr(b, '/') - 1)
         WHEN substr(b, 1, instr(b, '/') - 1) NOT GLOB '*[[*?]*'
           THEN substr(b, 1, instr(b, '/') - 1) GLOB substr(a, 1, instr(a, '/') - 1)
         ELSE (substr(a, 1, 1) IN ('*', '?', '[') OR substr(b, 1, 1) IN ('*', '?', '[')
               OR substr(a, 1, 1) = substr(b, 1, 1))
          AND (substr(a, instr(a, '/') - 1, 1) IN ('*', '?', ']')
               OR substr(b, instr(b, '/') - 1, 1) IN ('*', '?', ']')
               OR substr(a, instr(a, '/') - 1, 1) = substr(b, instr(b, '/') - 1, 1)) END
  )
SELECT n, id FROM cand WHERE NOT how
UNION
SELECT n, id FROM m WHERE a = '' AND b = '';

-- In the way: someone else's held lease that has not expired, or the
-- request of someone queued earlier (ts, agent) whose wait has not run out,
-- unless both are shared; a gone holder or waiter never is. A waiter whose
-- process died is dropped by the caller's pid check (the slow path).
-- (Each mention of agent_state.state expands the whole liveness rule, so
-- it is read once per holder.)
WITH st AS MATERIALIZED (
  SELECT id, state, pid, pid_start, host FROM agent_state
   WHERE id IN (SELECT l.holder FROM lease_hit h CROSS JOIN leases l ON l.id = h.id))
INSERT INTO lease_blk(n, id, holder, kind, key, shared, reason, since, until, state, queued, ts,
                      pid, pid_start, host, wait, msg)
SELECT h.n, l.id, l.holder, l.kind, l.key, l.shared, l.reason, l.since, l.until, s.state,
       l.wait IS NOT NULL, l.ts,
       CASE WHEN l.wait IS NULL THEN s.pid ELSE w.pid END,
       CASE WHEN l.wait IS NULL THEN s.pid_start ELSE w.pid_start END,
       CASE WHEN l.wait IS NULL THEN s.host ELSE w.host END,
       l.wait,
       -- the denial, on one line (the printer drops control characters)
       replace(CASE r.kind WHEN 'resource' THEN 'resource ' ELSE '' END || quote(r.key) || CASE
         WHEN l.wait IS NOT NULL THEN ' is wanted by ' || l.holder || ', who asked first (lamport '
           || l.ts || ') and waits until ' || strftime('%Y-%m-%d %H:%M:%SZ', w.until, 'unixepoch')
         ELSE ' is held by ' || l.holder
           || CASE WHEN l.key != r.key OR l.kind != r.kind THEN ' through ' || quote(l.key) ELSE '' END
           || ' (' || CASE WHEN l.shared THEN 'shared, ' ELSE '' END || s.state
           || ', since ' || strftime('%Y-%m-%d %H:%M:%SZ', l.since, 'unixepoch')
           || ', until ' || strftime('%Y-%m-%d %H:%M:%SZ', l.until, 'unixepoch')
           || coalesce(', reason: ' || l.reason, '') || ')' END, char(10), ' ')
  FROM lease_hit h
  CROSS JOIN lease_req r ON r.n = h.n
  CROSS JOIN leases l ON l.id = h.id
  CROSS JOIN st s ON s.id = l.holder
  LEFT JOIN lease_waits w ON w.id = l.wait
 WHERE l.holder IS NOT @me
   AND NOT (r.shared AND l.shared)
   AND s.state != 'gone'
   AND CASE WHEN l.wait IS NULL THEN l.until > @now
            ELSE NOT coalesce(@check, 0) AND w.until > @now
             AND (@waitid IS NULL
                  OR (w.ts, w.agent) < (SELECT ts, agent FROM lease_waits WHERE id = @waitid))
             -- extending a live lease of one's own is no barging
             AND NOT EXISTS (SELECT 1 FROM leases m WHERE m.key = r.key AND m.kind = r.kind
                              AND m.holder IS @me AND m.wait IS NULL AND m.until > @now) END;
