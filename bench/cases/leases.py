"""Leases (issue 4): lock, unlock and lock --check next to the sqlite3 floor.

Both databases hold a lease of another agent on HELD (an exact key: the
full decision path, no glob). The big one also holds 10,000 live leases of
50 other agents: 7,000 files, 2,000 folders and 1,000 globs under 1,000
folders, so a check has neighbours at every level; GLOB is covered by the
glob d7/s3/**/*.md (the glob automaton runs), FREE has files beside it and
folders near it but nothing over it. Paths are relative to the working tree
bench/run is started from."""
import os
import sqlite3
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
REF = REPO / "bench" / "ref"

FILE = "d7/s4/bench.py"        # what lock/unlock take: nothing over it
FREE = "d9/s9/other.py"        # check: free, with neighbours
HELD = "d7/s5/f0.py"           # check: held by holder1 (exact key)
GLOB = "d7/s3/x/notes.md"      # check: held through the glob d7/s3/**/*.md (big database; free on the small one)


def _setup(db: str, big: bool) -> None:
    now = int(time.time())
    c = sqlite3.connect(db)
    c.executemany("INSERT OR IGNORE INTO agents(id, registered_at, last_seen) VALUES (?, ?, ?)",
                  [(f"holder{n}", now, now + 86400) for n in range(50)])
    rows = [("file", HELD, "d7/s5/", "holder1")]
    if big:
        for i in range(100):
            for j in range(10):
                d = f"d{i}/s{j}/"
                h = f"holder{(i * 10 + j) % 50}"
                rows += [("file", f"{d}f{k}.py", d, h) for k in range(7) if f"{d}f{k}.py" != HELD]
                rows += [("dir", f"{d}sub{k}/", f"{d}sub{k}/", h) for k in range(2)]
                if (i, j) not in ((7, 4), (9, 9)):
                    rows.append(("glob", f"{d}**/*.md", d, h))
    c.executemany(
        "INSERT INTO leases(kind, key, base, holder, shared, since, until, ttl, ts) "
        "VALUES (?, ?, ?, ?, 0, ?, ?, 86400, 1)",
        [(k, key, base, h, now, now + 86400) for k, key, base, h in rows])
    c.commit()
    c.close()


def _dump(db: str, big: bool) -> None:
    # The scripts lock --check runs for HELD and GLOB, saved for the
    # reference rows (bench/ref/script.sh).
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROOST_")}
    for name, path in (("check_held", HELD), ("check_glob", GLOB)):
        env.update(ROOST_HOME=str(REPO), ROOST_DB=db, ROOST_DUMP_SQL=f"{db}.{name}.sql")
        p = subprocess.run([str(REPO / "bin" / "roost"), "--agent", "bench", "lock", "--check", path],
                           env=env, capture_output=True, text=True)
        if p.returncode not in (0, 2):
            raise SystemExit(f"bench: saving the script of lock --check {path}: exit {p.returncode}: {p.stderr}")


_CONN: dict = {}


def _conn(db: str) -> sqlite3.Connection:
    # Kept open: closing the last connection would checkpoint and delete the
    # WAL, and every timed run would pay for re-creating it.
    if db not in _CONN:
        _CONN[db] = sqlite3.connect(db, isolation_level=None)
    return _CONN[db]


def _drop(db: str) -> None:
    _conn(db).execute("DELETE FROM leases WHERE holder = 'bench'")


def _hold(db: str) -> None:
    now = int(time.time())
    _conn(db).execute("INSERT OR IGNORE INTO leases(kind, key, base, holder, shared, since, until, ttl, ts) "
                      "VALUES ('file', ?, 'd7/s4/', 'bench', 0, ?, ?, 3600, 1)", (FILE, now, now + 3600))


def cases(Case):
    return [
        Case("roost lock", ["--agent", "bench", "lock", FILE], setup=_setup, each=_drop, rc=0),
        Case("roost unlock", ["--agent", "bench", "unlock", FILE], each=_hold, rc=0),
        Case("roost lock --check (free)", ["--agent", "bench", "lock", "--check", FREE], big_target=3.0, rc=0),
        Case("roost lock --check (held)", ["--agent", "bench", "lock", "--check", HELD], big_target=3.0, rc=2),
        Case("roost lock --check (held by a glob)", ["--agent", "bench", "lock", "--check", GLOB],
             big_target=3.0, rc=0, big_rc=2),
        Case("reference: sh + sqlite3 running the script of lock --check (held)",
             ["sh", str(REF / "script.sh"), "check_held"], owner="reference", raw=True, setup=_dump),
        Case("reference: sh + sqlite3 running the script of lock --check (held by a glob)",
             ["sh", str(REF / "script.sh"), "check_glob"], owner="reference", raw=True),
    ]
