-- hooks_prompt.sql (needs the messages schema): push the agent's unread
-- messages into its context, oldest first, headers and bodies (each cut to
-- 1000 characters, all within hook_context_chars), inside an untrusted
-- block whose markers carry a random nonce; mark exactly those read, so no
-- message is pushed twice. The rest stay unread (the text says how many).
-- Cursor cannot add context to a prompt: it takes nothing here.
-- The messages to show, for hooks_msgs.sql (the step after this one).
CREATE TEMP TABLE hook_pick(msg INTEGER PRIMARY KEY, sender TEXT, target TEXT, reply_to INTEGER, body TEXT);
INSERT INTO hook_pick(msg, sender, target, reply_to, body)
    SELECT d.msg, e.agent AS sender, e.target, m.reply_to, e.body
      FROM hook h
      JOIN deliveries d ON d.agent = h.me AND d.read_at IS NULL
      JOIN events e ON e.seq = d.msg
      JOIN messages m ON m.id = d.msg
     WHERE h.me IS NOT NULL AND coalesce(h.vendor, '') != 'cursor'
     ORDER BY d.msg LIMIT 50;
