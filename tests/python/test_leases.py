"""Leases (issue 4): canonical keys, conflicts, expiry and reclaim, unlock,
renew, locks, gc, JSON shapes, parity between the shell and Python, and the
hostile corpus. Real processes throughout (bin/roost); Python through the
API on the same database file. The races and waits are in
test_leases_race.py."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess

import pytest
from conftest import run_roost
from hostile import ARGV_SAFE

from roost import Denied, UsageError
from roost.api import Roost

T0 = 1_800_000_000  # a fixed "now" (ROOST_NOW) for time-dependent tests


def key_sh(path: str, cwd: str | None = None):
    """(kind, key) the shell computes for PATH, or the exit code."""
    r = run_roost("--json", "lock", "--check", "--", path, cwd=cwd)
    if r.rc != 0:
        return r.rc
    c = r.json()["checked"][0]
    return c["kind"], c["key"]


def key_py(db: str, path: str, cwd: str | None = None):
    try:
        return Roost(db, cwd=cwd).lease_key(path, cwd=cwd)
    except UsageError as e:
        return e.code


@pytest.fixture
def tree(sandbox, db):
    """src/a.py, src/sub/, and symlinks to them (and out of the tree)."""
    (sandbox / "src" / "sub").mkdir(parents=True)
    (sandbox / "src" / "a.py").write_text("x\n")
    os.symlink("src/a.py", sandbox / "link.py")
    os.symlink("link.py", sandbox / "chain")
    os.symlink(str(sandbox / "src" / "a.py"), sandbox / "abslink")
    os.symlink("src", sandbox / "dirlink")
    os.symlink("src/sub", sandbox / "deep")
    os.symlink("/tmp", sandbox / "outside")
    os.symlink("loop2", sandbox / "loop1")
    os.symlink("loop1", sandbox / "loop2")
    return sandbox


FILE = ("file", "src/a.py")
PATH_TABLE = [
    # (cwd relative to ROOT, argument, expected (kind, key) or exit code)
    ("", "src/a.py", FILE),
    ("", "./src/a.py", FILE),
    ("", "src/./a.py", FILE),
    ("", "src//a.py", FILE),
    ("", "src/sub/../a.py", FILE),
    ("", "src/../src/a.py", FILE),
    ("", "{root}/src/a.py", FILE),
    ("", "link.py", FILE),
    ("", "chain", FILE),
    ("", "abslink", FILE),
    ("", "dirlink/a.py", FILE),
    ("", "deep/../a.py", FILE),          # .. after a symlink is physical
    ("src", "a.py", FILE),
    ("src", "./a.py", FILE),
    ("src", "../src/a.py", FILE),
    ("src/sub", "../a.py", FILE),
    ("", "new/dir/f.py", ("file", "new/dir/f.py")),   # need not exist
    ("", "new/../g.py", ("file", "g.py")),
    ("", "dirlink/new.py", ("file", "src/new.py")),
    ("", "src/", ("dir", "src/")),
    ("", "src", ("dir", "src/")),         # an existing directory
    ("", "./src/.", ("dir", "src/")),
    ("", "dirlink/", ("dir", "src/")),
    ("", "src/sub/..", ("dir", "src/")),
    ("", "new/", ("dir", "new/")),
    ("", ".", ("dir", "./")),
    ("", "./", ("dir", "./")),
    ("", "{root}", ("dir", "./")),
    ("src", "..", ("dir", "./")),
    ("", "src/**/*.py", ("glob", "src/**/*.py")),
    ("", "./src/../src/**/*.py", ("glob", "src/**/*.py")),
    ("", "dirlink/*.py", ("glob", "src/*.py")),
    ("src", "*.py", ("glob", "src/*.py")),
    ("", "src/*/", ("glob", "src/*/**")),
    ("", "**", ("glob", "**")),
    ("", "src/[ab].py", ("glob", "src/[ab].py")),
    ("", "../../etc/passwd", 64),
    ("", "/etc/passwd", 64),
    ("", "..", 64),
    ("", "src/../../x", 64),
    ("", "outside/x", 64),
    ("", "src/*/../x", 64),
    ("", "src/[ab", 64),
    ("", "", 64),
    ("", "loop1", 64),
]


@pytest.mark.parametrize("cwd,arg,want", PATH_TABLE, ids=[f"{c or '.'}:{a or 'empty'}" for c, a, _ in PATH_TABLE])
def test_every_spelling_of_a_path_maps_to_one_key_in_the_shell_and_in_python(tree, db, cwd, arg, want):
    arg = arg.replace("{root}", str(tree))
    where = str(tree / cwd) if cwd else str(tree)
    assert key_sh(arg, cwd=where) == want, arg
    assert key_py(db, arg, cwd=where) == want, arg


def test_a_resource_is_its_name_byte_for_byte(db):
    r = run_roost("--json", "lock", "--check", "--resource", "port 8080/../x")
    assert r.rc == 0, r
    c = r.json()["checked"][0]
    assert (c["kind"], c["key"]) == ("resource", "port 8080/../x")


def test_a_linked_worktree_keys_paths_like_the_main_tree(sandbox, db, tmp_path):
    wt = tmp_path / "wt"
    (wt / "src").mkdir(parents=True)
    (sandbox / ".git" / "worktrees" / "wt").mkdir(parents=True)
    (wt / ".git").write_text(f"gitdir: {sandbox}/.git/worktrees/wt\n")
    assert key_sh("src/a.py", cwd=str(wt)) == FILE
    assert key_py(db, "src/a.py", cwd=str(wt)) == FILE
    assert key_sh(str(sandbox / "src" / "a.py"), cwd=str(wt)) == 64


def test_a_roost_root_below_the_git_top_is_where_keys_start(sandbox, db, monkeypatch):
    (sandbox / "proj" / "src").mkdir(parents=True)
    monkeypatch.setenv("ROOST_ROOT", str(sandbox / "proj"))
    monkeypatch.setenv("ROOST_DB", db)
    where = str(sandbox / "proj" / "src")
    assert key_sh("a.py", cwd=where) == ("file", "src/a.py")
    assert key_py(db, "a.py", cwd=where) == ("file", "src/a.py")
    assert key_sh("../../x", cwd=where) == 64


CONFLICTS = [
    # (held by alice, asked by bob, conflict?)
    ("src/a.py", "src/a.py", True),
    ("src/a.py", "./src/../src/a.py", True),
    ("src/a.py", "src/", True),
    ("src/", "src/a.py", True),
    ("src/", "src/x/y/z.py", True),
    ("src/x/", "src/", True),
    ("src/", "src/x/", True),
    ("src/a.py", "src/a.py/", True),
    ("./", "anything/at/all", True),
    ("src/a.py", "src/**/*.py", True),
    ("src/**/*.py", "src/a.py", True),
    ("src/**/*.py", "src/x/y/z.py", True),
    ("src/x/y/z.py", "src/**/*.py", True),
    ("src/*.py", "src/x/y.py", False),
    ("src/x/y.py", "src/*.py", False),
    ("src/**/*.md", "src/a.py", False),
    ("src/a.py", "src/**/*.md", False),
    ("src/sub/", "src/**/*.py", True),
    ("src/**/*.py", "src/sub/", True),
    ("src/sub/", "src/*.py", False),
    ("src/*.py", "src/sub/", False),
    ("src/", "src/*.py", True),
    ("src/*.py", "src/", True),
    ("lib/", "src/*.py", False),
    ("src/*.py", "src/*.md", False),
    ("src/*.py", "src/a*", True),
    ("src/*.py", "lib/*.py", False),
    ("a/*/c", "a/b/*", True),
    ("docs/", "src/a.py", False),
    ("src/a.py", "src/b.py", False),
    ("src", "src/a.py", True),             # src is a directory: a folder lease
]


@pytest.mark.parametrize("held,asked,conflict", CONFLICTS, ids=[f"{h}|{a}" for h, a, _ in CONFLICTS])
def test_folder_and_glob_conflicts_hold_both_ways(tree, held, asked, conflict):
    r = run_roost("lock", held, agent="alice")
    assert r.rc == 0, r
    r = run_roost("lock", asked, agent="bob")
    assert r.rc == (2 if conflict else 0), r
    if conflict:
        assert "held by alice" in r.err, r
    c = run_roost("lock", "--check", asked, agent="bob")
    assert c.rc == (2 if conflict else 0), c


def test_resources_are_matched_exactly_and_never_meet_paths(db):
    assert run_roost("lock", "--resource", "port-8080", agent="alice").rc == 0
    assert run_roost("lock", "--resource", "port-8080", agent="bob").rc == 2
    assert run_roost("lock", "--resource", "port-808", agent="bob").rc == 0
    assert run_roost("lock", "port-8080", agent="bob").rc == 0
    assert run_roost("lock", "--resource", "x/y", agent="alice").rc == 0
    assert run_roost("lock", "x/", agent="bob").rc == 0


def test_a_denial_names_the_holder_its_reason_since_and_until(db):
    env = {"ROOST_NOW": str(T0)}
    assert run_roost("lock", "a.py", "--reason", "refactor", "--ttl", "15m", agent="alice", env=env).rc == 0
    r = run_roost("lock", "a.py", agent="bob", env=env)
    assert r.rc == 2, r
    assert r.out == b""
    assert r.err == ("roost: lock: 'a.py' is held by alice (active, since 2027-01-15 08:00:00Z, "
                     "until 2027-01-15 08:15:00Z, reason: refactor)\n")


def test_a_denial_names_every_holder_in_the_way_on_one_line_alike_in_both_languages(db, api):
    env = {"ROOST_NOW": str(T0)}
    assert run_roost("lock", "--shared", "f", agent="ada", env=env).rc == 0
    assert run_roost("lock", "--shared", "f", agent="bob", env=env).rc == 0
    assert run_roost("lock", "g", "--reason", "tests", agent="carol", env=env).rc == 0
    assert run_roost("lock", "own/", agent="ada", env=env).rc == 0
    ada = "'f' is held by ada (shared, active, since 2027-01-15 08:00:00Z, until 2027-01-15 09:00:00Z)"
    bob = "'f' is held by bob (shared, active, since 2027-01-15 08:00:00Z, until 2027-01-15 09:00:00Z)"
    carol = "'g' is held by carol (active, since 2027-01-15 08:00:00Z, until 2027-01-15 09:00:00Z, reason: tests)"
    cases = [(["f"], f"{ada}; {bob}"),
             (["g", "f"], f"{carol}; {ada}; {bob}"),
             (["own/a.py", "f", "g"], "'own/a.py' is held by ada through 'own/' (active, since 2027-01-15 08:00:00Z,"
                                      f" until 2027-01-15 09:00:00Z); {bob}; {carol}")]
    os.environ["ROOST_NOW"] = str(T0)
    try:
        for paths, want in cases:
            r = run_roost("lock", *paths, agent="dave", env=env)
            assert r.rc == 2, r
            assert r.err == f"roost: lock: {want}\n", paths
            with pytest.raises(Denied) as e:
                api("dave").lock(paths)
            assert e.value.message == want, paths
            r = run_roost("lock", "--check", *paths, agent="dave", env=env)
            assert r.rc == 2, r
            assert len(r.text.splitlines()) == len(paths), r
            assert r.err == f"roost: lock: {want}\n", paths
    finally:
        del os.environ["ROOST_NOW"]
    r = run_roost("--json", "lock", "f", agent="dave", env=env)
    assert [c["holder"] for c in r.json()["conflicts"]] == ["ada", "bob"]


def test_a_grant_prints_what_was_granted_and_until_when(db):
    r = run_roost("lock", "a.py", "src/", "--ttl", "2h", agent="alice", env={"ROOST_NOW": str(T0)})
    assert r.rc == 0, r
    assert r.text == "locked a.py until 2027-01-15 10:00:00Z\nlocked src/ until 2027-01-15 10:00:00Z\n"


def test_lock_takes_all_the_leases_or_none(db, api):
    assert run_roost("lock", "b.py", agent="alice").rc == 0
    r = run_roost("lock", "a.py", "b.py", agent="bob")
    assert r.rc == 2, r
    assert [(x["key"], x["holder"]) for x in api().locks()["leases"]] == [("b.py", "alice")]


def test_taking_a_lease_you_hold_extends_it_and_keeps_its_since(db, api):
    assert run_roost("lock", "a.py", "--ttl", "1m", agent="alice", env={"ROOST_NOW": str(T0)}).rc == 0
    assert run_roost("lock", "a.py", "--ttl", "2h", agent="alice", env={"ROOST_NOW": str(T0 + 30)}).rc == 0
    (lease,) = api().locks()["leases"]
    assert (lease["since"], lease["until"]) == (T0, T0 + 30 + 7200)


def test_shared_leases_admit_readers_and_exclude_a_writer(db):
    assert run_roost("lock", "--shared", "f", agent="alice").rc == 0
    assert run_roost("lock", "--shared", "f", agent="bob").rc == 0
    assert run_roost("lock", "f", agent="carol").rc == 2
    assert run_roost("lock", "f", agent="alice").rc == 2  # bob still reads it
    assert run_roost("unlock", "f", agent="bob").rc == 0
    assert run_roost("lock", "f", agent="alice").rc == 0  # upgraded: alice was the only reader
    assert run_roost("lock", "--shared", "f", agent="bob").rc == 2


def test_an_expired_lease_is_taken_over_and_the_log_and_holder_are_told(db, api):
    assert run_roost("lock", "f", "--ttl", "60", agent="alice", env={"ROOST_NOW": str(T0)}).rc == 0
    assert run_roost("lock", "f", agent="bob", env={"ROOST_NOW": str(T0 + 59)}).rc == 2
    r = run_roost("lock", "f", agent="bob", env={"ROOST_NOW": str(T0 + 60)})
    assert r.rc == 0, r
    (rec,) = api().log(kind="lease.reclaim")
    assert rec["agent"] == "bob" and rec["target"] == "f"
    assert json.loads(rec["body"])["from"] == "alice"
    assert json.loads(rec["body"])["why"].startswith("it expired at")
    (note,) = api().log(kind="notice")
    assert note["target"] == "alice" and "reclaimed by bob" in note["body"]


def test_a_holder_not_seen_for_the_gone_window_loses_its_lease(db, api):
    assert run_roost("lock", "f", "--ttl", "1d", agent="alice", env={"ROOST_NOW": str(T0)}).rc == 0
    assert run_roost("lock", "f", agent="bob", env={"ROOST_NOW": str(T0 + 3000)}).rc == 2
    assert run_roost("lock", "f", agent="bob", env={"ROOST_NOW": str(T0 + 3601)}).rc == 0
    (rec,) = api().log(kind="lease.reclaim")
    assert json.loads(rec["body"])["why"] == "its holder was not seen for 3600s"


@pytest.fixture
def process():
    """A real process to stand for an agent CLI; killed at the end."""
    made = []

    def start():
        p = subprocess.Popen(["sleep", "300"])
        made.append(p)
        return p
    yield start
    for p in made:
        p.kill()
        p.wait()


@pytest.mark.parametrize("side", ["shell", "python"])
def test_a_lease_of_a_dead_process_is_reclaimed_at_once(db, api, process, side):
    p = process()
    assert run_roost("register", "alice", "--pid", str(p.pid)).rc == 0
    assert run_roost("lock", "f", agent="alice").rc == 0
    assert run_roost("lock", "f", agent="bob").rc == 2  # alive: never taken
    p.kill()
    p.wait()
    if side == "shell":
        r = run_roost("lock", "f", agent="bob")
        assert r.rc == 0, r
    else:
        api("bob").lock(["f"])
    (dead,) = api().log(kind="agent.dead")
    assert dead["target"] == "alice" and json.loads(dead["body"]) == {"pid": p.pid}
    (rec,) = api().log(kind="lease.reclaim")
    assert json.loads(rec["body"])["why"] == "its holder's process died"


@pytest.mark.parametrize("side", ["shell", "python"])
def test_a_holder_whose_pid_was_reused_is_treated_as_dead(db, api, process, side):
    p = process()
    assert run_roost("register", "alice", "--pid", str(p.pid)).rc == 0
    assert run_roost("lock", "f", agent="alice").rc == 0
    with sqlite3.connect(db) as c:  # the pid now belongs to a process started at another time
        c.execute("UPDATE agents SET pid_start = '1' WHERE id = 'alice'")
    if side == "shell":
        r = run_roost("lock", "--check", "f", agent="bob")
        assert r.rc == 0, r  # recorded dead: its lease no longer holds
        assert run_roost("lock", "f", agent="bob").rc == 0
    else:
        assert api("bob").check(["f"])["free"] is True
        api("bob").lock(["f"])
    assert api().agents()[0]["state"] == "gone"


def test_a_live_holder_is_never_taken_over_even_by_force_of_numbers(db, process):
    p = process()
    assert run_roost("register", "alice", "--pid", str(p.pid)).rc == 0
    assert run_roost("lock", "f", agent="alice").rc == 0
    for who in ("bob", "carol", "dave"):
        assert run_roost("lock", "f", agent=who).rc == 2


def test_unlock_releases_and_lets_the_next_agent_in(db, api):
    assert run_roost("lock", "./src/../f", agent="alice").rc == 0
    r = run_roost("unlock", "f", agent="alice")
    assert (r.rc, r.text) == (0, "released f\n"), r
    assert run_roost("lock", "f", agent="bob").rc == 0
    assert [e["kind"] for e in api().log(kind="lease")] == ["lease.grant", "lease.release", "lease.grant"]


def test_unlocking_what_nobody_holds_exits_2(db):
    r = run_roost("unlock", "f", agent="alice")
    assert r.rc == 2, r
    assert r.err == "roost: unlock: 'f': nobody holds it\n"


@pytest.mark.parametrize("side", ["shell", "python"])
def test_the_holder_may_release_its_own_expired_lease_but_nobody_else_can(db, api, side):
    assert run_roost("lock", "f", "--ttl", "60", agent="alice", env={"ROOST_NOW": str(T0)}).rc == 0
    later = {"ROOST_NOW": str(T0 + 120)}
    gone = "'f': nobody holds it (alice's lease ended at 2027-01-15 08:01:00Z)"
    r = run_roost("unlock", "f", agent="bob", env=later)
    assert (r.rc, r.err) == (2, f"roost: unlock: {gone}\n"), r
    assert run_roost("unlock", "--force", "f", agent="bob", env=later).rc == 2
    if side == "shell":
        r = run_roost("unlock", "f", agent="alice", env=later)
        assert (r.rc, r.text) == (0, "released f\n"), r
    else:
        os.environ["ROOST_NOW"] = str(T0 + 120)
        try:
            assert api("alice").unlock(["f"])["released"] == [
                {"key": "f", "kind": "file", "holder": "alice", "forced": False}]
        finally:
            del os.environ["ROOST_NOW"]
    (rel,) = api().log(kind="lease.release")
    assert rel["agent"] == "alice" and json.loads(rel["body"])["until"] == T0 + 60
    r = run_roost("unlock", "f", agent="alice", env=later)
    assert (r.rc, r.err) == (2, "roost: unlock: 'f': nobody holds it\n"), r


def test_unlocking_someone_elses_lease_needs_force_which_is_logged_and_told(db, api):
    assert run_roost("lock", "f", agent="alice").rc == 0
    r = run_roost("unlock", "f", agent="bob")
    assert r.rc == 2, r
    assert "held by alice, not by you" in r.err
    r = run_roost("unlock", "--force", "f", agent="bob")
    assert (r.rc, r.text) == (0, "broke alice's lease on f\n"), r
    (brk,) = api().log(kind="lease.break")
    assert brk["agent"] == "bob" and json.loads(brk["body"])["from"] == "alice"
    (note,) = api().log(kind="notice")
    assert note["target"] == "alice" and note["body"] == "your lease on 'f' was broken by bob with unlock --force"


def test_unlock_is_all_or_nothing(db, api):
    assert run_roost("lock", "a", agent="alice").rc == 0
    assert run_roost("unlock", "a", "b", agent="alice").rc == 2
    assert [x["key"] for x in api().locks()["leases"]] == ["a"]


def test_renew_extends_all_or_the_named_leases_but_not_an_expired_one(db, api):
    env = {"ROOST_NOW": str(T0)}
    assert run_roost("lock", "a", "--ttl", "10m", agent="alice", env=env).rc == 0
    assert run_roost("lock", "b", "--ttl", "1h", agent="alice", env=env).rc == 0
    r = run_roost("--json", "renew", agent="alice", env={"ROOST_NOW": str(T0 + 300)})
    assert r.rc == 0, r
    assert r.json() == {"agent": "alice", "renewed": [
        {"key": "a", "kind": "file", "until": T0 + 300 + 600},
        {"key": "b", "kind": "file", "until": T0 + 300 + 3600}]}
    r = run_roost("renew", "a", "--ttl", "2h", agent="alice", env={"ROOST_NOW": str(T0 + 400)})
    assert (r.rc, r.text) == (0, "renewed a until 2027-01-15 10:06:40Z\n"), r
    r = run_roost("renew", "b", agent="alice", env={"ROOST_NOW": str(T0 + 4000)})
    assert r.rc == 2, r
    assert "expired at" in r.err
    assert run_roost("renew", "c", agent="alice").rc == 2


def test_check_is_free_or_yours_exit_0_and_held_exit_2(db):
    assert run_roost("lock", "mine.py", agent="alice").rc == 0
    assert run_roost("lock", "theirs/", agent="bob").rc == 0
    r = run_roost("lock", "--check", "mine.py", "free.py", agent="alice")
    assert r.rc == 0, r
    assert r.text.startswith("mine.py: yours until ") and r.text.endswith("free.py: free\n")
    r = run_roost("lock", "--check", "theirs/x.py", agent="alice")
    assert r.rc == 2, r
    assert r.text.startswith("theirs/x.py: held by bob through theirs/ (active) until ")
    assert "held by bob through 'theirs/'" in r.err
    assert run_roost("lock", "--check", "theirs/x.py").rc == 2  # no identity: anyone's lease counts


@pytest.mark.parametrize("who,asked,rc,status", [
    ("bob", ["own/a.py", "own/b.py"], 2, "held"),
    (None, ["own/a.py", "own/b.py"], 2, "held"),   # no identity: anyone's lease counts
    ("bob", ["own/a.py", "own/"], 2, "held"),
    ("ada", ["own/a.py", "own/b.py"], 0, "yours"),
    ("ada", ["own/a.py", "own/"], 0, "yours"),
])
def test_check_of_several_paths_under_one_lease_reports_each_path(db, api, who, asked, rc, status):
    env = {"ROOST_NOW": str(T0)}
    assert run_roost("lock", "own/", agent="ada", env=env).rc == 0
    r = run_roost("--json", "lock", "--check", *asked, "free.py", agent=who, env=env)
    assert r.rc == rc, r
    got = r.json()
    assert got["free"] is (rc == 0)
    assert [(c["key"], c["status"], c["holder"], c["held"]) for c in got["checked"]] == [
        *((k, status, "ada", "own/") for k in asked), ("free.py", "free", None, None)]
    os.environ["ROOST_NOW"] = str(T0)
    try:
        assert api(who).check([*asked, "free.py"]) == got
    finally:
        del os.environ["ROOST_NOW"]
    r = run_roost("lock", "--check", *asked, "free.py", agent=who, env=env)
    assert r.rc == rc, r
    lines = r.text.splitlines()
    assert len(lines) == len(asked) + 1, r
    for k, line in zip(asked, lines):
        want = "yours until " if status == "yours" else "held by ada"
        assert line.startswith(f"{k}: {want}"), r
    assert lines[-1] == "free.py: free"


def test_a_hook_denies_two_writes_under_one_lease_in_the_shell_and_in_python(db, api, sandbox):
    """The hook runs leases_match.sql too, with one row per write target:
    two targets under one folder lease must deny, not fail."""
    assert run_roost("lock", "own/", agent="ada").rc == 0
    payload = json.dumps({"session_id": "s", "cwd": str(sandbox), "hook_event_name": "PreToolUse",
                          "tool_name": "Bash", "tool_input": {"command": "cp a.txt own/x; cp b.txt own/y"}})
    r = run_roost("hook", "PreToolUse", "--vendor", "claude", agent="bob", input=payload.encode())
    assert r.rc == 0, r
    out = json.loads(r.out)["hookSpecificOutput"]
    assert out["permissionDecision"] == "deny", r
    assert "is held by ada through 'own/'" in out["permissionDecisionReason"]
    assert "sqlite3 failed" not in r.err
    py = api("bob").hook("PreToolUse", payload.encode(), vendor="claude")
    assert json.loads(py["stdout"]) == json.loads(r.out)


def test_json_shapes_are_as_documented(db):
    r = run_roost("--json", "lock", "a", "--reason", "r", agent="alice", env={"ROOST_NOW": str(T0)})
    assert r.json() == {"agent": "alice", "granted": [{"key": "a", "kind": "file", "shared": False,
                        "since": T0, "until": T0 + 3600, "reason": "r"}], "conflicts": []}
    r = run_roost("--json", "lock", "./", agent="bob", env={"ROOST_NOW": str(T0)})
    assert r.rc == 2
    assert r.json() == {"agent": "bob", "granted": [], "conflicts": [{
        "key": "./", "held": "a", "kind": "file", "holder": "alice", "shared": False, "queued": False,
        "reason": "r", "since": T0, "until": T0 + 3600, "state": "active"}]}
    r = run_roost("--json", "lock", "--check", "a", "b", agent="bob", env={"ROOST_NOW": str(T0)})
    assert r.json() == {"free": False, "checked": [
        {"key": "a", "kind": "file", "status": "held", "holder": "alice", "held": "a", "shared": False,
         "reason": "r", "since": T0, "until": T0 + 3600, "state": "active"},
        {"key": "b", "kind": "file", "status": "free", "holder": None, "held": None, "shared": None,
         "reason": None, "since": None, "until": None, "state": None}]}
    r = run_roost("--json", "unlock", "a", agent="alice", env={"ROOST_NOW": str(T0)})
    assert r.json() == {"agent": "alice", "released": [{"key": "a", "kind": "file", "holder": "alice",
                                                        "forced": False}]}


def test_locks_lists_live_leases_queued_requests_and_with_all_the_history(db, api):
    env = {"ROOST_NOW": str(T0)}
    assert run_roost("lock", "a", "--reason", "why", agent="alice", env=env).rc == 0
    assert run_roost("lock", "b", "--ttl", "10", agent="bob", env=env).rc == 0
    assert run_roost("lock", "c", agent="bob", env=env).rc == 0
    assert run_roost("unlock", "c", agent="bob", env=env).rc == 0
    later = {"ROOST_NOW": str(T0 + 20)}
    r = run_roost("--json", "locks", env=later)
    assert r.rc == 0, r
    assert r.json() == {"leases": [{"key": "a", "kind": "file", "holder": "alice", "shared": False,
                                    "reason": "why", "since": T0, "until": T0 + 3600, "state": "active",
                                    "status": "held"}], "waiting": []}
    out = run_roost("--json", "locks", "--all", env=later).json()
    assert [(x["key"], x["status"]) for x in out["leases"]] == [("a", "held"), ("b", "expired")]
    assert [(x["key"], x["status"], x["holder"]) for x in out["ended"]] == [("c", "released", "bob")]
    assert run_roost("--json", "locks", "--mine", agent="bob", env=later).json()["leases"] == []
    r = run_roost("locks", env=later)
    assert r.rc == 0 and r.text.splitlines()[0].split() == [
        "KEY", "KIND", "HOLDER", "STATE", "STATUS", "SINCE", "UNTIL", "REASON"]


def test_gc_drops_expired_leases_records_dead_agents_and_reports_it(db, api, process):
    p = process()
    env = {"ROOST_NOW": str(T0)}
    assert run_roost("register", "carol", "--pid", str(p.pid), env=env).rc == 0
    assert run_roost("lock", "a", "--ttl", "10", agent="alice", env=env).rc == 0
    assert run_roost("lock", "b", agent="bob", env=env).rc == 0
    p.kill()
    p.wait()
    r = run_roost("--json", "gc", env={"ROOST_NOW": str(T0 + 20)})
    assert r.rc == 0, r
    assert r.json() == {"dead": ["carol"], "expired": [
        {"key": "a", "kind": "file", "holder": "alice", "why": "expired"}], "unqueued": 0,
        "stuck": 0, "escalated": 0}
    assert [x["key"] for x in api().locks()["leases"]] == ["b"]
    assert [e["target"] for e in api().log(kind="lease.expire")] == ["a"]
    assert run_roost("gc", env={"ROOST_NOW": str(T0 + 20)}).text == "nothing to collect\n"


def test_lock_needs_an_identity_but_check_does_not(db):
    r = run_roost("lock", "a")
    assert r.rc == 64 and "no identity" in r.err, r
    assert run_roost("lock", "--check", "a").rc == 0


@pytest.mark.parametrize("args,msg", [
    (["lock"], "which paths?"),
    (["lock", "a", "--ttl", "0"], "--ttl must be at least 1s"),
    (["lock", "a", "--ttl", "soon"], "bad duration for --ttl"),
    (["lock", "a", "--wait"], "--wait needs a value"),
    (["lock", "a", "--bogus"], "unknown option --bogus"),
    (["lock", "--resource", ""], "--resource needs a name"),
    (["unlock"], "which paths?"),
    (["renew", "--ttl", "x"], "bad duration for --ttl"),
])
def test_bad_arguments_exit_64_with_a_message(db, args, msg):
    r = run_roost(*args, agent="alice")
    assert r.rc == 64, r
    assert msg in r.err and r.err.startswith(f"roost: {args[0]}: "), r


@pytest.mark.parametrize("side", ["shell", "python"])
def test_check_only_reads_it_writes_nothing_and_never_waits_for_a_writer(db, api, side, monkeypatch):
    # As the PreToolUse hook's check: a read transaction. It does not count
    # as the caller being seen, registers nobody, and answers while another
    # connection holds the write lock (a BEGIN IMMEDIATE would wait out the
    # busy timeout, then exit 75).
    assert run_roost("lock", "f", agent="alice", env={"ROOST_NOW": str(T0)}).rc == 0
    assert run_roost("lock", "g", agent="bob", env={"ROOST_NOW": str(T0)}).rc == 0

    def dump():
        with sqlite3.connect(db) as c:
            return list(c.iterdump())
    before = dump()
    w = sqlite3.connect(db, isolation_level=None)
    w.execute("BEGIN IMMEDIATE")
    try:
        monkeypatch.setenv("ROOST_BUSY_TIMEOUT_MS", "200")
        for who in ("bob", "newbie"):
            if side == "shell":
                r = run_roost("--json", "lock", "--check", "f", "g", agent=who,
                              env={"ROOST_NOW": str(T0 + 60)})
                assert r.rc == 2, r
                got = r.json()
            else:
                got = api(who).check(["f", "g"])
            assert [c["status"] for c in got["checked"]] == ["held", "yours" if who == "bob" else "held"]
    finally:
        w.execute("ROLLBACK")
        w.close()
    assert dump() == before


def test_a_denied_lock_commits_the_callers_last_seen_time_but_nothing_else(db, api):
    assert run_roost("lock", "a", agent="alice", env={"ROOST_NOW": str(T0)}).rc == 0
    assert run_roost("lock", "a", agent="bob", env={"ROOST_NOW": str(T0 + 5)}).rc == 2
    bob = next(a for a in api().agents() if a["agent"] == "bob")
    assert bob["last_seen"] == T0 + 5
    assert [x["holder"] for x in api().locks()["leases"]] == ["alice"]


# -- parity: the shell and Python decide alike ---------------------------------

SCRIPT = [
    ("alice", ["src/a.py"], False), ("bob", ["src/"], False), ("bob", ["src/b.py"], False),
    ("carol", ["src/**/*.py"], False), ("carol", ["src/**/*.md"], False), ("dave", ["docs/x.md"], False),
    ("dave", ["src/b.md"], False), ("erin", ["share/"], True), ("frank", ["share/"], True),
    ("frank", ["lib/", "src/a.py"], False), ("alice", ["lib/x.py"], False), ("gina", ["*.txt"], False),
    ("gina", ["notes.txt"], False), ("hank", ["notes.txt"], False), ("hank", ["a/*/c"], False),
    ("ivan", ["a/b/*"], False), ("ivan", ["a/b/d"], False), ("judy", ["src"], False),
]


EXPECTED = [0, 2, 0, 2, 0, 0, 2, 0, 0, 2, 0, 0, 0, 2, 0, 2, 0, 0]


def _play(db: str, side: str, steps, mix: bool = False):
    out = []
    for i, (agent, paths, shared) in enumerate(steps):
        use_shell = side == "shell" or (mix and i % 2 == 0)
        if use_shell:
            args = ["lock", *(["--shared"] if shared else []), "--", *paths]
            r = run_roost(*args, agent=agent, env={"ROOST_NOW": str(T0)})
            out.append(r.rc)
        else:
            os.environ["ROOST_NOW"] = str(T0)
            try:
                Roost(db, agent).lock(paths, shared=shared)
                out.append(0)
            except Denied:
                out.append(2)
            finally:
                del os.environ["ROOST_NOW"]
    with sqlite3.connect(db) as c:
        table = c.execute("SELECT kind, key, base, holder, shared, since, until FROM leases ORDER BY key, holder").fetchall()
        events = c.execute("SELECT agent, kind, target, body FROM events WHERE kind GLOB 'lease.*' ORDER BY seq").fetchall()
    return out, table, events


def test_shell_and_python_grant_and_deny_alike_and_store_the_same_rows(sandbox, tmp_path):
    from roost.db import migrate
    dbs = {}
    for side in ("shell", "python", "mixed"):
        d = str(tmp_path / f"{side}.db")
        migrate(d)
        dbs[side] = d
    results = {}
    for side, d in dbs.items():
        os.environ["ROOST_DB"] = d
        try:
            results[side] = _play(d, "shell" if side == "shell" else "python", SCRIPT, mix=side == "mixed")
        finally:
            del os.environ["ROOST_DB"]
    assert results["shell"][0] == EXPECTED
    assert results["python"] == results["shell"]
    assert results["mixed"] == results["shell"]


def test_shell_and_python_check_and_explain_a_denial_alike(db, api):
    assert run_roost("lock", "src/", "--reason", "big change", agent="alice", env={"ROOST_NOW": str(T0)}).rc == 0
    r = run_roost("--json", "lock", "--check", "src/a.py", "b", agent="bob", env={"ROOST_NOW": str(T0)})
    os.environ["ROOST_NOW"] = str(T0)
    try:
        assert api("bob").check(["src/a.py", "b"]) == r.json()
        with pytest.raises(Denied) as e:
            api("bob").lock(["src/a.py"])
    finally:
        del os.environ["ROOST_NOW"]
    r = run_roost("lock", "src/a.py", agent="bob", env={"ROOST_NOW": str(T0)})
    assert r.err == f"roost: lock: {e.value.message}\n"


def test_the_fast_and_the_full_path_print_the_same(db):
    """A request nothing overlaps is settled by fast.sql; one near another
    lease by match.sql: the output must not tell which."""
    env = {"ROOST_NOW": str(T0)}
    fast = run_roost("--json", "lock", "x/a.py", agent="alice", env=env)
    assert run_roost("lock", "--shared", "y/", agent="bob", env=env).rc == 0
    full = run_roost("--json", "lock", "--shared", "y/a.py", agent="alice", env=env)
    assert fast.json()["granted"][0] | {"key": "k", "shared": 0} == full.json()["granted"][0] | {"key": "k", "shared": 0}
    assert run_roost("lock", "x/b.py", agent="alice", env=env).text == "locked x/b.py until 2027-01-15 09:00:00Z\n"
    assert run_roost("lock", "--shared", "y/b.py", agent="alice", env=env).text == "locked y/b.py (shared) until 2027-01-15 09:00:00Z\n"
    assert run_roost("lock", "--check", "z", agent="alice").text == "z: free\n"
    assert run_roost("lock", "--check", "--shared", "y/c", agent="alice").text == "y/c: free\n"


# -- hostile input ---------------------------------------------------------------

REFUSED_AS_PATH = {"path-traversal": "outside the working tree", "empty": "empty path",
                   "esc-sequences": "without its ]"}


@pytest.mark.parametrize("name,value", ARGV_SAFE, ids=[n for n, _ in ARGV_SAFE])
def test_hostile_paths_reasons_and_resources_round_trip_byte_exact_or_are_refused(db, name, value):
    env = {"ROOST_NOW": str(T0)}
    s = value.decode("utf-8", "surrogateescape")
    held = set()
    # --opt=VALUE: a value like --json would otherwise be taken for a global flag
    r = run_roost("lock", b"--reason=" + value, "--", value, agent="alice", env=env)
    if name in REFUSED_AS_PATH:
        assert r.rc == 64, r
        assert REFUSED_AS_PATH[name] in r.err, r
    else:
        assert r.rc == 0, r
        assert b"\x1b" not in r.out and b"\r" not in r.out, r
        held.add(("file", s, s))
    r = run_roost("lock", b"--reason=" + value, b"--resource=" + value, agent="alice", env=env)
    if not value:
        assert r.rc == 64 and "--resource needs a name" in r.err, r
    else:
        assert r.rc == 0, r
        held.add(("resource", s, s))
    leases = run_roost("--json", "locks", env=env).json()["leases"]
    assert {(x["kind"], x["key"], x["reason"]) for x in leases} == held
    for kind, key, _ in held:
        g = [e for e in Roost(db).log(kind="lease.grant") if e["target"] == key]
        assert json.loads(g[0]["body"])["reason"] == s
        where = [b"--resource=" + value] if kind == "resource" else ["--", value]
        r = run_roost("--json", "renew", *where, agent="alice", env=env)
        assert r.rc == 0 and r.json()["renewed"][0]["key"] == s, r
        r = run_roost("--json", "unlock", *where, agent="alice", env=env)
        assert r.rc == 0 and r.json()["released"][0]["key"] == s, r
    assert not os.path.exists("/tmp/roost-pwned")


@pytest.mark.parametrize("name,value", ARGV_SAFE, ids=[n for n, _ in ARGV_SAFE])
def test_hostile_input_through_the_python_api_round_trips_or_is_refused(db, api, name, value):
    s = value.decode("utf-8", "surrogateescape")
    a = api("alice")
    if name in REFUSED_AS_PATH:
        with pytest.raises(UsageError):
            a.lock([s])
    else:
        got = a.lock([s], reason=s)["granted"][0]
        assert (got["key"], got["reason"]) == (s, s)
        assert a.unlock([s])["released"][0]["key"] == s
    if s:
        assert a.lock(resources=[s], reason=s)["granted"][0]["key"] == s


def test_a_one_mib_reason_is_stored_byte_exact_through_the_api(db, api):
    from hostile import CORPUS
    big = dict(CORPUS)["one-mib"].decode("utf-8", "surrogateescape")
    api("alice").lock(["a"], reason=big)
    assert api().locks()["leases"][0]["reason"] == big


def test_human_output_drops_control_characters_from_keys(db):
    r = run_roost("lock", "a\x01b\x7fc\u009bd", agent="alice")
    assert r.rc == 0, r
    assert r.out.startswith(b"locked abcd until ")
    r = run_roost("lock", "a\x01b\x7fc\u009bd", agent="bob")
    assert r.err.startswith("roost: lock: 'abcd' is held by alice"), r
