-- hooks_gate_stop.sql (needs the messages schema): a message addressed to
-- the agent by name (not all, role: or team:) unread, and no stop hook
-- active (stop_hook_active, or Cursor's loop_count)? Only then does
-- hooks_stop.sql block the stop.
UPDATE hook_gate SET full = EXISTS (
  SELECT 1 FROM hook h JOIN deliveries d ON d.agent = h.me AND d.read_at IS NULL
    JOIN events e ON e.seq = d.msg
   WHERE NOT h.stop_active AND instr(',' || e.target || ',', ',' || h.me || ',') > 0);
INSERT INTO hook_log(msg) SELECT 'a stop hook is already active: allowed' FROM hook WHERE stop_active;
