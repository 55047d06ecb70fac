"""The hostile-input corpus through every way a message body gets in (the
shell's arguments and stdin, under dash and bash, and the Python API) and
back out byte-exact from `read --json`, `read --raw` and Python's read()."""
from __future__ import annotations

import os
import re
import shutil
import sqlite3

import pytest
from conftest import run_roost
from hostile import ARGV_SAFE, CORPUS

SHELLS = ["sh"] + (["bash"] if shutil.which("bash") else [])
PWNED = "/tmp/roost-pwned"


@pytest.fixture
def pair(db):
    for a in ("alice", "bob"):
        assert run_roost("register", a).rc == 0
    if os.path.exists(PWNED):
        os.unlink(PWNED)
    yield db
    assert not os.path.exists(PWNED), "a body was executed"
    c = sqlite3.connect(db)
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert c.execute("SELECT group_concat(id) FROM agents").fetchone()[0] == "alice,bob"
    c.close()


def back_out(mid: str, body: bytes) -> None:
    """bob, the recipient, and alice, the sender, both get the bytes back."""
    for who in ("bob", "alice"):
        r = run_roost("--json", "read", mid, agent=who)
        assert r.rc == 0, r
        assert r.json()["body"].encode("utf-8", "surrogateescape") == body, who
        r = run_roost("read", "--raw", mid, agent=who)
        assert r.rc == 0, r
        assert r.out == body, who


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("name,body", ARGV_SAFE, ids=[n for n, _ in ARGV_SAFE])
def test_a_hostile_body_sent_as_arguments_comes_back_byte_exact(pair, shell, name, body):
    r = run_roost("-q", "send", "bob", "--", body, agent="alice", shell=shell)
    assert r.rc == 0, r
    back_out(r.text.strip(), body)


@pytest.mark.parametrize("name,body", CORPUS, ids=[n for n, _ in CORPUS])
def test_a_hostile_body_sent_on_stdin_comes_back_byte_exact(pair, name, body):
    r = run_roost("-q", "send", "bob", "-", agent="alice", input=body)
    assert r.rc == 0, r
    back_out(r.text.strip(), body)


@pytest.mark.parametrize("name,body", CORPUS, ids=[n for n, _ in CORPUS])
def test_a_hostile_body_sent_from_python_comes_back_byte_exact_on_both_sides(pair, api, name, body):
    as_bytes = api("alice").send("bob", body, recv=False)
    as_text = api("alice").send("bob", body.decode("utf-8", "surrogateescape"), recv=False)
    for m in (as_bytes, as_text):
        back_out(str(m["id"]), body)
        assert api("bob").read(m["id"])["body"].encode("utf-8", "surrogateescape") == body


@pytest.mark.parametrize("name,body", CORPUS, ids=[n for n, _ in CORPUS])
def test_a_hostile_body_sent_from_the_shell_is_received_byte_exact_in_python(pair, api, name, body):
    r = run_roost("-q", "send", "bob", "-", agent="alice", input=body)
    assert r.rc == 0, r
    got = api("bob").recv()
    assert [m["id"] for m in got] == [int(r.text)]
    assert got[0]["body"].encode("utf-8", "surrogateescape") == body


# What human output must never carry: C0 controls but tab and newline, DEL,
# C1 controls (as characters), bidi embeddings, overrides, isolates and
# marks, line and paragraph separators. Raw bytes of invalid UTF-8 pass on
# both sides alike (they decode to surrogates here).
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def controls(out: bytes) -> list[str]:
    return [f"U+{ord(c):04X}" for c in CONTROLS.findall(out.decode("utf-8", "surrogateescape"))]


@pytest.mark.parametrize("name,body", ARGV_SAFE, ids=[n for n, _ in ARGV_SAFE])
def test_a_hostile_body_in_the_shells_human_output_has_no_terminal_control_characters(pair, name, body):
    r = run_roost("-q", "send", "bob", "--", body, agent="alice")
    assert r.rc == 0, r
    for args in (["inbox"], ["recv"], ["read", r.text.strip()], ["thread", r.text.strip()],
                 ["recv", "--summary"]):
        out = run_roost(*args, agent="bob").out
        assert not controls(out), (args, controls(out), out[:200])


@pytest.mark.parametrize("name,body", ARGV_SAFE, ids=[n for n, _ in ARGV_SAFE])
def test_a_hostile_body_in_pythons_human_output_has_no_terminal_control_characters(pair, name, body):
    r = run_roost("-q", "send", "bob", "--", body, agent="alice")
    assert r.rc == 0, r
    for args, who in ((["sync"], "bob"), (["sent"], "alice"), (["log"], "bob")):
        out = run_roost(*args, agent=who).out
        assert not controls(out), (args, controls(out), out[:200])
