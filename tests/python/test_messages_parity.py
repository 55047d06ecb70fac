"""Parity: the shell commands and the Python API are one implementation as
far as anyone can tell: the same scenario leaves the same rows (ids,
Lamport timestamps, read and ack states, events), a message sent on one
side is received on the other, and the human output is the same text."""
from __future__ import annotations

import sqlite3

import pytest
from conftest import run_roost
from hostile import CORPUS
from roost.api import Roost
from roost.messages import render

NOW = "1800000000"


def sh(db, agent, *args, input=None):
    r = run_roost("--db", db, *args, agent=agent, input=input, env={"ROOST_NOW": NOW})
    assert r.rc == 0, (args, r)
    return r


def dump(db):
    c = sqlite3.connect(db)
    try:
        return {t: c.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
                for t in ("events", "messages", "deliveries", "clocks", "agents")}
    finally:
        c.close()


# One scenario, written once, played by each side: (agent, operation, args);
# ("m", k) stands for the id of the k-th message sent (0-based).
SCENARIO = [
    ("alice", "send", ("bob", "plain")),
    ("bob", "send", ("alice,carol", "two\nlines\r\n")),
    ("carol", "send", ("role:dev", "to the devs")),
    ("alice", "send", ("all", "everyone")),
    ("bob", "recv", {"sender": "alice"}),
    ("carol", "recv", {"limit": 1}),
    ("carol", "read", ("m", 3)),
    ("carol", "ack", ("m", 3)),
    ("carol", "ack", ("m", 3)),
    ("alice", "reply", (("m", 1), "carol", "a reply")),
    ("alice", "norecv", ("bob", "no recv")),
    ("bob", "recv", {}),
    ("carol", "recv", {}),
    ("alice", "recv", {}),
    ("bob", "ack", ("m", 5)),
]


def mid(db, ref):
    c = sqlite3.connect(db)
    try:
        return c.execute("SELECT seq FROM events WHERE kind = 'msg.send' ORDER BY seq LIMIT 1 OFFSET ?",
                         (ref[1],)).fetchone()[0]
    finally:
        c.close()


def play_shell(db):
    for agent, op, a in SCENARIO:
        if op == "send":
            sh(db, agent, "send", a[0], "-", input=a[1].encode())
        elif op == "reply":
            sh(db, agent, "send", "--reply-to", str(mid(db, a[0])), a[1], "--", a[2])
        elif op == "norecv":
            sh(db, agent, "send", "--no-recv", a[0], "--", a[1])
        elif op == "recv":
            args = (["--from", a["sender"]] if "sender" in a else []) + (
                ["--limit", str(a["limit"])] if "limit" in a else [])
            sh(db, agent, "recv", *args)
        else:
            sh(db, agent, op, str(mid(db, a)))


def play_python(db):
    for agent, op, a in SCENARIO:
        r = Roost(db, agent)
        if op == "send":
            r.send(a[0], a[1])
        elif op == "reply":
            r.send(a[1], a[2], reply_to=mid(db, a[0]))
        elif op == "norecv":
            r.send(a[0], a[1], recv=False)
        elif op == "recv":
            r.recv(**a)
        else:
            getattr(r, op)(mid(db, a))
        r.close()


def setup(db):
    for a, role in (("alice", "lead"), ("bob", "dev"), ("carol", "dev")):
        r = run_roost("--db", db, "register", a, "--role", role, env={"ROOST_NOW": NOW})
        assert r.rc == 0, r


def test_the_same_scenario_leaves_the_same_rows_through_the_shell_and_through_python(tmp_path, monkeypatch):
    monkeypatch.setenv("ROOST_NOW", NOW)
    a, b = str(tmp_path / "shell.db"), str(tmp_path / "python.db")
    setup(a)
    setup(b)
    play_shell(a)
    play_python(b)
    da, db_ = dump(a), dump(b)
    kinds = [e[3] for e in da["events"]]
    assert kinds.count("msg.send") == 6 and kinds.count("msg.ack") == 2 and "msg.recv" in kinds
    for t in da:
        assert da[t] == db_[t], t


def test_a_message_sent_from_the_shell_is_received_in_python_and_the_other_way_round(db, api):
    for a in ("alice", "bob"):
        assert run_roost("register", a).rc == 0
    s = run_roost("--json", "send", "bob", "from the shell", agent="alice").json()
    got = api("bob").recv()
    assert [(m["id"], m["ts"], m["from"], m["body"]) for m in got] == [(s["id"], s["ts"], "alice", "from the shell")]
    assert run_roost("--json", "recv", agent="bob").json() == {"messages": []}, "read in Python, read in the shell"
    p = api("bob").send("alice", "from python")
    r = run_roost("--json", "recv", agent="alice").json()["messages"]
    assert [(m["id"], m["ts"], m["from"], m["body"], m["thread"]) for m in r] == \
        [(p["id"], p["ts"], "bob", "from python", p["id"])]
    assert api("alice").recv() == []
    q = api("alice").send("bob", "reply", reply_to=p["id"])
    t = run_roost("--json", "thread", str(q["id"]), agent="bob").json()
    assert t == api("bob").thread(q["id"])
    assert run_roost("--json", "inbox", agent="bob").json() == api("bob").inbox()
    assert run_roost("--json", "read", str(q["id"]), agent="bob").json() == api("alice").read(q["id"])
    assert run_roost("--json", "inbox", agent="bob").json() == api("bob").inbox() == {"unread": 0, "messages": []}
    ack = run_roost("--json", "ack", str(q["id"]), agent="bob").json()
    assert api("bob").ack(q["id"]) == dict(ack, already=True)
    st = api("alice").sent()
    assert [(d["agent"], d["acked_at"]) for d in st[-1]["recipients"]] == [("bob", ack["acked_at"])]


TEXTS = [(n, v) for n, v in CORPUS if len(v) < 100_000 and b"\0" not in v]


@pytest.mark.parametrize("name,body", TEXTS, ids=[n for n, _ in TEXTS])
def test_pythons_human_form_of_a_message_is_the_shells(db, api, name, body):
    for a in ("alice", "bob"):
        assert run_roost("register", a).rc == 0
    m = api("alice").send("bob", body, recv=False)
    shell_full = run_roost("thread", str(m["id"]), agent="bob").out
    shell_summary = run_roost("recv", "--summary", agent="bob").out
    msg = api("bob").read(m["id"])
    assert render(msg).encode("utf-8", "surrogateescape") + b"\n" == shell_full
    if body.decode("utf-8", "replace") == body.decode("utf-8", "surrogateescape"):
        # (SQLite and Python count the characters of invalid UTF-8 differently
        # when cutting to 80; valid text is cut at the same place)
        assert render(msg, summary=True).encode("utf-8", "surrogateescape") + b"\n" == shell_summary


def test_recv_wait_prints_what_the_shells_recv_prints(db, api):
    """recv --wait prints from Python when it had to wait: same text."""
    import re
    import subprocess
    import time

    from conftest import BIN
    for a in ("alice", "bob", "carol"):
        assert run_roost("register", a).rc == 0
    for body, flags in (("multi\nline\n\n\x1b[1mbold\x1b[0m\ttab", []), ("y" * 30 + "\n" + "x" * 200, ["--summary"])):
        api("alice").send("carol", body)
        want = run_roost("recv", *flags, agent="carol").out
        p = subprocess.Popen([str(BIN), "--agent", "bob", "recv", "--wait", "20", *flags],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(1.0)
        assert p.poll() is None, "nothing to receive yet: it waits"
        api("alice").send("bob", body)
        out, err = p.communicate(timeout=20)
        assert p.returncode == 0, err
        norm = [re.sub(rb"^#\d+ from alice to \w+ \(lamport \d+, thread #\d+\)", b"#N", x) for x in (out, want)]
        assert norm[0] == norm[1] and b"  multi" in want + out or flags, (out, want)
        assert norm[0] == norm[1], (out, want)
