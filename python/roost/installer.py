"""`roost install` / `roost uninstall`: set roost up for the agent CLIs.

Install writes, for each chosen vendor: the skill (skills/roost/) where the
vendor looks for skills, the `roost hook` commands merged into the vendor's
hook configuration (the user's own hooks and settings kept), the managed
AGENTS.md section and a CLAUDE.md that imports AGENTS.md (project scope),
and optionally a git pre-commit guard. Every file it changes is backed up
first and recorded in a manifest; running it again changes nothing.

Uninstall undoes exactly that: a file nobody touched since is restored
byte for byte from its backup (or removed, when install created it); a
file edited since loses only roost's entries, and so does one a later
install rewrote after the user edited it. The database is kept.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .errors import RoostError, UsageError

VENDORS = ("claude", "codex", "gemini", "copilot", "cursor")
MANIFEST_VERSION = 1
# A hook command roost wrote: ".../roost hook EVENT --vendor V".
OURS = re.compile(r"(^|[/\s'\"])roost['\"]? hook \S+ --vendor (claude|codex|gemini|copilot|cursor)\s*$")
GUARD_MARK = "# roost pre-commit guard (installed by `roost install --git-hook`)"
CHAINED = "pre-commit.roost-chained"
TIMEOUT_S = 10   # the vendors' own limit: the hard backstop (docs/hooks.md, "Fail open")

# Per vendor: (event, matcher or None). Tool events only fire for the tools
# that can write files; the rest fire for every prompt, stop and session.
EVENTS: dict[str, list[tuple[str, str | None]]] = {
    "claude": [("SessionStart", None), ("UserPromptSubmit", None),
               ("PreToolUse", "Write|Edit|MultiEdit|NotebookEdit|Bash"),
               ("PostToolUse", "Write|Edit|MultiEdit|NotebookEdit|Bash"),
               ("Stop", None), ("SessionEnd", None)],
    "codex": [("SessionStart", None), ("UserPromptSubmit", None),
              ("PreToolUse", "Bash|apply_patch|Edit|Write"),
              ("PostToolUse", "Bash|apply_patch|Edit|Write"),
              ("Stop", None), ("SessionEnd", None)],
    "gemini": [("SessionStart", None), ("BeforeAgent", None),
               ("BeforeTool", "write_file|replace|run_shell_command"),
               ("AfterTool", "write_file|replace|run_shell_command"),
               ("AfterAgent", None), ("SessionEnd", None)],
    "copilot": [("sessionStart", None), ("userPromptSubmitted", None), ("preToolUse", None),
                ("postToolUse", None), ("agentStop", None), ("sessionEnd", None)],
    # Cursor cannot add context to a prompt (beforeSubmitPrompt has no such
    # answer), so messages reach a Cursor agent at stop (followup_message).
    "cursor": [("sessionStart", None), ("preToolUse", "Write|Edit|StrReplace|MultiEdit|Delete"),
               ("beforeShellExecution", None), ("afterFileEdit", None),
               ("afterShellExecution", None), ("stop", None), ("sessionEnd", None)],
}

TRUST = {
    "claude": "Claude Code: nothing to do (run /hooks in Claude Code to see them).",
    "codex": "Codex: open codex in this repository once and run /hooks to review and trust roost's hooks "
             "(until then Codex skips them silently).",
    "gemini": "Gemini CLI: trust this folder once (Gemini asks on start, or add it to "
              "~/.gemini/trustedFolders.json); project hooks of an untrusted folder are skipped silently.",
    "copilot": "Copilot CLI: nothing to do (hooks in .github/hooks/ load on start).",
    "cursor": "Cursor: restart Cursor (or open a new agent chat) to load .cursor/hooks.json.",
}
USER_TRUST = {  # --scope user: where the step differs
    "copilot": "Copilot CLI: nothing to do (hooks in ~/.copilot/hooks/ load on start).",
    "cursor": "Cursor: restart Cursor (or open a new agent chat) to load ~/.cursor/hooks.json.",
}


@dataclass
class Plan:
    """What install or uninstall does: files to write (bytes) or remove (None)."""
    root: str
    scope: str
    writes: dict[str, bytes | None] = field(default_factory=dict)
    modes: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def _read(p: str) -> bytes | None:
    try:
        with open(p, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def roost_command() -> str:
    """The command hooks run: the `roost` on PATH, else this tree's bin/roost,
    as an absolute path (GUI-started agents may lack the user's PATH)."""
    exe = shutil.which("roost")
    if exe:
        return os.path.abspath(exe)
    from .cli import roost_home
    home = roost_home()
    if home is None:
        raise RoostError("cannot find the roost command: put it on PATH")
    return str(home / "bin" / "roost")


def hook_command(roost: str, vendor: str, event: str) -> str:
    return f"{shlex.quote(roost)} hook {event} --vendor {vendor}"


def skill_source() -> Path:
    from .cli import roost_home
    home = roost_home()
    if home is None or not (home / "skills" / "roost" / "SKILL.md").is_file():
        raise RoostError("cannot find skills/roost/SKILL.md in the roost tree")
    return home / "skills" / "roost"


# -- vendor configuration files -------------------------------------------------------


def config_path(vendor: str, scope: str, root: str, home: str) -> str:
    base = root if scope == "project" else home
    return os.path.join(base, {
        "claude": ".claude/settings.json",
        "codex": ".codex/hooks.json",
        "gemini": ".gemini/settings.json",
        "copilot": ".github/hooks/roost.json" if scope == "project" else ".copilot/hooks/roost.json",
        "cursor": ".cursor/hooks.json",
    }[vendor])


def _strip_ours(hooks: dict, style: str) -> None:
    """Remove roost's commands from a hooks object, in place."""
    for ev in list(hooks):
        groups = hooks[ev]
        if not isinstance(groups, list):
            continue
        keep = []
        for g in groups:
            if style == "grouped" and isinstance(g, dict) and isinstance(g.get("hooks"), list):
                inner = [h for h in g["hooks"] if not (isinstance(h, dict) and OURS.search(str(h.get("command", ""))))]
                if inner:
                    if len(inner) != len(g["hooks"]):
                        g = dict(g, hooks=inner)
                    keep.append(g)
            elif isinstance(g, dict) and OURS.search(str(g.get("command", g.get("bash", "")))):
                continue
            else:
                keep.append(g)
        if keep:
            hooks[ev] = keep
        else:
            del hooks[ev]


def merge_config(vendor: str, old: bytes | None, roost: str) -> bytes:
    """The vendor's config file with roost's hooks in it (old: the current
    bytes, or None). Raises UsageError when old is not a JSON object."""
    data: Any = {}
    if old is not None and old.strip():
        try:
            data = json.loads(old.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            raise UsageError(f"not valid JSON ({e})") from e
        if not isinstance(data, dict):
            raise UsageError("not a JSON object")
    data = json.loads(json.dumps(data))  # a private copy
    if vendor in ("copilot", "cursor"):
        data.setdefault("version", 1)
    hooks = data.get("hooks")
    if not isinstance(hooks, dict):
        if hooks is not None:
            raise UsageError("its \"hooks\" is not an object")
        hooks = data["hooks"] = {}
    style = "grouped" if vendor in ("claude", "codex", "gemini") else "flat"
    _strip_ours(hooks, style)
    for ev, matcher in EVENTS[vendor]:
        cmd = hook_command(roost, vendor, ev)
        if style == "grouped":
            group: dict[str, Any] = {}
            if matcher:
                group["matcher"] = matcher
            group["hooks"] = [{"type": "command", "command": cmd,
                               "timeout": TIMEOUT_S * 1000 if vendor == "gemini" else TIMEOUT_S}]
            hooks.setdefault(ev, []).append(group)
        elif vendor == "copilot":
            hooks.setdefault(ev, []).append({"type": "command", "bash": cmd, "timeoutSec": TIMEOUT_S})
        else:
            entry: dict[str, Any] = {"command": cmd}
            if matcher:
                entry["matcher"] = matcher
            hooks.setdefault(ev, []).append(entry)
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def unmerge_config(vendor: str, cur: bytes) -> bytes | None:
    """cur without roost's hooks; None when nothing else is left in it."""
    try:
        data = json.loads(cur.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return cur
    if not isinstance(data, dict) or not isinstance(data.get("hooks"), dict):
        return cur
    _strip_ours(data["hooks"], "grouped" if vendor in ("claude", "codex", "gemini") else "flat")
    if not data["hooks"]:
        del data["hooks"]
    if vendor in ("copilot", "cursor") and set(data) <= {"version"}:
        return None
    if not data:
        return None
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# -- AGENTS.md, CLAUDE.md, the git guard ----------------------------------------------


def claude_md(old: bytes | None) -> bytes:
    if old is None:
        return b"@AGENTS.md\n"
    if re.search(rb"(?m)^@AGENTS\.md\s*$", old):
        return old
    sep = b"" if old.endswith(b"\n") or not old else b"\n"
    return old + sep + b"\n@AGENTS.md\n"


def agents_md(old: bytes | None) -> bytes:
    from .commands.init import BEGIN, END, SECTION
    sec = SECTION.encode("utf-8")
    if old is None:
        return b"# AGENTS.md\n\n" + sec
    b, e = old.find(BEGIN.encode()), old.find(END.encode())
    if b >= 0 and e > b:
        return old[:b] + sec.rstrip(b"\n") + old[e + len(END.encode()):]
    sep = b"" if old.endswith(b"\n\n") else (b"\n" if old.endswith(b"\n") else b"\n\n")
    return old + sep + sec


def guard_script(roost: str) -> bytes:
    q = shlex.quote(roost)
    return f"""#!/bin/sh
{GUARD_MARK}
# Refuses a commit that touches a path another live agent holds a lease on,
# naming the holder. ROOST_GUARD=warn only warns; git commit --no-verify
# skips it. Never blocks when roost is missing, not set up, or fails.
here=$(dirname "$0")
if [ -x "$here/{CHAINED}" ]; then
  "$here/{CHAINED}" "$@" || exit $?
fi
[ "${{ROOST_GUARD:-}}" = off ] && exit 0
roost={q}
[ -x "$roost" ] || exit 0
top=$(git rev-parse --show-toplevel 2>/dev/null) || exit 0
common=$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null) || exit 0
db=${{ROOST_DB:-${{common%/.git}}/.roost/roost.db}}
[ -f "$db" ] || exit 0
cd "$top" || exit 0
out=$(git diff --cached --name-only -z --diff-filter=ACDMRT | ROOST_DB=$db xargs -0 sh -c '
  "$0" lock --check -- "$@" >/dev/null 2>"${{TMPDIR:-/tmp}}/roost-guard.$PPID"
  rc=$?
  cat "${{TMPDIR:-/tmp}}/roost-guard.$PPID" >&2; rm -f "${{TMPDIR:-/tmp}}/roost-guard.$PPID"
  [ "$rc" -eq 2 ] && exit 255
  exit 0' "$roost" 2>&1)
rc=$?
[ "$rc" -eq 124 ] || exit 0
printf '%s\\n' "$out" | sed 's/^/roost guard: /' >&2
if [ "${{ROOST_GUARD:-}}" = warn ]; then
  echo 'roost guard: ROOST_GUARD=warn: committing anyway' >&2
  exit 0
fi
echo 'roost guard: commit refused: message the holder, wait for the lease, or commit with ROOST_GUARD=warn (or --no-verify)' >&2
exit 1
""".encode()


def git_hooks_dir(root: str) -> str | None:
    try:
        p = subprocess.run(["git", "rev-parse", "--path-format=absolute", "--git-path", "hooks"],
                           cwd=root, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return p.stdout.strip() if p.returncode == 0 and p.stdout.strip() else None


# -- manifest -----------------------------------------------------------------------------


def state_dir(scope: str, root: str, home: str) -> str:
    if scope == "project":
        return os.path.join(root, ".roost")
    return os.path.join(os.environ.get("XDG_STATE_HOME") or os.path.join(home, ".local", "state"), "roost")


def manifest_path(scope: str, root: str, home: str) -> str:
    return os.path.join(state_dir(scope, root, home), "install.json" if scope == "project" else "install-user.json")


def load_manifest(path: str) -> dict[str, Any]:
    b = _read(path)
    if b is None:
        return {"version": MANIFEST_VERSION, "files": {}, "dirs": [], "vendors": []}
    m = json.loads(b.decode("utf-8"))
    m.setdefault("files", {})
    m.setdefault("dirs", [])
    m.setdefault("vendors", [])
    return m


def _write_atomic(path: str, data: bytes, mode: int | None) -> None:
    d = os.path.dirname(path)
    tmp = os.path.join(d, f".{os.path.basename(path)}.roost-tmp.{os.getpid()}")
    with open(tmp, "wb") as f:
        f.write(data)
    if mode is not None:
        os.chmod(tmp, mode)
    os.replace(tmp, path)


def _mkdirs(d: str, made: list[str]) -> None:
    parts = []
    while d and not os.path.isdir(d):
        parts.append(d)
        nd = os.path.dirname(d)
        if nd == d:
            break
        d = nd
    for p in reversed(parts):
        os.mkdir(p)
        made.append(p)


# -- install -------------------------------------------------------------------------------


def parse_vendors(spec: str | None) -> list[str]:
    if not spec or spec == "all":
        return list(VENDORS)
    out = []
    for v in spec.split(","):
        v = v.strip().lower()
        if v == "all":
            return list(VENDORS)
        if v not in VENDORS:
            raise UsageError(f"unknown agent CLI {v!r} (want claude, codex, gemini, copilot, cursor or all)")
        if v not in out:
            out.append(v)
    return out


def plan_install(root: str, vendors: list[str], scope: str, git_hook: bool, home: str,
                 roost: str | None = None) -> Plan:
    roost = roost or roost_command()
    plan = Plan(root, scope)
    base = root if scope == "project" else home
    # The skill, where each vendor looks: .claude/skills covers Claude Code
    # (and Copilot), .agents/skills covers Codex, Gemini CLI, Copilot, Cursor.
    src = skill_source()
    dests = []
    if "claude" in vendors:
        dests.append(os.path.join(base, ".claude", "skills", "roost"))
    if set(vendors) - {"claude"}:
        dests.append(os.path.join(base, ".agents", "skills", "roost"))
    for dest in dests:
        for f in sorted(src.rglob("*")):
            if f.is_file():
                plan.writes[os.path.join(dest, str(f.relative_to(src)))] = f.read_bytes()
    for v in vendors:
        p = config_path(v, scope, root, home)
        try:
            plan.writes[p] = merge_config(v, _read(p), roost)
        except UsageError as e:
            plan.errors.append(f"{p}: {e.message}: add roost's hooks by hand (see docs/hooks.md)")
    if scope == "project":
        plan.writes[os.path.join(root, "AGENTS.md")] = agents_md(_read(os.path.join(root, "AGENTS.md")))
        if "claude" in vendors:
            plan.writes[os.path.join(root, "CLAUDE.md")] = claude_md(_read(os.path.join(root, "CLAUDE.md")))
    if git_hook:
        hd = git_hooks_dir(root)
        if hd is None:
            plan.errors.append(f"{root}: not a git repository: no pre-commit guard installed")
        else:
            pc = os.path.join(hd, "pre-commit")
            cur = _read(pc)
            if cur is not None and GUARD_MARK.encode() not in cur:
                # The user's own hook keeps running, first, under another name.
                plan.writes[os.path.join(hd, CHAINED)] = cur
                plan.modes[os.path.join(hd, CHAINED)] = os.stat(pc).st_mode & 0o7777
            plan.writes[pc] = guard_script(roost)
            plan.modes[pc] = 0o755
    for v in vendors:
        plan.notes.append(USER_TRUST.get(v, TRUST[v]) if scope == "user" else TRUST[v])
    return plan


def apply_install(plan: Plan, vendors: list[str], home: str, dry_run: bool,
                  say: Callable[[str], None]) -> dict[str, Any]:
    mpath = manifest_path(plan.scope, plan.root, home)
    man = load_manifest(mpath)
    bdir = os.path.join(state_dir(plan.scope, plan.root, home), "backups", "install")
    changed, same = [], []
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for path, new in plan.writes.items():
        old = _read(path)
        mode = plan.modes.get(path)
        if old == new and (mode is None or (os.stat(path).st_mode & 0o7777) == mode):
            same.append(path)
            continue
        changed.append(path)
        say(f"{'would ' if dry_run else ''}{'create' if old is None else 'update'} {path}")
        if dry_run:
            continue
        ent = man["files"].get(path)
        if ent is not None and (old is None or _sha(old) != ent.get("sha")):
            # Changed since roost last wrote it: the first backup is no longer
            # the file without roost, and restoring it would undo the user's
            # change. A file roost merges into loses only roost's part on
            # uninstall; a pre-commit hook of the user's own, or a file made
            # anew, is backed up (or recorded as created) afresh.
            if old is not None and _merged(path, plan.scope, plan.root, home):
                ent.update(created=False, backup=None, mode=None)
            elif old is None or (os.path.basename(path) == "pre-commit" and GUARD_MARK.encode() not in old):
                ent = None
        if ent is None:
            ent = {"created": old is None, "backup": None, "mode": None}
            if old is not None:
                os.makedirs(bdir, mode=0o700, exist_ok=True)
                rel = path.lstrip("/").replace("/", "__")
                ent["backup"] = os.path.join(bdir, f"{rel}.{stamp}")
                shutil.copy2(path, ent["backup"])
                ent["mode"] = os.stat(path).st_mode & 0o7777
            man["files"][path] = ent
        made: list[str] = []
        _mkdirs(os.path.dirname(path), made)
        man["dirs"] += [d for d in made if d not in man["dirs"]]
        keep_mode = mode if mode is not None else (os.stat(path).st_mode & 0o7777 if old is not None else None)
        _write_atomic(path, new, keep_mode)
        ent["sha"] = _sha(new)
    if not dry_run:
        man["vendors"] = sorted(set(man["vendors"]) | set(vendors))
        man["scope"], man["root"], man["roost"] = plan.scope, plan.root, roost_command()
        if changed or not os.path.exists(mpath):
            os.makedirs(os.path.dirname(mpath), mode=0o700, exist_ok=True)
            _write_atomic(mpath, (json.dumps(man, indent=2) + "\n").encode(), 0o600)
    return {"changed": changed, "unchanged": same, "manifest": mpath}


def uninstall(root: str, scope: str, home: str, dry_run: bool,
              say: Callable[[str], None]) -> dict[str, Any]:
    mpath = manifest_path(scope, root, home)
    if not os.path.exists(mpath):
        return {"restored": [], "removed": [], "edited": [], "kept": [], "manifest": None}
    man = load_manifest(mpath)
    out: dict[str, list[str]] = {"restored": [], "removed": [], "edited": [], "kept": []}
    pend = "would " if dry_run else ""
    for path, ent in sorted(man["files"].items()):
        cur = _read(path)
        if cur is None:
            continue
        backup = ent.get("backup") if ent.get("backup") and os.path.isfile(ent["backup"]) else None
        # The guard is roost's alone: edited or not, the file without it is the backup.
        guard = os.path.basename(path) == "pre-commit" and GUARD_MARK.encode() in cur
        if (_sha(cur) == ent.get("sha") or guard) and (ent["created"] or backup):
            if ent["created"]:
                say(f"{pend}remove {path}")
                if not dry_run:
                    os.unlink(path)
                out["removed"].append(path)
            else:
                say(f"{pend}restore {path}")
                if not dry_run:
                    shutil.copy2(backup, path)
                out["restored"].append(path)
            continue
        # Edited since install (or no backup stands for it): take out only what roost put in.
        what = _merged(path, scope, root, home)
        if what in VENDORS:
            new = unmerge_config(what, cur)
        elif guard:
            new = None
        elif what == "AGENTS.md":
            new = _unagents(cur)
        elif what == "CLAUDE.md":
            new = re.sub(rb"\n?\n@AGENTS\.md\n?$", b"\n", cur) if not ent["created"] else cur
        else:
            say(f"keep {path} (changed since install)")
            out["kept"].append(path)
            continue
        if new == cur:
            out["kept"].append(path)
            continue
        say(f"{pend}{'remove' if new is None else 'edit'} {path} (changed since install: roost's part only)")
        if not dry_run:
            if new is None:
                os.unlink(path)
            else:
                _write_atomic(path, new, os.stat(path).st_mode & 0o7777)
        out["edited"].append(path)
    for d in sorted(man["dirs"], key=len, reverse=True):
        if not dry_run and os.path.isdir(d) and not os.listdir(d):
            os.rmdir(d)
    if not dry_run:
        os.unlink(mpath)
    out["manifest"] = mpath  # type: ignore[assignment]
    return out  # type: ignore[return-value]


def _merged(path: str, scope: str, root: str, home: str) -> str | None:
    """What path is when install merges its part into the user's file there:
    the vendor whose hook configuration it is, "AGENTS.md" or "CLAUDE.md";
    None for a file install writes whole (the skill, the guard)."""
    vendor = next((v for v in VENDORS if path == config_path(v, scope, root, home)), None)
    if vendor:
        return vendor
    if scope == "project" and path in (os.path.join(root, "AGENTS.md"), os.path.join(root, "CLAUDE.md")):
        return os.path.basename(path)
    return None


def _unagents(cur: bytes) -> bytes | None:
    from .commands.init import BEGIN, END
    b, e = cur.find(BEGIN.encode()), cur.find(END.encode())
    if b < 0 or e < b:
        return cur
    new = cur[:b].rstrip(b"\n") + b"\n" + cur[e + len(END.encode()):].lstrip(b"\n")
    return None if new.strip() in (b"", b"# AGENTS.md") else new


def home_dir() -> str:
    return os.path.expanduser("~")


def ensure_database(root: str) -> str | None:
    """Create and migrate ROOT/.roost/roost.db (project scope)."""
    from .db import locate, migrate
    path = locate(None, root)[0]
    migrate(path)
    return path


__all__ = [
    "EVENTS",
    "VENDORS",
    "apply_install",
    "guard_script",
    "merge_config",
    "parse_vendors",
    "plan_install",
    "roost_command",
    "uninstall",
    "unmerge_config",
]
