"""The demo scene for the task board plays against real `roost` commands."""
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

    def run(self, agent, *args):
        r = run_roost(*args, agent=agent)
        self.ran.append((agent, args, r))
        assert r.rc == 0, (agent, args, r)
        return r


def test_the_demo_shows_dependency_order_and_a_crashed_agents_task_picked_up(db):
    spec = importlib.util.spec_from_file_location("scene50", REPO / "python/roost/scenes/50_tasks.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    s = Scene()
    mod.play(s)
    assert s.said and all(isinstance(x, str) for x in s.said)
    c = sqlite3.connect(db)
    claims = c.execute("SELECT agent, target FROM events WHERE kind = 'task.claim' ORDER BY seq").fetchall()
    assert claims == [("ada", "T-1"), ("ada", "T-2"), ("bob", "T-3"), ("cy", "T-4"), ("dave", "T-4")]
    (body,) = c.execute("SELECT body FROM events WHERE kind = 'task.reclaim'").fetchone()
    assert json.loads(body) == {"from": "cy", "why": "dead", "reclaims": 1}
    assert c.execute("SELECT count(*) FROM tasks WHERE status = 'done'").fetchone() == (4,)
    assert "reclaimed from cy, dead" in s.ran[-3][2].text
    assert run_roost("log", "--kind", "notice", "--agent", "dave").text.count("notice cy") == 1
