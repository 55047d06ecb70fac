-- The prelude of every shell command's script (_roost_begin in
-- lib/roost/core.sh reads it after connection.sql and the command's BEGIN:
-- IMMEDIATE for a command that writes, a read transaction for lock
-- --check). Not a migration; not read by Python, which does the same in
-- roost/db.py and api.py. Kept in a file so the shell neither parses nor
-- pipes it on every call. Parameters: @now, @me, @roost_db (the path, for
-- messages), @roost_v (the schema version this roost wants), @roost_app
-- (roost's application_id).
-- Refuse a database that is not roost's, or of another schema version, or
-- a CLI older than 3.37 (by the date its source id starts with: 3.37.0 is
-- of 2021-11-27; cheaper to compile than parsing the version string).
INSERT INTO roost_err SELECT 78, CASE
  WHEN a != @roost_app THEN 'not a roost database: ' || @roost_db
  WHEN v > @roost_v THEN 'database schema version ' || v || ' is newer than this roost (' || @roost_v || '): upgrade roost'
  ELSE 'database schema version ' || v || ' needs migrating to ' || @roost_v || ': run ''roost migrate''' END
  FROM (SELECT application_id AS a FROM pragma_application_id), (SELECT user_version AS v FROM pragma_user_version)
  WHERE a != @roost_app OR v != @roost_v
UNION ALL
SELECT 69, 'sqlite3 ' || sqlite_version() || ' is too old: install sqlite3 3.37 or newer'
  WHERE sqlite_source_id() < '2021-11-27';
SELECT char(31) || rc || char(9) || msg FROM roost_err LIMIT 1;
INSERT INTO roost_err(rc) SELECT NULL FROM roost_err LIMIT 1;
INSERT INTO roost_ctx VALUES ('now', @now);
