-- hooks_gate_pre.sql (needs the leases schema): the cheap part of the
-- pre-tool check, after hooks_parse.sql and hooks_norm.sql. It settles the
-- common cases without compiling the tokenizer or the lease automaton:
-- not a write tool, or nobody else holds a live lease: allowed; a write
-- tool's file held exactly (a file lease on it, a folder lease over it):
-- denied, with the leases capability's wording; a write tool's file no
-- glob could cover: allowed. The rest (a shell command that may write, a
-- patch, a glob lease over the folder) sets full: hooks_targets.sql and
-- the leases capability's own matching decide (hooks_pre.sql).
INSERT INTO hook_blk(holder, key, msg, pid, pid_start, host)
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
    JOIN leases l ON l.wait IS NULL AND l.until > @now AND l.holder IS NOT h.me
                 AND ((l.kind = 'file' AND l.key = t.key)
                      OR (l.kind = 'dir' AND (l.key = './' OR substr(t.key, 1, length(l.key)) = l.key)))
    JOIN agent_state s ON s.id = l.holder
   WHERE h.kind = 'file' AND t.kind = 'file' AND s.state != 'gone'
   ORDER BY l.since, l.holder;
UPDATE hook_gate SET full = (
  SELECT CASE
    WHEN h.kind IS NULL OR EXISTS (SELECT 1 FROM hook_blk) THEN 0
    WHEN NOT EXISTS (SELECT 1 FROM leases l WHERE l.wait IS NULL AND l.until > @now
                                              AND l.holder IS NOT h.me AND l.kind != 'resource') THEN 0
    WHEN h.kind = 'file' THEN EXISTS (
      SELECT 1 FROM hook_tgt t JOIN leases l ON l.kind = 'glob' AND l.wait IS NULL AND l.until > @now
                                            AND l.holder IS NOT h.me
                                            AND (l.base = './' OR substr(t.key, 1, length(l.base)) = l.base))
    WHEN h.kind = 'patch' THEN 1
    ELSE (SELECT c GLOB '*>*' OR c GLOB '* tee *' OR (c GLOB '* sed *' AND c GLOB '* -*i*')
               OR c GLOB '* mv *' OR c GLOB '* cp *' OR c GLOB '* rm *' OR c GLOB '*/rm *' OR c GLOB '* rmdir *'
               OR c GLOB '* unlink *' OR c GLOB '* shred *' OR c GLOB '* touch *' OR c GLOB '* truncate *'
               OR c GLOB '* of=*' OR (c GLOB '* git *' AND (c GLOB '* checkout *' OR c GLOB '* restore *'))
               OR c GLOB '*Begin Patch*'
          FROM (SELECT ' ' || replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
                         replace(h.cmd, '2>&1', ''), '>/dev/null', ''), '> /dev/null', ''), '>&2', ''),
                         char(10), ' '), char(9), ' '), ';', ' '), '|', ' '), '&', ' '), '(', ' '), ')', ' ') || ' ' AS c)) END
  FROM hook h)
 WHERE EXISTS (SELECT 1 FROM hook);
