-- hooks_renew.sql (needs the leases schema): every tool call of an agent
-- renews its live leases, quietly (the 'edit' events already record the
-- activity), once half of a lease's term has passed. Task claims need no
-- renewing: they last while the holder is seen (hooks_post.sql).
UPDATE leases SET until = @now + ttl
 WHERE holder = (SELECT me FROM hook) AND wait IS NULL AND until > @now AND until - @now < ttl / 2
   AND NOT (SELECT full FROM hook_gate);
