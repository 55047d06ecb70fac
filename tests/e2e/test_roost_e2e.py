"""roost with the real agent CLIs: Claude Code, Codex, Gemini CLI and Copilot
CLI, each in a fresh repository set up with `roost install`, driven offline
by the scripted mock model (tests/e2e/README.md). Agent B is the CLI
(ROOST_AGENT=bob); agent A (alice) acts through the roost command.

1. A leases foo.txt; B's own write tool is denied, the file is unchanged,
   and the reason the model receives names A.
2. The same with a shell command (echo x > foo.txt).
3. A sends B a message; on B's prompt the message reaches the model
   (its second line, which only the prompt hook's answer carries).
4. A directed message arrives mid-turn; B's first stop is blocked with it,
   the second is not.
5. The hooks fired: the hook log has every event, and the roost log shows
   B's session and edits.

Timings per CLI and scenario are printed at the end of the run.
"""
from __future__ import annotations

import html
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
import drive

CLIS = ["claude", "codex", "gemini", "copilot"]
TIMEOUT = 180
TIMES: dict[tuple[str, str], float] = {}
# What each CLI's hook events are called in the configuration install writes.
EVENTS = {
    "claude": {"session-start": "SessionStart", "prompt": "UserPromptSubmit", "pre-tool": "PreToolUse",
               "post-tool": "PostToolUse", "stop": "Stop", "session-end": "SessionEnd"},
    "codex": {"session-start": "SessionStart", "prompt": "UserPromptSubmit", "pre-tool": "PreToolUse",
              "post-tool": "PostToolUse", "stop": "Stop", "session-end": "SessionEnd"},
    "gemini": {"session-start": "SessionStart", "prompt": "BeforeAgent", "pre-tool": "BeforeTool",
               "post-tool": "AfterTool", "stop": "AfterAgent", "session-end": "SessionEnd"},
    "copilot": {"session-start": "sessionStart", "prompt": "userPromptSubmitted", "pre-tool": "preToolUse",
                "post-tool": "postToolUse", "stop": "agentStop", "session-end": "sessionEnd"},
}


@pytest.fixture(scope="session")
def clis():
    """The pinned CLIs (installed on first use; never skipped)."""
    return drive.cli_paths(install_missing=True)


def timing_table() -> list[str]:
    """The seconds each CLI run took, per scenario (conftest prints it)."""
    if not TIMES:
        return []
    scen = sorted({s for _, s in TIMES})
    lines = ["roost e2e: seconds per CLI run (CLI start to exit, hooks included)",
             "cli      " + " ".join(f"{s:>10}" for s in scen)]
    for c in CLIS:
        lines.append(f"{c:8} " + " ".join(f"{TIMES.get((c, s), float('nan')):10.2f}" for s in scen))
    return lines


def _env() -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ROOST_AGENT", "ROOST_DB", "ROOST_SESSION", "ROOST_ROOT", "CLAUDE_CODE_SESSION_ID",
                                "GEMINI_SESSION_ID", "CODEX_", "COPILOT_"))}
    env["PATH"] = f"{REPO / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("ROOST_HOME", str(REPO))
    return env


def roost(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(REPO / "bin" / "roost"), *args], cwd=project, env=_env(),
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, check=False)


def run(vendor: str, scenario: str, tmp: Path, steps, prompt: str, before=()) -> drive.RunResult:
    """One CLI run in a fresh repository: `roost install --agent VENDOR`,
    then `before` (roost commands as agent A), then the CLI as agent B."""
    def setup(project: Path, home: Path) -> None:
        r = roost(project, "install", "--agent", vendor)
        assert r.returncode == 0, r
        for args in before:
            r = roost(project, *args)
            assert r.returncode == 0, (args, r)

    extra = ["--allow-all-paths"] if vendor == "copilot" else []

    def once(where: Path) -> drive.RunResult:
        return drive.session(vendor, steps, prompt, where, hooks=setup, timeout=TIMEOUT,
                             extra_env={"ROOST_AGENT": "bob", "ROOST_HOOK_TRACE": "1",
                                        "ROOST_HOME": str(REPO), "PATH": _env()["PATH"]},
                             extra_args=extra, project_files={"foo.txt": "original\n"})
    r = once(tmp)
    if r.timed_out and not r.requests:
        # The CLI hung before its first model request. roost's hooks cannot
        # hold it that long (the vendors kill a hook after 10 s, the limit
        # `roost install` sets), so this is the client's own start-up: seen
        # once in Gemini CLI, in about 150 runs. Say so, show the hook log
        # of the hung run, and run once more in a fresh directory; a hang
        # that comes back fails the test.
        print(f"roost e2e: {vendor} '{scenario}' made no model request in {TIMEOUT}s; "
              f"its hook log: {hook_log(r)}; running it once more", file=sys.stderr)
        r = once(tmp / "again")
    TIMES[(vendor, scenario)] = r.elapsed
    assert not r.timed_out and r.exit_code == 0, (r.exit_code, r.stdout[-3000:], r.stderr[-3000:])
    return r


def hook_log(r: drive.RunResult) -> list[list[str]]:
    """hook.log lines as [stamp, event, vendor, agent, message]."""
    p = r.project / ".roost" / "hook.log"
    out = []
    for line in p.read_text().splitlines() if p.exists() else []:
        head, _, msg = line.partition(": ")
        out.append(head.split(" ", 3) + [msg])
    return out


def events(r: drive.RunResult, kind: str) -> list[sqlite3.Row]:
    con = sqlite3.connect(r.project / ".roost" / "roost.db")
    con.row_factory = sqlite3.Row
    try:
        return con.execute("SELECT * FROM events WHERE kind = ? ORDER BY seq", (kind,)).fetchall()
    finally:
        con.close()


def strings(body) -> list[str]:
    """Every string in a request body, in order (the contexts hooks added
    are among them, wherever each vendor puts them)."""
    if isinstance(body, str):
        return [body]
    items = body.values() if isinstance(body, dict) else body if isinstance(body, list) else []
    return [s for x in items for s in strings(x)]


def tool_results(r: drive.RunResult) -> str:
    """What the model got back from its tool calls (the last request holds
    the whole conversation)."""
    reqs = [q for q in r.requests if q.get("protocol") and q.get("body")]
    return json.dumps(reqs[-1]["body"]) if reqs else ""


# ---------------------------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.parametrize("vendor", CLIS)
def test_1_the_clis_own_write_tool_cannot_write_a_file_another_agent_leases(vendor, clis, tmp_path):
    steps = [{"tool": "write", "path": "foo.txt", "content": "by bob\n"}, {"text": "done"}]
    if vendor == "claude":
        # Claude Code refuses by itself to overwrite a file it has not read.
        foo = str((tmp_path / "proj" / "foo.txt").resolve())
        steps.insert(0, {"tool": "call", "name": "Read", "input": {"file_path": foo}})
    r = run(vendor, "1 write", tmp_path, steps, "Write 'by bob' into foo.txt.",
            before=[("--agent", "alice", "lock", "foo.txt")])
    assert (r.project / "foo.txt").read_text() == "original\n"
    assert "is held by alice" in tool_results(r)
    denies = [x for x in hook_log(r) if x[1] == "pre-tool" and "denied" in x[4]]
    assert denies and denies[0][3] == "bob" and "alice" in denies[0][4], hook_log(r)


@pytest.mark.e2e
@pytest.mark.parametrize("vendor", CLIS)
def test_2_a_shell_command_cannot_write_a_file_another_agent_leases(vendor, clis, tmp_path):
    r = run(vendor, "2 shell", tmp_path, [{"tool": "shell", "command": "echo x > foo.txt"}, {"text": "done"}],
            "Run: echo x > foo.txt", before=[("--agent", "alice", "lock", "foo.txt")])
    assert (r.project / "foo.txt").read_text() == "original\n"
    assert "is held by alice" in tool_results(r)
    assert any(x[1] == "pre-tool" and "denied" in x[4] for x in hook_log(r)), hook_log(r)


@pytest.mark.e2e
@pytest.mark.parametrize("vendor", CLIS)
def test_3_a_message_reaches_the_model_on_the_next_prompt(vendor, clis, tmp_path):
    # The token is on the message's second line: the session-start context
    # (roost prime) lists unread messages by their first line only, so the
    # token can reach the model only through the prompt hook's answer.
    token = f"MSG-{vendor}-7d41"
    r = run(vendor, "3 message", tmp_path, [{"text": "done"}], "What is new?",
            before=[("--agent", "bob", "whoami"),
                    ("--agent", "alice", "send", "bob", f"please review parser.py\n{token} is the word")])
    # Gemini CLI escapes < and > in a hook's context.
    req = next(q for q in r.requests if q.get("protocol") and q.get("body", {}).get("tools"))
    first = html.unescape("\n".join(strings(req["body"])))
    block = r"\n<<<BEGIN AGENT TEXT (\w+)>>>\n(.*?)\n<<<END AGENT TEXT \1>>>"
    prime = re.search(r"# roost prime\n.*?" + block, first, re.DOTALL)
    assert prime, first[-3000:]
    assert token not in prime.group(2), prime.group(2)
    if vendor != "copilot":
        # Copilot runs sessionStart and userPromptSubmitted at once: its prime
        # may come after the prompt hook has marked the message read.
        assert "please review parser.py" in prime.group(2), prime.group(2)
    pushed = re.search(r"new messages? for you.*?" + block, first, re.DOTALL)
    assert pushed and token in pushed.group(2), first[-3000:]
    assert any(x[1] == "prompt" and "delivered" in x[4] for x in hook_log(r)), hook_log(r)
    con = sqlite3.connect(r.project / ".roost" / "roost.db")
    assert con.execute("SELECT count(*) FROM deliveries WHERE agent = 'bob' AND read_at IS NULL").fetchone()[0] == 0


@pytest.mark.e2e
@pytest.mark.parametrize("vendor", CLIS)
def test_4_a_directed_unread_message_blocks_the_first_stop_only(vendor, clis, tmp_path):
    token = f"STOP-{vendor}-93ab"
    # The message arrives mid-turn (after the prompt hook): alice's send runs
    # from B's own shell tool.
    r = run(vendor, "4 stop", tmp_path,
            [{"tool": "shell", "command": f"{REPO / 'bin' / 'roost'} --agent alice send bob '{token} answer me first'"},
             {"text": "done"}], "Run the command, then finish.",
            before=[("--agent", "bob", "whoami")])
    stops = [x for x in hook_log(r) if x[1] == "stop"]
    assert len(stops) == 2, hook_log(r)
    assert "blocked" in stops[0][4] and "blocked" not in stops[1][4], stops
    reqs = [q for q in r.requests if q.get("protocol") and q.get("body", {}).get("tools")]
    assert token in json.dumps(reqs[-1]["body"]) and token not in json.dumps(reqs[0]["body"])


@pytest.mark.e2e
@pytest.mark.parametrize("vendor", CLIS)
def test_5_every_hook_fired_and_the_roost_log_shows_the_session_and_its_edits(vendor, clis, tmp_path):
    r = run(vendor, "5 fired", tmp_path, [{"tool": "write", "path": "new.txt", "content": "n\n"},
                                          {"tool": "shell", "command": "echo y > bar.txt"},
                                          {"text": "done"}], "Write new.txt, then run echo y > bar.txt")
    assert (r.project / "new.txt").exists() and (r.project / "bar.txt").exists()
    log = hook_log(r)
    fired = {x[1] for x in log}
    assert fired >= {"session-start", "prompt", "pre-tool", "post-tool", "stop", "session-end"}, log
    assert {x[2] for x in log} == {vendor}, log
    assert {x[3] for x in log if x[1] != "session-start"} == {"bob"}, log
    edits = {e["target"] for e in events(r, "edit")}
    assert edits == {"new.txt", "bar.txt"}, edits
    assert [e["agent"] for e in events(r, "session.end")] == ["bob"]
