-- A leaner persisted schema: every roost command (one sqlite3 process per
-- call on the shell side) parses the whole schema when it opens the file,
-- and the task_json and task_notice views with its trigger were nearly a
-- third of that work (measured with callgrind: 0.7M of 2.4M instructions)
-- for the one command (claim) that uses them. They are now TEMP objects,
-- defined once in tasks_json.sql and tasks_notice.sql, which Python runs
-- on every connection and the shell reads where needed. `main.`: a
-- connection that already made the temp views must drop the persisted ones.
DROP VIEW IF EXISTS main.task_json;
DROP VIEW IF EXISTS main.task_notice;
