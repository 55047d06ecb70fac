"""The same foundation scenario through the shell and through Python, on
one database file, gives the same answers and stores the same things."""
from __future__ import annotations

import pytest
from parity import Parity


@pytest.fixture
def two(tmp_path):
    from roost.db import migrate
    a, b = str(tmp_path / "shell.db"), str(tmp_path / "python.db")
    migrate(a)
    migrate(b)
    env = {"ROOST_NOW": "1900000000"}
    return Parity(a, env), Parity(b, env)


def test_heartbeats_store_the_same_rows_whichever_side_wrote_them(two):
    sh, py = two
    for args, kw in ((["--epoch", "1"], {"epoch": 1}), ([], {}), (["--round", "4"], {"round": 4}),
                     (["--epoch", "3"], {"epoch": 3})):
        a = sh.shell("alice", "heartbeat", *args, "--json")
        b = py.python("alice", "heartbeat", **kw)
        assert a == b
    assert sh.state() == py.state()


def test_whoami_agrees_on_both_sides(two):
    sh, py = two
    a = sh.shell("alice", "whoami", "--json")
    b = py.python("alice", "whoami")
    assert {k: a[k] for k in ("agent", "state", "role", "team")} == {k: b[k] for k in ("agent", "state", "role", "team")}
    assert sh.state() == py.state()


def test_a_shell_write_is_read_by_python_and_the_other_way_round(tmp_path):
    from roost.db import migrate
    db = str(tmp_path / "one.db")
    migrate(db)
    p = Parity(db, {"ROOST_NOW": "1900000000"})
    p.shell("alice", "heartbeat", "--epoch", "2")
    p.python("bob", "heartbeat", epoch=5)
    agents = {a["agent"]: (a["epoch"], a["state"]) for a in p.python(None, "agents")}
    assert agents == {"alice": (2, "active"), "bob": (5, "active")}
    shell_view = {a["agent"]: (a["epoch"], a["state"]) for a in p.shell(None, "agents", "--json")["agents"]}
    assert shell_view == agents
