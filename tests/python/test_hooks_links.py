"""Writes through symbolic links: the hooks check the file a write really
changes. SQL cannot read a link, so roost.links lists the tree's links (git's
index, or a walk without git) into the links table at `roost init` and at
session start, and hooks_norm.sql maps every write target through it. Every
decision runs through the shell (`roost hook`) and Python (`Roost.hook`)."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from conftest import run_roost


def write(path: str, cwd: Path) -> bytes:
    return json.dumps({"session_id": "s1", "cwd": str(cwd), "hook_event_name": "PreToolUse",
                       "tool_name": "Write", "tool_input": {"file_path": path, "content": "x"}}).encode()


def bash(cmd: str, cwd: Path) -> bytes:
    return json.dumps({"session_id": "s1", "cwd": str(cwd), "hook_event_name": "PreToolUse",
                       "tool_name": "Bash", "tool_input": {"command": cmd}}).encode()


def ok(*args, **kw):
    r = run_roost(*args, **kw)
    assert r.rc == 0, r
    return r


@pytest.fixture
def linked(sandbox, db):
    """AGENTS.md with CLAUDE.md -> AGENTS.md, docs -> documentation/, a
    chain l1 -> l2 -> AGENTS.md, a link out of the tree; links noted by init."""
    (sandbox / "AGENTS.md").write_text("a\n")
    (sandbox / "documentation").mkdir()
    (sandbox / "documentation" / "guide.md").write_text("g\n")
    os.symlink("AGENTS.md", sandbox / "CLAUDE.md")
    os.symlink("documentation", sandbox / "docs")
    os.symlink("AGENTS.md", sandbox / "l2")
    os.symlink("l2", sandbox / "l1")
    os.symlink("/etc", sandbox / "etc")
    ok("init", "--no-agents-md", "--quiet")
    return sandbox


def stored(db) -> dict[str, str]:
    with sqlite3.connect(db) as c:
        return dict(c.execute("SELECT path, target FROM links"))


def test_init_notes_the_links_that_stay_in_the_tree(linked, db):
    assert stored(db) == {"CLAUDE.md": "AGENTS.md", "docs": "documentation/",
                          "l1": "AGENTS.md", "l2": "AGENTS.md"}


def test_links_are_found_through_git_with_untracked_ones_and_without_ignored_ones(sandbox, db):
    os.rmdir(sandbox / ".git")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(git + ["init", "-q"], cwd=sandbox, check=True)
    (sandbox / "a.md").write_text("a\n")
    (sandbox / "sub").mkdir()
    os.symlink("../a.md", sandbox / "sub" / "tracked.md")
    subprocess.run(git + ["add", "-A"], cwd=sandbox, check=True)
    subprocess.run(git + ["commit", "-qm", "x"], cwd=sandbox, check=True)
    os.symlink("a.md", sandbox / "untracked.md")
    (sandbox / ".gitignore").write_text("ignored/\n.roost/\n")
    (sandbox / "ignored").mkdir()
    os.symlink("../a.md", sandbox / "ignored" / "hidden.md")
    from roost.links import find
    assert find(str(sandbox)) == {"sub/tracked.md": "a.md", "untracked.md": "a.md"}


def test_a_link_loop_and_a_dangling_link_do_not_hang_or_fail(sandbox, db):
    os.symlink("loop2", sandbox / "loop1")
    os.symlink("loop1", sandbox / "loop2")
    os.symlink("new/file.txt", sandbox / "dangling")
    from roost.links import find
    got = find(str(sandbox))
    # a write through a dangling link creates its target: that is the key
    assert got["dangling"] == "new/file.txt"


@pytest.mark.parametrize("side", ["shell", "python"])
@pytest.mark.parametrize("held, how", [
    ("AGENTS.md", "write CLAUDE.md"),
    ("AGENTS.md", "write l1"),
    ("documentation/guide.md", "write docs/guide.md"),
    ("documentation/", "write docs/new.md"),
    ("AGENTS.md", "bash sed -i s/a/b/ CLAUDE.md"),
    ("documentation/guide.md", "bash echo x > docs/guide.md"),
    ("CLAUDE.md", "write AGENTS.md"),
])
def test_a_write_through_a_link_meets_the_lease_on_what_it_changes(linked, api, side, held, how):
    ok("lock", held, agent="alice")
    verb, arg = how.split(" ", 1)
    payload = write(str(linked / arg), linked) if verb == "write" else bash(arg, linked)
    if side == "shell":
        r = run_roost("hook", "PreToolUse", "--vendor", "claude", input=payload, env={"ROOST_AGENT": "bob"})
        assert r.rc == 0, r
        out = r.text
    else:
        out = api("bob").hook("PreToolUse", payload, vendor="claude", env={})["stdout"]
    ans = json.loads(out)["hookSpecificOutput"]
    assert ans["permissionDecision"] == "deny"
    assert "alice" in ans["permissionDecisionReason"]


@pytest.mark.parametrize("side", ["shell", "python"])
def test_a_write_near_a_link_but_not_through_it_is_allowed(linked, api, side):
    ok("lock", "AGENTS.md", "documentation/guide.md", agent="alice")
    for payload in (write(str(linked / "docs" / "other.md"), linked), write(str(linked / "README.md"), linked),
                    bash("echo x > etc/hosts.txt", linked)):
        if side == "shell":
            r = run_roost("hook", "PreToolUse", "--vendor", "claude", input=payload, env={"ROOST_AGENT": "bob"})
            assert r.rc == 0 and r.out == b"", r
        else:
            assert api("bob").hook("PreToolUse", payload, vendor="claude", env={})["stdout"] == ""


def test_targets_name_the_link_and_where_the_write_lands(linked, api):
    r = ok("hook", "pre-tool", "--targets", input=bash("rm -r docs; touch l1", linked))
    got = {(t["kind"], t["key"]) for t in json.loads(r.text)}
    # links are stored resolved to the end of their chain: l1 lands on AGENTS.md
    assert got == {("dir", "docs/"), ("dir", "documentation/"), ("file", "l1"), ("file", "AGENTS.md")}
    py = api().hook_targets(bash("rm -r docs; touch l1", linked))
    assert {(t["kind"], t["key"]) for t in py} == got


def test_session_start_notes_links_made_since_init(linked, db):
    os.symlink("AGENTS.md", linked / "GEMINI.md")
    payload = json.dumps({"session_id": "s-links", "cwd": str(linked), "hook_event_name": "SessionStart",
                          "source": "startup"}).encode()
    r = run_roost("hook", "SessionStart", "--vendor", "claude", input=payload, env={"ROOST_AGENT": "carol"})
    assert r.rc == 0, r
    assert stored(db)["GEMINI.md"] == "AGENTS.md"
