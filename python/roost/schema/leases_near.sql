-- leases_near.sql: leases_match.sql's geometry (lease_hit) for the common
-- requests, files and resources only, in one small statement: sqlite3
-- compiles every statement it runs, and the general one (folders and globs
-- on both sides) costs more to compile than a check costs to run. A file
-- 'a/b/c.py' can only meet: a lease on the same key, a folder at or above
-- it ('./', 'a/', 'a/b/', and 'a/b/c.py/' itself), and a glob whose base is
-- one of those folders: index lookups (leases_key, leases_base); a glob then
-- goes through the segment automaton with the file's side literal (* and ?
-- never match '/', a ** segment matches zero or more whole segments). A
-- resource only meets the same name. Equal to leases_match.sql's lease_hit
-- for such requests (tests/python/test_leases_near.py compares them).
-- lease_hit is made here, not in leases_begin.sql: lock's fast path needs none.
CREATE TEMP TABLE IF NOT EXISTS lease_hit (n INTEGER NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (n, id)) WITHOUT ROWID;
DELETE FROM lease_hit;
INSERT OR IGNORE INTO lease_hit(n, id)
WITH RECURSIVE
  pre(n, key, d, rest) AS (
    SELECT n, key, './', key || '/' FROM lease_req WHERE kind = 'file'
    UNION ALL
    SELECT n, key, CASE d WHEN './' THEN '' ELSE d END || substr(rest, 1, instr(rest, '/')),
           substr(rest, instr(rest, '/') + 1)
      FROM pre WHERE instr(rest, '/') > 0),
  -- a: the file's segments still to match, b: the glob's; each ends in '/'.
  -- First a cheap necessary test: the path matches the glob with ** as *.
  m(n, id, a, b) AS (
    SELECT p.n, l.id, p.key || '/', l.key || '/'
      FROM pre p CROSS JOIN leases l ON l.base = p.d AND l.kind = 'glob'
     WHERE p.key GLOB replace(replace(l.key, '**/', '*'), '/**', '*')
    UNION  -- the glob's ** matches no more segments
    SELECT n, id, a, substr(b, 4) FROM m WHERE substr(b, 1, 3) = '**/'
    UNION  -- or one more
    SELECT n, id, substr(a, instr(a, '/') + 1), b FROM m WHERE substr(b, 1, 3) = '**/' AND a != ''
    UNION  -- a name and a segment
    SELECT n, id, substr(a, instr(a, '/') + 1), substr(b, instr(b, '/') + 1) FROM m
     WHERE a != '' AND b != '' AND substr(b, 1, 3) != '**/'
       AND substr(a, 1, instr(a, '/') - 1) GLOB substr(b, 1, instr(b, '/') - 1))
SELECT r.n, l.id FROM lease_req r CROSS JOIN leases l ON l.key = r.key AND l.kind = r.kind
UNION ALL
SELECT p.n, l.id FROM pre p CROSS JOIN leases l ON l.key = p.d AND l.kind = 'dir'
UNION ALL
SELECT n, id FROM m WHERE a = '' AND b = '';
