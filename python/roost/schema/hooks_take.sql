-- hooks_take.sql (needs the leases schema): lease_on_edit. No one in the
-- way, so the caller takes a short lease on each file it is about to
-- write (not already its own), which the next writer finds held. The
-- caller's process takes it through `roost lock` (the leases capability's
-- own grant): only plain keys qualify.
INSERT INTO hook_take(key)
  SELECT t.key FROM hook_tgt t, hook h
   WHERE NOT (SELECT full FROM hook_gate)
     AND t.kind = 'file' AND t.key NOT GLOB '*[^A-Za-z0-9._/+@,=-]*' AND t.key NOT GLOB '-*'
     AND h.me IS NOT NULL
     AND (SELECT value FROM settings WHERE key = 'lease_on_edit') = '1'
     AND NOT EXISTS (SELECT 1 FROM hook_blk)
     AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.key = t.key AND l.kind = 'file' AND l.holder = h.me
                      AND l.wait IS NULL AND l.until > @now);
