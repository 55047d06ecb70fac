"""Foundation under load: many real processes at once, a backup taken while
they write, the installer, and hostile text through the shell's escaping."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import threading

import pytest
from conftest import BIN, REPO, run_roost
from hostile import ARGV_SAFE, CORPUS
from race import codes, race


@pytest.mark.slow
def test_64_processes_registering_distinct_agents_at_once_make_64_rows_and_no_error(db):
    res = race([[str(BIN), "register", f"agent{i}", "--role", "dev"] for i in range(64)])
    assert codes(res) == {"0": 64}, [r for r in res if r["rc"] != 0][:3]
    c = sqlite3.connect(db)
    assert c.execute("SELECT count(*) FROM agents").fetchone()[0] == 64
    assert c.execute("SELECT count(*) FROM events WHERE kind = 'register'").fetchone()[0] >= 64


@pytest.mark.slow
@pytest.mark.parametrize("cmd", [["register", "a{i}"], ["--agent", "a{i}", "heartbeat"]], ids=["python", "shell"])
def test_first_use_by_24_processes_at_once_on_a_fresh_repository_makes_one_database_and_no_error(sandbox, cmd):
    # No database yet: every process finds none and creates it. None may see
    # a half-made file (an empty one reads as "not a roost database", 78).
    for attempt in range(3):
        d = sandbox / ".roost"
        if d.exists():
            for f in d.iterdir():
                f.unlink()
            d.rmdir()
        res = race([[str(BIN), *(a.replace("{i}", str(i)) for a in cmd)] for i in range(24)])
        assert codes(res) == {"0": 24}, [r for r in res if r["rc"] != 0][:3]
        c = sqlite3.connect(str(d / "roost.db"))
        assert c.execute("SELECT count(*) FROM agents").fetchone()[0] == 24
        c.close()
        assert sorted(f.name for f in d.iterdir() if not f.name.startswith("roost.db")) == [".gitignore"]


@pytest.mark.slow
def test_64_shell_heartbeats_of_one_agent_at_once_never_lose_or_reuse_a_tick(db):
    res = race([[str(BIN), "--agent", "same", "heartbeat", "--json"] for _ in range(64)])
    assert codes(res) == {"0": 64}, [r for r in res if r["rc"] != 0][:3]
    c = sqlite3.connect(db)
    ts = [r[0] for r in c.execute("SELECT ts FROM events WHERE agent = 'same' AND kind = 'heartbeat'")]
    assert len(ts) == 64 and len(set(ts)) == 64
    assert c.execute("SELECT t FROM clocks WHERE agent = 'same'").fetchone()[0] == max(ts)


@pytest.mark.slow
def test_16_processes_running_100_commands_while_backup_runs_see_no_error_and_the_backup_is_sound(db, tmp_path):
    script = tmp_path / "worker.sh"
    script.write_text(f"""#!/bin/sh
i=0
while [ $i -lt 100 ]; do
  case $((i % 4)) in
    0) {BIN} --agent "w$1" heartbeat --quiet || exit 10 ;;
    1) {BIN} --agent "w$1" whoami >/dev/null || exit 11 ;;
    2) {BIN} --agent "w$1" heartbeat --epoch $i --quiet || exit 12 ;;
    3) {BIN} --agent "w$1" whoami --json >/dev/null || exit 13 ;;
  esac
  i=$((i + 1))
done
""")
    script.chmod(0o755)
    backups: list = []
    errors: list = []
    stop = threading.Event()

    def backer():
        n = 0
        while not stop.is_set():
            dest = str(tmp_path / f"b{n}.db")
            r = run_roost("backup", dest)
            if r.rc != 0:
                errors.append(r)
            else:
                backups.append(dest)
            n += 1
    t = threading.Thread(target=backer)
    t.start()
    try:
        res = race([["sh", str(script), str(i)] for i in range(16)], timeout=600)
    finally:
        stop.set()
        t.join()
    assert codes(res) == {"0": 16}, [r for r in res if r["rc"] != 0][:3]
    assert not errors, errors[:2]
    assert backups
    for b in backups:
        c = sqlite3.connect(b)
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        c.close()
    c = sqlite3.connect(db)
    assert c.execute("SELECT count(*) FROM events WHERE kind = 'heartbeat'").fetchone()[0] == 16 * 50


def test_hostile_session_ids_round_trip_through_the_shell_and_python(db, roost):
    for name, value in ARGV_SAFE:
        if not value or b"\0" in value or len(value) > 60000:
            continue  # an empty id means "no session"; env values cannot hold NUL
        sid = os.fsdecode(value)
        env = {"ROOST_SESSION": sid}
        r = roost("register", "alice", env=env)
        assert r.rc == 0, (name, r)
        r = roost("whoami", "--json", env=env)
        assert r.rc == 0, (name, r)
        assert r.json()["agent"] == "alice", name
    c = sqlite3.connect(db)
    c.text_factory = bytes
    stored = {r[0] for r in c.execute("SELECT id FROM sessions")}
    expect = {v for n, v in ARGV_SAFE if v and len(v) <= 60000}
    assert expect <= stored
    assert c.execute("SELECT count(*) FROM agents").fetchone()[0] == 1
    assert not os.path.exists("/tmp/roost-pwned")


def test_the_corpus_has_every_kind_of_hostile_input_the_issue_lists():
    names = {n for n, _ in CORPUS}
    for need in ("single-quote", "semicolon", "double-dash", "newline-dot-shell", "cr", "crlf",
                 "esc-sequences", "tab", "leading-dash", "empty", "emoji", "invalid-utf8", "one-mib"):
        assert need in names
    assert len(dict(CORPUS)["one-mib"]) == 1 << 20


@pytest.mark.slow
def test_install_sh_installs_into_a_temp_home_and_the_installed_roost_works(tmp_path):
    home = tmp_path / "h"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROOST_")}
    env["HOME"] = str(home)
    p = subprocess.run(["sh", str(REPO / "install.sh"), "--from", str(REPO)], env=env,
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert f'export PATH="{home}/.local/bin:$PATH"' in p.stdout
    launcher = home / ".local" / "bin" / "roost"
    work = tmp_path / "proj"
    (work / ".git").mkdir(parents=True)
    r = subprocess.run([str(launcher), "--agent", "inst", "heartbeat"], env=env, cwd=work,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([str(launcher), "agents", "--json"], env=env, cwd=work, capture_output=True, text=True)
    assert r.returncode == 0 and '"inst"' in r.stdout, r.stderr
    # idempotent, then uninstall removes exactly what it added
    assert subprocess.run(["sh", str(REPO / "install.sh"), "--from", str(REPO)], env=env,
                          capture_output=True, timeout=300).returncode == 0
    assert subprocess.run(["sh", str(REPO / "install.sh"), "--uninstall"], env=env,
                          capture_output=True).returncode == 0
    assert not launcher.exists()
    assert not (home / ".local" / "share" / "roost").exists()
    assert (work / ".roost" / "roost.db").exists()
