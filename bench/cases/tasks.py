"""Task board (issue 5): `roost claim` on a small board and on a board of
100,000 tasks (set up on the bench's big database)."""
from __future__ import annotations

import sqlite3
import time


def setup(db: str, big: bool) -> None:
    """A board like a long-running project's: mostly done tasks, some ready
    ones for anyone, a role or a named agent, some waiting on dependencies,
    some blocked or cancelled, 200 live claims held by 20 other agents, and
    a queue with a response-time target."""
    n = 100_000 if big else 2_000
    now = int(time.time())
    c = sqlite3.connect(db)
    c.execute("PRAGMA foreign_keys = ON")
    c.executemany("INSERT OR IGNORE INTO agents(id, role, registered_at, last_seen) VALUES (?, ?, ?, ?)",
                  [(f"other{i}", "dev" if i % 2 else "ops", now, now) for i in range(20)])
    c.execute("INSERT INTO queues(name, handler, sla, created_by, created_at, updated_at) "
              "VALUES ('support', 'role:ops', 3600, 'bench', ?, ?)", (now, now))
    c.execute("""
      WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?1)
      INSERT INTO tasks(title, body, priority, status, for_target, queue, holder, claimed_at, lease_secs,
                        attempts, created_by, created_at, updated_at, offered_at)
      SELECT 'task ' || i, 'what to do for task ' || i, (i * 7919) % 10,
             CASE WHEN i % 1000 < 900 THEN 'done'
                  WHEN i % 1000 < 960 THEN 'open'
                  WHEN i % 1000 < 980 THEN 'cancelled'
                  WHEN i % 1000 < 990 THEN 'blocked'
                  WHEN i % 1000 < 992 THEN 'claimed'
                  ELSE 'open' END,
             CASE i % 5 WHEN 1 THEN 'role:dev' WHEN 2 THEN 'other' || (i % 20) ELSE NULL END,
             CASE WHEN i % 97 = 0 THEN 'support' END,
             CASE WHEN i % 1000 BETWEEN 990 AND 991 THEN 'other' || (i % 20) END,
             CASE WHEN i % 1000 BETWEEN 990 AND 991 THEN ?2 END,
             CASE WHEN i % 1000 BETWEEN 990 AND 991 THEN 1800 END,
             CASE WHEN i % 1000 < 900 OR i % 1000 BETWEEN 990 AND 991 THEN 1 ELSE 0 END,
             'bench', ?2 - ?1 + i, ?2 - ?1 + i, ?2
        FROM k""", (n, now))
    # The last 8 of every thousand wait on a task that is still open.
    c.execute("""
      INSERT INTO task_deps(task, after)
      SELECT id, id - (id % 1000) + 900 FROM tasks WHERE id % 1000 >= 992""")
    c.commit()
    c.close()


def cases(Case):
    return [
        Case("roost claim", ["--agent", "bench", "claim"], setup=setup),
        Case("roost claim ID (held: exit 2)", ["--agent", "bench", "claim", "T-990"]),
    ]
