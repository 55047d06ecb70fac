"""Notices reach their agent as messages: a broken or reclaimed lease, a
reclaimed or stuck task."""
from __future__ import annotations

import subprocess


def _inbox(roost, agent):
    r = roost("recv", "--json", agent=agent)
    assert r.rc == 0, r
    return r.json()["messages"]


def test_a_lease_broken_with_force_sends_its_holder_a_message(db, roost):
    assert roost("lock", "src/a.py", agent="alice").rc == 0
    assert roost("unlock", "src/a.py", "--force", agent="bob").rc == 0
    msgs = _inbox(roost, "alice")
    assert len(msgs) == 1, msgs
    assert msgs[0]["from"] == "bob" and "broken by bob" in msgs[0]["body"]
    assert _inbox(roost, "alice") == []  # exactly once


def test_a_dead_holders_lease_reclaimed_sends_it_a_message_it_reads_when_back(db, roost):
    p = subprocess.Popen(["sleep", "60"])
    assert roost("register", "alice", "--pid", str(p.pid)).rc == 0
    assert roost("lock", "src/a.py", agent="alice").rc == 0
    p.kill()
    p.wait()
    assert roost("lock", "src/a.py", agent="bob").rc == 0
    msgs = _inbox(roost, "alice")
    assert len(msgs) == 1 and "reclaimed by bob" in msgs[0]["body"], msgs


def test_a_reclaimed_task_tells_its_previous_holder_by_message(db, roost, api):
    api("lead").task_add("fix it")
    p = subprocess.Popen(["sleep", "60"])
    assert roost("register", "alice", "--pid", str(p.pid)).rc == 0
    assert roost("claim", agent="alice").rc == 0
    p.kill()
    p.wait()
    r = roost("claim", agent="bob")
    assert r.rc == 0 and "reclaimed from alice" in r.text, r
    msgs = _inbox(roost, "alice")
    assert len(msgs) == 1 and "T-1" in msgs[0]["body"], msgs
