-- answer.sql: the decision in hook_out, worded as the vendor's own JSON,
-- then the status line the caller logs. Each form below was checked
-- against the real CLIs (tests/fixtures/hooks/README.md):
--   deny     claude, codex: hookSpecificOutput.permissionDecision (Codex
--            drops a whole answer that has a key its schema lacks, so no
--            extras); gemini: decision deny; copilot: the flat
--            permissionDecision; cursor: permission + agent_message
--   context  claude (which checks hookEventName), codex, gemini:
--            hookSpecificOutput.additionalContext; copilot: the flat
--            additionalContext; cursor: additional_context (session start)
--   block    {"decision":"block","reason":R} for all but cursor, whose
--            stop hook answers with followup_message
-- An unknown vendor gets the form that most CLIs with that style of event
-- name accept: camelCase (Copilot, Cursor) or PascalCase (the rest).
-- The answer is marked with char(30); nothing else reaches stdout. Nothing
-- is said while hook_gate.full is set (the full check is still to come).
SELECT char(30) || CASE o.kind
  WHEN 'deny' THEN CASE
    WHEN h.vendor IN ('claude', 'codex') THEN
      json_object('hookSpecificOutput', json_object('hookEventName', 'PreToolUse',
        'permissionDecision', 'deny', 'permissionDecisionReason', o.text))
    WHEN h.vendor = 'gemini' THEN json_object('decision', 'deny', 'reason', o.text)
    WHEN h.vendor = 'copilot' THEN json_object('permissionDecision', 'deny', 'permissionDecisionReason', o.text)
    WHEN h.vendor = 'cursor' THEN json_object('permission', 'deny', 'user_message', o.text, 'agent_message', o.text)
    WHEN h.evname GLOB '[a-z]*[A-Z]*' THEN
      json_object('permissionDecision', 'deny', 'permissionDecisionReason', o.text,
                  'permission', 'deny', 'user_message', o.text, 'agent_message', o.text)
    ELSE json_object('decision', 'block', 'reason', o.text,
      'hookSpecificOutput', json_object('hookEventName', 'PreToolUse',
        'permissionDecision', 'deny', 'permissionDecisionReason', o.text)) END
  WHEN 'context' THEN CASE
    WHEN h.vendor = 'copilot' OR (h.vendor IS NULL AND h.evname GLOB '[a-z]*[A-Z]*') THEN
      json_object('additionalContext', o.text)
    WHEN h.vendor = 'cursor' THEN json_object('additional_context', o.text)
    ELSE json_object('hookSpecificOutput', json_object('hookEventName', CASE
        WHEN @event = 'session-start' THEN 'SessionStart'
        WHEN h.vendor = 'gemini' THEN 'BeforeAgent'
        ELSE 'UserPromptSubmit' END, 'additionalContext', o.text)) END
  WHEN 'block' THEN CASE
    WHEN h.vendor = 'cursor' THEN json_object('followup_message', o.text)
    ELSE json_object('decision', 'block', 'reason', o.text) END
  END
  FROM hook_out o JOIN hook h
 WHERE NOT (SELECT full FROM hook_gate)
 LIMIT 1;

-- The status line: stamp, vendor, agent, the processes of the holders in
-- the way (all of them known, else nothing), files to lease for the caller
-- (lease_on_edit: 'TTL KEY...'), what to log.
SELECT char(31) || strftime('%Y-%m-%dT%H:%M:%SZ', 'now') || char(9)
    || coalesce(h.vendor, '-') || char(9) || coalesce(h.me, '-') || char(9)
    || CASE WHEN EXISTS (SELECT 1 FROM hook_blk WHERE pid IS NULL) THEN ''
            ELSE coalesce((SELECT group_concat(pid || ',' || coalesce(pid_start, '') || ',' || coalesce(host, ''), ' ')
                             FROM hook_blk), '') END || char(9)
    || coalesce((SELECT (SELECT value FROM settings WHERE key = 'lease_on_edit_ttl') || ' ' || group_concat(key, ' ')
                   FROM (SELECT key FROM hook_take ORDER BY key) HAVING count(*) > 0), '') || char(9)
    || coalesce(CASE
         WHEN NOT EXISTS (SELECT 1 FROM hook_in) THEN 'empty payload: allowed'
         WHEN h.rowid IS NULL THEN 'payload is not a JSON object: allowed'
         END, (SELECT group_concat(msg, '; ') FROM hook_log), '')
  FROM (SELECT 1) LEFT JOIN hook h
 WHERE NOT (SELECT full FROM hook_gate);
