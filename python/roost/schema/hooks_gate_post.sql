-- hooks_gate_post.sql: a post-tool call needs the tokenizer only for a
-- patch or a shell command that may write; everything else is settled by
-- the write tool's own file (hooks_parse.sql).
UPDATE hook_gate SET full = (
  SELECT h.kind = 'patch' OR (h.kind = 'shell' AND (SELECT c GLOB '*>*' OR c GLOB '* tee *' OR (c GLOB '* sed *' AND c GLOB '* -*i*')
               OR c GLOB '* mv *' OR c GLOB '* cp *' OR c GLOB '* rm *' OR c GLOB '*/rm *' OR c GLOB '* rmdir *'
               OR c GLOB '* unlink *' OR c GLOB '* shred *' OR c GLOB '* touch *' OR c GLOB '* truncate *'
               OR c GLOB '* of=*' OR (c GLOB '* git *' AND (c GLOB '* checkout *' OR c GLOB '* restore *'))
               OR c GLOB '*Begin Patch*'
          FROM (SELECT ' ' || replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
                         replace(h.cmd, '2>&1', ''), '>/dev/null', ''), '> /dev/null', ''), '>&2', ''),
                         char(10), ' '), char(9), ' '), ';', ' '), '|', ' '), '&', ' '), '(', ' '), ')', ' ') || ' ' AS c))) FROM hook h)
 WHERE EXISTS (SELECT 1 FROM hook);
