"""Foundation: layout, dispatch, database location and creation, schema
checks, busy handling, identity, exit codes, help and docs."""
from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BIN, REPO, run_roost

from roost import db as dbm
from roost import errors


def test_the_exit_code_table_is_the_same_in_shell_and_python():
    core = (REPO / "lib/roost/core.sh").read_text()
    shell = {m.group(1): int(m.group(2)) for m in re.finditer(r"_ROOST_([A-Z]+)=(\d+)", core)}
    py = {"OK": errors.OK, "ERROR": errors.ERROR, "DENIED": errors.DENIED, "USAGE": errors.USAGE,
          "UNAVAILABLE": errors.UNAVAILABLE, "BUSY": errors.BUSY, "CONFIG": errors.CONFIG}
    assert {k: shell[k] for k in py} == py
    assert set(py.values()) == {0, 1, 2, 64, 69, 75, 78}


def test_the_shell_wants_the_schema_version_of_the_newest_migration_file():
    core = (REPO / "lib/roost/core.sh").read_text()
    want = int(re.search(r"^_ROOST_SCHEMA=(\d+)$", core, re.M).group(1))
    newest = max(int(p.name[:4]) for p in (REPO / "python/roost/schema").glob("[0-9][0-9][0-9][0-9]_*.sql"))
    assert want == newest == dbm.schema_version()


def test_first_use_creates_a_private_database_with_a_gitignore(sandbox, roost):
    r = roost("--agent", "alice", "whoami")
    assert r.rc == 0, r
    d = sandbox / ".roost"
    assert stat.S_IMODE(d.stat().st_mode) == 0o700
    assert stat.S_IMODE((d / "roost.db").stat().st_mode) == 0o600
    assert (d / ".gitignore").read_text().splitlines()[-1] == "*"
    assert stat.S_IMODE((d / ".gitignore").stat().st_mode) == 0o600
    assert sorted(f.name for f in d.iterdir()) == [".gitignore", "roost.db", "roost.db-shm", "roost.db-wal"]
    c = sqlite3.connect(d / "roost.db")
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert c.execute("PRAGMA application_id").fetchone()[0] == dbm.APP_ID
    assert c.execute("PRAGMA user_version").fetchone()[0] == dbm.schema_version()


def test_a_command_in_a_subdirectory_uses_the_root_database_and_never_makes_a_second(sandbox, roost):
    assert roost("--agent", "alice", "whoami").rc == 0
    sub = sandbox / "src" / "deep"
    sub.mkdir(parents=True)
    r = roost("--agent", "bob", "whoami", "--json", cwd=str(sub))
    assert r.rc == 0, r
    assert r.json()["db"] == str(sandbox / ".roost" / "roost.db")
    r = roost("agents", "--json", cwd=str(sub))
    assert {a["agent"] for a in r.json()["agents"]} == {"alice", "bob"}
    assert not (sub / ".roost").exists() and not (sandbox / "src" / ".roost").exists()


def test_a_linked_worktree_shares_the_main_worktrees_database(tmp_path, roost):
    main = tmp_path / "main"
    (main / ".git" / "worktrees" / "feature").mkdir(parents=True)
    wt = tmp_path / "wt-feature"
    wt.mkdir()
    (wt / ".git").write_text(f"gitdir: {main}/.git/worktrees/feature\n")
    r = roost("--agent", "alice", "whoami", "--json", cwd=str(wt))
    assert r.rc == 0, r
    assert r.json()["db"] == str(main / ".roost" / "roost.db")
    assert dbm.locate(cwd=str(wt))[0] == str(main / ".roost" / "roost.db")


def test_without_git_the_nearest_roost_directory_wins_else_the_current_one(tmp_path, roost):
    top = tmp_path / "plain"
    (top / ".roost").mkdir(parents=True)
    deep = top / "a" / "b"
    deep.mkdir(parents=True)
    assert roost("--agent", "x", "whoami", "--json", cwd=str(deep)).json()["db"] == str(top / ".roost" / "roost.db")
    other = tmp_path / "other"
    other.mkdir()
    assert roost("--agent", "x", "whoami", "--json", cwd=str(other)).json()["db"] == str(other / ".roost" / "roost.db")


def test_db_flag_beats_the_environment_and_both_sides_agree(sandbox, roost, tmp_path):
    a, b = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    r = roost("--agent", "x", "whoami", "--json", "--db", a, env={"ROOST_DB": b})
    assert r.json()["db"] == a
    r = roost("--agent", "x", "whoami", "--json", env={"ROOST_DB": b})
    assert r.json()["db"] == b
    assert dbm.locate(None)[0] == str(sandbox / ".roost" / "roost.db")


def test_global_flags_work_before_or_after_the_command_and_double_dash_ends_them(db, roost):
    r1 = roost("--json", "--agent", "alice", "whoami")
    r2 = roost("whoami", "--agent", "alice", "--json")
    r3 = roost("whoami", "--agent=alice", "--json", "--db", db)
    assert r1.json()["agent"] == r2.json()["agent"] == r3.json()["agent"] == "alice"
    r = roost("--agent", "alice", "whoami", "--", "--json")
    assert r.rc == 64 and "unexpected argument '--json'" in r.err
    r = roost("--agent", "alice", "log", "--", "--json")  # Python side: `--` too
    assert r.rc == 64, r


def test_the_golden_schema_matches_what_both_sides_build(sandbox, tmp_path):
    golden = (REPO / "tests/golden/schema.sql").read_text()
    p = tmp_path / "g.db"
    dbm.migrate(str(p))
    cli = subprocess.run(["sqlite3", str(p), ".schema --nosys"], capture_output=True, text=True).stdout
    assert cli.strip() == golden.strip(), "run: python tests/lib/golden.py --update"
    c = sqlite3.connect(p)
    py = "\n".join(r[0] + ";" for r in c.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid"))
    def norm(s):
        s = re.sub(r"/\*.*?\*/", "", s)  # the CLI annotates views with their columns
        return re.sub(r"\s+", " ", s).replace(" ;", ";").strip()
    assert norm(py) == norm(golden)


def _tamper(path: str, sql: str) -> None:
    c = sqlite3.connect(path)
    c.execute(sql)
    c.commit()
    c.close()


def test_the_shell_refuses_a_database_that_needs_migrating_and_names_the_command(db, roost):
    _tamper(db, f"PRAGMA user_version = {dbm.schema_version() - 1}")
    r = roost("--agent", "alice", "heartbeat")
    assert r.rc == 78, r
    assert "roost migrate" in r.err


def test_both_sides_refuse_a_newer_database_without_touching_it(db, roost):
    _tamper(db, "PRAGMA user_version = 9999")
    before = Path(db).read_bytes()
    r = roost("--agent", "alice", "heartbeat")
    assert r.rc == 78 and "upgrade roost" in r.err, r
    r = roost("agents")
    assert r.rc == 78 and "upgrade roost" in r.err, r
    r = roost("migrate")
    assert r.rc == 78, r
    assert Path(db).read_bytes() == before


@pytest.mark.parametrize("content", [b"this is not sqlite at all\n" * 100, None])
def test_both_sides_refuse_a_file_that_is_not_a_roost_database_without_changing_it(sandbox, roost, content):
    p = sandbox / ".roost"
    p.mkdir(mode=0o700)
    f = p / "roost.db"
    if content is None:  # a real SQLite database of someone else's
        c = sqlite3.connect(f)
        c.execute("CREATE TABLE theirs(x)")
        c.execute("INSERT INTO theirs VALUES (1)")
        c.commit()
        c.close()
    else:
        f.write_bytes(content)
    before = f.read_bytes()
    for args in (["--agent", "a", "whoami"], ["--agent", "a", "heartbeat"], ["agents"], ["migrate"]):
        r = roost(*args)
        assert r.rc == 78, (args, r)
        assert "not a roost database" in r.err, r
    assert f.read_bytes() == before


def test_a_write_blocked_past_the_busy_timeout_exits_75_saying_it_is_safe_to_retry(db, roost):
    hold = sqlite3.connect(db, isolation_level=None)
    hold.execute("BEGIN IMMEDIATE")
    try:
        r = roost("--agent", "alice", "heartbeat", env={"ROOST_BUSY_TIMEOUT_MS": "300"})
        assert r.rc == 75, r
        assert "safe to retry" in r.err and "locked" not in r.err
        r = roost("--agent", "alice", "config", "active_window", "10m", env={"ROOST_BUSY_TIMEOUT_MS": "300"})
        assert r.rc == 75, r
        assert "safe to retry" in r.err and "locked" not in r.err
    finally:
        hold.execute("ROLLBACK")
        hold.close()
    assert roost("--agent", "alice", "heartbeat").rc == 0


BAD_IDS = ["", "all", "operator", "-x", ".x", "_x", "a b", "a/b", "a'b", "x" * 65, "é", "a\nb", "a;b", "a$b"]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_a_malformed_agent_id_is_refused_with_64_on_both_sides(db, roost, bad):
    if bad == "":
        return  # an empty --agent means "not given"; covered below
    r = roost("--agent", bad, "whoami")
    assert r.rc == 64, r
    r = roost("--agent", bad, "agents")
    assert r.rc == 64, r
    r = roost("register", bad)
    assert r.rc == 64, r
    c = sqlite3.connect(db)
    assert c.execute("SELECT count(*) FROM agents").fetchone()[0] == 0


def test_an_id_of_64_characters_is_accepted():
    assert dbm.check_id("a" * 64) == "a" * 64


def test_a_command_that_needs_an_identity_says_how_to_set_one(db, roost):
    r = roost("whoami")
    assert r.rc == 64
    assert r.err.startswith("roost: whoami: no identity") and "ROOST_AGENT" in r.err
    assert r.out == b""


def test_whoami_says_how_the_identity_was_resolved(db, roost):
    assert roost("--agent", "alice", "whoami").text.strip() == "alice (from --agent)"
    assert roost("whoami", env={"ROOST_AGENT": "bob"}).text.strip() == "bob (from ROOST_AGENT)"
    assert roost("--agent", "carol", "whoami", env={"ROOST_AGENT": "bob"}).text.strip() == "carol (from --agent)"


def test_a_session_bound_with_register_resolves_on_both_sides(db, roost, api):
    env = {"CLAUDE_CODE_SESSION_ID": "5b9c-session"}
    assert roost("register", "alice", "--role", "dev", env=env).rc == 0
    r = roost("whoami", env=env)
    assert r.text.strip() == "alice (from session CLAUDE_CODE_SESSION_ID)", r
    os.environ["CLAUDE_CODE_SESSION_ID"] = "5b9c-session"
    try:
        assert api().whoami()["agent"] == "alice"
    finally:
        del os.environ["CLAUDE_CODE_SESSION_ID"]
    assert roost("whoami", env={"GEMINI_SESSION_ID": "unknown"}).rc == 64


def test_heartbeat_keeps_the_position_unless_told_and_a_new_epoch_starts_at_round_0(db, roost, api):
    r = roost("--agent", "a", "heartbeat", "--epoch", "1", "--round", "5", "--json").json()
    assert (r["epoch"], r["round"]) == (1, 5)
    r = roost("--agent", "a", "heartbeat", "--json").json()
    assert (r["epoch"], r["round"]) == (1, 5)
    r = roost("--agent", "a", "hb", "--round", "6", "--json").json()
    assert (r["epoch"], r["round"]) == (1, 6)
    r = roost("--agent", "a", "heartbeat", "--epoch", "1", "--json").json()
    assert (r["epoch"], r["round"]) == (1, 6)
    r = roost("--agent", "a", "heartbeat", "--epoch", "2", "--json").json()
    assert (r["epoch"], r["round"]) == (2, 0)
    p = api("a").heartbeat()
    assert (p["epoch"], p["round"]) == (2, 0)
    for bad in (["--epoch"], ["--epoch", "-1"], ["--epoch", "x"], ["--round", "1.5"], ["extra"]):
        assert roost("--agent", "a", "heartbeat", *bad).rc == 64, bad


def test_shell_and_python_heartbeats_share_one_lamport_clock(db, roost, api):
    ts = []
    for i in range(6):
        if i % 2:
            ts.append(api("a").heartbeat()["ts"])
        else:
            ts.append(roost("--agent", "a", "heartbeat", "--json").json()["ts"])
    assert ts == sorted(ts) and len(set(ts)) == 6
    assert ts == list(range(ts[0], ts[0] + 6))
    evs = api().log(kind="heartbeat", limit=0)
    assert [e["ts"] for e in evs] == ts


def test_log_prints_causal_order_and_applies_filters_before_the_limit(db, roost, api):
    for i in range(5):
        roost("--agent", "a", "heartbeat")
        roost("--agent", "b", "heartbeat")
    evs = roost("log", "--json", "--limit", "0").json()["events"]
    keys = [(e["ts"], e["agent"]) for e in evs]
    assert keys == sorted(keys)
    evs = roost("log", "--json", "--agent", "b", "--limit", "3").json()["events"]
    assert [e["agent"] for e in evs] == ["b"] * 3
    assert len(roost("log", "--json", "--kind", "register").json()["events"]) == 2
    assert roost("log", "--since", "x").rc == 64


@pytest.mark.parametrize("args, says", [
    (["gone_window", "0"], "at least 1"), (["lease_ttl", "0"], "at least 1"), (["msg_max_bytes", "0"], "at least 1"),
    (["task_max_reclaims", "0"], "at least 1"), (["hook_context_chars", "10"], "at least 200"),
    (["active_window", "999999999d"], "ten years"), (["active_window", "2h"], "may not exceed gone_window"),
    (["gone_window", "1m"], "may not exceed gone_window"), (["lease_ttl", "30d"], "may not exceed lease_max_ttl"),
    (["--unset"], "--unset needs a KEY"), (["--unset", "lease_ttl", "5"], "KEY only")])
def test_config_refuses_values_out_of_range_and_changes_nothing(db, roost, args, says):
    before = roost("config", "--json").json()
    r = roost("config", *args, agent="alice")
    assert r.rc == 64 and says in r.err, r
    assert roost("config", "--json").json() == before


def test_config_lists_reads_sets_and_refuses_unknown_keys_and_bad_values(db, roost):
    rows = roost("config", "--json").json()["config"]
    assert {r["key"] for r in rows} >= {"active_window", "gone_window", "lease_ttl"}
    assert roost("config", "active_window").text.strip() == "300"
    assert roost("config", "active_window", "10m").rc == 0
    assert roost("config", "active_window").text.strip() == "600"
    assert roost("config", "nope", "1").rc == 64
    assert roost("config", "gone_window", "soon").rc == 64
    assert roost("config", "active_window").text.strip() == "600"
    assert roost("config", "active_window", "--unset").rc == 0
    assert roost("config", "active_window").text.strip() == "300"


def test_liveness_moves_from_active_to_idle_to_gone_with_time(db, roost):
    t = 2_000_000_000
    roost("--agent", "a", "heartbeat", env={"ROOST_NOW": str(t)})

    def state(now):
        rows = roost("agents", "--json", env={"ROOST_NOW": str(now)}).json()["agents"]
        return {r["agent"]: r["state"] for r in rows}["a"]
    assert state(t + 10) == "active"
    assert state(t + 301) == "idle"
    assert state(t + 3601) == "gone"


def test_register_logs_one_event_per_change_and_refuses_a_dead_pid(db, roost):
    def regs():
        return [(e["target"], e["body"]) for e in roost("log", "--json", "--kind", "register").json()["events"]]
    assert roost("register", "ann", "--role", "dev").rc == 0
    assert len(regs()) == 1  # not one for the first use and one for register
    assert roost("register", "ann", "--role", "dev").rc == 0
    assert roost("init", "--no-agents-md", "--agent", "ann", "--role", "dev").rc == 0
    assert len(regs()) == 1  # nothing changed: nothing logged
    assert roost("register", "ann", "--role", "lead").rc == 0
    assert [json.loads(b)["role"] for _, b in regs()] == ["dev", "lead"]
    p = subprocess.Popen(["true"])
    p.wait()
    r = roost("register", "ann", "--pid", str(p.pid))
    assert r.rc == 64 and f"no process {p.pid}" in r.err, r
    assert len(regs()) == 2


def test_init_with_a_role_but_no_identity_is_refused(sandbox, roost):
    r = roost("init", "--no-agents-md", "--role", "dev")
    assert r.rc == 64 and "need an identity" in r.err, r


def test_roost_agents_shows_an_agent_whose_process_died_as_gone_at_once(db, roost):
    p = subprocess.Popen(["sleep", "60"])
    assert roost("register", "a", "--pid", str(p.pid)).rc == 0
    assert roost("register", "b").rc == 0

    def states():
        return {x["agent"]: x["state"] for x in roost("agents", "--json").json()["agents"]}
    assert states() == {"a": "active", "b": "active"}
    p.kill()
    p.wait()
    assert states() == {"a": "gone", "b": "active"}  # not only after gone_window
    assert [e["target"] for e in roost("log", "--json", "--kind", "agent.dead").json()["events"]] == ["a"]


def test_an_agent_whose_process_died_is_gone_and_a_recycled_pid_counts_as_dead(db, roost, api):
    p = subprocess.Popen(["sleep", "60"])
    try:
        assert roost("register", "a", "--pid", str(p.pid)).rc == 0
        r = api("b")
        with r.tx() as now:
            assert r.mark_dead("a", now) is False
        p.kill()
        p.wait()
        with r.tx() as now:
            assert r.mark_dead("a", now) is True
        assert {x["agent"]: x["state"] for x in r.agents()}["a"] == "gone"
        # it comes back: activity after the death revives it
        assert roost("--agent", "a", "heartbeat").rc == 0
        assert {x["agent"]: x["state"] for x in r.agents()}["a"] == "active"
    finally:
        if p.poll() is None:
            p.kill()
    # a live pid with another start time is a recycled pid: dead
    me = os.getpid()
    c = sqlite3.connect(db)
    c.execute("UPDATE agents SET pid = ?, pid_start = '1', host = ? WHERE id = 'a'", (me, __import__("roost.proc").proc.host()))
    c.commit()
    r = api("b")
    with r.tx() as now:
        assert r.mark_dead("a", now) is True


def test_the_shell_pid_check_agrees_with_python(db, tmp_path):
    from roost import proc
    p = subprocess.Popen(["sleep", "60"])
    st = proc.start_time(p.pid)
    host = proc.host()
    script = f'. "{REPO}/lib/roost/core.sh"; _roost_pid_dead "$1" "$2" "$3"; echo $?'
    def sh(pid, start, h):
        return subprocess.run(["dash", "-c", script, "x", str(pid), start, h], capture_output=True, text=True).stdout.strip()
    assert sh(p.pid, st, host) == "1"          # alive
    assert sh(p.pid, "12345", host) == "0"     # recycled
    assert sh(p.pid, st, "elsewhere") == "1"   # another host: never judged
    p.kill(); p.wait()
    assert sh(p.pid, st, host) == "0"          # dead
    assert proc.pid_dead(p.pid, st, host) is True


def test_register_records_role_team_and_a_readable_event(db, roost):
    r = roost("register", "alice", "--role", "lead", "--team", "core", "--json")
    assert r.rc == 0, r
    j = r.json()
    assert (j["agent"], j["role"], j["team"]) == ("alice", "lead", "core")
    assert roost("register", "alice", "--role", "bad role").rc == 64
    assert roost("register").rc == 64


def test_a_reader_that_goes_away_is_not_an_error(db, api):
    a = api("alice")
    with a.tx() as now:
        for i in range(3000):
            a.emit("decision", None, f"decision {i} " + "x" * 60, now=now)
    p = subprocess.Popen([str(BIN), "log", "--limit", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.stdout.readline()
    p.stdout.close()  # like `roost log | head -1`
    assert p.wait(timeout=30) == 0
    assert p.stderr.read() == b""


def test_errors_name_the_command_and_an_unknown_command_is_not_sent_to_its_own_help(db, roost):
    r = roost("agents", "--db")
    assert r.rc == 64 and r.err.startswith("roost: agents: --db needs a value"), r
    r = roost("nosuch")
    assert r.rc == 64 and "roost nosuch --help" not in r.err and "roost help" in r.err, r
    r = roost("help", "--json")
    assert r.rc == 0 and {"name": "lock", "owner": "shell"}.items() <= r.json()["commands"][
        [c["name"] for c in r.json()["commands"]].index("lock")].items()
    assert re.search(r"^  lock\s+shell\s", roost("help").text, re.M)
    r = roost("demo", "--scene", "no-such-scene")
    assert r.rc == 64 and "no scene matches" in r.err, r


def test_backup_refuses_the_live_database_a_missing_folder_and_a_folder(db, roost, tmp_path):
    before = Path(db).read_bytes()
    for dest, says in ((db, "live database itself"), (str(tmp_path / "nope" / "b.db"), "no such folder"),
                       (str(tmp_path), "is a folder")):
        r = roost("backup", dest, "--force", agent="alice")
        assert r.rc == 64 and says in r.err and "internal error" not in r.err, (dest, r)
    assert Path(db).read_bytes() == before


def test_a_database_path_under_a_file_is_a_clear_error_under_the_command_name(sandbox, roost):
    (sandbox / "afile").write_text("")
    for args, name in ((["heartbeat"], "heartbeat"), (["agents"], "agents")):
        r = roost("--db", str(sandbox / "afile" / "x.db"), "--agent", "a", *args)
        assert r.rc == 1 and r.err.startswith(f"roost: {name}: cannot create the database folder"), r


def test_every_command_has_one_owner_help_with_exit_codes_and_a_readme_entry(db, roost):
    from roost.cli import python_commands, shell_commands
    sh, py = set(shell_commands()), set(python_commands())
    assert not sh & py, f"two owners: {sh & py}"
    readme = (REPO / "README.md").read_text()
    listing = roost("help").text
    for name in sorted(sh | py):
        assert re.search(rf"\broost {re.escape(name)}\b", readme), f"{name} missing from README.md"
        assert re.search(rf"^  {re.escape(name)}\s", listing, re.M), f"{name} missing from roost help"
        for args in (["help", name], [name, "--help"]):
            r = roost(*args)
            assert r.rc == 0, (args, r)
            assert "Exit codes" in r.text or "exit codes" in r.text, (args, r.text)
    assert roost("help", "no-such-thing").rc == 64
    assert roost("no-such-thing").rc == 64


def test_errors_go_to_stderr_in_the_house_form(db, roost):
    r = roost("--agent", "alice", "heartbeat", "--epoch", "x")
    assert r.out == b"" and re.match(r"^roost: heartbeat: ", r.err), r
    r = roost("config", "nope")
    assert r.out == b"" and r.err.startswith("roost: config: "), r


def test_a_missing_sqlite3_or_python_package_gives_one_line_and_exit_69(db, roost, tmp_path):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for tool in ("dash", "sh", "python3"):
        w = subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True, text=True).stdout.strip()
        if w:
            (bindir / tool).symlink_to(w)
    r = roost("--agent", "a", "heartbeat", env={"PATH": str(bindir)}, shell="dash")
    assert r.rc == 69, r
    assert "sqlite3" in r.err and len(r.err.strip().splitlines()) == 1
    r = roost("agents", env={"ROOST_PYTHON": str(tmp_path / "no-python")})
    assert r.rc == 69 and "python3 not found" in r.err, r
    # a Python without sqlite-utils (isolated from site-packages)
    fake = tmp_path / "py"
    fake.write_text(f'#!/bin/sh\nexec {sys.executable} -S "$@"\n')
    fake.chmod(0o755)
    r = roost("agents", env={"ROOST_PYTHON": str(fake)})
    assert r.rc == 69, r
    assert "missing Python package" in r.err and len(r.err.strip().splitlines()) == 1


def test_a_too_old_python_gives_one_line_and_exit_69(db, roost, tmp_path):
    # The guard in roost/__main__.py, run by a Python that reports 3.8.
    fake = tmp_path / "py38"
    fake.write_text(f"""#!/bin/sh
exec {sys.executable} -c 'import sys; sys.version_info = (3, 8, 18, "final", 0); sys.argv[0] = "roost"
import runpy; runpy.run_module("roost", run_name="__main__")' "$@"
""")
    fake.chmod(0o755)
    r = roost("agents", env={"ROOST_PYTHON": str(fake)})
    assert r.rc == 69, r
    assert r.err == "roost: python: Python 3.8 is too old: install Python 3.9 or newer\n", r


def test_a_too_old_sqlite_library_in_python_is_refused_with_69(db, monkeypatch):
    import sqlite3 as sq
    from roost import db as dbm
    from roost.errors import Unavailable
    monkeypatch.setattr(sq, "sqlite_version_info", (3, 36, 0))
    monkeypatch.setattr(sq, "sqlite_version", "3.36.0")
    with pytest.raises(Unavailable, match="3.36.0: roost needs 3.37 or newer") as e:
        dbm.connect(db)
    assert e.value.code == 69


# The date and time that each release's sqlite_source_id() starts with (the
# check-in it was built from; the hash after it does not matter here).
@pytest.mark.parametrize("source_id, old", [
    ("2021-11-27 14:13:22", False),  # 3.37.0
    ("2022-01-06 13:25:41", False),  # 3.37.2
    ("2022-12-28 14:03:47", False),  # 3.40.1
    ("2024-01-15 17:01:13", False),  # 3.45.0
    ("2021-06-18 18:36:39", True),   # 3.36.0
    ("2020-01-27 19:55:54", True),   # 3.31.1
    ("2018-01-22 18:45:57", True),   # 3.22.0
    ("2015-11-02 18:31:45", True),   # 3.9.2
    ("2009-09-11 14:05:07", True),   # 3.6.18
])
def test_the_shells_sqlite3_version_check_refuses_exactly_the_clis_before_3_37(source_id, old):
    # core_begin.sql decides in SQL which sqlite3 is too old, by the date
    # its sqlite_source_id() starts with; the same expression is run here
    # on each release's source id, and on this machine's sqlite3 CLI.
    sql = (REPO / "python/roost/schema/core_begin.sql").read_text()
    m = re.search(r"SELECT 69, .*?WHERE (.*?);", sql, re.S)
    assert m, "the version check moved: update this test"
    cond = m.group(1).replace("sqlite_source_id()", "?")
    assert "?" in cond and "sqlite_version" not in cond, cond
    with sqlite3.connect(":memory:") as c:
        got = c.execute(f"SELECT {cond}", (source_id,) * cond.count("?")).fetchone()[0]
    assert bool(got) == old
    cli = subprocess.run(["sqlite3", ":memory:", f"SELECT {m.group(1)}"], capture_output=True, text=True, check=True)
    here = subprocess.run(["sqlite3", ":memory:", "SELECT sqlite_version()"], capture_output=True, text=True, check=True)
    major, minor = (int(x) for x in here.stdout.split(".")[:2])
    assert cli.stdout.strip() == ("1" if (major, minor) < (3, 37) else "0")


def test_doctor_passes_on_a_fresh_database_and_fails_on_loose_permissions(db, roost):
    r = roost("--agent", "alice", "doctor")
    assert r.rc == 0, r
    assert "FAIL" not in r.text and "integrity_check: ok" in r.text
    os.chmod(db, 0o644)
    r = roost("doctor", "--json")
    assert r.rc == 1
    bad = [c for c in r.json()["checks"] if c["status"] == "fail"]
    assert [c["check"] for c in bad] == ["permissions roost.db"]


def test_doctor_finds_a_schema_object_the_file_lost(db, roost):
    assert roost("doctor").rc == 0
    _tamper(db, "DROP INDEX agents_role")
    r = roost("doctor", "--json")
    assert r.rc == 1, r
    bad = [c for c in r.json()["checks"] if c["status"] == "fail"]
    assert [(c["check"], c["detail"].split(" (")[0]) for c in bad] == [("schema objects", "missing: index agents_role")]


@pytest.mark.parametrize("who", [{"ROOST_AGENT": "alice"}, {"CLAUDE_CODE_SESSION_ID": "s1"}, {}])
def test_doctor_never_migrates_an_old_database(db, roost, who):
    assert roost("register", "alice", env={"CLAUDE_CODE_SESSION_ID": "s1"}).rc == 0
    _tamper(db, f"PRAGMA user_version = {dbm.schema_version() - 1}")
    before = Path(db).read_bytes()
    r = roost("doctor", env=who)
    assert r.rc == 1 and "roost migrate" in r.text, r
    if who:
        assert "identity: alice (from" in r.text, r
    assert Path(db).read_bytes() == before
    assert not (Path(db).parent / "backups").exists()


def test_migration_takes_a_backup_first_and_applies_in_one_transaction(tmp_path, monkeypatch):
    path = str(tmp_path / "m.db")
    dbm.migrate(path)
    c = sqlite3.connect(path)
    c.execute("INSERT INTO agents(id, registered_at, last_seen) VALUES ('keep', 1, 1)")
    c.commit(); c.close()
    schema = tmp_path / "schema"
    schema.mkdir()
    for f in Path(dbm.SCHEMA_DIR).iterdir():
        (schema / f.name).write_bytes(f.read_bytes())
    (schema / "9998_ok.sql").write_text("CREATE TABLE extra(x);\n")
    (schema / "9999_broken.sql").write_text("CREATE TABLE extra2(x);\nTHIS IS NOT SQL;\n")
    monkeypatch.setattr(dbm, "SCHEMA_DIR", str(schema))
    with pytest.raises(errors.RoostError):
        dbm.migrate(path)
    c = sqlite3.connect(path)
    assert c.execute("PRAGMA user_version").fetchone()[0] == 9998
    names = {r[0] for r in c.execute("SELECT name FROM sqlite_master")}
    assert "extra" in names and "extra2" not in names  # the broken one rolled back whole
    backups = list((tmp_path / "backups").iterdir())
    assert backups, "no backup taken"
    b = sqlite3.connect(backups[0])
    assert b.execute("SELECT id FROM agents").fetchall() == [("keep",)]


def test_the_event_log_is_append_only(db):
    c = sqlite3.connect(db)
    c.execute("INSERT INTO emit(agent, kind, target, body, at) VALUES ('a', 'x', NULL, NULL, 1)")
    with pytest.raises(sqlite3.DatabaseError):
        c.execute("UPDATE events SET kind = 'y'")
    with pytest.raises(sqlite3.DatabaseError):
        c.execute("DELETE FROM events")


def test_the_demo_plays_every_scene_as_narrated(roost):
    r = roost("demo", timeout=300)
    assert r.rc == 0, r
    assert "every step behaved as narrated" in r.text


def test_version_reports_the_schema(db, roost):
    j = roost("version", "--json").json()
    assert j["schema"] == dbm.schema_version()


def test_roost_installed_under_a_path_with_quotes_and_a_backslash_works(db, tmp_path):
    # Every shell command reads shared SQL files with a dot-command whose
    # argument is quoted: the install path must survive it.
    import shutil
    home = tmp_path / "it's \\ \"here\""
    for d in ("bin", "lib", "python/roost"):
        shutil.copytree(REPO / d, home / d, ignore=shutil.ignore_patterns("__pycache__"))
    env = dict(os.environ, ROOST_HOME=str(home))
    env.pop("ROOST_AGENT", None)

    def run(*args, stdin=None):
        return subprocess.run([str(home / "bin" / "roost"), "--agent", "a", *args], env=env, input=stdin,
                              capture_output=True)
    assert run("task", "add", "t").returncode == 0
    for args in (["whoami"], ["heartbeat", "--epoch", "1"], ["lock", "x.txt"], ["lock", "--check", "x.txt"],
                 ["claim"], ["inbox"], ["unlock", "x.txt"]):
        r = run(*args)
        assert r.returncode == 0, (args, r)
    assert run("lock", "y.txt").returncode == 0
    pay = json.dumps({"session_id": "s", "hook_event_name": "PreToolUse", "tool_name": "Write",
                      "cwd": os.getcwd(), "tool_input": {"file_path": "y.txt"}}).encode()
    r = subprocess.run([str(home / "bin" / "roost"), "--agent", "b", "hook", "PreToolUse"], env=env,
                       input=pay, capture_output=True)
    assert r.returncode == 0 and b'"deny"' in r.stdout, r


def test_set_up_operations_are_in_the_python_api_too(sandbox):
    from roost.api import Roost
    r = Roost(agent="ann")
    out = r.init(role="dev")
    assert (out["agent"], out["schema"], out["agents_md"]) == ("ann", dbm.schema_version(), "created")
    assert r.migrate()["applied"] == []
    assert {c["check"]: c["status"] for c in r.doctor()}["schema objects"] == "ok"
    assert Roost.version()["schema"] == dbm.schema_version()
    with pytest.raises(errors.UsageError):
        Roost().init(role="dev")

