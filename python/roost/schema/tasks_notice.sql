-- Not a migration: per-connection TEMP objects, made only where needed.
-- Every roost command parses the whole persisted schema when it starts,
-- so what only some commands use lives here instead of in a migration
-- (0008_lean.sql dropped the persisted copies). Both languages run it
-- only where it is used: Python on a connection when the task board first
-- needs it (TasksMixin._tconn in roost/tasks.py), the shell in claim.

-- The one place a task notification is recorded, for both languages:
--   INSERT INTO task_notice(actor, target, body, at) VALUES (...)
-- target is an agent, role:R or team:T; a role or team becomes one notice
-- per member (one addressed to the group itself when it has none, so
-- nothing is lost). Notices are events of kind 'notice' aimed at the agent.
-- Each notice to an agent is also a message in its inbox (0007_notices.sql).
CREATE TEMP VIEW IF NOT EXISTS task_notice(actor, target, body, at) AS
  SELECT NULL, NULL, NULL, NULL WHERE 0;

CREATE TEMP TRIGGER IF NOT EXISTS task_notice_insert INSTEAD OF INSERT ON task_notice
BEGIN
  INSERT INTO emit(agent, kind, target, body, at)
    SELECT NEW.actor, 'notice', a.id, NEW.body, NEW.at FROM agents a
     WHERE a.id = NEW.target
        OR (NEW.target GLOB 'role:*' AND a.role = substr(NEW.target, 6))
        OR (NEW.target GLOB 'team:*' AND a.team = substr(NEW.target, 6))
     ORDER BY a.id;
  INSERT INTO emit(agent, kind, target, body, at)
    SELECT NEW.actor, 'notice', NEW.target, NEW.body, NEW.at
     WHERE NOT EXISTS (SELECT 1 FROM agents a
                        WHERE a.id = NEW.target
                           OR (NEW.target GLOB 'role:*' AND a.role = substr(NEW.target, 6))
                           OR (NEW.target GLOB 'team:*' AND a.team = substr(NEW.target, 6)));
END;
