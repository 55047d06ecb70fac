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
  -- every C1 control and the bidi controls go too; line separators become spaces
  s4 AS (SELECT msg, sender, target, reply_to, replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(b, char(128), ''), char(129), ''), char(130), ''), char(131), ''), char(132), ''), char(133), ''), char(134), ''), char(135), ''), char(136), ''), char(137), ''), char(138), ''), char(139), ''), char(140), ''), char(141), ''), char(142), '') AS b FROM s3),
  s5 AS (SELECT msg, sender, target, reply_to, replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(b, char(143), ''), char(144), ''), char(145), ''), char(146), ''), char(147), ''), char(148), ''), char(149), ''), char(150), ''), char(151), ''), char(152), ''), char(153), ''), char(154), ''), char(156), ''), char(157), ''), char(158), '') AS b FROM s4),
  s6 AS (SELECT msg, sender, target, reply_to, replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(b, char(159), ''), char(1564), ''), char(8206), ''), char(8207), ''), char(8234), ''), char(8235), ''), char(8236), ''), char(8237), ''), char(8238), ''), char(8294), ''), char(8295), ''), char(8296), ''), char(8297), ''), char(8232), ' '), char(8233), ' ') AS b FROM s5),
  ln AS (
    SELECT msg, '- #' || msg || ' from ' || sender || ' to ' || replace(replace(target, '<', '‹'), '>', '›')
             || coalesce(' (reply to #' || reply_to || ')', '') || ': '
             || CASE WHEN length(b) > 1000 THEN substr(b, 1, 999) || '…' ELSE b END AS line
      FROM s6
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
