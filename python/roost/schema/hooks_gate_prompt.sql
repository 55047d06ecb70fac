-- hooks_gate_prompt.sql (needs the messages schema): anything unread for
-- the agent? Only then does hooks_prompt.sql run. Cursor cannot add
-- context at a prompt, so its messages wait (stop, or roost recv).
UPDATE hook_gate SET full = EXISTS (
  SELECT 1 FROM hook h JOIN deliveries d ON d.agent = h.me AND d.read_at IS NULL
   WHERE coalesce(h.vendor, '') != 'cursor');
