-- hooks_norm.sql: the paths in hook_raw made absolute (against the command's
-- folder), with '.', '..' and '//' resolved, then relative to the working
-- tree (@root) as lease keys in hook_tgt. Paths outside it are dropped.
-- Keys: a file 'a/b', a folder 'a/b/' (the tree itself: './'), a pattern as
-- written below its folder.
INSERT OR IGNORE INTO hook_tgt(kind, key, path)
WITH RECURSIVE
  ab(id, kind, path, full) AS (
    SELECT rowid, CASE WHEN glob THEN 'glob' ELSE kind END, path,
           CASE WHEN substr(path, 1, 1) = '/' THEN path WHEN base IS NOT NULL THEN base || '/' || path END
      FROM hook_raw
  ),
  nm(id, acc, rest) AS (
    -- no real path is longer than PATH_MAX (4096)
    SELECT id, '', full || '/' FROM ab WHERE full IS NOT NULL AND length(CAST(full AS BLOB)) <= 4096
    UNION ALL
    SELECT id,
      CASE substr(rest, 1, instr(rest, '/') - 1)
        WHEN '' THEN acc
        WHEN '.' THEN acc
        WHEN '..' THEN substr(acc, 1, length(rtrim(acc, replace(acc, '/', ''))) - 1)
        ELSE acc || '/' || substr(rest, 1, instr(rest, '/') - 1) END,
      substr(rest, instr(rest, '/') + 1)
    FROM nm WHERE rest != ''
  ),
  done AS (SELECT id, acc FROM nm WHERE rest = ''),
  r(root) AS (SELECT CASE WHEN @root = '/' THEN '' ELSE rtrim(@root, '/') END)
SELECT ab.kind,
       CASE
         WHEN d.acc = r.root THEN './'
         WHEN ab.kind = 'dir' THEN substr(d.acc, length(r.root) + 2) || '/'
         ELSE substr(d.acc, length(r.root) + 2) END,
       ab.path
  FROM ab JOIN done d ON d.id = ab.id, r
 WHERE (d.acc = r.root AND ab.kind = 'dir')
    OR (substr(d.acc, 1, length(r.root) + 1) = r.root || '/' AND length(d.acc) > length(r.root) + 1);
-- Through symbolic links (the links table: SQL cannot read a link): a
-- target that is a link, or lies below a link to a folder, is also a
-- target where the write really lands. Both keys count, so a write through
-- CLAUDE.md -> AGENTS.md meets a lease on either; chains of links resolve
-- in up to 8 steps.
INSERT OR IGNORE INTO hook_tgt(kind, key, path)
WITH RECURSIVE via(kind, key, path, n) AS (
  SELECT kind, key, path, 0 FROM hook_tgt WHERE EXISTS (SELECT 1 FROM links)
  UNION
  SELECT v.kind,
         CASE WHEN v.key = l.path OR v.key = l.path || '/' THEN l.target
              WHEN l.target = './' THEN substr(v.key, length(l.path) + 2)
              ELSE l.target || substr(v.key, length(l.path) + 2) END,
         v.path, v.n + 1
    FROM via v JOIN links l
      ON l.path = v.key OR substr(v.key, 1, length(l.path) + 1) = l.path || '/'
   WHERE v.n < 8
)
SELECT CASE WHEN kind = 'file' AND substr(key, -1) = '/' THEN 'dir' ELSE kind END, key, path
  FROM via WHERE n > 0;
DELETE FROM hook_raw;
