"""Smoke tests of the e2e harness itself: the mock model, the installer, and
the real agent CLIs firing hooks and honouring a JSON deny / Stop block.

Nothing is skipped: when the pinned CLIs are missing, install_clis.sh runs
first (needs the npm registry); if that fails, the tests error out.

Run: python3 -m pytest tests/e2e -q   (the CLI tests carry the `e2e` marker)
"""
from __future__ import annotations

import http.client
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import drive  # noqa: E402
import mockmodel  # noqa: E402

REASON = "held by alice"
MAIL = "you have unread mail"
STEPS = [{"tool": "write", "path": "foo.txt", "content": "x\n"},
         {"tool": "shell", "command": "echo x > bar.txt"},
         {"text": "done"}]
PROMPT = "Create foo.txt containing x, then run: echo x > bar.txt"

# variant -> (cli, events configured, pre-tool event, stop event)
VARIANTS = {
    "claude": ("claude", drive.EVENTS["claude"], "PreToolUse", "Stop"),
    "codex": ("codex", drive.EVENTS["codex"], "PreToolUse", "Stop"),
    "gemini": ("gemini", drive.EVENTS["gemini"], "BeforeTool", "AfterAgent"),
    "copilot": ("copilot", drive.EVENTS["copilot"], "preToolUse", "agentStop"),
    "copilot-pascal": ("copilot", ["SessionStart", "UserPromptSubmit", "PreToolUse",
                                   "PostToolUse", "Stop", "SessionEnd"],
                       "PreToolUse", "Stop"),
}
# The deny output each CLI honours, passing the reason to the model
# (see tests/fixtures/hooks/README.md for the full matrix).
DENY = {
    "claude": {"hookSpecificOutput": {"hookEventName": "PreToolUse",
                                      "permissionDecision": "deny",
                                      "permissionDecisionReason": REASON}},
    "codex": {"hookSpecificOutput": {"hookEventName": "PreToolUse",
                                     "permissionDecision": "deny",
                                     "permissionDecisionReason": REASON}},
    "gemini": {"decision": "deny", "reason": REASON},
    "copilot": {"permissionDecision": "deny", "permissionDecisionReason": REASON},
    "copilot-pascal": {"permissionDecision": "deny", "permissionDecisionReason": REASON},
}
# Expected tool names in the pre-tool payload: (write tool, shell tool)
TOOLS = {"claude": ("Write", "Bash"), "codex": ("apply_patch", "Bash"),
         "gemini": ("write_file", "run_shell_command"), "copilot": ("create", "bash"),
         "copilot-pascal": ("Write", "Bash")}
TIMEOUT = 120


@pytest.fixture(scope="session")
def clis():
    """Pinned CLIs, installed on first use (never skipped)."""
    return drive.cli_paths(install_missing=True)


def _hooks(variant, log, events, extra=None):
    cli = VARIANTS[variant][0]
    ev = {e: drive.record_cmd(log, variant, e) for e in events}
    ev.update(extra or {})
    return drive.hook_files(cli, ev)


# ---------------------------------------------------------------- mock model


def _post(port, path, body):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
    r = c.getresponse()
    data = r.read()
    clen = r.getheader("Content-Length")
    c.close()
    return r.status, clen, data.decode()


def test_mockmodel_three_protocols(tmp_path):
    log = tmp_path / "mock.jsonl"
    script = {"cwd": "/tmp/p", "steps": STEPS}
    with mockmodel.MockModel(script, str(log), max_lifetime=60, idle_timeout=30) as m:
        # Anthropic (Claude tool names), no tool result yet -> step 0 (Write)
        st, cl, body = _post(m.port, "/v1/messages?beta=true", {
            "model": "x", "stream": True, "tools": [{"name": "Write"}, {"name": "Bash"}],
            "messages": [{"role": "user", "content": "hi"}]})
        assert st == 200 and cl == str(len(body.encode()))
        assert '"name": "Write"' in body or '"name":"Write"' in body
        assert "/tmp/p/foo.txt" in body and "message_stop" in body
        # one tool_result -> step 1 (Bash)
        st, _, body = _post(m.port, "/v1/messages", {
            "model": "x", "stream": True, "tools": [{"name": "Write"}, {"name": "Bash"}],
            "messages": [{"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "a", "content": "ok"}]}]})
        assert '"name":"Bash"' in body and "echo x > bar.txt" in body
        # Copilot's tool names
        _, _, body = _post(m.port, "/v1/messages", {
            "model": "x", "stream": True, "tools": [{"name": "create"}, {"name": "bash"}],
            "messages": []})
        assert '"name":"create"' in body and "file_text" in body
        # Responses: apply_patch custom tool call
        st, cl, body = _post(m.port, "/v1/responses", {
            "model": "x", "stream": True,
            "tools": [{"type": "function", "name": "exec_command"},
                      {"type": "custom", "name": "apply_patch"}], "input": []})
        assert st == 200 and cl == str(len(body.encode()))
        assert "custom_tool_call" in body and "*** Add File: foo.txt" in body
        assert "response.completed" in body and "sequence_number" in body
        # Responses: two outputs -> step 2 -> text
        _, _, body = _post(m.port, "/v1/responses", {
            "model": "x", "stream": True, "tools": [{"type": "function", "name": "exec_command"}],
            "input": [{"type": "custom_tool_call_output"}, {"type": "function_call_output"}]})
        assert "output_text" in body and '"done"' in body
        # Gemini stream + no tools -> plain "done"
        st, _, body = _post(m.port, "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
                            {"contents": [], "tools": [{"functionDeclarations": [
                                {"name": "write_file"}, {"name": "run_shell_command"}]}]})
        assert st == 200 and body.startswith("data: ") and "write_file" in body
        _, _, body = _post(m.port, "/v1beta/models/g:generateContent", {"contents": []})
        assert json.loads(body)["candidates"][0]["content"]["parts"][0]["text"] == "done"
        # HEAD /
        c = http.client.HTTPConnection("127.0.0.1", m.port, timeout=10)
        c.request("HEAD", "/")
        assert c.getresponse().status == 200
        c.close()
    recs = drive.read_jsonl(log)
    assert [r.get("protocol") for r in recs if r["method"] == "POST"] == \
        ["anthropic", "anthropic", "anthropic", "responses", "responses", "gemini", "gemini"]


def test_mockmodel_cli_port_file_and_self_stop(tmp_path):
    pf = tmp_path / "port"
    p = subprocess.Popen([sys.executable, str(HERE / "mockmodel.py"), "--script",
                          json.dumps(STEPS), "--log", str(tmp_path / "l.jsonl"),
                          "--port-file", str(pf), "--idle-timeout", "2"],
                         stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    try:
        line = p.stdout.readline()
        assert line.startswith("PORT ") and pf.read_text() == line.split()[1]
        st, _, _ = _post(int(pf.read_text()), "/v1/messages", {"stream": True, "messages": []})
        assert st == 200
        assert p.wait(timeout=15) == 0  # stops by itself when idle
    finally:
        if p.poll() is None:
            p.kill()


# ---------------------------------------------------------------- installer


@pytest.mark.e2e
def test_install_is_idempotent_and_pinned(clis):
    t0 = time.monotonic()
    out = subprocess.run(["sh", str(drive.INSTALL_SCRIPT)], stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, timeout=300, check=True).stdout
    assert time.monotonic() - t0 < 30, "second install run should be a no-op"
    lines = {l.split()[0]: l.split() for l in out.splitlines()}
    for v in drive.VENDORS:
        assert lines[v][1] == drive.VERSIONS[v]
        assert Path(lines[v][2]).exists()


# ---------------------------------------------------------------- real CLIs


@pytest.mark.e2e
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_hooks_fire(variant, clis, tmp_path):
    cli, events, pre, stop = VARIANTS[variant]
    log = tmp_path / "hooks.jsonl"
    r = drive.session(cli, STEPS, PROMPT, tmp_path, hooks=_hooks(variant, log, events),
                      timeout=TIMEOUT)
    assert r.exit_code == 0 and not r.timed_out, (r.stdout[-2000:], r.stderr[-2000:])
    assert (r.project / "foo.txt").exists() and (r.project / "bar.txt").exists()
    recs = drive.read_jsonl(log)
    fired = [x["event"] for x in recs]
    for e in events:  # every configured event fired (hooks are not skipped silently)
        assert e in fired, (e, fired)
    pre_tools = [(x["payload"].get("tool_name") or x["payload"].get("toolName"))
                 for x in recs if x["event"] == pre]
    assert pre_tools == list(TOOLS[variant]), pre_tools
    for x in recs:
        p = x["payload"]
        assert isinstance(p, dict)
        assert (p.get("session_id") or p.get("sessionId"))
        assert Path(p["cwd"]).resolve() == r.project


@pytest.mark.e2e
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_json_deny_blocks_and_reason_reaches_model(variant, clis, tmp_path):
    cli, _, pre, _ = VARIANTS[variant]
    log = tmp_path / "hooks.jsonl"
    hooks = drive.hook_files(cli, {pre: drive.record_cmd(
        log, variant, pre, "--respond", json.dumps(DENY[variant]))})
    r = drive.session(cli, STEPS, PROMPT, tmp_path, hooks=hooks, timeout=TIMEOUT)
    assert r.exit_code == 0 and not r.timed_out, (r.stdout[-2000:], r.stderr[-2000:])
    assert len(drive.read_jsonl(log)) == 2  # both tool calls reached the hook
    assert not (r.project / "foo.txt").exists()
    assert not (r.project / "bar.txt").exists()
    # the model received the reason in a tool result
    assert REASON in r.model_inputs()


@pytest.mark.e2e
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_stop_block_once(variant, clis, tmp_path):
    cli, _, _, stop = VARIANTS[variant]
    log = tmp_path / "hooks.jsonl"
    hooks = drive.hook_files(cli, {stop: drive.record_cmd(
        log, variant, stop, "--respond", json.dumps({"decision": "block", "reason": MAIL}),
        "--once", str(tmp_path / "stop.marker"), "--unless-stop-active")})
    r = drive.session(cli, [{"text": "done"}], "say done", tmp_path, hooks=hooks,
                      timeout=TIMEOUT)
    assert r.exit_code == 0 and not r.timed_out, (r.stdout[-2000:], r.stderr[-2000:])
    recs = drive.read_jsonl(log)
    assert len(recs) == 2, [x["payload"] for x in recs]
    model = [q for q in r.requests if q.get("protocol") and q.get("tools")]
    assert len(model) == 2
    assert MAIL not in json.dumps(model[0]["body"]) and MAIL in json.dumps(model[1]["body"])
