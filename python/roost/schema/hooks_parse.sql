-- Hook statements (schema/hooks_*.sql), shared by the shell (`roost hook`, sqlite3 .read) and
-- Python (roost.hooks): the same SQL reads every vendor's payload, finds
-- the files a tool call would write, decides and words the answer.
--
-- parse.sql: the payload (one row in temp table hook_in, put there by the
-- caller: .import in the shell, an INSERT in Python) becomes one row of
-- temp table hook. The payload is parsed once with json_each; a payload
-- that is not a JSON object leaves hook empty and every later statement
-- does nothing (the hook allows).
--
-- Parameters: @now; @event (session-start | prompt | pre-tool | post-tool
-- | stop | session-end); @evname (the event as the vendor's config names
-- it); @vflag (the vendor from --vendor or from an event name only one
-- vendor uses, else NULL); @agent (ROOST_AGENT or --agent, already
-- shape-checked, else NULL); @root (ROOT, absolute, no trailing slash);
-- @env_claude, @env_gemini (CLAUDE_CODE_SESSION_ID, GEMINI_SESSION_ID);
-- @env_copilot (1 when COPILOT_CLI is set); @pwd (the hook's working
-- folder, for a payload without cwd).
CREATE TEMP TABLE IF NOT EXISTS hook_in(p);
-- What the event decided (kind deny | context | block, and the text the
-- agent sees), what to log, and the processes of the holders in the way.
CREATE TEMP TABLE hook_out(kind TEXT NOT NULL, text TEXT NOT NULL);
CREATE TEMP TABLE hook_log(msg TEXT NOT NULL);
CREATE TEMP TABLE hook_blk(holder TEXT NOT NULL, key TEXT NOT NULL, msg TEXT NOT NULL,
                            pid INTEGER, pid_start TEXT, host TEXT);
-- Files to lease for the caller before the tool runs (lease_on_edit).
CREATE TEMP TABLE hook_take(key TEXT PRIMARY KEY);
-- Paths a tool call writes (hook_raw, as found; hook_tgt, as lease keys:
-- see hooks_targets.sql and hooks_norm.sql).
CREATE TEMP TABLE hook_raw(kind TEXT NOT NULL, base TEXT, path TEXT NOT NULL, glob INTEGER NOT NULL DEFAULT 0);
CREATE TEMP TABLE hook_tgt(kind TEXT NOT NULL, key TEXT NOT NULL, path TEXT NOT NULL, PRIMARY KEY (kind, key)) WITHOUT ROWID;

-- full = 1: the cheap checks could not decide; the rest of the event's
-- statements run (the shell stops before compiling them otherwise).
CREATE TEMP TABLE hook_gate(full INTEGER NOT NULL);
INSERT INTO hook_gate VALUES (0);
CREATE TEMP TABLE hook AS
WITH
  doc(p) AS (SELECT p FROM hook_in WHERE json_valid(p) AND json_type(p) = 'object'
               AND (SELECT count(*) FROM hook_in) = 1),
  top(k, v, t) AS (SELECT key, value, type FROM doc, json_each(doc.p)),
  f AS (
    SELECT
      max(CASE WHEN k = 'session_id' AND t = 'text' THEN v END) AS sid1,
      max(CASE WHEN k = 'sessionId' AND t = 'text' THEN v END) AS sid2,
      max(CASE WHEN k = 'conversation_id' AND t = 'text' THEN v END) AS sid3,
      max(CASE WHEN k = 'cwd' AND t = 'text' THEN v END) AS cwd1,
      max(CASE WHEN k = 'workspace_roots' AND t = 'array' THEN json_extract(v, '$[0]') END) AS cwd2,
      max(CASE WHEN k IN ('tool_name', 'toolName') AND t = 'text' THEN v END) AS tool,
      max(CASE WHEN k IN ('tool_input', 'toolArgs') AND t = 'object' THEN v END) AS tin1,
      -- Copilot's docs (and Cursor's MCP events) pass the arguments as a JSON string
      max(CASE WHEN k IN ('tool_input', 'toolArgs') AND t = 'text' AND json_valid(v)
               AND json_type(v) = 'object' THEN json(v) END) AS tin2,
      max(CASE WHEN k = 'command' AND t = 'text' THEN v END) AS topcmd,
      max(CASE WHEN k = 'file_path' AND t = 'text' THEN v END) AS topfile,
      max(CASE WHEN k = 'stop_hook_active' THEN (t = 'true') END) AS active1,
      max(CASE WHEN k = 'loop_count' AND t = 'integer' THEN v > 0 END) AS active2,
      max(CASE WHEN k = 'hook_event_name' AND t = 'text' THEN v END) AS evname,
      max(CASE WHEN k IN ('transcript_path', 'transcriptPath') AND t = 'text' THEN v END) AS tpath,
      max(k IN ('cursor_version', 'conversation_id', 'generation_id', 'workspace_roots')) AS is_cursor,
      max(k IN ('sessionId', 'toolName', 'toolArgs', 'transcriptPath')) AS is_copilot,
      max(k = 'turn_id') AS is_codex,
      count(*) AS n
    FROM top
  ),
  g AS (
    SELECT f.*,
           coalesce(sid1, sid2, sid3) AS sid0,
           coalesce(cwd1, cwd2) AS cwd0,
           coalesce(tin1, tin2) AS tin
      FROM f WHERE n > 0
  ),
  h AS (
    SELECT g.*,
      CASE WHEN length(sid0) BETWEEN 1 AND 256 THEN sid0 END AS sid,
      CASE WHEN substr(cwd0, 1, 1) = '/' AND length(cwd0) < 4096 THEN coalesce(nullif(rtrim(cwd0, '/'), ''), '/')
           WHEN cwd0 IS NULL THEN @pwd END AS cwd,
      CASE
        WHEN @vflag IS NOT NULL THEN @vflag
        WHEN is_cursor THEN 'cursor'
        WHEN is_copilot THEN 'copilot'
        WHEN is_codex OR tpath GLOB '*/.codex/*' THEN 'codex'
        WHEN coalesce(sid1, sid2) = @env_gemini THEN 'gemini'
        WHEN coalesce(sid1, sid2) = @env_claude THEN 'claude'
        WHEN tpath GLOB '*/.gemini/*' THEN 'gemini'
        WHEN tpath GLOB '*/.copilot/*' OR @env_copilot THEN 'copilot'
        WHEN tpath GLOB '*/.claude/*' THEN 'claude'
      END AS vendor,
      -- The shell command of a shell tool: a string, or an argv array
      -- (bash -c / -lc SCRIPT gives SCRIPT, otherwise the words joined).
      CASE
        WHEN json_type(tin, '$.command') = 'text' THEN json_extract(tin, '$.command')
        WHEN json_type(tin, '$.cmd') = 'text' THEN json_extract(tin, '$.cmd')
        WHEN json_type(tin, '$.command') = 'array' THEN (
          SELECT CASE WHEN json_array_length(a) >= 3
                       AND json_extract(a, '$[0]') IN ('bash', 'sh', 'zsh', 'dash', '/bin/bash', '/bin/sh', '/bin/zsh', '/usr/bin/bash')
                       AND json_extract(a, '$[1]') IN ('-c', '-lc', '-ic', '-cl')
                      THEN json_extract(a, '$[#-1]')
                      ELSE (SELECT group_concat(value, ' ') FROM json_each(a)) END
            FROM (SELECT json_extract(tin, '$.command') AS a))
        WHEN tool IS NULL THEN topcmd
      END AS cmd0,
      coalesce(
        CASE WHEN json_type(tin, '$.file_path') = 'text' THEN json_extract(tin, '$.file_path') END,
        CASE WHEN json_type(tin, '$.path') = 'text' THEN json_extract(tin, '$.path') END,
        CASE WHEN json_type(tin, '$.notebook_path') = 'text' THEN json_extract(tin, '$.notebook_path') END,
        CASE WHEN json_type(tin, '$.target_file') = 'text' THEN json_extract(tin, '$.target_file') END,
        CASE WHEN json_type(tin, '$.filePath') = 'text' THEN json_extract(tin, '$.filePath') END,
        CASE WHEN tool IS NULL THEN topfile END
      ) AS fpath
    FROM g
  )
SELECT
  h.sid, h.cwd, h.tool, h.tin, h.vendor, h.tpath,
  coalesce(h.evname, @evname) AS evname,
  coalesce(h.active1, 0) OR coalesce(h.active2, 0) AS stop_active,
  -- what kind of tool call: 'file' (a write tool), 'patch' (apply_patch),
  -- 'shell' (a shell tool), or NULL (anything else: never checked)
  CASE
    WHEN lower(h.tool) IN ('apply_patch', 'applypatch') THEN 'patch'
    WHEN lower(h.tool) IN ('write', 'edit', 'multiedit', 'notebookedit', 'write_file', 'replace',
                           'create', 'strreplace', 'str_replace', 'delete', 'insert',
                           'str_replace_editor', 'edit_file', 'search_replace') THEN 'file'
    WHEN lower(h.tool) IN ('bash', 'shell', 'exec_command', 'run_shell_command', 'local_shell',
                           'container.exec', 'terminal', 'run_terminal_cmd') THEN 'shell'
    WHEN h.tool IS NULL AND h.cmd0 IS NOT NULL THEN 'shell'   -- Cursor beforeShellExecution
    WHEN h.tool IS NULL AND h.fpath IS NOT NULL THEN 'file'   -- Cursor afterFileEdit
  END AS kind,
  h.cmd0 AS cmd,
  h.fpath,
  coalesce(@agent, (SELECT s.agent FROM sessions s WHERE s.id = h.sid)) AS me
FROM h;

-- A write tool's own file.
INSERT INTO hook_raw(kind, base, path)
  SELECT 'file', cwd, fpath FROM hook WHERE kind = 'file' AND fpath IS NOT NULL AND fpath != '';

