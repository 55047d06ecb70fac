"""Leases (issue 4): lock, unlock and lock --check next to the sqlite3 floor.

The big database also holds 10,000 live leases of 50 other agents: 7,000
files, 2,000 folders and 1,000 globs under 1,000 folders, so a check has
neighbours at every level: folders above it, globs rooted above it (run
through the glob automaton), files beside it. Paths are relative to the
working tree bench/run is started from."""
import sqlite3
import time

FILE = "d7/s3/bench.py"          # free: folders, globs and files around it
HELD = "d7/s3/x/notes.md"        # held by d7/s3/**/*.md: denied (exit 2)


def _setup(db: str, big: bool) -> None:
    now = int(time.time())
    c = sqlite3.connect(db)
    c.execute("PRAGMA foreign_keys = ON")
    c.executemany("INSERT OR IGNORE INTO agents(id, registered_at, last_seen) VALUES (?, ?, ?)",
                  [(f"holder{n}", now, now + 86400) for n in range(50)])
    rows = [("glob", "d7/s3/**/*.md", "d7/s3/", "holder1")]
    if big:
        for i in range(100):
            for j in range(10):
                d = f"d{i}/s{j}/"
                h = f"holder{(i * 10 + j) % 50}"
                rows += [("file", f"{d}f{k}.py", d, h) for k in range(7)]
                if (i, j) != (7, 3):
                    rows.append(("glob", f"{d}**/*.md", d, h))
                rows += [("dir", f"{d}sub{k}/", f"{d}sub{k}/", h) for k in range(2)]
    c.executemany(
        "INSERT INTO leases(kind, key, base, holder, shared, since, until, ttl, ts) "
        "VALUES (?, ?, ?, ?, 0, ?, ?, 86400, 1)",
        [(k, key, base, h, now, now + 86400) for k, key, base, h in rows])
    c.commit()
    c.close()


def _drop(db: str) -> None:
    c = sqlite3.connect(db)
    c.execute("DELETE FROM leases WHERE holder = 'bench'")
    c.commit()
    c.close()


def _hold(db: str) -> None:
    now = int(time.time())
    c = sqlite3.connect(db)
    c.execute("INSERT OR IGNORE INTO leases(kind, key, base, holder, shared, since, until, ttl, ts) "
              "VALUES ('file', ?, 'd7/s3/', 'bench', 0, ?, ?, 3600, 1)", (FILE, now, now + 3600))
    c.commit()
    c.close()


def cases(Case):
    return [
        Case("roost lock", ["--agent", "bench", "lock", FILE], setup=_setup, each=_drop),
        Case("roost unlock", ["--agent", "bench", "unlock", FILE], each=_hold),
        Case("roost lock --check (free)", ["--agent", "bench", "lock", "--check", "d7/s3/other.py"],
             big_target=3.0),
        Case("roost lock --check (held, glob)", ["--agent", "bench", "lock", "--check", HELD],
             big_target=3.0),
    ]
