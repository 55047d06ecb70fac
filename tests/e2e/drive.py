"""Drive the real agent CLIs (Claude Code, Codex, Gemini CLI, Copilot CLI)
offline against tests/e2e/mockmodel.py. Stdlib only; importable by pytest.

Typical use::

    from tests.e2e import drive   # or: import drive (with tests/e2e on sys.path)
    r = drive.session("claude", steps=[{"tool": "write", "path": "foo.txt",
                                        "content": "x"}],
                      prompt="write foo", workdir=tmp_path,
                      hooks={"PreToolUse": "python3 /abs/hook.py"})
    r.exit_code, r.stdout, r.stderr, r.elapsed, r.requests, r.project

Lower level: :func:`make_project`, :func:`make_home`, :func:`prepare`
(writes each CLI's config for a HOME / project / mock port and returns argv
and env), :func:`run_cli` (runs with a timeout, stdin from /dev/null, in its
own process group which is killed on timeout), :func:`hook_files` (hook
config files for one vendor from {event: command}), :func:`cli_paths`
(finds or installs the pinned CLIs via install_clis.sh).
"""
from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Mapping

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import mockmodel  # noqa: E402

VENDORS = ("claude", "codex", "gemini", "copilot")
VERSIONS = {"claude": "2.1.197", "codex": "0.169.0", "gemini": "0.61.0",
            "copilot": "1.0.102"}
BINARIES = {"claude": ("@anthropic-ai/claude-code", "claude"),
            "codex": ("@openai/codex", "codex"),
            "gemini": ("@google/gemini-cli", "gemini"),
            "copilot": ("@github/copilot", "copilot")}
INSTALL_SCRIPT = HERE / "install_clis.sh"
RECORD_HOOK = HERE / "record_hook.py"
CODEX_MODEL = "gpt-5.5"
GEMINI_MODEL = "gemini-2.5-flash"
COPILOT_MODEL = "claude-sonnet-4.5"
DUMMY_KEY = "dummy-e2e-key"

# Hook events per vendor (what the harness configures by default).
EVENTS = {
    "claude": ["SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "Stop",
               "SessionEnd"],
    "codex": ["SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "Stop",
              "SessionEnd"],
    "gemini": ["SessionStart", "BeforeAgent", "BeforeTool", "AfterTool", "AfterAgent",
               "SessionEnd"],
    "copilot": ["sessionStart", "userPromptSubmitted", "preToolUse", "postToolUse",
                "agentStop", "sessionEnd"],
}
TOOL_EVENTS = {"PreToolUse", "PostToolUse", "BeforeTool", "AfterTool", "preToolUse",
               "postToolUse"}


# --------------------------------------------------------------------------
# install / locate


def cache_dir() -> Path:
    return Path(os.environ.get("ROOST_E2E_CACHE")
                or os.path.join(os.path.expanduser("~"), ".cache", "roost-e2e"))


def _bin_path(vendor: str) -> Path:
    pkg, binname = BINARIES[vendor]
    return cache_dir() / ("%s-%s" % (vendor, VERSIONS[vendor])) / "node_modules" / ".bin" / binname


def _installed_ok(vendor: str) -> bool:
    pkg, _ = BINARIES[vendor]
    pj = cache_dir() / ("%s-%s" % (vendor, VERSIONS[vendor])) / "node_modules" / pkg / "package.json"
    try:
        return (json.loads(pj.read_text())["version"] == VERSIONS[vendor]
                and os.access(_bin_path(vendor), os.X_OK))
    except (OSError, ValueError, KeyError):
        return False


def install(vendors=VENDORS, timeout: float = 900) -> dict[str, str]:
    """Run install_clis.sh (idempotent) and return {vendor: bin path}."""
    p = subprocess.run(["sh", str(INSTALL_SCRIPT), *vendors], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=timeout,
                       env=dict(os.environ, CI=os.environ.get("CI", "true")))
    if p.returncode != 0:
        raise RuntimeError("install_clis.sh failed (%d):\n%s" % (p.returncode, p.stderr[-4000:]))
    out = {}
    for line in p.stdout.splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3:
            out[parts[0]] = parts[2]
    return out


def cli_paths(install_missing: bool = True, vendors=VENDORS) -> dict[str, str]:
    missing = [v for v in vendors if not _installed_ok(v)]
    if missing:
        if not install_missing:
            raise RuntimeError("CLIs not installed: %s" % ", ".join(missing))
        install(missing)
    return {v: str(_bin_path(v)) for v in vendors}


# --------------------------------------------------------------------------
# project / home


def _git_env(home: Path | None = None) -> dict:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
           "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "e2e", "GIT_AUTHOR_EMAIL": "e2e@example.invalid",
           "GIT_COMMITTER_NAME": "e2e", "GIT_COMMITTER_EMAIL": "e2e@example.invalid"}
    if home:
        env["HOME"] = str(home)
    return env


def make_project(path: Path, files: Mapping[str, str] | None = None) -> Path:
    """Create a fresh git repo with one commit (README.md + files)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    path = path.resolve()
    env = _git_env(path.parent)
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True, env=env,
                   stdin=subprocess.DEVNULL)
    (path / "README.md").write_text("# e2e project\n")
    for rel, text in (files or {}).items():
        f = path / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text)
    subprocess.run(["git", "add", "-A"], cwd=path, check=True, env=env,
                   stdin=subprocess.DEVNULL)
    subprocess.run(["git", "commit", "-q", "-m", "init"], cwd=path, check=True, env=env,
                   stdin=subprocess.DEVNULL)
    return path


def make_home(path: Path) -> Path:
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    for d in (".config", ".cache", ".local/share", ".local/state"):
        (path / d).mkdir(parents=True, exist_ok=True)
    return path.resolve()


def base_env(home: Path) -> dict:
    """A minimal, deterministic environment: nothing of the caller's leaks in
    (no real API keys, no CI variables) except PATH."""
    node_dir = os.path.dirname(shutil.which("node") or "/usr/bin/node")
    path = os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")
    if node_dir not in path.split(":"):
        path = node_dir + ":" + path
    home = str(home)
    return {
        "PATH": path, "HOME": home, "USER": "root", "LOGNAME": "root",
        "LANG": "C.UTF-8", "TERM": "dumb", "NO_COLOR": "1", "SHELL": "/bin/bash",
        "TMPDIR": os.environ.get("TMPDIR", "/tmp"),
        "XDG_CONFIG_HOME": home + "/.config", "XDG_CACHE_HOME": home + "/.cache",
        "XDG_DATA_HOME": home + "/.local/share", "XDG_STATE_HOME": home + "/.local/state",
        "GIT_CONFIG_NOSYSTEM": "1",
    }


# --------------------------------------------------------------------------
# hook config


def _cmd_list(cmds) -> list[str]:
    return [cmds] if isinstance(cmds, str) else list(cmds)


def hook_files(vendor: str, events: Mapping[str, object], matcher: str | None = None,
               timeout_s: int = 30, copilot_name: str = "roost-e2e.json") -> dict:
    """Hook config files for one vendor: {relative path: JSON object}.

    ``events`` maps event name -> command (or list of commands). ``matcher``
    applies to tool events only (default: every tool). For Copilot, event
    names are used as given (camelCase or PascalCase)."""
    if vendor in ("claude", "codex", "gemini"):
        hooks: dict = {}
        for ev, cmds in events.items():
            group: dict = {}
            if ev in TOOL_EVENTS:
                group["matcher"] = matcher or ("*" if vendor != "codex" else ".*")
            group["hooks"] = [{"type": "command", "command": c,
                               "timeout": timeout_s * (1000 if vendor == "gemini" else 1)}
                              for c in _cmd_list(cmds)]
            hooks[ev] = [group]
        rel = {"claude": ".claude/settings.json", "codex": ".codex/hooks.json",
               "gemini": ".gemini/settings.json"}[vendor]
        return {rel: {"hooks": hooks}}
    if vendor == "copilot":
        hooks = {ev: [{"type": "command", "bash": c, "timeoutSec": timeout_s}
                      for c in _cmd_list(cmds)] for ev, cmds in events.items()}
        return {".github/hooks/" + copilot_name: {"version": 1, "hooks": hooks}}
    raise ValueError(vendor)


def write_files(root: Path, files: Mapping[str, object]) -> None:
    for rel, content in files.items():
        f = Path(root) / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        if not isinstance(content, (str, bytes)):
            content = json.dumps(content, indent=2) + "\n"
        if isinstance(content, bytes):
            f.write_bytes(content)
        else:
            f.write_text(content)


def record_cmd(log: Path, vendor: str, event: str, *opts: str) -> str:
    """Shell command line running record_hook.py (see its docstring)."""
    import shlex
    return " ".join(shlex.quote(x) for x in
                    [sys.executable or "python3", str(RECORD_HOOK), str(log), vendor, event,
                     *opts])


def apply_hooks(vendor: str, project: Path, home: Path, hooks) -> None:
    """hooks: None; a callable(project, home); a {relpath: content} dict of
    files (keys containing '/' or ending in .json); or an {event: command}
    dict passed to hook_files."""
    if hooks is None:
        return
    if callable(hooks):
        hooks(project, home)
        return
    if all(("/" in k or k.endswith(".json")) for k in hooks):
        write_files(project, hooks)
    else:
        write_files(project, hook_files(vendor, hooks))


# --------------------------------------------------------------------------
# per-vendor config


def prepare(vendor: str, project: Path, home: Path, port: int, prompt: str,
            extra_args=(), output: str = "json", bins: Mapping[str, str] | None = None
            ) -> tuple[list[str], dict]:
    """Write the vendor's config into HOME and return (argv, env)."""
    project = Path(project).resolve()
    home = Path(home)
    bins = bins or cli_paths()
    env = base_env(home)
    base = "http://127.0.0.1:%d" % port
    if vendor == "claude":
        env.update(ANTHROPIC_BASE_URL=base, ANTHROPIC_API_KEY=DUMMY_KEY,
                   DISABLE_TELEMETRY="1", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1",
                   DISABLE_AUTOUPDATER="1", DISABLE_ERROR_REPORTING="1")
        argv = [bins["claude"], "-p", prompt, "--permission-mode", "acceptEdits",
                "--allowedTools", "Bash"]
        if output == "stream-json":
            argv += ["--output-format", "stream-json", "--verbose"]
        else:
            argv += ["--output-format", output]
    elif vendor == "codex":
        codex_home = home / ".codex"
        codex_home.mkdir(parents=True, exist_ok=True)
        (codex_home / "config.toml").write_text(
            'model = "%s"\n'
            'model_provider = "mock"\n'
            'approval_policy = "never"\n'
            'sandbox_mode = "danger-full-access"\n'
            'check_for_update_on_startup = false\n'
            '\n'
            '[model_providers.mock]\n'
            'name = "mock"\n'
            'base_url = "%s/v1"\n'
            'wire_api = "responses"\n'
            'env_key = "MOCK_API_KEY"\n'
            'request_max_retries = 0\n'
            'stream_max_retries = 0\n'
            '\n'
            '[projects.%s]\n'
            'trust_level = "trusted"\n' % (CODEX_MODEL, base, json.dumps(str(project))))
        env.update(CODEX_HOME=str(codex_home), MOCK_API_KEY=DUMMY_KEY)
        argv = [bins["codex"], "exec", "--dangerously-bypass-hook-trust", "--skip-git-repo-check"]
        if output in ("json", "stream-json"):
            argv.append("--json")
        argv.append(prompt)
    elif vendor == "gemini":
        gdir = home / ".gemini"
        gdir.mkdir(parents=True, exist_ok=True)
        write_files(gdir, {
            "settings.json": {"security": {"auth": {"selectedType": "gemini-api-key"}},
                              "privacy": {"usageStatisticsEnabled": False},
                              "telemetry": {"enabled": False},
                              "general": {"disableAutoUpdate": True,
                                          "disableUpdateNag": True}},
            "trustedFolders.json": {str(project): "TRUST_FOLDER"},
        })
        env.update(GOOGLE_GEMINI_BASE_URL=base, GEMINI_API_KEY=DUMMY_KEY)
        argv = [bins["gemini"], "--yolo", "-m", GEMINI_MODEL, "-p", prompt]
        if output in ("json", "stream-json", "text"):
            argv += ["--output-format", output]
    elif vendor == "copilot":
        env.update(COPILOT_OFFLINE="true", COPILOT_PROVIDER_BASE_URL=base,
                   COPILOT_PROVIDER_TYPE="anthropic", COPILOT_PROVIDER_API_KEY=DUMMY_KEY,
                   COPILOT_MODEL=COPILOT_MODEL, COPILOT_ALLOW_ALL="true",
                   COPILOT_AUTO_UPDATE="false")
        argv = [bins["copilot"], "-p", prompt]
    else:
        raise ValueError("unknown vendor %r" % vendor)
    return argv + list(extra_args), env


# --------------------------------------------------------------------------
# running


@dataclasses.dataclass
class RunResult:
    vendor: str
    exit_code: int | None  # None: killed on timeout
    stdout: str
    stderr: str
    elapsed: float
    timed_out: bool
    argv: list
    project: Path | None = None
    home: Path | None = None
    requests: list = dataclasses.field(default_factory=list)  # mock log records

    def model_inputs(self) -> str:
        """All request bodies the mock received, as one JSON text (for `in`)."""
        return "\n".join(json.dumps(r.get("body")) for r in self.requests)


def run_cli(vendor: str, project: Path, home: Path, port: int, prompt: str,
            hooks=None, timeout: float = 120, extra_args=(), extra_env=None,
            output: str = "json") -> RunResult:
    """Configure and run one CLI in ``project`` with HOME=``home`` against the
    mock on ``port``. Returns a RunResult (requests left empty)."""
    apply_hooks(vendor, Path(project), Path(home), hooks)
    argv, env = prepare(vendor, project, home, port, prompt, extra_args, output)
    if extra_env:
        env.update(extra_env)
    t0 = time.monotonic()
    p = subprocess.Popen(argv, cwd=str(project), env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         start_new_session=True)
    timed_out = False
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = p.communicate()
    elapsed = time.monotonic() - t0
    # Reap any stragglers the CLI left in its group (e.g. a hung hook).
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    return RunResult(vendor, None if timed_out else p.returncode,
                     out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
                     round(elapsed, 3), timed_out, argv, Path(project), Path(home))


def session(vendor: str, steps, prompt: str, workdir: Path, hooks=None,
            timeout: float = 120, extra_args=(), extra_env=None, output: str = "json",
            project_files: Mapping[str, str] | None = None) -> RunResult:
    """One whole scripted run: fresh project (git repo) and HOME under
    ``workdir``, an in-process mock playing ``steps``, the CLI run, the
    mock's request log attached to the result (also at workdir/mock.jsonl).
    ``hooks`` may be a callable(project, home) or a dict (see apply_hooks)."""
    workdir = Path(workdir)
    project = make_project(workdir / "proj", project_files)
    home = make_home(workdir / "home")
    script = {"cwd": str(project), "steps": list(steps)}
    (workdir / "script.json").write_text(json.dumps(script, indent=2))
    log = workdir / "mock.jsonl"
    with mockmodel.MockModel(script, str(log), max_lifetime=timeout + 60,
                             idle_timeout=timeout + 30) as mock:
        r = run_cli(vendor, project, home, mock.port, prompt, hooks=hooks, timeout=timeout,
                    extra_args=extra_args, extra_env=extra_env, output=output)
        r.requests = mock.requests()
    return r


def read_jsonl(path: Path) -> list[dict]:
    try:
        with open(path, encoding="utf-8") as fh:
            return [json.loads(l) for l in fh if l.strip()]
    except FileNotFoundError:
        return []


if __name__ == "__main__":  # tiny manual entry point
    import argparse
    import tempfile
    ap = argparse.ArgumentParser()
    ap.add_argument("vendor", choices=VENDORS)
    ap.add_argument("--prompt", default="write foo.txt, then run a shell command")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    d = Path(tempfile.mkdtemp(prefix="roost-e2e-"))
    steps = [{"tool": "write", "path": "foo.txt", "content": "x\n"},
             {"tool": "shell", "command": "echo x > bar.txt"}, {"text": "done"}]
    r = session(a.vendor, steps, a.prompt, d, timeout=a.timeout)
    print(json.dumps({"exit": r.exit_code, "elapsed": r.elapsed, "timed_out": r.timed_out,
                      "foo": (r.project / "foo.txt").exists(),
                      "bar": (r.project / "bar.txt").exists(),
                      "requests": len(r.requests), "dir": str(d)}, indent=1))
    print(r.stdout[-2000:])
    print(r.stderr[-2000:], file=sys.stderr)
    if not a.keep:
        shutil.rmtree(d, ignore_errors=True)
