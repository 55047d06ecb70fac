"""Processes: finding the agent CLI that runs us, and telling dead from alive.

Liveness rests on a pid only when one is known: the agent CLI's long-lived
process found by walking our ancestry (or given with ROOST_PID). A pid is
dead when /proc has no such process or its start time changed (the number
was recycled). Only pids on this host are ever judged.
"""
from __future__ import annotations

import os

# Process names (comm, or a word of the command line for node-based CLIs)
# that are agent CLIs. Matching is on the basename, lowercased.
AGENT_NAMES = (
    "claude", "codex", "codex-exec", "gemini", "copilot", "cursor-agent", "cursor",
    "aider", "goose", "opencode", "amp", "qwen", "crush",
)
_INTERPRETERS = ("node", "bun", "deno", "python", "python3")


def host() -> str:
    try:
        with open("/proc/sys/kernel/hostname") as f:
            name = f.read().strip()
    except OSError:
        name = ""
    if not name:
        import socket  # costly to import; only where /proc is missing
        name = socket.gethostname()
    return name


def _stat(pid: int) -> tuple[str, int, str] | None:
    """(comm, ppid, start time) of pid from /proc, or None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read().decode("utf-8", "replace")
    except OSError:
        return None
    lp, rp = data.find("("), data.rfind(")")
    if lp < 0 or rp < 0:
        return None
    comm = data[lp + 1:rp]
    rest = data[rp + 2:].split()
    # rest[0] is field 3 (state); ppid is field 4; starttime is field 22.
    try:
        return comm, int(rest[1]), rest[19]
    except (IndexError, ValueError):
        return None


def start_time(pid: int) -> str | None:
    st = _stat(pid)
    return st[2] if st else None


def _cmdline_words(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            raw = f.read()
    except OSError:
        return []
    return [w.decode("utf-8", "replace") for w in raw.split(b"\0") if w]


# npm packages of the agent CLIs: a node process running a file inside one
# of these is that CLI.
_PACKAGES = ("/@anthropic-ai/claude-code/", "/@openai/codex/", "/@google/gemini-cli/",
             "/@github/copilot/", "/@qwen-code/", "/opencode-ai/", "/@sourcegraph/amp/")


def _names_agent(word: str) -> bool:
    """True for an agent CLI's executable or entry script; strict, because a
    short-lived process taken for the agent would make it look dead."""
    w = word.lower()
    if any(p in w for p in _PACKAGES):
        return True
    base = os.path.basename(w)
    return any(base == n or base == n + ".js" or base == n + ".exe" for n in AGENT_NAMES)


def _is_agent(pid: int, comm: str) -> bool:
    """An agent CLI, recognised by its command line or executable: comm
    alone is not enough (Copilot's native binary runs as 'MainThread',
    Gemini CLI is 'node')."""
    name = comm.lower()
    if any(name == n or name.startswith(n + "-") for n in AGENT_NAMES):
        return True
    words = _cmdline_words(pid)
    if words and _names_agent(words[0]):
        return True
    if name in _INTERPRETERS or name.startswith("node") or (words and os.path.basename(words[0]) in _INTERPRETERS):
        # node /usr/lib/node_modules/@google/gemini-cli/dist/index.js, node .../bin/gemini
        for w in words[1:4]:
            if not w.startswith("-") and _names_agent(w):
                return True
    try:
        return _names_agent(os.readlink(f"/proc/{pid}/exe"))
    except OSError:
        return False


def find_agent_process(start: int | None = None) -> tuple[int, str] | None:
    """The nearest ancestor that is an agent CLI, as (pid, start time).

    ROOST_PID overrides the search. A short-lived shell or roost itself is
    never taken for the agent: when no agent CLI is found, None."""
    env = os.environ.get("ROOST_PID", "")
    if env.isdigit():
        pid = int(env)
        st = start_time(pid)
        return (pid, st) if st else None
    pid = os.getppid() if start is None else start
    for _ in range(64):
        if pid <= 1:
            return None
        st = _stat(pid)
        if st is None:
            return None
        comm, ppid, stime = st
        if _is_agent(pid, comm):
            return pid, stime
        pid = ppid
    return None


def pid_dead(pid: int | None, pid_start: str | None, pid_host: str | None) -> bool:
    """True only when the process is provably gone: on this host, and /proc
    has no such pid or the pid now belongs to a process started later."""
    if not pid or pid_host != host():
        return False
    if not os.path.isdir("/proc/self"):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False
    st = start_time(pid)
    if st is None:
        return True
    return bool(pid_start) and st != pid_start
