"""roost hook: event names, vendor detection, write targets, answers in
each vendor's protocol, fail-open rules, session start and end, and the
payload corpus (real payloads from tests/fixtures/hooks, plus malformed
ones) through the shell and through Python."""
from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from pathlib import Path

import pytest
from conftest import REPO, run_roost

FIX = REPO / "tests" / "fixtures" / "hooks"
FIXTURES = sorted(p for p in FIX.glob("*/*.json"))
# folder -> the vendor it is
FOLDER_VENDOR = {"claude": "claude", "codex": "codex", "gemini": "gemini", "copilot": "copilot",
                 "copilot-pascal": "copilot", "cursor": "cursor"}


def fixture(rel: str, project: Path) -> bytes:
    """A recorded payload with its project folder moved to `project`."""
    return (FIX / rel).read_bytes().replace(b"/tmp/proj", str(project).encode())


def event_of(p: Path) -> str:
    return p.stem.split("_")[0]


def hook(*args, input: bytes = b"", env: dict | None = None, cwd=None):
    return run_roost("hook", *args, input=input, env=env, cwd=cwd)


def targets(payload: bytes, cwd=None, env=None) -> list[tuple[str, str]]:
    r = hook("pre-tool", "--targets", input=payload, cwd=cwd, env=env)
    assert r.rc == 0, r
    return [(t["kind"], t["key"]) for t in json.loads(r.text)]


def bash(cmd: str, cwd: Path) -> bytes:
    return json.dumps({"session_id": "s1", "cwd": str(cwd), "hook_event_name": "PreToolUse",
                       "tool_name": "Bash", "tool_input": {"command": cmd}}).encode()


def log_lines(sandbox: Path) -> list[str]:
    p = sandbox / ".roost" / "hook.log"
    return p.read_text().splitlines() if p.exists() else []


# -- event names -------------------------------------------------------------------


def test_every_event_name_maps_the_same_in_the_shell_and_in_python():
    from roost.hooks import EVENTS
    sh = (REPO / "lib/roost/hook.sh").read_text()
    body = sh[sh.index("_roost_hook_event() {"):sh.index("_roost_hook_log()")]
    shell = {}
    for m in re.finditer(r"^\s+([\w|-]+)\) _roost_hg=([\w-]+)(?: _roost_hvh=(\w+))?", body, re.MULTILINE):
        for name in m.group(1).split("|"):
            shell[name] = (m.group(2), m.group(3))
    assert shell == EVENTS


@pytest.mark.parametrize("name", ["SubagentStop", "PreCompact", "Notification", "beforeReadFile", "nonsense"])
def test_an_event_roost_does_not_handle_is_allowed_silently(db, sandbox, name):
    r = hook(name, input=b'{"session_id":"x"}')
    assert r.rc == 0, r
    assert r.out == b"" and r.err == ""


def test_hook_without_an_event_is_a_usage_error(db):
    r = hook()
    assert r.rc == 64, r
    assert "which event" in r.err


# -- write targets -----------------------------------------------------------------------

SHELL_CASES = [
    ("echo x > foo.txt", [("file", "foo.txt")]),
    ("echo hi>>a/b.txt 2>&1", [("file", "a/b.txt")]),
    ("npm test 2>&1 | tail -5", []),
    ("ls -la; git status", []),
    ("cat <<EOF > out.txt\nhello > notme\nEOF\nrm -rf build", [("dir", "build/"), ("file", "out.txt")]),
    ("cat > f.py <<'PY'\nx = '''\nPY\necho done > after", [("file", "after"), ("file", "f.py")]),
    ("sed -i 's/a/b/' x.py y.py", [("file", "x.py"), ("file", "y.py")]),
    ("sed -ne 's/x/y/p' -i q.txt", [("file", "q.txt")]),
    ("sed -i.bak -e s/x/y/ -e s/a/b/ h1 h2", [("file", "h1"), ("file", "h2")]),
    ("sed s/x/y/ f > g", [("file", "g")]),
    ("cd sub && touch n.txt", [("file", "sub/n.txt")]),
    ("(cd sub; touch a) ; touch b", [("file", "b"), ("file", "sub/a")]),
    ("cd && rm k", []),
    ("git checkout -- a.py b/", [("dir", "a.py/"), ("dir", "b/")]),
    ("git checkout main", []),
    ("git restore --staged c.py", []),
    ("git restore --staged --worktree w.py", [("dir", "w.py/")]),
    ("git restore -s HEAD~1 -- v.py", [("dir", "v.py/")]),
    ("git -C sub restore d.py", [("dir", "sub/d.py/")]),
    # mv and cp: DEST/basename(SRC) when DEST must be a folder (a trailing
    # '/', -t, two or more sources), never the rest of DEST; with one SRC,
    # DEST itself too (a tree for mv and cp -r: DEST may not exist yet)
    ("mv a b", [("dir", "a/"), ("dir", "b/"), ("dir", "b/a/")]),
    ("cp a b", [("file", "b"), ("file", "b/a")]),
    ("cp a b c/", [("file", "c/a"), ("file", "c/b")]),
    # ln writes the link: LINK, or DIR/basename(SRC), or ./basename(SRC) alone
    ("ln -s AGENTS.md CLAUDE.md", [("file", "CLAUDE.md"), ("file", "CLAUDE.md/AGENTS.md")]),
    ("ln -sf x dir/", [("file", "dir/x")]),
    ("ln a b c dir", [("file", "dir/a"), ("file", "dir/b"), ("file", "dir/c")]),
    ("ln -s ../x", [("file", "x")]),
    ("ln -st d a b", [("file", "d/a"), ("file", "d/b")]),
    ("ln -sT a b", [("file", "b")]),
    ("echo ln a b", []),
    ("cp a b c", [("file", "c/a"), ("file", "c/b")]),
    ("cp -t dest a b", [("file", "dest/a"), ("file", "dest/b")]),
    ("cp a.txt lib2/", [("file", "lib2/a.txt")]),
    ("mv a.txt lib2/", [("dir", "a.txt/"), ("dir", "lib2/a.txt/")]),
    ("mv a.txt lib2", [("dir", "a.txt/"), ("dir", "lib2/"), ("dir", "lib2/a.txt/")]),
    ("mv -t dst a b/", [("dir", "a/"), ("dir", "b/"), ("dir", "dst/a/"), ("dir", "dst/b/")]),
    ("cp -r tmpl lib2", [("dir", "lib2/"), ("dir", "lib2/tmpl/")]),
    ("cp -r tmpl/ lib2/", [("dir", "lib2/tmpl/")]),
    ("cp -a x/y s2 dst", [("dir", "dst/s2/"), ("dir", "dst/y/")]),
    ("cp --recursive s1 dst/", [("dir", "dst/s1/")]),
    ("cp -pRt dst a", [("dir", "dst/a/")]),
    ("cp --target-directory=dst -S .bak a", [("file", "dst/a")]),
    ("cp -T a b; mv -T c d", [("dir", "c/"), ("dir", "d/"), ("file", "b")]),
    ("cp *.py lib2/", [("glob", "lib2/*.py")]),
    ("cp a $D/; cp -t $D b; cp $S lib2/", []),
    ("while false; do mv a foo.txt; done", [("dir", "a/"), ("dir", "foo.txt/"), ("dir", "foo.txt/a/")]),
    ("sudo -u root tee -a log1 log2 < in", [("file", "log1"), ("file", "log2")]),
    ("FOO=1 env X=2 truncate -s 0 t.txt", [("file", "t.txt")]),
    ("timeout -s 9 5 rm z", [("dir", "z/")]),
    ("rm -- -weird", [("dir", "-weird/")]),
    ("command rm -f ./x/../y", [("dir", "y/")]),
    ("dd if=/dev/zero of=disk.img bs=1", [("file", "disk.img")]),
    ("rm *.txt", [("glob", "*.txt")]),
    ("echo $HOME > $OUT; echo > ~/x; echo `id` > \"$F\"", []),
    ('echo "a > b" # > c', []),
    ("echo a\\ b > \"sp ace\"", [("file", "sp ace")]),
    ("echo x >./a//b/./c", [("file", "a/b/c")]),
    ("echo >a;echo >b&&echo >c||echo >d|tee e&echo >f",
     [("file", "a"), ("file", "b"), ("file", "c"), ("file", "d"), ("file", "e"), ("file", "f")]),
    ("echo $(rm sub1)", [("dir", "sub1/")]),
    # a write inside a compound command: reserved words before the program
    ("if true; then touch foo.txt; fi", [("file", "foo.txt")]),
    ("if true; then sed -i s/a/b/ foo.txt; fi", [("file", "foo.txt")]),
    ("for f in 1; do rm foo.txt; done", [("dir", "foo.txt/")]),
    ("while false; do tee t.log < in; done", [("file", "t.log")]),
    ("true && { touch foo.txt; }", [("file", "foo.txt")]),
    ("! touch foo.txt", [("file", "foo.txt")]),
    ("f() { touch foo.txt; }; f", [("file", "foo.txt")]),
    ("function g { truncate -s0 g.txt; }", [("file", "g.txt")]),
    ("if false; then :; else rm foo.txt; fi", [("dir", "foo.txt/")]),
    ("if ! touch a1; then :; elif git restore e1; then :; fi", [("dir", "e1/"), ("file", "a1")]),
    ("until false; do dd of=x; done", [("file", "x")]),
    ("case x in x) touch foo.txt;; esac", [("file", "foo.txt")]),
    ("time -p touch t1; time touch t2", [("file", "t1"), ("file", "t2")]),
    ("eval touch ev", [("file", "ev")]),
    # ... only in command position; for, case and select heads write nothing
    ("echo if then do else; touch ok", [("file", "ok")]),
    ("for rm in a b; do :; done", []),
    ("case rm in rm) :;; esac", []),
    ("X=1 then rm y", []),
    # the script of bash -c '...', sh -c "...", eval '...': commands of its own, in ( )
    ("bash -c 'touch x'", [("file", "x")]),
    ('sh -c "rm -rf build"', [("dir", "build/")]),
    ("bash -c 'cd sub && touch a'; touch b", [("file", "b"), ("file", "sub/a")]),
    ("sudo sh -c 'echo x > /tmp/y; echo z > in.txt'", [("file", "in.txt")]),
    ("if true; then eval 'mv a b/'; fi", [("dir", "a/"), ("dir", "b/a/")]),
    ("""bash -lc 'echo "a > b" > out'""", [("file", "out")]),
    (r'sh -c "echo \"a > b\" > out2"', [("file", "out2")]),
    (r"""sh -c "printf '%s\\n' a > o3; echo x > '$F'; echo y > \"\$G\"" """, [("file", "o3")]),
    ("bash -c 'true' rm x > log; /bin/bash -o pipefail -c 'rm z'", [("dir", "z/"), ("file", "log")]),
    (r"bash -c 'echo x\' > o7", [("file", "o7")]),
    # ... and only there: a script's words after an inner backslash escape are unknown
    (r'sh -c "echo \\\"x > y\\\""', []),
    ("echo bash -c 'touch no'; git commit -m 'rm x'; ssh host 'rm y'", []),
    ("apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: src/m.py\n@@\n-a\n+b\n*** End Patch\nEOF",
     [("file", "src/m.py")]),
]


@pytest.mark.parametrize("cmd,want", SHELL_CASES, ids=[c for c, _ in SHELL_CASES])
def test_shell_write_targets_are_found_the_same_by_the_shell_and_python(db, sandbox, api, cmd, want):
    assert targets(bash(cmd, sandbox)) == want
    assert [(t["kind"], t["key"]) for t in api().hook_targets(bash(cmd, sandbox))] == want


@pytest.mark.parametrize("lease,cmd,why", [
    # only lib2/a.txt (or lib2/tmpl/...) is written, not the rest of lib2
    ("lib2/other.py", "cp a.txt lib2/", None),
    ("lib2/other.py", "mv a.txt lib2/", None),
    ("lib2/other.py", "cp -r tmpl lib2/", None),
    ("lib2/other.py", "cp a.txt b.txt lib2", None),
    ("lib2/a.txt", "cp a.txt lib2/", "'lib2/a.txt' is held by alice ("),
    ("lib2/tmpl/x.py", "cp -r tmpl lib2/", "'lib2/tmpl/' is held by alice through 'lib2/tmpl/x.py'"),
    # one SRC and DEST without '/': DEST may not exist, and then the tree lands at DEST
    ("lib2/other.py", "mv tmpl lib2", "'lib2/' is held by alice through 'lib2/other.py'"),
    # a folder target on a leased file is worded as the file
    ("foo.txt", "rm foo.txt", "'foo.txt' is held by alice (active"),
    ("foo.txt", "if true; then git restore foo.txt; fi", "'foo.txt' is held by alice (active"),
    # a write in the script of bash -c
    ("foo.txt", "bash -c 'cd sub; true' && bash -c 'true; rm foo.txt'", "'foo.txt' is held by alice (active"),
    ("sub/foo.txt", "bash -c 'cd sub; truncate -s0 foo.txt'", "'sub/foo.txt' is held by alice (active"),
    ("foo.txt", "bash -c 'cd sub; rm foo.txt'", None),
])
def test_a_shell_command_is_checked_against_what_it_really_writes(db, sandbox, api, lease, cmd, why):
    assert run_roost("--agent", "alice", "lock", lease).rc == 0
    assert run_roost("--agent", "bob", "whoami").rc == 0
    r = hook("PreToolUse", "--vendor", "claude", input=bash(cmd, sandbox), env={"ROOST_AGENT": "bob"})
    assert r.rc == 0, r
    py = api("bob").hook("PreToolUse", bash(cmd, sandbox), vendor="claude", env={})["stdout"]
    for out in (r.text, py):
        if why is None:
            assert out == "", (cmd, out)
        else:
            reason = json.loads(out)["hookSpecificOutput"]["permissionDecisionReason"]
            assert why in reason, reason
            key = why.split("'")[1]
            assert f"roost lock {key} --wait 10m" in reason, reason


def test_paths_outside_the_repository_and_device_files_are_no_targets(db, sandbox):
    cmd = f"echo x > /dev/null; echo y > ../outside; echo z > /etc/passwd; echo w > {sandbox}/in"
    assert targets(bash(cmd, sandbox)) == [("file", "in")]


def test_a_relative_path_resolves_against_the_payloads_cwd(db, sandbox):
    (sandbox / "src").mkdir()
    assert targets(bash("echo x > a.py", sandbox / "src")) == [("file", "src/a.py")]


@pytest.mark.parametrize("rel,want", [
    ("claude/PreToolUse_Write.json", [("file", "foo.txt")]),
    ("claude/PreToolUse_Bash.json", [("file", "bar.txt")]),
    ("codex/PreToolUse_apply_patch.json", [("file", "foo.txt")]),
    ("codex/PreToolUse_Bash.json", [("file", "bar.txt")]),
    ("gemini/BeforeTool_write_file.json", [("file", "foo.txt")]),
    ("gemini/BeforeTool_run_shell_command.json", [("file", "bar.txt")]),
    ("copilot/preToolUse_create.json", [("file", "foo.txt")]),
    ("copilot/preToolUse_bash.json", [("file", "bar.txt")]),
    ("copilot-pascal/PreToolUse_Write.json", [("file", "foo.txt")]),
    ("copilot-pascal/PreToolUse_Bash.json", [("file", "bar.txt")]),
])
def test_real_payloads_name_the_file_the_tool_would_write(db, sandbox, rel, want):
    assert targets(fixture(rel, sandbox)) == want


@pytest.mark.parametrize("tool,inp,want", [
    ("Edit", {"file_path": "REPO/a.py", "old_string": "x", "new_string": "y"}, [("file", "a.py")]),
    ("MultiEdit", {"file_path": "REPO/m.py", "edits": []}, [("file", "m.py")]),
    ("NotebookEdit", {"notebook_path": "REPO/n.ipynb", "new_source": ""}, [("file", "n.ipynb")]),
    ("replace", {"file_path": "r.txt", "old_string": "a", "new_string": "b"}, [("file", "r.txt")]),
    ("edit", {"path": "REPO/e.txt", "old_str": "a", "new_str": "b"}, [("file", "e.txt")]),
    ("apply_patch", {"command": "*** Begin Patch\n*** Add File: n1\n+x\n*** Delete File: d1\n"
                                "*** Update File: u1\n*** Move to: m1\n*** End Patch"},
     [("file", "d1"), ("file", "m1"), ("file", "n1"), ("file", "u1")]),
    ("Read", {"file_path": "REPO/a.py"}, []),
    ("read_file", {"file_path": "a.py"}, []),
    ("view", {"path": "REPO/a.py"}, []),
    ("mcp__x__write", {"file_path": "REPO/a.py"}, []),
])
def test_each_write_tool_names_its_file_and_read_tools_name_none(db, sandbox, tool, inp, want):
    inp = json.loads(json.dumps(inp).replace("REPO", str(sandbox)))
    p = json.dumps({"session_id": "s", "cwd": str(sandbox), "tool_name": tool, "tool_input": inp}).encode()
    assert targets(p) == want


def test_copilots_tool_arguments_as_a_json_string_are_read_too(db, sandbox):
    p = json.dumps({"sessionId": "s", "cwd": str(sandbox), "toolName": "bash",
                    "toolArgs": json.dumps({"command": "echo > z.txt"})}).encode()
    assert targets(p) == [("file", "z.txt")]


def test_a_codex_argv_command_is_read_through_bash_minus_lc(db, sandbox):
    p = json.dumps({"session_id": "s", "cwd": str(sandbox), "tool_name": "shell",
                    "tool_input": {"command": ["bash", "-lc", "echo > q.txt"]}}).encode()
    assert targets(p) == [("file", "q.txt")]


def test_cursors_shell_and_file_edit_payloads_name_their_files(db, sandbox):
    sh = json.dumps({"conversation_id": "c", "generation_id": "g", "hook_event_name": "beforeShellExecution",
                     "workspace_roots": [str(sandbox)], "command": "echo > c.txt", "cwd": str(sandbox)}).encode()
    assert targets(sh) == [("file", "c.txt")]
    ed = json.dumps({"conversation_id": "c", "hook_event_name": "afterFileEdit", "workspace_roots": [str(sandbox)],
                     "file_path": str(sandbox / "e.py"), "edits": []}).encode()
    assert targets(ed) == [("file", "e.py")]


def test_a_long_here_document_is_skipped_not_parsed(db, sandbox):
    body = "\n".join(f"line {i} > not{i} 'unbalanced" for i in range(5000))
    t0 = time.monotonic()
    got = targets(bash(f"cat > big.txt <<'EOF'\n{body}\nEOF\necho > after.txt", sandbox))
    assert got == [("file", "after.txt"), ("file", "big.txt")]
    assert time.monotonic() - t0 < 2


def test_a_long_command_of_many_copies_is_read_without_a_join_per_argument(db, sandbox):
    cmd = "; ".join(f"echo 'x y' > f{i}.txt && cp a{i} d/" for i in range(1500))
    t0 = time.monotonic()
    got = targets(bash(cmd, sandbox))
    assert ("file", "d/a1499") in got and ("file", "f0.txt") in got and len(got) == 3000
    assert time.monotonic() - t0 < 3


# -- the payload corpus: never crash, never deny wrongly -----------------------------------

MALFORMED = [
    ("empty", b""),
    ("whitespace", b"  \n"),
    ("invalid-json", b"{not json"),
    ("truncated", b'{"session_id": "x", "tool_name": "Bash", "tool_input": {"comm'),
    ("array", b'[{"tool_name":"Write"}]'),
    ("string", b'"hello"'),
    ("null", b"null"),
    ("number", b"42"),
    ("no-fields", b"{}"),
    ("wrong-types", b'{"session_id": 5, "cwd": ["x"], "tool_name": {"a": 1}, "tool_input": "str", "stop_hook_active": "yes"}'),
    ("no-cwd", b'{"session_id":"x","tool_name":"Write","tool_input":{"file_path":"rel.txt"}}'),
    ("relative-cwd", b'{"session_id":"x","cwd":"rel","tool_name":"Write","tool_input":{"file_path":"a"}}'),
    ("invalid-utf8", b'{"session_id":"\xff\xfe","cwd":"/\xc3\x28","tool_name":"Bash","tool_input":{"command":"echo > \xff"}}'),
    ("nul-byte", b'{"session_id":"x"}\x00{"a":1}'),
    ("separators", b'{"session_id":"x"}\x1e{"tool_name":"Write"}\x1f'),
    ("two-objects", b'{"a":1}\n{"b":2}'),
    ("huge-command", json.dumps({"session_id": "x", "cwd": "/tmp", "tool_name": "Bash",
                                 "tool_input": {"command": "echo " + "y" * 1_000_000 + " > f"}}).encode()),
    ("huge-path", json.dumps({"session_id": "x", "cwd": "/tmp", "tool_name": "Write",
                              "tool_input": {"file_path": "/" + "d/" * 300_000 + "f"}}).encode()),
    ("huge-session", json.dumps({"session_id": "s" * 1_000_000, "tool_name": "Write"}).encode()),
    ("deep-nesting", b'{"tool_input":' * 5000 + b"1" + b"}" * 5000),
    ("outside-repo", b'{"session_id":"x","cwd":"/","tool_name":"Write","tool_input":{"file_path":"/etc/passwd"}}'),
    ("dot-dot", b'{"session_id":"x","cwd":"/tmp","tool_name":"Write","tool_input":{"file_path":"../../../../etc/shadow"}}'),
    ("hostile-command", json.dumps({"session_id": "x'); DROP TABLE agents; --", "cwd": "/tmp", "tool_name": "Bash",
                                    "tool_input": {"command": "'\n.shell touch /tmp/roost-pwned\n' > \"$(x)\" `y` <<<"}}).encode()),
]


@pytest.mark.parametrize("event", ["pre-tool", "post-tool", "prompt", "stop", "session-start", "session-end"])
@pytest.mark.parametrize("name,payload", MALFORMED, ids=[n for n, _ in MALFORMED])
def test_a_malformed_payload_is_allowed_silently_and_never_crashes_a_hook(db, sandbox, name, payload, event):
    r = hook(event, input=payload)
    assert r.rc == 0, r
    if event == "session-start" and r.out:
        # a payload that is still an object with a session id: bound, with context
        assert set(json.loads(r.text)) == {"hookSpecificOutput"}, r
    else:
        assert r.out == b"", r
    assert "Traceback" not in r.err and "roost:" not in r.err, r
    assert not Path("/tmp/roost-pwned").exists()
    con = sqlite3.connect(sandbox / ".roost" / "roost.db")
    assert con.execute("SELECT count(*) FROM agents").fetchone()[0] >= 0  # the database is intact


@pytest.mark.parametrize("name,payload", MALFORMED, ids=[n for n, _ in MALFORMED])
def test_a_malformed_payload_is_never_denied_even_with_leases_held(db, sandbox, name, payload):
    # Leases inside the repository on the names these payloads use outside
    # it (or not at all): a path outside the tree never matches a key in it.
    for key in ("foo.txt", "etc/passwd", "etc/shadow", "tmp/", "f", "d/"):
        assert run_roost("--agent", "alice", "lock", key).rc == 0
    for event in ("PreToolUse", "BeforeTool", "preToolUse", "beforeShellExecution"):
        r = hook(event, input=payload, env={"ROOST_AGENT": "bob"})
        assert r.rc == 0 and r.out == b"", (event, r)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_real_payload_runs_through_its_events_hook_without_error_and_allows(db, sandbox, path):
    from roost.hooks import map_event
    ev = event_of(path)
    generic, _ = map_event(ev)
    vendor = FOLDER_VENDOR[path.parent.name]
    r = hook(ev, "--vendor", vendor, input=fixture(f"{path.parent.name}/{path.name}", sandbox))
    assert r.rc == 0, r
    assert r.err == "", r
    if generic == "session-start":
        out = json.loads(r.text)  # the context, in the vendor's form
        ctx = out.get("additionalContext") or out["hookSpecificOutput"]["additionalContext"]
        assert "roost" in ctx
    else:
        assert r.out == b"", r  # nothing held, nothing unread: nothing to say


def test_a_malformed_payload_leaves_a_line_in_the_hook_log_without_its_content(db, sandbox):
    secret = "sk-SECRET-123"
    r = hook("PreToolUse", input=b'{"x": "' + secret.encode() + b'"', env={"ANTHROPIC_API_KEY": secret})
    assert r.rc == 0 and r.out == b""
    lines = log_lines(sandbox)
    assert lines and "payload is not a JSON object: allowed" in lines[-1]
    text = (sandbox / ".roost" / "hook.log").read_text()
    assert secret not in text


def test_the_hook_log_never_holds_the_environment_or_the_payload(db, sandbox):
    secret = "sk-ant-api-KEY-4242"
    env = {"ANTHROPIC_API_KEY": secret, "GEMINI_API_KEY": secret, "ROOST_HOOK_TRACE": "1"}
    for path in FIXTURES:
        p = fixture(f"{path.parent.name}/{path.name}", sandbox).replace(b"foo.txt", secret.encode())
        assert hook(event_of(path), input=p, env=env).rc == 0
    text = (sandbox / ".roost" / "hook.log").read_text()
    assert len(text.splitlines()) >= len(FIXTURES)  # traced: one line per call at least
    assert secret not in text and "echo x" not in text


# -- fail open -----------------------------------------------------------------------------------


def test_without_a_database_a_hook_allows_and_creates_nothing(sandbox):
    r = hook("PreToolUse", input=fixture("claude/PreToolUse_Write.json", sandbox))
    assert r.rc == 0 and r.out == b"", r
    assert not (sandbox / ".roost").exists()


def test_a_database_needing_migration_is_allowed_with_a_log_line(db, sandbox):
    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version = 1")
    con.close()
    for ev in ("PreToolUse", "Stop", "UserPromptSubmit", "PostToolUse"):
        r = hook(ev, input=fixture("claude/PreToolUse_Write.json", sandbox))
        assert r.rc == 0 and r.out == b"", r
    assert "needs migrating" in log_lines(sandbox)[-1]


@pytest.mark.parametrize("event,rel", [("PostToolUse", "claude/PostToolUse_Write.json"),
                                       ("UserPromptSubmit", "claude/UserPromptSubmit.json"),
                                       ("Stop", "claude/Stop.json")])
def test_a_busy_database_is_allowed_within_the_time_budget(db, sandbox, event, rel):
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")  # another writer holds the database
    try:
        t0 = time.monotonic()
        r = hook(event, input=fixture(rel, sandbox))
        took = time.monotonic() - t0
    finally:
        con.execute("ROLLBACK")
        con.close()
    assert r.rc == 0 and r.out == b"", r
    assert took < 2.0
    assert "database busy" in log_lines(sandbox)[-1]


def test_a_pre_tool_check_reads_while_another_agent_writes(db, sandbox):
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    con.execute("UPDATE agents SET last_seen = 0")
    try:
        t0 = time.monotonic()
        r = hook("PreToolUse", input=fixture("claude/PreToolUse_Write.json", sandbox))
        took = time.monotonic() - t0
    finally:
        con.execute("ROLLBACK")
        con.close()
    assert r.rc == 0 and r.out == b"", r
    assert took < 0.5  # WAL: a reader never waits for a writer


def test_a_corrupt_database_is_allowed_with_a_log_line(sandbox):
    d = sandbox / ".roost"
    d.mkdir()
    (d / "roost.db").write_bytes(b"this is not sqlite" * 100)
    r = hook("PreToolUse", input=fixture("claude/PreToolUse_Write.json", sandbox))
    assert r.rc == 0 and r.out == b"", r
    assert "allowed" in log_lines(sandbox)[-1]


# -- session start and end ---------------------------------------------------------------------


@pytest.mark.parametrize("rel,vendor", [
    ("claude/SessionStart.json", "claude"), ("codex/SessionStart.json", "codex"),
    ("gemini/SessionStart.json", "gemini"), ("copilot/sessionStart.json", "copilot"),
    ("copilot-pascal/SessionStart.json", "copilot"),
])
def test_session_start_binds_the_session_to_a_readable_generated_name(db, sandbox, rel, vendor):
    p = fixture(rel, sandbox)
    sid = json.loads(p).get("session_id") or json.loads(p)["sessionId"]
    r = hook(event_of(Path(rel)), "--vendor", vendor, input=p)
    assert r.rc == 0, r
    con = sqlite3.connect(db)
    agent, v = con.execute("SELECT agent, vendor FROM sessions WHERE id = ?", (sid,)).fetchone()
    assert re.fullmatch(rf"{vendor}-[a-z]+-[a-z]+", agent) and v == vendor
    out = json.loads(r.text)
    if vendor == "copilot":
        assert set(out) == {"additionalContext"} and agent in out["additionalContext"]
    else:
        assert out["hookSpecificOutput"]["hookEventName"] == "SessionStart"
        assert agent in out["hookSpecificOutput"]["additionalContext"]
    # the same session again (resume) keeps its agent
    assert hook(event_of(Path(rel)), "--vendor", vendor, input=p).rc == 0
    assert con.execute("SELECT count(*) FROM agents").fetchone()[0] == 1
    assert f"session bound to {agent}" in log_lines(sandbox)[0]


def test_session_start_with_roost_agent_binds_that_agent(db, sandbox):
    r = hook("SessionStart", "--vendor", "claude", input=fixture("claude/SessionStart.json", sandbox),
             env={"ROOST_AGENT": "alice"})
    assert r.rc == 0, r
    con = sqlite3.connect(db)
    assert con.execute("SELECT agent FROM sessions").fetchall() == [("alice",)]
    # ...and later hooks of that session resolve to alice without ROOST_AGENT
    who = run_roost("whoami", env={"CLAUDE_CODE_SESSION_ID": json.loads(fixture("claude/SessionStart.json", sandbox))["session_id"]})
    assert who.rc == 0 and who.text.startswith("alice"), who


def test_session_end_marks_the_session_ended_and_its_agent_gone(db, sandbox, api):
    hook("SessionStart", "--vendor", "codex", input=fixture("codex/SessionStart.json", sandbox))
    r = hook("SessionEnd", "--vendor", "codex", input=fixture("codex/SessionEnd.json", sandbox))
    assert r.rc == 0 and r.out == b"", r
    con = sqlite3.connect(db)
    assert con.execute("SELECT ended_at IS NOT NULL FROM sessions").fetchone()[0] == 1
    states = {a["agent"]: a["state"] for a in api().agents()}
    assert list(states.values()) == ["gone"]
    assert "is gone" in log_lines(sandbox)[-1]


def test_session_end_keeps_the_agent_alive_while_another_session_uses_it(db, sandbox, api):
    a = fixture("claude/SessionStart.json", sandbox)
    b = a.replace(b"66a4eefa", b"77b5ffab")
    for p in (a, b):
        assert hook("SessionStart", "--vendor", "claude", input=p, env={"ROOST_AGENT": "alice"}).rc == 0
    assert hook("SessionEnd", "--vendor", "claude", input=fixture("claude/SessionEnd.json", sandbox)).rc == 0
    assert {x["agent"]: x["state"] for x in api().agents()} == {"alice": "active"}


# -- answers in each vendor's protocol --------------------------------------------------------

def _answer(db, vendor, kind, text, event="pre-tool", evname=None):
    """The JSON hooks_answer.sql words for a decision, through Python's runner."""
    from roost import db as dbm
    from roost.hooks import _run
    c = dbm.connect(db)
    params = {"now": 1, "event": event, "evname": evname or "PreToolUse", "vflag": vendor, "agent": None,
              "root": "/r", "pwd": "/r", "env_claude": None, "env_gemini": None, "env_copilot": None}
    c.execute("CREATE TEMP TABLE hook_in(p)")
    c.execute("INSERT INTO hook_in VALUES ('{\"session_id\":\"s\"}')")
    _run(c, "parse.sql", params)
    c.execute("INSERT INTO hook_out VALUES (?, ?)", (kind, text))
    rows = _run(c, "answer.sql", params)
    return json.loads(rows[0][0][1:])


R = "foo.txt is held by alice"


@pytest.mark.parametrize("vendor,want", [
    ("claude", {"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny",
                                       "permissionDecisionReason": R}}),
    ("codex", {"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny",
                                      "permissionDecisionReason": R}}),
    ("gemini", {"decision": "deny", "reason": R}),
    ("copilot", {"permissionDecision": "deny", "permissionDecisionReason": R}),
    ("cursor", {"permission": "deny", "user_message": R, "agent_message": R}),
    (None, {"decision": "block", "reason": R, "hookSpecificOutput": {
        "hookEventName": "PreToolUse", "permissionDecision": "deny", "permissionDecisionReason": R}}),
])
def test_a_denial_is_worded_in_the_json_each_vendor_honours(db, vendor, want):
    # The forms that blocked the call and passed the reason to the model in
    # tests/fixtures/hooks/README.md (Codex: no key outside its schema).
    assert _answer(db, vendor, "deny", R) == want


@pytest.mark.parametrize("vendor,event,want", [
    ("claude", "prompt", {"hookSpecificOutput": {"hookEventName": "UserPromptSubmit", "additionalContext": "T"}}),
    ("claude", "session-start", {"hookSpecificOutput": {"hookEventName": "SessionStart", "additionalContext": "T"}}),
    ("codex", "prompt", {"hookSpecificOutput": {"hookEventName": "UserPromptSubmit", "additionalContext": "T"}}),
    ("gemini", "prompt", {"hookSpecificOutput": {"hookEventName": "BeforeAgent", "additionalContext": "T"}}),
    ("copilot", "prompt", {"additionalContext": "T"}),
    ("copilot", "session-start", {"additionalContext": "T"}),
    ("cursor", "session-start", {"additional_context": "T"}),
])
def test_context_is_worded_in_the_json_each_vendor_honours(db, vendor, event, want):
    assert _answer(db, vendor, "context", "T", event=event) == want


@pytest.mark.parametrize("vendor,want", [
    ("claude", {"decision": "block", "reason": "M"}), ("codex", {"decision": "block", "reason": "M"}),
    ("gemini", {"decision": "block", "reason": "M"}), ("copilot", {"decision": "block", "reason": "M"}),
    ("cursor", {"followup_message": "M"}),
])
def test_a_blocked_stop_is_worded_in_the_json_each_vendor_honours(db, vendor, want):
    assert _answer(db, vendor, "block", "M", event="stop") == want


@pytest.mark.parametrize("payload,env,vendor", [
    ({"session_id": "s", "turn_id": "t"}, {}, "codex"),
    ({"session_id": "s", "transcript_path": "/h/.codex/sessions/x.jsonl"}, {}, "codex"),
    ({"sessionId": "s", "toolName": "bash"}, {}, "copilot"),
    ({"session_id": "s"}, {"COPILOT_CLI": "1"}, "copilot"),
    ({"conversation_id": "c", "cursor_version": "1.7"}, {}, "cursor"),
    ({"session_id": "abc"}, {"GEMINI_SESSION_ID": "abc", "CLAUDE_CODE_SESSION_ID": "zzz"}, "gemini"),
    ({"session_id": "abc"}, {"CLAUDE_CODE_SESSION_ID": "abc"}, "claude"),
    ({"session_id": "s", "transcript_path": "/h/.gemini/tmp/x.jsonl"}, {}, "gemini"),
    ({"session_id": "s"}, {}, None),
])
def test_the_vendor_is_worked_out_from_the_payload_and_the_environment(db, sandbox, api, payload, env, vendor):
    r = api().hook("PreToolUse", json.dumps(payload), env=env)
    assert r["vendor"] == vendor
    sh = hook("PreToolUse", input=json.dumps(payload).encode(), env=dict(env, ROOST_HOOK_TRACE="1"))
    assert sh.rc == 0
    assert log_lines(sandbox)[-1].split()[2] == (vendor or "-")


@pytest.mark.parametrize("name,vendor", [("BeforeTool", "gemini"), ("agentStop", "copilot"),
                                         ("beforeShellExecution", "cursor"), ("userPromptSubmitted", "copilot")])
def test_an_event_name_only_one_vendor_uses_names_the_vendor(db, sandbox, api, name, vendor):
    assert api().hook(name, b'{"session_id":"s"}')["vendor"] == vendor


def test_the_api_runs_the_same_decisions_as_the_shell_on_real_payloads(db, sandbox, api):
    for path in FIXTURES:
        ev = event_of(path)
        if ev.lower().startswith("session"):
            continue
        p = fixture(f"{path.parent.name}/{path.name}", sandbox)
        py = api().hook(ev, p, vendor=FOLDER_VENDOR[path.parent.name])
        sh = hook(ev, "--vendor", FOLDER_VENDOR[path.parent.name], input=p)
        assert (py["stdout"], py["log"]) == (sh.text.strip(), []), path


def _via_socket(args: list[str], payload: bytes, env: dict | None = None) -> tuple[int, bytes]:
    """Run `roost hook ARGS` with stdin a socket, as Node-based CLIs (Claude
    Code, Gemini CLI) give their hooks."""
    import socket
    import subprocess
    a, b = socket.socketpair()
    e = dict(os.environ, **(env or {}))
    p = subprocess.Popen([str(REPO / "bin" / "roost"), "hook", *args], stdin=b, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=e)
    b.close()
    try:
        a.sendall(payload)
    except OSError:
        pass
    a.shutdown(socket.SHUT_WR)
    out, err = p.communicate(timeout=60)
    a.close()
    assert err == b"", err
    return p.returncode, out


@pytest.mark.parametrize("size", [0, 500, 20_000, 300_000])
def test_a_payload_on_a_socket_is_read_whole(db, sandbox, size):
    body = "x" * size
    p = json.dumps({"session_id": "s", "cwd": str(sandbox), "tool_name": "Write",
                    "tool_input": {"file_path": str(sandbox / "w.txt"), "content": body}}).encode()
    rc, out = _via_socket(["pre-tool", "--targets"], p)
    assert rc == 0
    assert json.loads(out) == [{"kind": "file", "key": "w.txt"}]


def test_an_empty_socket_is_an_empty_payload(db, sandbox):
    rc, out = _via_socket(["PreToolUse"], b"", env={"ROOST_HOOK_TRACE": "1"})
    assert rc == 0 and out == b""
    assert "empty payload" in log_lines(sandbox)[-1]


def test_a_closed_stdin_is_an_empty_payload(db, sandbox):
    import subprocess
    p = subprocess.run(["sh", "-c", f"exec <&-; exec {REPO / 'bin' / 'roost'} hook PreToolUse"],
                       capture_output=True, env=dict(os.environ, ROOST_HOOK_TRACE="1"), timeout=30, check=False)
    assert p.returncode == 0 and p.stdout == b"" and p.stderr == b"", p
    assert "empty payload" in log_lines(sandbox)[-1]
