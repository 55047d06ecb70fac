"""The demo scene for leases plays against real `roost` commands."""
from __future__ import annotations

import importlib.util
import json
import sqlite3

from conftest import REPO, run_roost


class Scene:
    """A stand-in for the demo's scene: narration is kept, commands run."""

    def __init__(self):
        self.said, self.ran = [], []

    def say(self, text):
        self.said.append(text)

    def run(self, agent, *args, expect=0):
        r = run_roost(*args, agent=agent) if agent else run_roost(*args)
        self.ran.append((agent, args, r))
        assert r.rc == expect, (agent, args, r)
        return r


def test_the_demo_shows_a_denial_a_grant_after_release_and_a_crashed_agents_lease_reclaimed(db):
    spec = importlib.util.spec_from_file_location("scene40", REPO / "python/roost/scenes/40_leases.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    s = Scene()
    mod.play(s)
    assert s.said and all(isinstance(x, str) for x in s.said)
    denial = s.ran[1][2]
    assert "'src/parser.py' is held by ada" in denial.err and "reason: rewrite the tokenizer" in denial.err
    c = sqlite3.connect(db)
    grants = c.execute("SELECT agent, target FROM events WHERE kind = 'lease.grant' ORDER BY seq").fetchall()
    assert grants == [("ada", "src/parser.py"), ("bob", "src/parser.py"), ("cy", "docs/"), ("dave", "docs/guide.md")]
    (body,) = c.execute("SELECT body FROM events WHERE kind = 'lease.reclaim'").fetchone()
    assert json.loads(body)["from"] == "cy" and json.loads(body)["why"] == "its holder's process died"
    assert run_roost("log", "--kind", "notice").text.count("reclaimed by dave") == 1
