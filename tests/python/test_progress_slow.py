"""Progress under load: gates polling while many agents move their
positions, and agents killed mid-epoch."""
from __future__ import annotations

import signal
import sqlite3
import subprocess
import time

import pytest
from conftest import BIN


@pytest.mark.slow
def test_a_gate_never_opens_before_the_last_of_8_racing_agents_has_moved_past(db, tmp_path):
    workers = 8
    for i in range(workers):
        subprocess.run([str(BIN), "--agent", f"w{i}", "heartbeat", "--epoch", "1", "--quiet"], check=True)
    gate = subprocess.Popen([str(BIN), "--agent", "watcher", "gate", "--epoch", "1", "--timeout", "120s",
                             "--interval", "20ms", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Each worker walks rounds 1..5 of epoch 1, then moves past it.
    script = tmp_path / "worker.sh"
    script.write_text(f"""#!/bin/sh
r=1
while [ $r -le 5 ]; do
  {BIN} --agent "w$1" heartbeat --round $r --quiet || exit 10
  sleep 0.0$(( ($1 * 7 + r * 3) % 10 ))
  r=$((r + 1))
done
exec {BIN} --agent "w$1" heartbeat --epoch 2 --quiet
""")
    script.chmod(0o755)
    procs = [subprocess.Popen(["sh", str(script), str(i), str(tmp_path)]) for i in range(workers)]
    try:
        assert [p.wait(timeout=120) for p in procs] == [0] * workers
        # the gate is still waiting while any worker is in epoch 1 ...
        out, err = gate.communicate(timeout=120)
        assert gate.returncode == 0, (out, err)
    finally:
        for p in procs + [gate]:
            if p.poll() is None:
                p.kill()
                p.wait()
    # ... and the snapshot it opened on has every worker past epoch 1
    import json
    j = json.loads(out)
    seen = {a: p["epoch"] for p in j["positions"] for a in p["agents"]}
    assert all(seen[f"w{i}"] == 2 for i in range(workers)), j
    assert j["waited"] > 0
    c = sqlite3.connect(db)
    assert c.execute("SELECT count(*) FROM agents WHERE id GLOB 'w*' AND epoch = 2").fetchone()[0] == workers


@pytest.mark.slow
def test_agents_killed_mid_epoch_stop_blocking_and_the_survivors_gate_opens(db, tmp_path):
    # Four "agent CLIs": long-lived processes that roost records as each
    # agent's process; two are killed with SIGKILL while still in epoch 1.
    clis = [subprocess.Popen(["sleep", "600"]) for _ in range(4)]
    gate = None
    try:
        for i, p in enumerate(clis):
            subprocess.run([str(BIN), "register", f"a{i}", "--pid", str(p.pid)], check=True,
                           stdout=subprocess.DEVNULL)
            subprocess.run([str(BIN), "--agent", f"a{i}", "heartbeat", "--epoch", "1", "--quiet"], check=True)
        gate = subprocess.Popen([str(BIN), "--agent", "a0", "gate", "--epoch", "1", "--timeout", "60s",
                                 "--interval", "50ms", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        subprocess.run([str(BIN), "--agent", "a1", "heartbeat", "--epoch", "2", "--quiet"], check=True)
        time.sleep(0.3)
        assert gate.poll() is None
        for p in clis[2:]:
            p.send_signal(signal.SIGKILL)
            p.wait()
        t = time.monotonic()
        out, err = gate.communicate(timeout=30)
        assert gate.returncode == 0, (out, err)
        assert time.monotonic() - t < 5
        import json
        j = json.loads(out)
        assert sorted(a["agent"] for a in j["ignored"]) == ["a2", "a3"]
    finally:
        for p in clis + ([gate] if gate else []):
            if p.poll() is None:
                p.kill()
                p.wait()


@pytest.mark.slow
def test_8_processes_of_one_agent_syncing_at_once_get_each_message_exactly_once(db):
    import json
    from race import codes, race
    subprocess.run([str(BIN), "register", "bob"], check=True, stdout=subprocess.DEVNULL)
    sent = []
    for i in range(40):
        p = subprocess.run([str(BIN), "--agent", f"s{i % 4}", "send", "bob", f"message {i}", "--json"],
                           check=True, capture_output=True)
        sent.append(json.loads(p.stdout)["id"])
    res = race([[str(BIN), "--agent", "bob", "sync", "--json"] for _ in range(8)])
    assert codes(res) == {"0": 8}, [r for r in res if r["rc"] != 0][:2]
    got = [m["id"] for r in res for m in json.loads(r["out"])["messages"]]
    assert sorted(got) == sorted(sent)
    c = sqlite3.connect(db)
    assert c.execute("SELECT count(*) FROM deliveries WHERE agent = 'bob' AND read_at IS NULL").fetchone()[0] == 0
