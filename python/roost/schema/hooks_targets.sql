-- hooks_targets.sql: the files a tool call would write, found in patches
-- and shell commands (a write tool's own file is taken by hooks_parse.sql),
-- as rows of hook_raw that hooks_norm.sql turns into lease keys relative to
-- the working tree in hook_tgt(kind, key, path):
--   kind file  key 'src/a.py'   (a write tool's file, a redirection, tee, touch, ...)
--   kind dir   key 'src/'       (rm, mv, cp -r, git checkout/restore: the
--                                path and everything below it)
--   kind glob  key 'src/*.py'   (an unquoted shell pattern)
-- Paths outside ROOT, and words the shell would expand ($VAR, `cmd`, ~),
-- are left out: roost cannot know them, and must never deny on a guess.
--
-- Shell commands are read by a tokenizer (a recursive CTE over the bytes
-- of the command) that knows quotes, backslashes, comments, operators and
-- here-documents (whose bodies it skips), then split into simple commands
-- on ; & && || | newlines and parentheses. Each simple command gives its
-- redirection targets (> >> >| &> &>> <>), and, by program: tee, touch,
-- rm, truncate, mv, cp (what lands in DEST), sed -i, dd of=, git checkout --
-- PATHS, git restore PATHS. `cd DIR` moves the base of later relative
-- paths (`git -C DIR` for that command only). Programs run through sudo,
-- env, command, exec, eval, nohup, time, nice, timeout, or after the
-- reserved words that open a command in a compound one (then, do, !, {,
-- ...), are seen through, and so is the quoted script of bash -c, sh -c,
-- eval (read in place by the tokenizer, as if in parentheses).
-- apply_patch (Codex): the files named in the patch text, wherever it
-- comes from (the apply_patch tool, or a shell command feeding a patch).
INSERT INTO hook_raw(kind, base, path)
WITH RECURSIVE
  src(t) AS (
    SELECT CASE WHEN kind = 'patch' THEN coalesce(json_extract(tin, '$.command'), json_extract(tin, '$.input'),
                                                  json_extract(tin, '$.patch')) ELSE cmd END
      FROM hook WHERE kind = 'patch' OR (kind = 'shell' AND instr(cmd, '*** Begin Patch') > 0)
  ),
  ln(line, rest) AS (
    SELECT NULL, t || char(10) FROM src WHERE typeof(t) = 'text'
    UNION ALL
    SELECT substr(rest, 1, instr(rest, char(10)) - 1), substr(rest, instr(rest, char(10)) + 1)
      FROM ln WHERE rest != ''
  )
SELECT 'file', (SELECT cwd FROM hook), trim(substr(line, length(m) + 1), ' ' || char(9) || char(13))
  FROM ln, (SELECT '*** Add File: ' AS m UNION ALL SELECT '*** Update File: '
            UNION ALL SELECT '*** Delete File: ' UNION ALL SELECT '*** Move to: ')
 WHERE substr(line, 1, length(m)) = m;

-- Shell commands: the bytes in chunks of 256 (split in halves, so a long
-- command is copied log n times, not once per byte), then the tokens
-- (hook_tok), then what they write.
CREATE TEMP TABLE hook_chunk(j INTEGER PRIMARY KEY, b BLOB NOT NULL);
INSERT INTO hook_chunk(j, b)
WITH RECURSIVE pc(off, len, b) AS (
  SELECT 0, length(CAST(cmd AS BLOB)), CAST(cmd AS BLOB) FROM hook
   WHERE kind = 'shell' AND typeof(cmd) = 'text' AND cmd != ''
  UNION ALL
  SELECT off, ((len + 511) / 512) * 256, substr(b, 1, ((len + 511) / 512) * 256) FROM pc WHERE len > 256
  UNION ALL
  SELECT off + ((len + 511) / 512) * 256, len - ((len + 511) / 512) * 256,
         substr(b, ((len + 511) / 512) * 256 + 1) FROM pc WHERE len > 256
)
SELECT off / 256, b FROM pc WHERE len <= 256;
CREATE TEMP TABLE hook_tok(k INTEGER PRIMARY KEY, tok, tkind TEXT, tf INTEGER);
INSERT INTO hook_tok(k, tok, tkind, tf)
WITH RECURSIVE
  src(n) AS (
    SELECT length(CAST(cmd AS BLOB)) FROM hook
     WHERE kind = 'shell' AND typeof(cmd) = 'text' AND cmd != ''
  ),
  -- The tokenizer. State: i the next byte; q 0 unquoted, 1 in '', 2 in "";
  -- w the word being read (NULL: none) and wf its flags (1: expands, so
  -- unknown; 2: an unquoted pattern); op the operator being read; lastop
  -- the last operator emitted (NULL after a word); hd a here-document
  -- delimiter waiting for the end of the line. Two kinds of step take
  -- turns: ph 0 rows read the bytes c, c2 at i; ph 1 rows make the move,
  -- emitting at most one token (tok, tkind 'w' word, 'fd' an fd number
  -- before a redirection, 'op'), with its flags tf (wf's, and 4, 8 below).
  -- Scripts: the quoted script of `bash -c '...'`, `sh -c "..."` or
  -- `eval '...'` is read in place as commands of their own, between an
  -- emitted ( and ) (tf 4), so that a cd in it stays in it; the words
  -- after it are its arguments (tf 8: no command). nq: 0 no script, 1 in
  -- a '' script (its bytes are the script, up to the next '), 2 in a ""
  -- script, where \" \$ \` are the outer shell's (e = 1 marks the byte
  -- after such a \) and $ ` expand even inside the script's own '', 3
  -- the same after a \\ (a backslash for the inner shell, not followed
  -- here: every later word of the script is unknown). cs finds scripts:
  -- 0 at a command's start (past reserved words, wrappers, assignments,
  -- options), 1 past bash, sh, zsh, dash or ksh, 2 past their -c (or
  -- past eval), 3 past any other program or an unquoted script, 4 past
  -- a script's end, 5 at the value of bash -o.
  tk(k, ph, i, q, w, wf, op, lastop, hd, nq, cs, e, tok, tkind, tf, m, c, c2) AS (
    SELECT 0, 1, 1, 0, NULL, 0, NULL, NULL, NULL, 0, 0, 0, NULL, NULL, 0, 0, NULL, NULL
    UNION ALL
    SELECT k + 1, 0, i, q, w, wf, op,
           CASE WHEN tkind = 'op' THEN tok WHEN tkind IS NOT NULL AND NOT (lastop = '<<' AND tok = '-')
                THEN NULL ELSE lastop END,
           hd, nq,
           CASE
             WHEN tkind IS NULL OR tkind = 'fd' THEN cs
             WHEN tkind = 'op' THEN CASE WHEN tf = 4 THEN 4
                                         WHEN tok IN (';', '&', '&&', '||', '|', '|&', char(10), '(', ')', ';;') THEN 0
                                         ELSE cs END
             WHEN lastop IN ('>', '>>', '>|', '&>', '&>>', '<>', '>&', '<', '<<', '<&', '<<<') THEN cs
             WHEN cs = 0 THEN CASE
               WHEN tok GLOB '[A-Za-z_]*=*' THEN 0
               WHEN tf != 0 THEN 3
               WHEN substr(tok, length(rtrim(tok, replace(tok, '/', ''))) + 1) IN ('bash', 'sh', 'zsh', 'dash', 'ksh') THEN 1
               WHEN tok = 'eval' THEN 2
               WHEN tok IN ('if', 'then', 'elif', 'else', 'while', 'until', 'do', '!', '{', 'time', 'sudo', 'env',
                            'command', 'builtin', 'exec', 'nohup', 'nice', 'stdbuf', 'doas', 'timeout')
                    OR tok GLOB '-*' OR tok GLOB '[0-9]*' THEN 0
               ELSE 3 END
             WHEN cs = 1 THEN CASE WHEN tok IN ('-o', '+o', '-O', '+O') THEN 5
                                   WHEN tok GLOB '-*c*' AND tok NOT GLOB '--*' THEN 2
                                   WHEN tok GLOB '[-+]*' THEN 1 ELSE 3 END
             WHEN cs = 5 THEN 1
             WHEN cs = 2 AND tok NOT GLOB '-*' THEN 3
             ELSE cs END,
           e, NULL, NULL, 0,
           -- m: a script's step, if any (the bytes are read once more, only
           -- where one may be): 1 its end, 2 a \ of the outer "", 3 a quote
           -- that starts one if cs (as updated here) is 2
           CASE WHEN nq = 0 AND NOT (q = 0 AND w IS NULL AND op IS NULL
                                     AND (cs = 2 OR (cs = 1 AND tkind = 'w') OR tok = 'eval')) THEN 0 ELSE (
             SELECT CASE
                 WHEN nq = 0 THEN CASE WHEN x IN ('''', '"') THEN 3 ELSE 0 END
                 WHEN nq = 1 THEN x = '''' OR (x = '\' AND y = '''')
                 WHEN e = 1 THEN 0
                 WHEN x = '"' THEN 1
                 WHEN x = '\' AND y IN ('"', '$', '`', '\', char(10)) THEN 2
                 ELSE 0 END
               FROM (SELECT CAST(substr((SELECT b FROM hook_chunk WHERE j = (i - 1) / 256), (i - 1) % 256 + 1, 1) AS TEXT) AS x,
                            CAST(substr((SELECT b FROM hook_chunk WHERE j = i / 256), i % 256 + 1, 1) AS TEXT) AS y)) END,
           CAST(substr((SELECT b FROM hook_chunk WHERE j = (i - 1) / 256), (i - 1) % 256 + 1, 1) AS TEXT),
           CAST(substr((SELECT b FROM hook_chunk WHERE j = i / 256), i % 256 + 1, 1) AS TEXT)
      FROM tk, src WHERE tk.ph = 1 AND tk.i <= src.n + 1
    UNION ALL
    SELECT k + 1, 1,
        -- next position
        CASE
          WHEN op = char(10) AND hd IS NOT NULL THEN
            coalesce(nullif(instr(substr((SELECT CAST(cmd AS BLOB) FROM hook), i - 1), CAST(char(10) || hd || char(10) AS BLOB)), 0)
                     + i + length(CAST(hd AS BLOB)), src.n + 2)
          WHEN i > src.n THEN src.n + 2
          -- a script's end: what is pending first, then the ) (past \' too)
          WHEN m = 1 THEN CASE WHEN w IS NOT NULL OR op IS NOT NULL THEN i WHEN c = '\' THEN i + 2 ELSE i + 1 END
          WHEN m = 2 THEN CASE WHEN c2 IN ('"', '$', '`') THEN i + 1 ELSE i + 2 END
          WHEN q = 0 AND c = '\' THEN i + 2
          WHEN q = 2 AND c = '\' AND c2 IN ('$', '`', '"', '\', char(10)) THEN i + 2
          WHEN q = 3 AND c = char(10) THEN i
          ELSE i + 1 END,
        CASE
          WHEN op = char(10) AND hd IS NOT NULL THEN q
          WHEN i > src.n THEN q
          WHEN m = 1 THEN CASE WHEN w IS NOT NULL OR op IS NOT NULL THEN q ELSE 0 END
          WHEN m = 2 OR (m = 3 AND cs = 2) THEN q
          WHEN q = 0 AND c = '#' AND w IS NULL THEN 3
          WHEN q = 3 THEN CASE WHEN c = char(10) THEN 0 ELSE 3 END
          WHEN q = 0 AND c = '''' THEN 1
          WHEN q = 0 AND c = '"' THEN 2
          WHEN q = 1 AND c = '''' THEN 0
          WHEN q = 2 AND c = '"' THEN 0
          ELSE q END,
        -- the word
        CASE
          WHEN op = char(10) AND hd IS NOT NULL THEN NULL
          WHEN i > src.n THEN NULL
          WHEN m = 1 OR (m = 3 AND cs = 2) THEN NULL
          WHEN m = 2 THEN CASE WHEN c2 = '\' AND q != 3 THEN coalesce(w, '') || c2 ELSE w END
          WHEN q = 3 THEN NULL
          WHEN length(w) > 1024 AND NOT (q = 0 AND (c IN (' ', char(9), '''', '"') OR c IN (';', '&', '|', '<', '>', '(', ')', char(10)))) THEN w
          WHEN q = 1 THEN CASE WHEN c = '''' THEN w ELSE w || c END
          WHEN q = 2 THEN CASE WHEN c = '"' THEN w WHEN c = '\' AND c2 IN ('$', '`', '"', '\') THEN w || c2
                               WHEN c = '\' AND c2 = char(10) THEN w ELSE w || c END
          WHEN c IN (' ', char(9)) OR c IN (';', '&', '|', '<', '>', '(', ')', char(10)) THEN NULL
          WHEN c = '#' AND w IS NULL THEN NULL
          WHEN c IN ('''', '"') THEN coalesce(w, '')
          WHEN c = '\' THEN CASE WHEN c2 = char(10) THEN w WHEN i = src.n THEN coalesce(w, '') ELSE coalesce(w, '') || c2 END
          ELSE coalesce(w, '') || c END,
        CASE
          WHEN op = char(10) AND hd IS NOT NULL THEN 0
          WHEN i > src.n THEN 0
          WHEN m = 1 OR (m = 3 AND cs = 2) THEN 0
          WHEN m = 2 THEN wf
          WHEN q = 3 THEN 0
          WHEN length(w) > 1024 AND NOT (q = 0 AND (c IN (' ', char(9)) OR c IN (';', '&', '|', '<', '>', '(', ')', char(10)))) THEN wf | 1
          WHEN q = 1 THEN wf | (nq > 1 AND e = 0 AND c IN ('$', '`'))
          WHEN q = 2 THEN wf | (c IN ('$', '`'))
          WHEN c IN (' ', char(9)) OR c IN (';', '&', '|', '<', '>', '(', ')', char(10)) THEN 0
          WHEN c = '#' AND w IS NULL THEN 0
          WHEN c IN ('$', '`') OR (c = '~' AND w IS NULL) THEN wf | 1
          WHEN c IN ('*', '?', '[') THEN wf | 2
          ELSE wf END,
        -- the operator
        CASE
          WHEN op = char(10) AND hd IS NOT NULL THEN NULL
          WHEN i > src.n OR m = 1 THEN NULL
          WHEN m = 2 THEN op
          WHEN q != 0 THEN NULL
          WHEN c IN (';', '&', '|', '<', '>', '(', ')', char(10)) THEN
            CASE WHEN op IS NOT NULL AND op || c IN ('&&', '||', '>>', '>&', '&>', '>|', '<<', '<&', '<>', '&>>', ';;', '|&', '<<<')
                 THEN op || c ELSE c END
          ELSE NULL END,
        lastop,
        -- the here-document delimiter
        CASE
          WHEN op = char(10) AND hd IS NOT NULL THEN NULL
          WHEN w IS NOT NULL AND w != '-' AND q = 0 AND lastop = '<<'
               AND (c IN (' ', char(9), ';', '&', '|', '<', '>', '(', ')', char(10)) OR i > src.n)
            THEN CASE WHEN w GLOB '-?*' THEN substr(w, 2) ELSE w END
          ELSE hd END,
        -- the script being read
        CASE
          WHEN op = char(10) AND hd IS NOT NULL THEN nq
          WHEN m = 1 THEN CASE WHEN w IS NOT NULL OR op IS NOT NULL THEN nq ELSE 0 END
          WHEN m = 2 THEN CASE WHEN c2 = '\' AND q IN (0, 2) THEN 3 ELSE nq END
          WHEN (m = 3 AND cs = 2) THEN CASE c WHEN '''' THEN 1 ELSE 2 END
          ELSE nq END,
        cs,
        CASE WHEN op = char(10) AND hd IS NOT NULL THEN 0 WHEN m = 2 AND c2 IN ('"', '$', '`') THEN 1 ELSE 0 END,
        -- the token this step emits
        CASE
          WHEN op = char(10) AND hd IS NOT NULL THEN op
          WHEN m = 1 THEN coalesce(w, op, ')')
          WHEN (m = 3 AND cs = 2) THEN '('
          WHEN q != 0 OR m = 2 THEN NULL
          WHEN i > src.n THEN coalesce(w, op)
          WHEN w IS NOT NULL AND (c IN (' ', char(9)) OR c IN (';', '&', '|', '<', '>', '(', ')', char(10))) THEN w
          WHEN op IS NOT NULL AND NOT (c IN (';', '&', '|', '<', '>', '(', ')', char(10))
                                       AND op || c IN ('&&', '||', '>>', '>&', '&>', '>|', '<<', '<&', '<>', '&>>', ';;', '|&', '<<<'))
            THEN op
          END,
        CASE
          WHEN op = char(10) AND hd IS NOT NULL THEN 'op'
          WHEN m = 1 THEN CASE WHEN w IS NOT NULL THEN 'w' ELSE 'op' END
          WHEN (m = 3 AND cs = 2) THEN 'op'
          WHEN q != 0 OR m = 2 THEN NULL
          WHEN i > src.n THEN CASE WHEN w IS NOT NULL THEN 'w' WHEN op IS NOT NULL THEN 'op' END
          WHEN w IS NOT NULL AND c IN ('<', '>') AND w NOT GLOB '*[^0-9]*' AND wf = 0 THEN 'fd'
          WHEN w IS NOT NULL AND (c IN (' ', char(9)) OR c IN (';', '&', '|', '<', '>', '(', ')', char(10))) THEN 'w'
          WHEN op IS NOT NULL AND NOT (c IN (';', '&', '|', '<', '>', '(', ')', char(10))
                                       AND op || c IN ('&&', '||', '>>', '>&', '&>', '>|', '<<', '<&', '<>', '&>>', ';;', '|&', '<<<'))
            THEN 'op'
          END,
        CASE
          WHEN m = 1 THEN CASE WHEN w IS NOT NULL THEN wf | (nq = 3) | (c = '\') WHEN op IS NULL THEN 4 ELSE 0 END
          WHEN i > src.n OR (w IS NOT NULL AND q = 0) THEN wf | (nq = 3) | CASE WHEN cs = 4 THEN 8 ELSE 0 END
          ELSE 0 END,
        0, NULL, NULL
      FROM tk, src WHERE tk.ph = 0 AND tk.i <= src.n + 1 AND tk.k < 131072
  )
SELECT k, tok, tkind, tf FROM tk WHERE ph = 1 AND tok IS NOT NULL
UNION ALL
-- k = -1: the tokenizer reached the end of the command
SELECT -1, NULL, 'end', 0 FROM tk, src WHERE tk.ph = 1 AND tk.i > src.n + 1;
INSERT INTO hook_log(msg)
  SELECT 'shell command too long to check in full (' || length(CAST(cmd AS BLOB)) || ' bytes): only its start was read'
    FROM hook WHERE kind = 'shell' AND typeof(cmd) = 'text' AND cmd != ''
     AND NOT EXISTS (SELECT 1 FROM hook_tok WHERE k = -1);
INSERT INTO hook_raw(kind, base, path, glob)
WITH RECURSIVE
  -- Tokens in order, with the simple command each belongs to (cno), its
  -- parenthesis depth, and the operator before it.
  t0 AS MATERIALIZED (
    SELECT k, tok, tkind, tf,
           lag(tok) OVER (ORDER BY k) AS prev, lag(tkind) OVER (ORDER BY k) AS prevk
      FROM hook_tok WHERE k >= 0
  ),
  t1 AS MATERIALIZED (
    SELECT t0.*,
           sum(tkind = 'op' AND tok IN (';', '&', '&&', '||', '|', '|&', char(10), '(', ')', ';;'))
             OVER (ORDER BY k ROWS UNBOUNDED PRECEDING) AS cno,
           sum(CASE WHEN tkind = 'op' AND tok = '(' THEN 1 WHEN tkind = 'op' AND tok = ')' THEN -1 ELSE 0 END)
             OVER (ORDER BY k ROWS UNBOUNDED PRECEDING) AS depth
      FROM t0
  ),
  -- Words after an output redirection are written; after an input one
  -- they are read (neither is an argument).
  redir(cno, path, tf) AS MATERIALIZED (
    SELECT cno, tok, tf FROM t1
     WHERE tkind = 'w' AND prevk = 'op' AND (prev IN ('>', '>>', '>|', '&>', '&>>', '<>')
           OR (prev = '>&' AND tok GLOB '*[^0-9]*' AND tok != '-'))
  ),
  args AS MATERIALIZED (
    SELECT cno, depth, tok AS a, tf, row_number() OVER (PARTITION BY cno ORDER BY k) AS j
      FROM t1
     WHERE tkind = 'w' AND (tf & 8) = 0
       AND NOT coalesce(prevk = 'op' AND prev IN ('>', '>>', '>|', '&>', '&>>', '<>', '>&', '<', '<<', '<&', '<<<'), 0)
  ),
  -- Where each command's program word is: past reserved words (then, do,
  -- !, { ..., as the first words only; for, case and select stay the
  -- program, as the words of their heads are no command), `function
  -- NAME`, assignments and wrappers (s: 0 scanning, 1 a wrapper's
  -- options, 2 an option's value, 3 timeout's options and then its
  -- duration, 4 the value of one of those, 5 past an assignment, 6 a
  -- function's name, 7 past it, 8 time's options, which take no value).
  cw(cno, j, s) AS (
    SELECT DISTINCT cno, 1, 0 FROM args
    UNION ALL
    SELECT cw.cno, cw.j + 1,
      CASE
        WHEN cw.s = 2 THEN 1
        WHEN cw.s = 3 AND a.a NOT GLOB '-*' THEN 1
        WHEN cw.s = 6 THEN 7
        WHEN cw.s = 7 THEN 0
        WHEN cw.s = 0 AND a.a = 'function' THEN 6
        WHEN cw.s = 0 AND a.a IN ('if', 'then', 'elif', 'else', 'while', 'until', 'do', '!', '{') THEN 0
        WHEN (cw.s = 8 AND a.a GLOB '-*') OR a.a = 'time' THEN 8
        WHEN a.a IN ('sudo', 'env', 'command', 'builtin', 'exec', 'eval', 'nohup', 'nice', 'stdbuf', 'doas') THEN 1
        WHEN cw.s = 4 THEN 3
        WHEN a.a = 'timeout' THEN 3
        WHEN cw.s = 1 AND a.a IN ('-u', '-g', '-n', '-C', '-h', '-p', '-i', '-o', '-e', '--user', '--group') THEN 2
        WHEN cw.s = 3 AND a.a IN ('-s', '-k', '--signal', '--kill-after') THEN 4
        WHEN cw.s = 0 THEN 5
        ELSE cw.s END
    FROM cw JOIN args a ON a.cno = cw.cno AND a.j = cw.j
    WHERE (a.a GLOB '[A-Za-z_]*=*' AND substr(a.a, 1, instr(a.a, '=') - 1) NOT GLOB '*[^A-Za-z0-9_]*' AND cw.s IN (0, 1, 5, 8))
       OR (cw.s = 0 AND a.a IN ('if', 'then', 'elif', 'else', 'while', 'until', 'do', '!', '{', 'function'))
       OR a.a IN ('sudo', 'env', 'command', 'builtin', 'exec', 'eval', 'nohup', 'time', 'nice', 'stdbuf', 'doas', 'timeout')
       OR (cw.s IN (1, 3, 8) AND a.a GLOB '-*')
       OR cw.s IN (2, 3, 4, 6)
       OR (cw.s = 7 AND a.a = '{')
  ),
  prog AS MATERIALIZED (
    SELECT a.cno, a.depth, a.j AS pj,
           substr(a.a, length(rtrim(a.a, replace(a.a, '/', ''))) + 1) AS p
      FROM (SELECT cno, max(j) AS pj FROM cw GROUP BY cno) x
      JOIN args a ON a.cno = x.cno AND a.j = x.pj
  ),
  -- The program's own arguments, numbered from 1, with 'opt' set for
  -- options (before a lone --) and the value an option takes skipped.
  pa0 AS MATERIALIZED (
    SELECT p.cno, p.p, a.j - p.pj AS n, a.a, a.tf,
           sum(a.a = '--') OVER (PARTITION BY a.cno ORDER BY a.j ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS after_dd
      FROM prog p JOIN args a ON a.cno = p.cno AND a.j > p.pj
  ),
  pa1 AS MATERIALIZED (
    SELECT pa0.*,
           (coalesce(after_dd, 0) = 0 AND a GLOB '-?*') AS opt,
           lag(a) OVER (PARTITION BY cno ORDER BY n) AS pv,
           lag(coalesce(after_dd, 0)) OVER (PARTITION BY cno ORDER BY n) AS pv_dd
      FROM pa0
  ),
  pa AS MATERIALIZED (
    SELECT pa1.*,
           coalesce(NOT opt AND coalesce(pv_dd, 0) = 0 AND CASE p
              WHEN 'truncate' THEN pv IN ('-s', '-r', '--size', '--reference')
              WHEN 'touch' THEN pv IN ('-d', '-t', '-r', '--date', '--reference')
              WHEN 'mv' THEN pv IN ('-t', '-S', '--target-directory', '--suffix') OR (pv GLOB '-*[tS]' AND pv NOT GLOB '--*')
              WHEN 'cp' THEN pv IN ('-t', '-S', '--target-directory', '--suffix') OR (pv GLOB '-*[tS]' AND pv NOT GLOB '--*')
              WHEN 'ln' THEN pv IN ('-t', '-S', '--target-directory', '--suffix') OR (pv GLOB '-*[tS]' AND pv NOT GLOB '--*')
              WHEN 'sed' THEN pv IN ('-e', '-f', '-l', '--expression', '--file', '--line-length')
                              OR (pv GLOB '-[nrEsuz]*[ef]' AND pv NOT GLOB '*i*')
              WHEN 'tee' THEN 0
              ELSE 0 END, 0) AS val
      FROM pa1
  ),
  -- Plain arguments (not options, not option values), numbered.
  pos AS MATERIALIZED (
    SELECT cno, p, a, tf, row_number() OVER (PARTITION BY cno ORDER BY n) AS m,
           count(*) OVER (PARTITION BY cno) AS cnt
      FROM pa WHERE a != '--' AND NOT opt AND NOT val
  ),
  -- What each command's options say (one row for every command with
  -- arguments): for mv and cp, the folder of -t DIR (--target-directory=
  -- DIR), whether what they put there may be a folder (mv, cp -r/-R/-a),
  -- -T (DEST is the target itself, never a folder to put things in); for
  -- sed, -i and whether the script comes from -e or -f.
  opts AS MATERIALIZED (
    SELECT cno, p,
           max(CASE WHEN p NOT IN ('mv', 'cp', 'ln') THEN NULL
                    WHEN val AND (pv = '--target-directory' OR (pv GLOB '-*t' AND pv NOT GLOB '--*')) THEN a
                    WHEN opt AND a GLOB '--target-directory=*' THEN substr(a, 20) END) AS td,
           max(CASE WHEN p NOT IN ('mv', 'cp', 'ln') THEN NULL
                    WHEN (val AND (pv = '--target-directory' OR (pv GLOB '-*t' AND pv NOT GLOB '--*')))
                         OR (opt AND a GLOB '--target-directory=*') THEN tf END) AS ttf,
           p = 'mv' OR max(p = 'cp' AND opt AND (a IN ('--recursive', '--archive') OR (a GLOB '-*[rRa]*' AND a NOT GLOB '--*'))) AS tree,
           max(p IN ('mv', 'cp', 'ln') AND opt AND (a = '--no-target-directory' OR (a GLOB '-*T*' AND a NOT GLOB '--*'))) AS nt,
           max(p = 'sed' AND opt AND (a GLOB '-i*' OR a GLOB '--in-place*'
                    OR (a GLOB '-[nrEsuz]*' AND a NOT GLOB '--*'
                        AND instr(a, 'i') > 0 AND substr(a, 2, instr(a, 'i') - 2) NOT GLOB '*[^nrEsuz]*'))) AS inplace,
           max(p = 'sed' AND opt AND (a IN ('-e', '-f', '--expression', '--file') OR a GLOB '--expression=*' OR a GLOB '--file=*'
                    OR (a GLOB '-[nrEsuz]*e' AND a NOT GLOB '--*'))) AS has_e
      FROM pa GROUP BY cno
  ),
  -- ... and the DEST of mv, cp or ln: -t DIR, else the last plain argument.
  cmd AS MATERIALIZED (
    SELECT o.*, coalesce(o.td, l.a) AS d, CASE WHEN o.td IS NULL THEN l.tf ELSE o.ttf END AS dtf
      FROM opts o LEFT JOIN pos l ON l.cno = o.cno AND l.m = l.cnt
  ),
  -- git: the subcommand past global options (-C DIR moves the base).
  git0 AS MATERIALIZED (
    SELECT cno, n, a, tf, pv, opt,
           min(CASE WHEN a NOT GLOB '-*' AND coalesce(pv, '') NOT IN ('-C', '-c', '--git-dir', '--work-tree', '--namespace')
                    THEN n END) OVER (PARTITION BY cno) AS sn
      FROM pa WHERE p = 'git'
  ),
  -- checkout and restore (not --staged alone): the subcommand, the last
  -- -C DIR before it, its lone --.
  gitc AS MATERIALIZED (
    SELECT cno, sn, max(CASE WHEN n = sn THEN a END) AS sub,
           substr(max(CASE WHEN n < sn AND pv = '-C' THEN printf('%09d', n) || a END), 10) AS cdir,
           min(CASE WHEN n > sn AND a = '--' THEN n END) AS dd
      FROM git0 WHERE sn IS NOT NULL GROUP BY cno
    HAVING sub = 'checkout'
        OR (sub = 'restore' AND (NOT max(n > sn AND opt AND a IN ('--staged', '-S'))
                                 OR max(n > sn AND opt AND a IN ('--worktree', '-W'))))
  ),
  -- The base folder of each command: the payload's cwd, moved by cd.
  cds AS MATERIALIZED (
    SELECT p.cno, p.depth, p.p, x.a AS d, x.tf AS dtf
      FROM prog p LEFT JOIN pos x ON x.cno = p.cno AND x.m = 1
  ),
  ncmd AS MATERIALIZED (SELECT max(cno) AS mx FROM t1),
  bases(cno, base, depth, outer_base, set_depth) AS (
    SELECT 0, (SELECT cwd FROM hook), 0, (SELECT cwd FROM hook), 0
    UNION ALL
    SELECT b.cno + 1,
      CASE
        WHEN c.p IN ('cd', 'pushd') THEN
          CASE WHEN b.base IS NULL OR c.d IS NULL OR c.dtf != 0 OR c.d = '-' THEN NULL
               WHEN substr(c.d, 1, 1) = '/' THEN c.d ELSE b.base || '/' || c.d END
        WHEN c.p = 'popd' THEN NULL
        WHEN coalesce(nc.depth, 0) < b.set_depth THEN b.outer_base
        ELSE b.base END,
      coalesce(nc.depth, 0),
      CASE WHEN c.p IN ('cd', 'pushd') AND coalesce(c.depth, 0) > 0 AND b.set_depth = 0 THEN b.base ELSE b.outer_base END,
      CASE WHEN c.p IN ('cd', 'pushd') AND coalesce(c.depth, 0) > 0 THEN c.depth
           WHEN coalesce(nc.depth, 0) < b.set_depth THEN 0 ELSE b.set_depth END
    FROM bases b LEFT JOIN cds c ON c.cno = b.cno LEFT JOIN (SELECT cno, min(depth) AS depth FROM t1 GROUP BY cno) nc ON nc.cno = b.cno + 1, ncmd
    WHERE b.cno < ncmd.mx
  ),
  -- What is written. Every arm that reads pos adds much to the time it
  -- takes to compile this statement (far more than the arm's own code),
  -- so the programs that take their targets from plain arguments share
  -- one arm: r = 1 the argument itself (tee, touch, truncate, shred,
  -- dd of=, sed -i, ln's lone SRC as ./basename; rm and mv's sources as
  -- folders); for cp, mv and ln (the link is a file it writes), r = 2
  -- DEST/basename(SRC) for each source (a folder when SRC may be one) and
  -- r = 3 DEST itself, when the command line does not make it a folder
  -- (-t, a trailing '/', two or more sources): one SRC lands there as it
  -- is when DEST is a file or does not exist (all of it when a tree).
  -- (CROSS JOIN keeps cmd outside: the planner would scan it once per
  -- argument, which costs seconds on a 64 KB command.)
  found(cno, kind, path, tf, base) AS (
    SELECT cno, 'file', path, tf, NULL FROM redir
    UNION ALL
    SELECT x.cno,
           CASE WHEN r = 1 THEN CASE WHEN x.p IN ('rm', 'unlink', 'rmdir', 'mv') THEN 'dir' ELSE 'file' END
                WHEN c.tree THEN 'dir' ELSE 'file' END,
           CASE r WHEN 1 THEN CASE WHEN x.p = 'dd' THEN substr(x.a, 4)
                                   -- ln SRC (one argument): ./basename(SRC)
                                   WHEN x.p = 'ln' THEN substr(x.a, length(rtrim(rtrim(x.a, '/'), replace(rtrim(x.a, '/'), '/', ''))) + 1)
                                   ELSE x.a END
                  WHEN 2 THEN c.d || '/' || substr(x.a, length(rtrim(rtrim(x.a, '/'), replace(rtrim(x.a, '/'), '/', ''))) + 1)
                  ELSE x.a END,
           CASE r WHEN 2 THEN x.tf | c.dtf ELSE x.tf END, NULL
      FROM cmd c CROSS JOIN pos x ON x.cno = c.cno CROSS JOIN (SELECT 1 AS r UNION ALL SELECT 2 UNION ALL SELECT 3)
     WHERE CASE r
       WHEN 1 THEN x.p IN ('tee', 'touch', 'truncate', 'shred', 'rm', 'unlink', 'rmdir')
                OR (x.p = 'dd' AND x.a GLOB 'of=?*')
                OR (x.p = 'sed' AND c.inplace AND (c.has_e OR x.m > 1))
                OR (x.p = 'mv' AND (c.td IS NOT NULL OR x.m < x.cnt))
                OR (x.p = 'ln' AND x.cnt = 1 AND c.td IS NULL)
       ELSE x.p IN ('mv', 'cp', 'ln') AND CASE r
         WHEN 2 THEN NOT c.nt AND (c.td IS NOT NULL OR x.m < x.cnt)
         ELSE x.m = x.cnt AND c.td IS NULL AND (x.cnt = 2 OR (c.nt AND x.cnt >= 2)) AND (c.nt OR x.a NOT GLOB '*/') END END
    UNION ALL
    -- git checkout -- PATHS, git restore PATHS
    SELECT a.cno, 'dir', a.a, a.tf, c.cdir
      FROM gitc c JOIN git0 a ON a.cno = c.cno AND a.n > c.sn
     WHERE a.a != '--' AND ((c.dd IS NOT NULL AND a.n > c.dd)
           OR (c.dd IS NULL AND c.sub = 'restore' AND NOT a.opt AND coalesce(a.pv, '') NOT IN ('-s', '--source')))
  )
SELECT f.kind,
       CASE WHEN f.base IS NULL THEN b.base
            WHEN substr(f.base, 1, 1) = '/' THEN f.base
            WHEN b.base IS NOT NULL THEN b.base || '/' || f.base END,
       f.path, (f.tf & 2) != 0
  FROM found f LEFT JOIN bases b ON b.cno = f.cno
 WHERE (f.tf & 1) = 0 AND f.path != ''
   AND f.path NOT IN ('/dev/null', '/dev/stdout', '/dev/stderr', '/dev/tty')
   AND f.path NOT GLOB '/dev/fd/*' AND f.path NOT GLOB '/proc/*';

