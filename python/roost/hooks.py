"""Hooks: roost answering an agent CLI's hook events.

`roost hook EVENT` is shell-owned (lib/roost/commands/hook.sh): pre-tool,
post-tool, prompt and stop run as one sqlite3 process over the SQL in
schema/hooks_*.sql. This module runs the same SQL for the Python API
(`Roost.hook`) and the parity tests, and owns the two events that run once
per session (session-start, session-end), which the shell hands over with
`main()`.

Whatever happens, a hook fails open: an error, a missing database, a
malformed payload or the 2 s budget running out allow the action, print
nothing and add a line to hook.log next to the database. The log never
holds the payload or the environment (some CLIs pass API keys to hooks).
"""
from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Mapping
from typing import Any

from . import db as dbm
from .text import sqltext

BUDGET_S = 2.0
VENDORS = ("claude", "codex", "gemini", "copilot", "cursor")
GENERIC = ("session-start", "prompt", "pre-tool", "post-tool", "stop", "session-end")

# Event names as each vendor's configuration spells them -> (generic event,
# the vendor only that name implies). Mirrors _roost_hook_event.
EVENTS: dict[str, tuple[str, str | None]] = {
    "session-start": ("session-start", None), "SessionStart": ("session-start", None),
    "sessionStart": ("session-start", None),
    "prompt": ("prompt", None), "UserPromptSubmit": ("prompt", None),
    "userPromptSubmitted": ("prompt", "copilot"), "BeforeAgent": ("prompt", "gemini"),
    "beforeSubmitPrompt": ("prompt", "cursor"),
    "pre-tool": ("pre-tool", None), "PreToolUse": ("pre-tool", None), "preToolUse": ("pre-tool", None),
    "BeforeTool": ("pre-tool", "gemini"), "beforeShellExecution": ("pre-tool", "cursor"),
    "post-tool": ("post-tool", None), "PostToolUse": ("post-tool", None),
    "postToolUse": ("post-tool", None), "AfterTool": ("post-tool", "gemini"),
    "afterFileEdit": ("post-tool", "cursor"), "afterShellExecution": ("post-tool", "cursor"),
    "stop": ("stop", None), "Stop": ("stop", None), "agentStop": ("stop", "copilot"),
    "AfterAgent": ("stop", "gemini"),
    "session-end": ("session-end", None), "SessionEnd": ("session-end", None),
    "sessionEnd": ("session-end", None),
}

_ADJ = ("amber", "bold", "brisk", "calm", "clever", "coral", "crisp", "deft", "eager", "fair",
        "fleet", "gentle", "glad", "keen", "kind", "lively", "lucid", "merry", "mild", "nimble",
        "noble", "plucky", "proud", "quick", "quiet", "rapid", "ready", "sage", "sharp", "sly",
        "snug", "spry", "steady", "sunny", "swift", "tidy", "true", "vivid", "warm", "wise",
        "witty", "zesty")
_NOUN = ("badger", "beaver", "bison", "crane", "curlew", "egret", "falcon", "ferret", "finch",
         "fox", "gecko", "heron", "ibis", "jay", "kestrel", "kite", "koala", "lark", "lemur",
         "lynx", "marten", "mink", "newt", "otter", "owl", "panda", "petrel", "plover", "puffin",
         "quail", "raven", "robin", "seal", "shrike", "stoat", "swift", "tern", "vole", "wren",
         "yak")


def map_event(name: str) -> tuple[str | None, str | None]:
    """(generic event, implied vendor) for an event name; (None, None) for
    an event roost ignores."""
    return EVENTS.get(name, (None, None))


def tree_top(cwd: str | None = None, root: str | None = None) -> str:
    """The top of the working tree: the nearest ancestor of cwd with a .git,
    else ROOT. Lease keys are relative to it (as in lib/roost/leases.sh)."""
    d = os.path.realpath(cwd or os.getcwd())
    cur = d
    while True:
        if os.path.lexists(os.path.join(cur, ".git")):
            return cur
        parent = os.path.dirname(cur)
        if parent == cur:
            return root or dbm.find_root(d)
        cur = parent


def generate_name(conn: sqlite3.Connection, vendor: str | None, seed: str) -> str:
    """A readable agent id not in use yet: VENDOR-ADJECTIVE-ANIMAL, picked
    from the session id (so a retry names the same session the same)."""
    import hashlib  # only here: costly to import for every command
    h = int(hashlib.sha256(seed.encode("utf-8", "surrogateescape")).hexdigest(), 16)
    prefix = vendor if vendor in VENDORS else "agent"
    n = len(_ADJ) * len(_NOUN)
    for i in range(n + 1000):
        k = (h + i) % n
        name = f"{prefix}-{_ADJ[k % len(_ADJ)]}-{_NOUN[k // len(_ADJ)]}"
        if i >= n:
            name += f"-{i - n + 2}"
        if conn.execute("SELECT 1 FROM agents WHERE id = ?", (name,)).fetchone() is None:
            return name
    raise RuntimeError("no free agent name")


def _sql_file(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return list(dbm._statements(f.read()))


_CACHE: dict[str, list[str]] = {}


def _stmts(name: str) -> list[str]:
    """Statements of a shared SQL file: 'parse.sql' is schema/hooks_parse.sql,
    'leases_match.sql' the leases capability's schema/leases_match.sql."""
    if name not in _CACHE:
        base = name if name.startswith("leases_") else "hooks_" + name
        _CACHE[name] = _sql_file(os.path.join(dbm.SCHEMA_DIR, base))
    return _CACHE[name]


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                        (name,)).fetchone() is not None


def steps(event: str, leases: bool, messages: bool) -> tuple[list[str], list[str]]:
    """(quick, full): the SQL steps of a hot-path event, as in the shell
    (_roost_hook_sql). The quick part settles the common cases; the full
    one runs only when it set hook_gate.full."""
    if event == "pre-tool" and leases:
        return (["norm", "gate_pre", "deny", "take"],
                ["targets", "norm", "@leases", "pre", "@reset", "deny", "take"])
    if event == "post-tool":
        extra = ["renew"] if leases else []
        return ["norm", "gate_post", "post"] + extra, ["targets", "norm", "@reset", "post"] + extra
    if event in ("prompt", "stop") and messages:
        return [f"gate_{event}"], [event, "msgs", f"{event}_say"]
    return [], []


def _step(conn: sqlite3.Connection, step: str, params: dict[str, Any]) -> None:
    if step == "@leases":
        _run(conn, "leases_begin.sql", params)
        conn.execute("INSERT INTO lease_req(n, kind, key, shared) SELECT row_number() OVER "
                     "(ORDER BY kind, key), kind, key, 0 FROM hook_tgt")
        _run(conn, "leases_match.sql", params)
    elif step == "@reset":
        conn.execute("UPDATE hook_gate SET full = 0")
    else:
        _run(conn, f"{step}.sql", params)


def _run(conn: sqlite3.Connection, name: str, params: dict[str, Any]) -> list[sqlite3.Row]:
    rows: list = []
    for st in _stmts(name):
        cur = conn.execute(st, params)
        if cur.description:
            rows += cur.fetchall()
    return rows


class HooksMixin:
    """`Roost.hook`: answer an agent CLI's hook, as `roost hook` does."""

    def hook(self, event: str, payload: bytes | str | None, *, vendor: str | None = None,
             env: Mapping[str, str] | None = None, pwd: str | None = None) -> dict[str, Any]:
        """Answer one hook call. Returns {"stdout": the JSON answer or "",
        "log": [lines for hook.log], "vendor", "agent"}. Never raises for a
        bad payload: like the shell, it allows and says why in "log"."""
        env = os.environ if env is None else env
        generic, hint = map_event(event)
        out: dict[str, Any] = {"stdout": "", "log": [], "vendor": None, "agent": None}
        if generic is None:
            return out
        if not os.path.exists(self.path):
            out["log"].append(f"no roost database at {self.path}: allowed")
            return out
        if isinstance(payload, str):
            payload = payload.encode("utf-8", "surrogateescape")
        pwd = pwd or os.getcwd()
        explicit = self.agent if self.agent_how in ("argument", "--agent", "ROOST_AGENT") else None
        params: dict[str, Any] = {
            "now": dbm.now(), "event": generic, "evname": event,
            "vflag": vendor if vendor in VENDORS else hint, "agent": explicit,
            "root": tree_top(pwd, self.root), "pwd": pwd,
            "env_claude": env.get("CLAUDE_CODE_SESSION_ID") or None,
            "env_gemini": env.get("GEMINI_SESSION_ID") or None,
            "env_copilot": 1 if env.get("COPILOT_CLI") else None,
            "check": 1, "me": None, "waitid": None, "json": None, "quiet": None, "ttl": None,
        }
        conn = dbm.connect(self.path, auto_migrate=False)
        conn.text_factory = lambda b: b.decode("utf-8", "surrogateescape")
        try:
            conn.execute("INSERT OR REPLACE INTO roost_ctx VALUES ('now', ?)", (params["now"],))
            conn.execute("CREATE TEMP TABLE hook_in(p)")
            if payload:
                conn.execute("INSERT INTO hook_in VALUES (CAST(? AS TEXT))", (sqltext(payload.decode("utf-8", "surrogateescape")),))
            slow = generic in ("session-start", "session-end")
            begin = "BEGIN" if generic == "pre-tool" or slow else "BEGIN IMMEDIATE"
            conn.execute(begin)
            _run(conn, "parse.sql", params)
            h = conn.execute("SELECT * FROM hook").fetchone()
            params["me"] = h["me"] if h else None
            quick, full = steps(generic, _has_table(conn, "leases"), _has_table(conn, "deliveries"))
            if h is not None:
                for step in quick:
                    _step(conn, step, params)
            conn.execute("COMMIT")
            if h is not None and full and conn.execute("SELECT full FROM hook_gate").fetchone()[0]:
                conn.execute(begin)
                for step in full + ["@reset"]:
                    _step(conn, step, params)
                conn.execute("COMMIT")
            if h is not None and slow:
                fn = self._hook_session_start if generic == "session-start" else self._hook_session_end
                text, logs, agent = fn(dict(h), params, env)
                conn.execute("UPDATE hook SET me = ?", (agent,))
                conn.executemany("INSERT INTO hook_log(msg) VALUES (?)", [(x,) for x in logs])
                if text:
                    conn.execute("INSERT INTO hook_out(kind, text) VALUES ('context', ?)", (text,))
                h = conn.execute("SELECT * FROM hook").fetchone()
            rows = _run(conn, "answer.sql", params)
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.close()
        take: list[str] = []
        for r in rows:
            s = r[0]
            if s.startswith("\x1e"):
                out["stdout"] = s[1:]
            elif s.startswith("\x1f"):
                f = s[1:].split("\t", 5)
                out["vendor"] = None if f[1] == "-" else f[1]
                out["agent"] = None if f[2] == "-" else f[2]
                out["blockers"] = [tuple(x.split(",", 2)) for x in f[3].split()] if f[3] else []
                take = f[4].split()
                if f[5]:
                    out["log"].append(f[5])
        if take and not out["stdout"] and out["agent"]:
            out["log"].append(self._hook_take(out["agent"], int(take[0]), take[1:], params["root"]))
        if out.get("blockers") and out["stdout"]:
            from .proc import pid_dead
            if all(pid_dead(int(p), st or None, host or None) for p, st, host in out["blockers"]):
                out["log"] = [f"the holders' processes are gone: allowed (was: {'; '.join(out['log'])})"]
                out["stdout"] = ""
        return out

    def hook_targets(self, payload: bytes | str, *, vendor: str | None = None,
                     pwd: str | None = None, event: str = "pre-tool") -> list[dict[str, str]]:
        """The files a tool call would write, as lease keys ({"kind", "key"}):
        what `roost hook pre-tool --targets` prints."""
        if isinstance(payload, str):
            payload = payload.encode("utf-8", "surrogateescape")
        pwd = pwd or os.getcwd()
        params = {"now": dbm.now(), "event": event, "evname": event, "vflag": vendor, "agent": None,
                  "root": tree_top(pwd, self.root), "pwd": pwd, "env_claude": None,
                  "env_gemini": None, "env_copilot": None}
        conn = dbm.connect(self.path, auto_migrate=False)
        conn.text_factory = lambda b: b.decode("utf-8", "surrogateescape")
        try:
            conn.execute("CREATE TEMP TABLE hook_in(p)")
            if payload:
                conn.execute("INSERT INTO hook_in VALUES (CAST(? AS TEXT))",
                             (sqltext(payload.decode("utf-8", "surrogateescape")),))
            _run(conn, "parse.sql", params)
            _run(conn, "targets.sql", params)
            _run(conn, "norm.sql", params)
            return [{"kind": r[0], "key": r[1]} for r in
                    conn.execute("SELECT kind, key FROM hook_tgt ORDER BY kind, key")]
        finally:
            conn.close()

    def _hook_take(self, agent: str, ttl: int, keys: list[str], tree: str) -> str:
        """lease_on_edit: lease keys for agent (the leases capability's grant)."""
        from .api import Roost
        from .errors import RoostError
        try:
            with Roost(self.path, agent) as r:
                r.lock(keys, ttl=ttl, reason="editing (lease_on_edit)", cwd=tree)
        except RoostError:
            return f"could not lease {' '.join(keys)} (lease_on_edit): allowed"
        return f"leased {' '.join(keys)} for {ttl}s (lease_on_edit)"

    # -- once per session -------------------------------------------------------

    def _hook_session_start(self, h: dict[str, Any], params: dict[str, Any],
                            env: Mapping[str, str]) -> tuple[str | None, list[str], str | None]:
        """Bind the session to an agent (explicit id, the agent already bound
        to it, the agent registered with the same CLI process, or a new one
        with a generated name), record the CLI's process, return the context."""
        from . import proc
        from .api import Roost
        sid, vendor = h["sid"], h["vendor"]
        agent, how = h["me"], ("ROOST_AGENT" if params["agent"] else "session")
        if not sid and not agent:
            return None, ["no session id in the payload: nothing bound"], None
        found = proc.find_agent_process()
        conn = dbm.connect(self.path, auto_migrate=False)
        try:
            if not agent and found:
                r = conn.execute("SELECT id FROM agents WHERE pid = ? AND pid_start = ? AND host = ? "
                                 "ORDER BY last_seen DESC LIMIT 1", (found[0], found[1], proc.host())).fetchone()
                if r:
                    agent, how = r[0], "the same agent process"
            if not agent:
                agent, how = generate_name(conn, vendor, sid or f"{time.time()}{os.getpid()}"), "a generated name"
        finally:
            conn.close()
        with Roost(self.path, agent) as r:
            r.register(agent, session=sid, vendor=vendor,
                       pid=found[0] if found else None, find_process=False)
            text = self._hook_context(r, agent, how, vendor)
            logs = [f"session bound to {agent} ({how})" if sid else f"no session id: {agent} registered ({how})"]
            try:
                from .links import scan
                n = scan(r.conn, params["root"])
                if n:
                    logs.append(f"{n} symbolic link(s) in the tree noted for the write checks")
            except Exception as e:  # noqa: BLE001 (the links are a refinement: never cost the binding)
                logs.append(f"could not list the tree's symbolic links: {type(e).__name__}")
        return text, logs, agent

    def _hook_context(self, r: Any, agent: str, how: str, vendor: str | None) -> str:
        if vendor in ("gemini", "cursor") or vendor is None:
            ident = (f"Your roost id is `{agent}`: pass `--agent {agent}` to roost commands you run "
                     f"(or `export ROOST_AGENT={agent}` in the same command).")
        else:
            ident = (f"Your roost id is `{agent}`; roost commands run from your shell know it "
                     "from this session.")
        head = (f"roost: other AI agents may be working in this repository. {ident} "
                "Before editing a file, `roost lock PATH` (exit 2: someone else holds it); "
                "read messages with `roost recv`, answer with `roost send AGENT TEXT`. "
                "Edits of files other agents hold are denied by a hook; messages to you "
                "appear in your context.")
        prime = getattr(r, "prime", None)
        if prime is not None:
            try:
                return head + "\n\n" + prime()["text"]
            except Exception as e:  # noqa: BLE001 (a failing section must not cost the binding)
                return head + f"\n\n(`roost prime` failed: {type(e).__name__}; run it yourself.)"
        others = [a for a in r.agents() if a["agent"] != agent and a["state"] != "gone"]
        if others:
            head += " Here now: " + ", ".join(f"{a['agent']} ({a['state']})" for a in others[:20]) + "."
        return head

    def _hook_session_end(self, h: dict[str, Any], params: dict[str, Any],
                          env: Mapping[str, str]) -> tuple[str | None, list[str], str | None]:
        """Mark the session ended; its agent is gone unless another live
        session uses the same id; release its leases when configured."""
        import json

        from . import proc
        sid, agent = h["sid"], h["me"]
        if not sid or not agent:
            return None, ["no session bound: nothing to end"], agent
        conn = dbm.connect(self.path, auto_migrate=False)
        logs = []
        try:
            with dbm.transaction(conn, params["now"]) as now:
                conn.execute("UPDATE sessions SET ended_at = ? WHERE id = CAST(? AS TEXT) AND ended_at IS NULL",
                             (now, sqltext(sid)))
                live = [s for s in conn.execute(
                    "SELECT pid, pid_start, host FROM sessions WHERE agent = ? AND ended_at IS NULL "
                    "AND id != CAST(? AS TEXT)", (agent, sqltext(sid))).fetchall()
                    if not proc.pid_dead(s["pid"], s["pid_start"], s["host"])]
                if not live:
                    conn.execute("UPDATE agents SET ended_at = ? WHERE id = ?", (now, agent))
                conn.execute("INSERT INTO emit(agent, kind, target, body, at) VALUES (?, 'session.end', ?, ?, ?)",
                             (agent, agent, json.dumps({"vendor": h["vendor"], "gone": not live}), now))
                release = conn.execute("SELECT value FROM settings WHERE key = 'release_on_session_end'").fetchone()
                if release and release[0] == "1" and not live and _has_table(conn, "leases"):
                    n = conn.execute("SELECT count(*) FROM leases WHERE holder = ? AND wait IS NULL",
                                     (agent,)).fetchone()[0]
                    _run(conn, "release.sql", dict(params, me=agent, now=now))
                    logs.append(f"released {n} lease{'s' if n != 1 else ''}")
            logs.insert(0, "session ended" + ("" if live else f": {agent} is gone"))
        finally:
            conn.close()
        return None, logs, agent

# -- the shell's slow path ------------------------------------------------------------


def _log_line(db: str, event: str, vendor: str | None, agent: str | None, msg: str) -> None:
    d = os.path.dirname(os.path.abspath(db))
    if not os.path.isdir(d):
        return
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    from .text import one_line
    line = f"{stamp} {event} {vendor or '-'} {agent or '-'}: {one_line(msg)[:500]}\n"
    try:
        with open(os.path.join(d, "hook.log"), "a", encoding="utf-8", errors="replace") as f:
            f.write(line)
    except OSError:
        pass


def main(argv: list[str]) -> None:
    """`roost hook` for session-start and session-end, called by the shell:
    EVENT --evname NAME --vendor V --db PATH [--agent ID]. Always exits 0."""
    import signal
    args = {"event": argv[0] if argv else ""}
    for i in range(1, len(argv) - 1):
        if argv[i] in ("--evname", "--vendor", "--db", "--agent"):
            args[argv[i][2:]] = argv[i + 1]
    db = args.get("db") or dbm.locate()[0]
    event = args.get("evname") or args["event"]

    def expired(signum, frame):
        _log_line(db, args["event"], args.get("vendor"), None, f"took over {BUDGET_S:g}s: allowed")
        os._exit(0)

    if hasattr(signal, "SIGALRM"):
        signal.signal(signal.SIGALRM, expired)
        signal.setitimer(signal.ITIMER_REAL, BUDGET_S)
    res: dict[str, Any] = {"stdout": "", "log": []}
    try:
        payload = sys.stdin.buffer.read()
        from .api import Roost
        with Roost(db, args.get("agent") or None) as r:
            res = r.hook(event, payload, vendor=args.get("vendor") or None)
    except Exception as e:
        if os.environ.get("ROOST_DEBUG"):
            raise
        res = {"stdout": "", "log": [f"internal error: {type(e).__name__}: allowed"]}
    if hasattr(signal, "SIGALRM"):
        signal.setitimer(signal.ITIMER_REAL, 0)
    if res.get("stdout"):
        sys.stdout.write(res["stdout"] + "\n")
        sys.stdout.flush()
    for line in res["log"] or (["allowed"] if os.environ.get("ROOST_HOOK_TRACE") else []):
        _log_line(db, args["event"], res.get("vendor"), res.get("agent"), line)
