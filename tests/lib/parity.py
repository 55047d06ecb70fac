"""Parity harness: run the same scenario through the shell (`roost` as a
real process) and through Python (`roost.Roost`) on one database file, and
compare what each stored and answered.

    p = Parity(db)
    a = p.shell("alice", "heartbeat", "--epoch", "1", "--json")   # -> parsed JSON
    b = p.python("alice", "heartbeat", epoch=1)                    # -> API result
    p.state()  # normalized rows of every table, for before/after comparison
"""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


class Parity:
    def __init__(self, db: str, env: dict | None = None):
        self.db = db
        self.env = dict(os.environ, ROOST_DB=db, **(env or {}))

    def shell_raw(self, agent: str | None, *args: str, input: bytes | None = None):
        argv = [str(REPO / "bin" / "roost")] + (["--agent", agent] if agent else []) + list(args)
        return subprocess.run(argv, env=self.env, input=input, capture_output=True)

    def shell(self, agent: str | None, *args: str, input: bytes | None = None, rc: int = 0):
        p = self.shell_raw(agent, *args, input=input)
        assert p.returncode == rc, (args, p.returncode, p.stderr.decode(errors="replace"))
        out = p.stdout.decode("utf-8", "surrogateescape")
        return json.loads(out) if "--json" in args and out.strip() else out

    def python(self, agent: str | None, method: str, *a, **kw):
        from roost.api import Roost
        old = os.environ.get("ROOST_NOW")
        if "ROOST_NOW" in self.env:
            os.environ["ROOST_NOW"] = self.env["ROOST_NOW"]
        try:
            with Roost(self.db, agent) as r:
                return getattr(r, method)(*a, **kw)
        finally:
            if old is None:
                os.environ.pop("ROOST_NOW", None)
            else:
                os.environ["ROOST_NOW"] = old

    def state(self, skip: tuple = ()) -> dict:
        """Every table's rows (sorted), for comparing what two runs stored."""
        c = sqlite3.connect(self.db)
        c.text_factory = bytes
        out = {}
        for (name,) in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"):
            if name.decode() in skip:
                continue
            n = name.decode()
            out[n] = sorted(c.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr)
        c.close()
        return out
