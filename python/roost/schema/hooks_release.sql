-- hooks_release.sql (needs the leases schema): the session of @me ended
-- and release_on_session_end is on: its held leases go, each with a
-- lease.release event. Queued requests go with their waiter, not here.
INSERT INTO emit(agent, kind, target, body, at)
  SELECT @me, 'lease.release', key,
         json_object('from', holder, 'kind', kind, 'since', since, 'until', until, 'reason', reason,
                     'why', 'session ended'), @now
    FROM leases WHERE holder = @me AND wait IS NULL ORDER BY id;
DELETE FROM leases WHERE holder = @me AND wait IS NULL;
