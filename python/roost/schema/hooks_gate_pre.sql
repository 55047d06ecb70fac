-- hooks_gate_pre.sql (needs the leases schema): the cheap part of the
-- pre-tool check, after hooks_parse.sql and hooks_norm.sql. It settles the
-- common cases without compiling the tokenizer or the lease automaton:
-- not a write tool, or nobody else holds a live lease: allowed; a write
-- tool's file held exactly (a file lease on it, a folder lease over it):
-- denied, with the leases capability's wording; a write tool's file no
-- glob could cover: allowed. The rest (a shell command that may write, a
-- patch, a glob lease over the folder) sets full: hooks_targets.sql and
-- the leases capability's own matching decide (hooks_pre.sql).
-- Leases in the way are found by index lookups (leases_key, leases_base)
-- on the target's own key and the folders above it ('./', 'a/', 'a/b/'),
-- never by a scan of every lease (10,000 leases cost 5 ms that way).
INSERT INTO hook_blk(holder, key, msg, pid, pid_start, host)
  WITH RECURSIVE pre(tkey, d, rest) AS (
    SELECT key, './', key FROM hook_tgt WHERE kind = 'file'
    UNION ALL
    SELECT tkey, CASE d WHEN './' THEN '' ELSE d END || substr(rest, 1, instr(rest, '/')),
           substr(rest, instr(rest, '/') + 1)
      FROM pre WHERE instr(rest, '/') > 0
  ),
  cand(tkey, kind, key) AS (
    SELECT key, 'file', key FROM hook_tgt WHERE kind = 'file'
    UNION ALL
    SELECT tkey, 'dir', d FROM pre
  )
  SELECT l.holder, t.key,
         quote(t.key) || ' is held by ' || l.holder
           || CASE WHEN l.key != t.key OR l.kind != t.kind THEN ' through ' || quote(l.key) ELSE '' END
           || ' (' || CASE WHEN l.shared THEN 'shared, ' ELSE '' END || s.state
           || ', since ' || strftime('%Y-%m-%d %H:%M:%SZ', l.since, 'unixepoch')
           || ', until ' || strftime('%Y-%m-%d %H:%M:%SZ', l.until, 'unixepoch')
           || coalesce(', reason: ' || l.reason, '') || ')',
         s.pid, s.pid_start, s.host
    FROM hook h
    JOIN hook_tgt t
    JOIN cand c ON c.tkey = t.key
    JOIN leases l ON l.key = c.key AND l.kind = c.kind
                 AND l.wait IS NULL AND l.until > @now AND l.holder IS NOT h.me
    JOIN agent_state s ON s.id = l.holder
   WHERE h.kind = 'file' AND t.kind = 'file' AND s.state != 'gone'
   ORDER BY l.since, l.holder;
UPDATE hook_gate SET full = (
  SELECT CASE
    WHEN h.kind IS NULL OR EXISTS (SELECT 1 FROM hook_blk) THEN 0
    WHEN NOT EXISTS (SELECT 1 FROM leases l WHERE l.wait IS NULL AND l.until > @now
                                              AND l.holder IS NOT h.me AND l.kind != 'resource') THEN 0
    WHEN h.kind = 'file' THEN EXISTS (
      WITH RECURSIVE pre(d, rest) AS (
        SELECT './', key FROM hook_tgt WHERE kind = 'file'
        UNION ALL
        SELECT CASE d WHEN './' THEN '' ELSE d END || substr(rest, 1, instr(rest, '/')),
               substr(rest, instr(rest, '/') + 1)
          FROM pre WHERE instr(rest, '/') > 0)
      -- (the planner would build an automatic index over every lease instead)
      SELECT 1 FROM pre JOIN leases l INDEXED BY leases_base ON l.base = pre.d AND l.kind = 'glob' AND l.wait IS NULL
                                     AND l.until > @now AND l.holder IS NOT h.me)
    WHEN h.kind = 'patch' THEN 1
    ELSE (SELECT c GLOB '*>*' OR c GLOB '* tee *' OR (c GLOB '* sed *' AND c GLOB '* -*i*')
               OR c GLOB '* mv *' OR c GLOB '* cp *' OR c GLOB '* ln *' OR c GLOB '* rm *' OR c GLOB '*/rm *' OR c GLOB '* rmdir *'
               OR c GLOB '* unlink *' OR c GLOB '* shred *' OR c GLOB '* touch *' OR c GLOB '* truncate *'
               OR c GLOB '* of=*' OR (c GLOB '* git *' AND (c GLOB '* checkout *' OR c GLOB '* restore *'))
               OR c GLOB '*Begin Patch*'
          FROM (SELECT ' ' || replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
                         replace(h.cmd, '2>&1', ''), '>/dev/null', ''), '> /dev/null', ''), '>&2', ''),
                         char(10), ' '), char(9), ' '), ';', ' '), '|', ' '), '&', ' '), '(', ' '), ')', ' '),
                         '''', ' '), '"', ' ') || ' ' AS c)) END
  FROM hook h)
 WHERE EXISTS (SELECT 1 FROM hook);
