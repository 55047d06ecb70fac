"""Hooks (issue 7): the calls an agent CLI makes on every tool call and
every prompt. Target: at most 2x one bare sqlite3 process.

The payloads are Claude Code's, as recorded (tests/fixtures/hooks), with
the project moved to this checkout; stdin is a pipe (Codex, Copilot CLI;
Claude Code and Gemini CLI hand hooks a socket, which a cat process turns
into a pipe: about 1 ms more, whatever the payload's size)."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIX = REPO / "tests" / "fixtures" / "hooks" / "claude"


def _payload(name: str, file: str = "foo.txt") -> bytes:
    return (FIX / name).read_bytes().replace(b"/tmp/proj", str(REPO).encode()).replace(b"foo.txt", file.encode())


def _roost(db: str, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ROOST_AGENT", "CLAUDE_", "GEMINI_"))}
    env.update(ROOST_HOME=str(REPO), ROOST_DB=db)
    return subprocess.run([str(REPO / "bin" / "roost"), *args], env=env, cwd=REPO, input=stdin,
                          capture_output=True, check=False)


def _deny_setup(db: str, big: bool) -> None:
    r = _roost(db, "--agent", "alice", "lock", "foo.txt", "--ttl", "1d")
    assert r.returncode == 0, r.stderr
    r = _roost(db, "--agent", "bob", "hook", "PreToolUse", "--vendor", "claude", stdin=_payload("PreToolUse_Write.json"))
    assert b'"permissionDecision":"deny"' in r.stdout, r  # the case measures a real denial


def _bob(db: str, big: bool) -> None:
    assert _roost(db, "--agent", "bob", "whoami").returncode == 0


def cases(Case):
    has_leases = (REPO / "lib" / "roost" / "commands" / "lock.sh").exists()
    env = {"ROOST_AGENT": "bob"}
    out = [
        # alice holds foo.txt (the denied case's set-up): bob writes another file
        Case("roost hook PreToolUse (Write, allowed)", ["hook", "PreToolUse", "--vendor", "claude"],
             env=env, stdin=_payload("PreToolUse_Write.json", "other.txt"), setup=_bob),
        # a shell command that may write while others hold leases: the tokenizer runs
        Case("roost hook PreToolUse (Bash echo > file, allowed)", ["hook", "PreToolUse", "--vendor", "claude"],
             env=env, stdin=_payload("PreToolUse_Bash.json"), setup=_bob),
        Case("roost hook UserPromptSubmit (nothing new)", ["hook", "UserPromptSubmit", "--vendor", "claude"],
             env=env, stdin=_payload("UserPromptSubmit.json"), setup=_bob),
        Case("roost hook PostToolUse (Write)", ["hook", "PostToolUse", "--vendor", "claude"],
             env=env, stdin=_payload("PostToolUse_Write.json", "other.txt"), setup=_bob),
    ]
    if has_leases:
        out.insert(2, Case("roost hook PreToolUse (Write, denied)", ["hook", "PreToolUse", "--vendor", "claude"],
                           env=env, stdin=_payload("PreToolUse_Write.json"), setup=_deny_setup))
    return out
