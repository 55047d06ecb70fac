"""Leases under real concurrency: racing processes, killed holders and
waiters, and the fairness of --wait. Every test here starts many real
`roost` processes; they are marked slow (CI still runs them)."""
from __future__ import annotations

import json
import os
import subprocess
import time

import pytest
from conftest import BIN, run_roost
from race import codes, race

from roost import Denied
from roost.api import Roost

pytestmark = pytest.mark.slow


def _wait_until(pred, timeout: float = 15.0, step: float = 0.01):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    raise AssertionError("timed out waiting")


def _queued(db: str) -> list[str]:
    with Roost(db) as r:
        return [w["agent"] for w in r.locks()["waiting"]]


def _waiter(agent: str, *paths: str, wait: str = "30") -> subprocess.Popen:
    return subprocess.Popen([str(BIN), "--agent", agent, "lock", "--wait", wait, "--", *paths],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _exit_time(p: subprocess.Popen, timeout: float = 10.0) -> float:
    """When p exited (monotonic), polling every millisecond."""
    end = time.monotonic() + timeout
    while p.poll() is None:
        if time.monotonic() > end:
            p.kill()
            raise AssertionError(f"{p.args} did not finish")
        time.sleep(0.001)
    return time.monotonic()


def test_64_processes_racing_for_one_lease_grant_it_to_exactly_one_in_each_of_20_trials(db):
    for trial in range(20):
        res = race([[str(BIN), "--agent", f"a{i}", "lock", f"x{trial}.py"] for i in range(64)],
                   env=dict(os.environ))
        assert codes(res) == {"0": 1, "2": 63}, (trial, [r for r in res if r["rc"] not in (0, 2)][:3])
        with Roost(db) as r:
            held = [x for x in r.locks()["leases"] if x["key"] == f"x{trial}.py"]
        winner = next(r for r in res if r["rc"] == 0)
        assert [x["holder"] for x in held] == [f"a{winner['i']}"]
        assert all("is held by" in r["err"] for r in res if r["rc"] == 2)


def test_64_processes_leasing_64_different_files_all_get_theirs(db):
    res = race([[str(BIN), "--agent", f"a{i}", "lock", f"dir/f{i}.py"] for i in range(64)],
               env=dict(os.environ))
    assert codes(res) == {"0": 64}, [r for r in res if r["rc"] != 0][:3]
    with Roost(db) as r:
        assert len(r.locks()["leases"]) == 64


def test_64_processes_checking_while_one_holds_all_see_it_held(db):
    assert run_roost("lock", "src/", agent="holder").rc == 0
    res = race([[str(BIN), "--agent", f"a{i}", "lock", "--check", f"src/f{i}.py"] for i in range(64)],
               env=dict(os.environ))
    assert codes(res) == {"2": 64}


def test_a_waiter_gets_the_lease_of_a_sigkilled_holder_within_a_second(db):
    holder = subprocess.Popen(["sleep", "300"])  # the holder agent's process
    try:
        assert run_roost("register", "alice", "--pid", str(holder.pid)).rc == 0
        assert run_roost("lock", "f", "--ttl", "1h", agent="alice").rc == 0
        w = _waiter("bob", "f")
        _wait_until(lambda: _queued(db) == ["bob"])
        time.sleep(0.3)
        holder.kill()
        t_kill = time.monotonic()
        holder.wait()
        t_done = _exit_time(w)
        out, err = w.communicate()
        assert w.returncode == 0, err
        assert out.decode().startswith("locked f until ")
        assert t_done - t_kill < 1.0, t_done - t_kill
    finally:
        holder.kill()
        holder.wait()
    with Roost(db) as r:
        (rec,) = r.log(kind="lease.reclaim")
        assert rec["agent"] == "bob" and json.loads(rec["body"])["from"] == "alice"
        assert json.loads(rec["body"])["why"] == "its holder's process died"
        assert [x["holder"] for x in r.locks()["leases"]] == ["bob"]


def test_waiters_are_served_in_the_order_they_asked_each_within_250_ms_of_the_release(db):
    assert run_roost("lock", "f", agent="holder").rc == 0
    names = ["w1", "w2", "w3", "w4", "w5"]
    procs = {}
    for i, n in enumerate(names):
        procs[n] = _waiter(n, "f")
        _wait_until(lambda i=i: len(_queued(db)) == i + 1)
    assert _queued(db) == names
    current = "holder"
    lags = []
    for n in names:
        r = run_roost("unlock", "f", agent=current)
        t_release = time.monotonic()
        assert r.rc == 0, r
        t = _exit_time(procs[n])
        lags.append(t - t_release)
        assert procs[n].returncode == 0, procs[n].communicate()
        for m in names[names.index(n) + 1:]:
            assert procs[m].poll() is None, f"{m} got ahead of {n}"
        current = n
    assert max(lags) < 0.25, lags
    with Roost(db) as r:
        grants = [e["agent"] for e in r.log(kind="lease.grant")]
        assert grants == ["holder"] + names
        waits = r.log(kind="lease.wait")
        assert [e["agent"] for e in waits] == names
        assert [e["ts"] for e in waits] == sorted(e["ts"] for e in waits)


def test_nobody_barges_in_ahead_of_an_earlier_waiter(db):
    assert run_roost("lock", "f", agent="alice").rc == 0
    assert run_roost("lock", "g", agent="carol").rc == 0
    w = _waiter("w1", "f", "g")  # wants both
    _wait_until(lambda: _queued(db) == ["w1"])
    assert run_roost("unlock", "f", agent="alice").rc == 0
    r = run_roost("lock", "f", agent="bob")  # f is free, but w1 asked first
    assert r.rc == 2, r
    assert "'f' is wanted by w1, who asked first" in r.err
    assert run_roost("lock", "--check", "f", agent="bob").rc == 0  # nobody holds it
    assert w.poll() is None
    assert run_roost("unlock", "g", agent="carol").rc == 0
    _exit_time(w, 2)
    assert w.returncode == 0, w.communicate()
    with Roost(db) as r:
        assert sorted(x["key"] for x in r.locks()["leases"]) == ["f", "g"]


def test_the_holder_may_extend_its_lease_while_others_wait_for_it(db):
    assert run_roost("lock", "f", "--ttl", "1m", agent="alice").rc == 0
    w = _waiter("bob", "f")
    _wait_until(lambda: _queued(db) == ["bob"])
    assert run_roost("lock", "f", "--ttl", "2h", agent="alice").rc == 0
    assert run_roost("renew", "f", agent="alice").rc == 0
    assert w.poll() is None
    assert run_roost("unlock", "f", agent="alice").rc == 0
    _exit_time(w)
    assert w.returncode == 0


def test_a_sigkilled_waiter_does_not_hold_up_the_queue(db):
    assert run_roost("lock", "f", agent="alice").rc == 0
    w1 = _waiter("w1", "f")
    _wait_until(lambda: _queued(db) == ["w1"])
    w2 = _waiter("w2", "f")
    _wait_until(lambda: _queued(db) == ["w1", "w2"])
    w1.kill()
    w1.wait()
    t0 = time.monotonic()
    assert run_roost("unlock", "f", agent="alice").rc == 0
    _exit_time(w2, 5)
    assert w2.returncode == 0, w2.communicate()
    assert time.monotonic() - t0 < 1.0
    with Roost(db) as r:
        (drop,) = r.log(kind="lease.unqueue")
        assert drop["target"] == "w1" and json.loads(drop["body"])["why"] == "its process died"


def test_a_plain_lock_drops_a_dead_waiter_instead_of_waiting_for_it(db):
    assert run_roost("lock", "f", agent="alice").rc == 0
    w1 = _waiter("w1", "f")
    _wait_until(lambda: _queued(db) == ["w1"])
    w1.kill()
    w1.wait()
    assert run_roost("unlock", "f", agent="alice").rc == 0
    r = run_roost("lock", "f", agent="bob")
    assert r.rc == 0, r


def test_a_wait_that_runs_out_exits_2_naming_the_holder(db):
    assert run_roost("lock", "f", agent="alice").rc == 0
    t0 = time.monotonic()
    r = run_roost("lock", "--wait", "2s", "f", agent="bob")
    dt = time.monotonic() - t0
    assert r.rc == 2, r
    assert 1.0 < dt < 4.0, dt
    assert "'f' is held by alice" in r.err
    assert _queued(db) == []
    with Roost(db) as x:
        assert [e["agent"] for e in x.log(kind="lease.timeout")] == ["bob"]


@pytest.mark.parametrize("side", ["shell", "python"])
def test_a_wait_lasts_at_least_its_duration_even_when_asked_late_in_a_second(db, api, side):
    """Times are whole seconds: a request made at x.7 s used to give up
    at the second, 0.7 s early."""
    assert run_roost("lock", "f", agent="alice").rc == 0
    time.sleep((1.7 - time.time() % 1) % 1)
    t0 = time.monotonic()
    if side == "shell":
        r = run_roost("lock", "--wait", "2s", "f", agent="bob")
        assert r.rc == 2, r
        assert "'f' is held by alice" in r.err
    else:
        with pytest.raises(Denied):
            api("bob").lock(["f"], wait="2s")
    dt = time.monotonic() - t0
    assert 2.0 <= dt < 6.0, dt
    assert _queued(db) == []
    with Roost(db) as x:
        assert [e["agent"] for e in x.log(kind="lease.timeout")] == ["bob"]


def test_a_python_waiter_is_served_when_the_shell_holder_releases(db):
    assert run_roost("lock", "f", agent="alice").rc == 0
    code = ("import sys, time; sys.path.insert(0, sys.argv[1]); import roost; "
            "r = roost.Roost(agent='bob'); out = r.lock(['f'], wait=20); print(out['granted'][0]['key'])")
    p = subprocess.Popen([os.environ["ROOST_PYTHON"], "-c", code, str(BIN.parent.parent / "python")],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_until(lambda: _queued(db) == ["bob"])
    assert run_roost("unlock", "f", agent="alice").rc == 0
    t_release = time.monotonic()
    t = _exit_time(p)
    out, err = p.communicate()
    assert p.returncode == 0, err
    assert out == b"f\n"
    assert t - t_release < 0.5  # includes the Python interpreter's exit


def test_a_waiting_process_uses_almost_no_cpu(db):
    assert run_roost("lock", "f", agent="alice").rc == 0
    w = _waiter("bob", "f")
    _wait_until(lambda: _queued(db) == ["bob"])
    with open(f"/proc/{w.pid}/stat") as f:
        before = sum(int(x) for x in f.read().rsplit(")", 1)[1].split()[11:13])
    time.sleep(2.0)
    with open(f"/proc/{w.pid}/stat") as f:
        after = sum(int(x) for x in f.read().rsplit(")", 1)[1].split()[11:13])
    ticks = os.sysconf("SC_CLK_TCK")
    assert (after - before) / ticks < 0.2, (after - before) / ticks  # under 10% of one core
    assert run_roost("unlock", "f", agent="alice").rc == 0
    _exit_time(w)
    assert w.returncode == 0
