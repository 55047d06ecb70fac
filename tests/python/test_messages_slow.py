"""Messages under real concurrency: many sender processes, several
receiving processes of one agent, SIGKILL mid-flight, a busy database.
Exactly once means: every message id printed once and only once, and the
database agrees (every delivery read once, in one msg.recv event)."""
from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter

import pytest
from conftest import BIN, REPO, run_roost
from race import race

pytestmark = pytest.mark.slow

# sh -c SENDER sh AGENT TO N
SENDER = """
i=0
while [ "$i" -lt "$3" ]; do
  "$ROOST" --agent "$1" -q send "$2" "from $1 number $i" >/dev/null || { echo "send exit $?" >&2; exit 1; }
  i=$((i + 1))
done
"""

# Receive in a loop until the stop file appears, then once more: by then
# every sender has finished, so the last pass drains what is left.
RECEIVER = """
while :; do
  [ -e "$STOP" ] && last=1
  "$ROOST" --agent "$ME" --json recv >> "$OUT" || echo "recv exit $?" >&2
  [ -n "${last:-}" ] && break
done
"""

PY_RECEIVER = """
import json, os, sys
sys.path.insert(0, os.path.join(os.environ["ROOST_HOME"], "python"))
from roost.api import Roost
r = Roost(os.environ["ROOST_DB"], os.environ["ME"])
last = False
with open(os.environ["OUT"], "a") as out:
    while True:
        last = os.path.exists(os.environ["STOP"])
        got = r.recv()
        out.write(json.dumps({"messages": [{"id": m["id"]} for m in got]}) + "\\n")
        out.flush()
        if last:
            break
"""


def _env(db, **kw):
    e = dict(os.environ, ROOST_DB=db, ROOST=str(BIN), **{k: str(v) for k, v in kw.items()})
    e.setdefault("ROOST_BUSY_TIMEOUT_MS", "20000")
    return e


def _received(paths):
    ids = Counter()
    for p in paths:
        with open(p, "rb") as f:
            for line in f:
                for m in json.loads(line.decode("utf-8", "surrogateescape"))["messages"]:
                    ids[m["id"]] += 1
    return ids


def _race(tmp_path, db, senders, receivers, n):
    """senders: [(agent, to)]; receivers: [(agent, 'sh'|'py')]. Returns
    {agent: Counter of ids printed} after every sender is done."""
    stop = tmp_path / "stop"
    outs, procs = {}, []
    for k, (agent, kind) in enumerate(receivers):
        out = tmp_path / f"recv.{agent}.{k}"
        out.touch()
        outs.setdefault(agent, []).append(out)
        env = _env(db, ME=agent, OUT=out, STOP=stop, ROOST_HOME=REPO)
        argv = ["sh", "-c", RECEIVER] if kind == "sh" else [sys.executable, "-c", PY_RECEIVER]
        procs.append(subprocess.Popen(argv, env=env, stderr=subprocess.PIPE))
    t = time.monotonic()
    res = race([["sh", "-c", SENDER, "sh", a, to, str(n)] for a, to in senders], env=_env(db), timeout=900)
    stop.touch()
    errs = []
    for p in procs:
        _, e = p.communicate(timeout=300)
        errs.append((p.returncode, e.decode()))
    print(f"race: {len(senders)} x {n} sends in {time.monotonic() - t:.1f}s")
    assert all(r["rc"] == 0 for r in res), [r for r in res if r["rc"] != 0][:3]
    assert all(rc == 0 and not e for rc, e in errs), [x for x in errs if x[0] or x[1]][:3]
    return {a: _received(ps) for a, ps in outs.items()}


def _check_db(db, agents):
    c = sqlite3.connect(db)
    try:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert c.execute("PRAGMA foreign_key_check").fetchall() == []
        for a in agents:
            assert c.execute("SELECT count(*) FROM deliveries WHERE agent = ? AND read_at IS NULL",
                             (a,)).fetchone()[0] == 0
            taken = Counter()
            for (body,) in c.execute("SELECT body FROM events WHERE kind = 'msg.recv' AND agent = ?", (a,)):
                taken.update(json.loads(body)["ids"])
            assert taken and max(taken.values()) == 1, f"{a}: a message taken twice"
            assert set(taken) == {r[0] for r in c.execute("SELECT msg FROM deliveries WHERE agent = ?", (a,))}
    finally:
        c.close()


def test_16_senders_x_200_messages_to_one_agent_read_by_3_processes_arrive_exactly_once(db, tmp_path):
    senders = [(f"s{i}", "bob") for i in range(16)]
    for a in ["bob"] + [s for s, _ in senders]:
        assert run_roost("register", a).rc == 0
    got = _race(tmp_path, db, senders, [("bob", "sh")] * 3, 200)["bob"]
    c = sqlite3.connect(db)
    sent = {r[0] for r in c.execute("SELECT id FROM messages")}
    c.close()
    assert len(sent) == 3200
    assert set(got) == sent and max(got.values()) == 1, f"{len(got)} distinct, {sum(got.values())} printed"
    _check_db(db, ["bob"])


def test_16_senders_x_200_broadcasts_to_8_agents_read_by_3_processes_each_arrive_exactly_once(db, tmp_path):
    crew = [f"r{i}" for i in range(8)]
    for a in ["lead"] + crew:
        assert run_roost("register", a).rc == 0
    # 16 sender processes of the one agent that is not a recipient, so that
    # `all` is exactly the 8 agents
    got = _race(tmp_path, db, [("lead", "all")] * 16, [(a, "sh") for a in crew for _ in range(3)], 200)
    c = sqlite3.connect(db)
    sent = {r[0] for r in c.execute("SELECT id FROM messages")}
    assert c.execute("SELECT count(*) FROM deliveries").fetchone()[0] == 3200 * 8
    c.close()
    assert len(sent) == 3200
    for a in crew:
        assert set(got[a]) == sent and max(got[a].values()) == 1, a
    _check_db(db, crew)


def test_shell_and_python_receivers_of_one_agent_share_its_messages_exactly_once(db, tmp_path):
    senders = [(f"s{i}", "bob") for i in range(6)]
    for a in ["bob"] + [s for s, _ in senders]:
        assert run_roost("register", a).rc == 0
    got = _race(tmp_path, db, senders, [("bob", "sh"), ("bob", "sh"), ("bob", "py")], 100)["bob"]
    assert len(got) == 600 and max(got.values()) == 1
    _check_db(db, ["bob"])


def _roost_pids(db):
    """Processes (sh running bin/roost, sqlite3, python) working on db."""
    out = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/cmdline", "rb") as f:
                cmd = f.read()
            with open(f"/proc/{p}/environ", "rb") as f:
                env = f.read()
        except OSError:
            continue
        if (db.encode() in cmd or b"ROOST_DB=" + db.encode() in env) and (
                b"sqlite3" in cmd or str(BIN).encode() in cmd):
            out.append(int(p))
    return out


def test_processes_killed_mid_flight_lose_nothing_committed_and_deliver_nothing_twice(db, tmp_path):
    senders = [(f"s{i}", "bob,carol") for i in range(6)]
    for a in ["bob", "carol"] + [s for s, _ in senders]:
        assert run_roost("register", a).rc == 0
    stop = tmp_path / "stop"
    procs = []
    for a, to in senders:
        # a killed send is fine here: the loop goes on
        loop = SENDER.replace('|| { echo "send exit $?" >&2; exit 1; }', "|| :")
        procs.append(subprocess.Popen(["sh", "-c", loop, "sh", a, to, "60"], env=_env(db),
                                      stderr=subprocess.DEVNULL))
    outs = []
    for k, a in enumerate(["bob", "bob", "carol"]):
        out = tmp_path / f"r{k}"
        out.touch()
        outs.append((a, out))
        loop = RECEIVER.replace('|| echo "recv exit $?" >&2', "|| :")
        procs.append(subprocess.Popen(["sh", "-c", loop], env=_env(db, ME=a, OUT=out, STOP=stop),
                                      stderr=subprocess.DEVNULL))
    rnd = random.Random(7)
    kills = 0
    end = time.monotonic() + 8
    while time.monotonic() < end:
        pids = [p for p in _roost_pids(db) if p not in {x.pid for x in procs}]
        if pids:
            try:
                os.kill(rnd.choice(pids), signal.SIGKILL)
                kills += 1
            except ProcessLookupError:
                pass
        time.sleep(rnd.uniform(0.005, 0.05))
    for p in procs[:len(senders)]:
        p.wait(300)
    stop.touch()
    for p in procs[len(senders):]:
        p.wait(300)
    assert kills > 20, kills
    # Whatever was killed: the database is whole, and nothing was taken twice.
    for a in ("bob", "carol"):
        r = run_roost("--json", "recv", agent=a)
        assert r.rc == 0, r
    c = sqlite3.connect(db)
    try:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        n = c.execute("SELECT count(*) FROM events WHERE kind = 'msg.send'").fetchone()[0]
        assert n == c.execute("SELECT count(*) FROM messages").fetchone()[0] > 0
        assert c.execute("SELECT count(*) FROM deliveries").fetchone()[0] == 2 * n, "each message reached both"
        assert c.execute("SELECT count(*) FROM messages m JOIN events e ON e.seq = m.id "
                         "WHERE e.kind = 'msg.send'").fetchone()[0] == n
    finally:
        c.close()
    _check_db(db, ["bob", "carol"])
    printed = Counter()
    for a, out in outs:
        for line in out.read_bytes().splitlines():
            try:
                ms = json.loads(line)["messages"]
            except ValueError:
                continue  # a receiver killed while printing
            printed.update((a, m["id"]) for m in ms)
    assert printed and max(printed.values()) == 1


def test_a_busy_database_gives_75_and_leaves_everything_as_it_was(db):
    for a in ("alice", "bob"):
        assert run_roost("register", a).rc == 0
    assert run_roost("send", "bob", "first", agent="alice").rc == 0
    hold = sqlite3.connect(db, isolation_level=None)
    hold.execute("BEGIN IMMEDIATE")
    try:
        env = {"ROOST_BUSY_TIMEOUT_MS": "300"}
        for args in (["send", "bob", "second"], ["recv"], ["inbox"], ["ack", "1"], ["read", "1"]):
            r = run_roost(*args, agent="bob" if args[0] != "send" else "alice", env=env)
            assert r.rc == 75, (args, r)
            assert "safe to retry" in r.err and r.out == b"", (args, r)
    finally:
        hold.execute("ROLLBACK")
        hold.close()
    c = sqlite3.connect(db)
    assert c.execute("SELECT count(*), count(read_at) FROM deliveries").fetchone() == (1, 0)
    c.close()
    r = run_roost("--json", "recv", agent="bob")
    assert [m["body"] for m in r.json()["messages"]] == ["first"]
