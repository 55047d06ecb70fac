"""Progress (issue 6): the frontier and sync at most 1.3x the bare Python
floor; heartbeat with a position at most 2x the bare sqlite3 floor."""


def _peers(db, big):
    import sqlite3
    c = sqlite3.connect(db)
    c.executemany(
        "INSERT INTO agents(id, registered_at, last_seen, epoch, round) "
        "VALUES (?, strftime('%s','now'), strftime('%s','now'), ?, ?)",
        [(f"peer{i}", 1 + i % 3, i % 5) for i in range(12)])
    c.execute("INSERT INTO events(ts, agent, kind, target, body, at) "
              "SELECT 1, 'peer1', 'decision', NULL, '{\"text\":\"use sqlite\"}', strftime('%s','now')")
    c.commit()
    c.close()


def _one_message(db):
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python"))
    from roost.api import Roost
    with Roost(db, "peer1") as r:
        r.send("bench", "the parser is merged")


def cases(Case):
    return [
        Case("roost heartbeat --epoch 2 --round 3",
             ["--agent", "bench", "heartbeat", "--epoch", "2", "--round", "3"]),
        Case("roost frontier", ["--agent", "bench", "frontier"], owner="python", target=1.3, setup=_peers),
        Case("roost frontier --epoch 1", ["--agent", "bench", "frontier", "--epoch", "1"],
             owner="python", target=1.3),
        Case("roost sync --epoch 1", ["--agent", "bench", "sync", "--epoch", "1"],
             owner="python", target=1.3),
        Case("roost sync (1 new message)", ["--agent", "bench", "sync"], owner="python", target=1.3,
             each=_one_message),
    ]
