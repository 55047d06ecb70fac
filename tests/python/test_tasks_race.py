"""The task board under real concurrency: many `roost` processes released
at once (tests/lib/race.py), holders killed with SIGKILL, readers racing
to escalate the same overdue task, shell and Python claimers together."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from conftest import REPO, run_roost
from race import codes, race

pytestmark = pytest.mark.slow
T0 = 1_900_000_000
PY_CLAIM = ("import sys, roost\n"
            "try:\n"
            "    print(roost.Roost(agent=sys.argv[1]).claim()['id'])\n"
            "except roost.RoostError as e:\n"
            "    sys.stderr.write(e.message + '\\n'); sys.exit(e.code)\n")


def events(db, kind):
    c = sqlite3.connect(db)
    try:
        return c.execute("SELECT seq, agent, target, body FROM events WHERE kind = ? ORDER BY seq", (kind,)).fetchall()
    finally:
        c.close()


def claimed_ids(results):
    return [json.loads(r["out"])["id"] for r in results if r["rc"] == 0]


def test_sixteen_claims_racing_for_one_ready_task_give_it_to_exactly_one(db, api):
    a = api("alice")
    for trial in range(5):
        a.task_add(f"only one {trial}")
        res = race([["roost", "--agent", f"a{i}", "claim", "--json"] for i in range(16)])
        assert codes(res) == {"0": 1, "2": 15}, res
        assert claimed_ids(res) == [f"T-{trial + 1}"]
        assert all("nothing ready" in r["err"] for r in res if r["rc"] == 2), res
    assert len(events(db, "task.claim")) == 5


def test_sixteen_claims_racing_over_sixteen_ready_tasks_each_get_a_different_one(db, api):
    a = api("alice")
    for i in range(16):
        a.task_add(f"t{i}")
    res = race([["roost", "--agent", f"a{i}", "claim", "--json"] for i in range(16)])
    assert codes(res) == {"0": 16}, res
    assert sorted(claimed_ids(res), key=lambda s: int(s[2:])) == [f"T-{i}" for i in range(1, 17)]


def test_sixteen_concurrent_task_adds_get_sixteen_different_ids(db):
    res = race([["roost", "--agent", f"a{i}", "task", "add", f"t{i}"] for i in range(16)])
    assert codes(res) == {"0": 16}, res
    assert sorted(int(r["out"].strip()[2:]) for r in res) == list(range(1, 17))


def test_workers_racing_through_eight_dependent_tasks_never_claim_one_before_its_dependencies(db, api):
    a = api("alice")
    deps = {1: [], 2: [1], 3: [1], 4: [2, 3], 5: [], 6: [5], 7: [4, 6], 8: [7]}
    for n, after in deps.items():
        a.task_add(f"step {n}", after=[f"T-{d}" for d in after], priority=n % 3)
    stop = time.time() + 60
    errors = []

    def worker(name):
        idle = 0
        while time.time() < stop and idle < 40:
            r = run_roost("claim", "--json", agent=name)
            if r.rc == 2:
                idle += 1
                time.sleep(0.02)
                continue
            if r.rc != 0:
                errors.append(r)
                return
            idle = 0
            time.sleep(0.01)
            d = run_roost("done", r.json()["id"], agent=name)
            if d.rc != 0:
                errors.append(d)
                return

    ts = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errors, errors
    done_at = {tgt: seq for seq, _, tgt, _ in events(db, "task.done")}
    assert sorted(done_at) == sorted(f"T-{n}" for n in deps)
    claims = events(db, "task.claim")
    assert len(claims) == 8
    for seq, _, tgt, _ in claims:
        for d in deps[int(tgt[2:])]:
            assert done_at[f"T-{d}"] < seq, (tgt, d)


def _agent_process():
    """A stand-in for an agent CLI's long-lived process."""
    return subprocess.Popen(["sleep", "300"])


def _kill(p):
    p.kill()
    p.wait()  # reap it: a zombie still has /proc/PID/stat
    return time.monotonic()


def _claim_until(agent, deadline_s=5.0):
    t = time.monotonic()
    while True:
        r = run_roost("claim", "--json", agent=agent)
        if r.rc == 0 or time.monotonic() - t > deadline_s:
            return r, time.monotonic()


def test_a_task_whose_holder_was_killed_is_claimed_by_another_agent_within_a_second(db, api):
    api("alice").task_add("x")
    p = _agent_process()
    try:
        assert run_roost("register", "victim", "--pid", str(p.pid)).rc == 0
        assert run_roost("claim", agent="victim").rc == 0
        r = run_roost("claim", agent="rescuer")  # alive, with a pid here: checked, not taken
        assert r.rc == 2 and "nothing ready for rescuer" in r.err, r
        r = run_roost("claim", "T-1", agent="rescuer")
        assert r.rc == 2 and "T-1 is held by victim (active" in r.err, r
    finally:
        died = _kill(p)
    r, got = _claim_until("rescuer")
    assert r.rc == 0, r
    assert got - died < 1.0, got - died
    assert r.json()["reclaimed_from"] == "victim"
    assert [(a, t, json.loads(b)) for _, a, t, b in events(db, "task.reclaim")] == [
        ("rescuer", "T-1", {"from": "victim", "why": "dead", "reclaims": 1})]
    assert [(a, t) for _, a, t, _ in events(db, "agent.dead")] == [("rescuer", "victim")]
    assert [t for _, _, t, _ in events(db, "notice")] == ["victim"]


def test_after_three_holders_are_killed_the_task_is_stuck_and_the_lead_is_told(db, api):
    api("boss").register(role="lead")
    api("alice").task_add("cursed")
    for i in range(3):
        p = _agent_process()
        try:
            assert run_roost("register", f"v{i}", "--pid", str(p.pid)).rc == 0
            r, got = _claim_until(f"v{i}")
            assert r.rc == 0, r
        finally:
            _kill(p)
    r, _ = _claim_until("rescuer", deadline_s=0.5)
    assert r.rc == 2 and "nothing ready" in r.err, r
    t = api("boss").task_show("T-1")
    assert (t["status"], t["reclaims"], t["attempts"]) == ("stuck", 3, 3)
    assert [json.loads(b)["why"] for _, _, _, b in events(db, "task.reclaim")] == ["dead", "dead"]
    notices = [(t, json.loads(b)["about"]) for _, _, t, b in events(db, "notice")]
    assert ("boss", "task.stuck") in notices and ("v2", "task.stuck") in notices, notices


def test_readers_racing_past_a_queue_target_escalate_the_task_exactly_once(db, api, monkeypatch):
    monkeypatch.setenv("ROOST_NOW", str(T0))
    api("dev1").register(role="dev")
    api("lead1").register(role="lead")
    a = api("alice")
    a.queue_add("support", handler="role:dev", sla="1m", escalate_to="role:lead")
    for trial in range(3):
        monkeypatch.setenv("ROOST_NOW", str(T0 + trial * 1000))
        t = a.task_add(f"help {trial}", queue="support")
        monkeypatch.setenv("ROOST_NOW", str(T0 + trial * 1000 + 61))
        readers = [["task", "list"], ["queue", "check"], ["task", "show", t["id"]], ["claim"]]
        res = race([["roost", "--agent", f"r{i}", *readers[i % 4]] for i in range(16)])
        assert all(r["rc"] == (2 if readers[i % 4] == ["claim"] else 0) for i, r in enumerate(res)), res
        esc = [x for x in events(db, "task.escalate") if x[2] == t["id"]]
        assert len(esc) == 1, esc
        about = [x for x in events(db, "notice") if json.loads(x[3])["task"] == t["id"]]
        assert sorted(x[2] for x in about) == ["dev1", "lead1"]


def test_shell_and_python_claimers_racing_on_one_board_never_share_a_task(db, api):
    env = dict(os.environ, PYTHONPATH=str(REPO / "python"))
    a = api("alice")
    for i in range(16):
        a.task_add(f"t{i}")
    argvs = [["roost", "--agent", f"s{i}", "claim", "--json"] for i in range(8)]
    argvs += [[sys.executable, "-c", PY_CLAIM, f"p{i}"] for i in range(8)]
    res = race(argvs, env=env)
    assert codes(res) == {"0": 16}, res
    ids = [json.loads(r["out"])["id"] if r["i"] < 8 else r["out"].strip() for r in res]
    assert len(set(ids)) == 16
    a.task_add("last one")
    res = race(argvs, env=env)
    assert codes(res) == {"0": 1, "2": 15}, res
