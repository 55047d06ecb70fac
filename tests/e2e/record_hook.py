#!/usr/bin/env python3
"""Recording (and optionally answering) hook command for the e2e harness.

    python3 record_hook.py LOG VENDOR EVENT [--respond JSON] [--exit N]
                           [--once MARKER] [--unless-stop-active]

Reads the hook payload from stdin and appends one JSON line to LOG:
vendor, event, the parsed payload (or raw text), the NAMES of the
environment variables the hook received (never their values), the hook's
ancestry (pid, comm, argv[0] basename for each ancestor up to pid 1), ppid,
cwd and a timestamp.

Then, by default, prints nothing and exits 0. With --respond it prints JSON
on stdout (--respond-stderr TEXT writes TEXT to stderr); with --exit N it
exits N. With --once MARKER the response is only given while MARKER does not
exist (it is created on the first response). With --unless-stop-active no
response is given when the payload carries stop_hook_active (or
stopHookActive) true.
"""
from __future__ import annotations

import json
import os
import re
import sys
import time


_ID_VAR = re.compile(r"SESSION_ID|PROJECT_DIR|_CWD$|HOOK_DIR|ENTRYPOINT|^CLAUDECODE$|^AI_AGENT$|"
                     r"^COPILOT_CLI$|MANAGED_BY_NPM|CHILD_SESSION|THREAD_ID|TURN_ID")
_SECRET = re.compile(r"KEY|TOKEN|SECRET|PASSWORD|AUTH", re.I)


def ancestry(start: int) -> list[dict]:
    chain = []
    pid = start
    seen = set()
    while pid and pid not in seen and len(chain) < 40:
        seen.add(pid)
        try:
            with open("/proc/%d/stat" % pid, "rb") as fh:
                stat = fh.read().decode("utf-8", "replace")
            # comm is in parentheses and may contain spaces
            comm = stat[stat.index("(") + 1: stat.rindex(")")]
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            break
        try:
            with open("/proc/%d/cmdline" % pid, "rb") as fh:
                argv = [a.decode("utf-8", "replace") for a in fh.read().split(b"\0") if a]
        except OSError:
            argv = []
        chain.append({
            "pid": pid,
            "comm": comm,
            "argv0": os.path.basename(argv[0]) if argv else "",
            "argv1": os.path.basename(argv[1]) if len(argv) > 1 else "",
            # basenames only, first 4 args: enough to identify the program
            "argv": [os.path.basename(a) if a.startswith("/") else a[:60] for a in argv[:4]],
            "ppid": ppid,
        })
        pid = ppid
    return chain


def main(argv: list[str]) -> int:
    args = list(argv)
    if len(args) < 3:
        print("usage: record_hook.py LOG VENDOR EVENT [options]", file=sys.stderr)
        return 0  # never break the agent
    log, vendor, event = args[:3]
    opts = args[3:]
    respond = None
    respond_stderr = None
    code = 0
    once = None
    unless_active = False
    i = 0
    while i < len(opts):
        o = opts[i]
        if o == "--respond":
            respond = opts[i + 1]
            i += 2
        elif o == "--respond-stderr":
            respond_stderr = opts[i + 1]
            i += 2
        elif o == "--exit":
            code = int(opts[i + 1])
            i += 2
        elif o == "--once":
            once = opts[i + 1]
            i += 2
        elif o == "--unless-stop-active":
            unless_active = True
            i += 1
        else:
            i += 1

    t0 = time.time()
    try:
        raw = sys.stdin.read()
    except Exception:  # stdin closed or not readable
        raw = ""
    try:
        payload = json.loads(raw) if raw.strip() else None
    except ValueError:
        payload = None

    active = isinstance(payload, dict) and bool(
        payload.get("stop_hook_active") or payload.get("stopHookActive"))
    give = respond is not None or respond_stderr is not None or code != 0
    if give and unless_active and active:
        give = False
    if give and once:
        if os.path.exists(once):
            give = False
        else:
            with open(once, "w") as fh:
                fh.write(event)

    rec = {
        "vendor": vendor,
        "event": event,
        "payload": payload,
        "raw": None if payload is not None else raw,
        "env_names": sorted(os.environ),
        # values only for identity-like, non-secret variables
        "env_ids": {k: v for k, v in os.environ.items() if _ID_VAR.search(k)
                    and not _SECRET.search(k)},
        "ancestry": ancestry(os.getppid()),
        "pid": os.getpid(),
        "ppid": os.getppid(),
        "hook_cwd": os.getcwd(),
        "ts": round(t0, 3),
        "responded": give,
    }
    with open(log, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(rec) + "\n")

    if give:
        if respond is not None:
            sys.stdout.write(respond)
            sys.stdout.flush()
        if respond_stderr is not None:
            sys.stderr.write(respond_stderr)
            sys.stderr.flush()
        return code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
