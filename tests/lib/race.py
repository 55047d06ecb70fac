#!/usr/bin/env python3
"""Start N real processes at once and collect their exit codes.

    python tests/lib/race.py -n 64 -- roost --agent 'a{i}' lock x
    -> {"codes": {"0": 1, "2": 63}, "results": [{"i":0,"rc":0,"out":"...","err":"..."}, ...]}

Each child blocks on a FIFO until all N have started, then all are released
together by one write. `{i}` in any argument is replaced by the child's
index. Importable: `race(argvs, env=None, timeout=120)`.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time


def race(argvs: list[list[str]], env: dict | None = None, timeout: float = 120,
         cwd: str | None = None, stdin: bytes | None = None) -> list[dict]:
    d = tempfile.mkdtemp(prefix="roost-race-")
    fifo = os.path.join(d, "go")
    os.mkfifo(fifo)
    # Held open read-write so children's open() never blocks and their
    # read blocks until we write.
    keep = os.open(fifo, os.O_RDWR)
    procs = []
    gate = 'touch "$0.ready.$$"; read _ < "$0"; exec "$@"'
    for argv in argvs:
        procs.append(subprocess.Popen(
            ["sh", "-c", gate, fifo, *argv], env=env, cwd=cwd,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    deadline = time.time() + timeout
    while len([f for f in os.listdir(d) if ".ready." in f]) < len(procs):
        if time.time() > deadline:
            raise TimeoutError("children did not start")
        time.sleep(0.005)
    time.sleep(0.02)  # let the last ones reach read(2)
    os.write(keep, b"\n" * len(procs))
    out = []
    for i, p in enumerate(procs):
        try:
            o, e = p.communicate(stdin, timeout=max(1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            p.kill()
            o, e = p.communicate()
            out.append({"i": i, "rc": "timeout", "out": o.decode("utf-8", "replace"),
                        "err": e.decode("utf-8", "replace")})
            continue
        out.append({"i": i, "rc": p.returncode, "out": o.decode("utf-8", "replace"),
                    "err": e.decode("utf-8", "replace")})
    os.close(keep)
    for f in os.listdir(d):
        os.unlink(os.path.join(d, f))
    os.rmdir(d)
    return out


def codes(results: list[dict]) -> dict[str, int]:
    c: dict[str, int] = {}
    for r in results:
        c[str(r["rc"])] = c.get(str(r["rc"]), 0) + 1
    return c


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, required=True)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    res = race([[x.replace("{i}", str(i)) for x in cmd] for i in range(a.n)])
    json.dump({"codes": codes(res), "results": res}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
