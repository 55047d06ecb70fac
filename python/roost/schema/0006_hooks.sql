-- roost hooks: settings of `roost hook` (the statements themselves are in
-- schema/hooks_*.sql, shared by the shell and Python).
INSERT INTO config(key, dflt, type, doc) VALUES
  ('lease_on_edit', '0', 'bool',
   'pre-tool hooks also take a short lease on each file a tool call is about to write, for the caller'),
  ('lease_on_edit_ttl', '600', 'duration',
   'length of the lease lease_on_edit takes (renewed by every later tool call of the agent)'),
  ('release_on_session_end', '0', 'bool',
   'session-end hooks release the leases of an agent with no other live session'),
  ('hook_context_chars', '6000', 'int',
   'most characters of messages a prompt hook adds to the agent''s context (the rest stay unread)');
