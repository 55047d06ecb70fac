-- core_seen.sql: after core_begin.sql, in the scripts of the shell's
-- commands that write (all but lock --check): the caller is seen. Shell
-- only, as core_begin.sql; Python's is Roost._touch. Parameters: @now,
-- @me, @register (set on the second run of a caller seen for the first
-- time).
-- An explicit id used for the first time is not in agents yet: the script
-- then stops here with status 'register' (before anything is written), and
-- the shell runs it once more with @register set, reading core_register.sql
-- after this file. Registering costs that second run once per agent; every
-- other command compiles this small UPDATE instead of the register event's
-- insert (its trigger program).
UPDATE agents SET last_seen = max(last_seen, @now), dead_at = NULL, ended_at = NULL WHERE id = @me;
SELECT char(31) || 'register' WHERE changes() = 0 AND @me IS NOT NULL AND @register IS NULL;
INSERT INTO roost_err(rc) SELECT NULL WHERE changes() = 0 AND @me IS NOT NULL AND @register IS NULL;
