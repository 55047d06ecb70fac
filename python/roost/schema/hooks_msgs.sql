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
  s2 AS (SELECT msg, sender, target, reply_to, replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(b, char(1), ''), char(2), ''), char(3), ''), char(4), ''), char(5), ''), char(6), ''), char(7), ''), char(8), ''), char(11), ''), char(12), ''), char(14), ''), char(15), ''), char(16), '') AS b FROM s1),
  s3 AS (SELECT msg, sender, target, reply_to, replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(b, char(17), ''), char(18), ''), char(19), ''), char(20), ''), char(21), ''), char(22), ''), char(23), ''), char(24), ''), char(25), ''), char(26), ''), char(27), ''), char(28), ''), char(29), ''), char(30), ''), char(31), ''), char(127), ''), char(155), ''), '<', '‹'), '>', '›') AS b FROM s2),
  ln AS (
    SELECT msg, '- #' || msg || ' from ' || sender || ' to ' || replace(replace(target, '<', '‹'), '>', '›')
             || coalesce(' (reply to #' || reply_to || ')', '') || ': '
             || CASE WHEN length(b) > 1000 THEN substr(b, 1, 999) || '…' ELSE b END AS line
      FROM s3
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
