-- hooks_msgs.sql: the step prompt and stop share, after hooks_prompt.sql or
-- hooks_stop.sql chose the messages (hook_pick): each on one line of agent
-- text, as many as fit in hook_context_chars (at least one), then exactly
-- those marked read with one msg.recv event. hooks_prompt_say.sql or
-- hooks_stop_say.sql then writes the answer.
CREATE TEMP TABLE hook_msg(msg INTEGER PRIMARY KEY, line TEXT NOT NULL, total INTEGER NOT NULL);
INSERT INTO hook_msg(msg, line, total)
WITH
  raw AS (SELECT msg, sender, target, reply_to, body FROM hook_pick),
  -- agent text on one line: controls removed, angle brackets defused (no
  -- block marker can be forged), cut to 1000 characters
  s1 AS (SELECT msg, sender, target, reply_to, replace(replace(replace(body, char(9), ' '), char(10), ' '), char(13), ' ') AS b FROM raw),
  -- controls go as human output drops them (python/roost/text.py,
  -- _roost_clean in lib/roost/util.sh): C0, DEL, every C1 control, the
  -- bidi controls; line separators become spaces. A GLOB over code point
  -- ranges finds the text that has any, and only that text goes through
  -- the 76 replace() steps of the recursive CTE (written out as nested
  -- calls, they cost more to compile than the whole step costs to run).
  s2 AS (SELECT msg, sender, target, reply_to, replace(replace(CASE
           WHEN b GLOB '*[' || char(1,45,8,11,45,31,127,45,159,1564,8206,45,8207,8232,45,8238,8294,45,8297) || ']*'
           THEN (WITH RECURSIVE k(i, s) AS (SELECT 0, b UNION ALL
                   SELECT i + 1, replace(s, substr(char(1,2,3,4,5,6,7,8,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,
                     27,28,29,30,31,127,128,129,130,131,132,133,134,135,136,137,138,139,140,141,142,143,144,145,146,147,
                     148,149,150,151,152,153,154,155,156,157,158,159,1564,8206,8207,8234,8235,8236,8237,8238,8294,8295,
                     8296,8297,8232,8233), i + 1, 1), CASE WHEN i >= 74 THEN ' ' ELSE '' END) FROM k WHERE i < 76)
                 SELECT s FROM k WHERE i = 76)
           ELSE b END, '<', '‹'), '>', '›') AS b FROM s1),
  ln AS (
    SELECT msg, '- #' || msg || ' from ' || sender || ' to ' || replace(replace(target, '<', '‹'), '>', '›')
             || coalesce(' (reply to #' || reply_to || ')', '') || ': '
             || CASE WHEN length(b) > 1000 THEN substr(b, 1, 999) || '…' ELSE b END AS line
      FROM s2
  )
SELECT msg, line, sum(length(line) + 1) OVER (ORDER BY msg ROWS UNBOUNDED PRECEDING) FROM ln;
-- At least one message; then as many as fit in hook_context_chars.
DELETE FROM hook_msg
 WHERE total > (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'hook_context_chars')
   AND msg > (SELECT min(msg) FROM hook_msg);
-- Exactly these are read now: one msg.recv event (the Lamport receive rule).
UPDATE deliveries SET read_at = @now
 WHERE agent = (SELECT me FROM hook) AND msg IN (SELECT msg FROM hook_msg) AND read_at IS NULL;
INSERT INTO emit(agent, kind, target, body, at, seen)
  SELECT h.me, 'msg.recv', h.me,
         json_object('ids', (SELECT json_group_array(msg) FROM (SELECT msg FROM hook_msg ORDER BY msg)), 'via', @event),
         @now, (SELECT max(e.ts) FROM hook_msg JOIN events e ON e.seq = hook_msg.msg)
    FROM hook h WHERE EXISTS (SELECT 1 FROM hook_msg);
