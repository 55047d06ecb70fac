-- core_register.sql: after core_seen.sql, on the shell's second run of a
-- script whose caller (an explicit id) was not in agents yet: register it,
-- with its register event, in the command's own transaction (so a command
-- that then fails registers nobody). Shell only, as core_begin.sql.
INSERT INTO emit(agent, kind, target, body, at)
  SELECT @me, 'register', @me, NULL, @now
  WHERE @me IS NOT NULL AND NOT EXISTS (SELECT 1 FROM agents WHERE id = @me);
INSERT INTO agents(id, registered_at, last_seen) SELECT @me, @now, @now WHERE @me IS NOT NULL
  ON CONFLICT(id) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen), dead_at = NULL, ended_at = NULL;
