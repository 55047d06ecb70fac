-- hooks_stop.sql (needs the messages schema): while a message addressed to
-- the agent by name (not all, role: or team:) is unread, block its stop
-- once, with those messages as the reason, and mark them read. Never when
-- the payload says a stop hook is already active (stop_hook_active, or
-- Cursor's loop_count): one block per stop, no loops.
-- The messages to show, for hooks_msgs.sql (the step after this one).
CREATE TEMP TABLE hook_pick(msg INTEGER PRIMARY KEY, sender TEXT, target TEXT, reply_to INTEGER, body TEXT);
INSERT INTO hook_pick(msg, sender, target, reply_to, body)
    SELECT d.msg, e.agent AS sender, e.target, m.reply_to, e.body
      FROM hook h
      JOIN deliveries d ON d.agent = h.me AND d.read_at IS NULL
      JOIN events e ON e.seq = d.msg
      JOIN messages m ON m.id = d.msg
     WHERE h.me IS NOT NULL AND NOT h.stop_active AND instr(',' || e.target || ',', ',' || h.me || ',') > 0
     ORDER BY d.msg LIMIT 50;
