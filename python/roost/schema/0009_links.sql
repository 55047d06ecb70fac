-- Symbolic links in the working tree, as lease keys: a write to `path` (a
-- link), or to a path below it when it is a link to a folder, lands in
-- `target` (a file key 'a/b', or a folder key 'a/b/'; './' for the tree
-- itself). SQL cannot read a link, so roost.links.scan fills this table
-- (at `roost init` and at the start of every agent session); the hooks
-- map their write targets through it (hooks_norm.sql), and a write through
-- a link is checked against the leases on the file it really changes. Links that leave the tree are not
-- kept: what they reach is not leased here.
CREATE TABLE links (
  path   TEXT PRIMARY KEY NOT NULL,
  target TEXT NOT NULL
) WITHOUT ROWID;
