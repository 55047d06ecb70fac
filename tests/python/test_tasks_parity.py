"""Parity of `roost claim` (shell) and Roost.claim() (Python): the same
steps on two identical boards give the same tasks, the same refusals and
the same event log; both kinds of claimer share one board."""
from __future__ import annotations

import json
import sqlite3
import subprocess

import pytest

from conftest import run_roost
from roost import RoostError
from roost.api import Roost
from roost.db import migrate

T0 = 1_900_000_000


def log(db):
    c = sqlite3.connect(db)
    c.text_factory = bytes
    try:
        return c.execute("SELECT seq, ts, agent, kind, target, body, at FROM events ORDER BY seq").fetchall()
    finally:
        c.close()


def shell_claim(db, agent, *args):
    r = run_roost("--db", db, "claim", "--json", *args, agent=agent)
    if r.rc == 0:
        return 0, json.loads(r.out.decode("utf-8", "surrogateescape"))
    assert r.out == b"", r
    prefix = "roost: claim: "
    assert r.err.startswith(prefix) and r.err.endswith("\n"), r
    return r.rc, r.err[len(prefix):-1]


def py_claim(db, agent, *args):
    kw = {}
    rest = list(args)
    if "--lease" in rest:
        i = rest.index("--lease")
        kw["lease"] = rest[i + 1]
        del rest[i:i + 2]
    if "--dry-run" in rest:
        rest.remove("--dry-run")
        kw["dry_run"] = True
    r = Roost(db, agent)
    try:
        return 0, r.claim(rest[0] if rest else None, **kw)
    except RoostError as e:
        return e.code, e.message
    finally:
        r.close()


def board(db):
    """The same board, built the same way (ROOST_NOW is pinned)."""
    migrate(db)
    for who, role in (("lead1", "lead"), ("dev1", "dev"), ("dev2", "dev"), ("ops1", "ops")):
        Roost(db, who).register(role=role, find_process=False)
    a = Roost(db, "alice")
    a.queue_add("support", handler="role:ops", sla="10m")
    a.task_add("base", priority=1)
    a.task_add("needs base", after=["T-1"], priority=9)
    a.task_add("for devs", for_="role:dev", priority=5)
    a.task_add("for dev2", for_="dev2", priority=7)
    a.task_add("queued", queue="support")
    a.task_add("hostile \x1b[31m'; DROP TABLE tasks; --\n.shell x", body="b\udcff")
    a.close()


STEPS = [
    # (ROOST_NOW offset, agent, claim args)
    (0, "dev1", []),                      # for devs (5) beats base (1)
    (0, "dev1", ["T-2"]),                 # waiting on T-1
    (0, "dev2", []),                      # for dev2 (7)
    (0, "dev1", ["T-99"]),                # no such task
    (0, "ops1", []),                      # base (1) before queued (0): same priority tier rules
    (0, "ops1", ["T-1"]),                 # own: already yours
    (0, "ops1", ["T-1", "--lease", "90"]),  # own, new lease
    (0, "dev1", ["T-3"]),                 # held by dev1 itself
    (0, "dev2", ["T-1"]),                 # held by ops1
    (5, "x", ["--dry-run"]),              # would claim queued
    (5, "x", []),
    (5, "y", []),                         # hostile task
    (5, "z", []),                         # nothing ready
    (100, "z", []),                       # ops1's T-1 lease (90s) ran out: reclaim
    (100, "z", ["T-6"]),                  # held by y (live)
    (4000, "lead1", []),                  # everyone else gone: reclaims by priority
    (4000, "lead1", []),
    (4000, "lead1", ["T-5", "--lease", "1m"]),
]


def test_shell_and_python_claims_give_the_same_answers_and_the_same_log(tmp_path, monkeypatch):
    monkeypatch.setenv("ROOST_NOW", str(T0))
    a, b = str(tmp_path / "shell.db"), str(tmp_path / "python.db")
    board(a)
    board(b)
    assert log(a) == log(b)
    for off, agent, args in STEPS:
        monkeypatch.setenv("ROOST_NOW", str(T0 + off))
        got_sh = shell_claim(a, agent, *args)
        got_py = py_claim(b, agent, *args)
        assert got_sh == got_py, (off, agent, args)
        assert log(a) == log(b), (off, agent, args)
    kinds = [r[3] for r in log(a)]
    assert kinds.count(b"task.reclaim") >= 2 and b"task.renew" in kinds


def test_a_holder_with_a_dead_pid_is_found_and_recorded_the_same_way_by_both(tmp_path, monkeypatch):
    monkeypatch.setenv("ROOST_NOW", str(T0))
    a, b = str(tmp_path / "shell.db"), str(tmp_path / "python.db")
    p = subprocess.Popen(["sleep", "300"])
    try:
        for db in (a, b):
            board(db)
            Roost(db, "victim").register(pid=p.pid)
            assert py_claim(db, "victim", "T-3")[0] == 0
        for db, f in ((a, shell_claim), (b, py_claim)):
            assert f(db, "dev1", "T-3") == (2, "T-3 is held by victim (active, seen 0s ago)")
    finally:
        p.kill()
        p.wait()
    sh, py = shell_claim(a, "dev1", "T-3"), py_claim(b, "dev1", "T-3")
    assert sh == py and sh[1]["reclaimed_from"] == "victim"
    assert log(a) == log(b)
    assert [r[3] for r in log(a)][-4:] == [b"agent.dead", b"task.reclaim", b"notice", b"task.claim"]


def test_shell_and_python_claimers_take_turns_on_one_board_in_claim_order(db, monkeypatch):
    monkeypatch.setenv("ROOST_NOW", str(T0))
    a = Roost(db, "alice")
    for i, pri in enumerate([0, 3, 1, 3, 2, 0]):
        a.task_add(f"t{i + 1}", priority=pri)
    got = []
    for i in range(6):
        rc, t = (shell_claim if i % 2 == 0 else py_claim)(db, f"w{i}")
        assert rc == 0, t
        got.append(t["id"])
    assert got == ["T-2", "T-4", "T-5", "T-3", "T-1", "T-6"]
    assert shell_claim(db, "w9") == py_claim(db, "w9") == (2, "nothing ready for w9")
    a.close()


@pytest.mark.parametrize("agent,args", [("alice", ["--lease", "soon"]), ("alice", ["T-x"])])
def test_both_refuse_bad_arguments_with_64(db, agent, args):
    assert shell_claim(db, agent, *args)[0] == 64
    assert py_claim(db, agent, *args)[0] == 64
