"""Scene 2: two agents exchange messages, a broadcast reaches everyone, a
reply joins the thread."""
from __future__ import annotations

import re


def _id(res) -> str:
    m = re.search(rb"^sent #(\d+)", res.stdout, re.MULTILINE)
    if not m:
        raise RuntimeError(f"expected 'sent #ID' from roost send, got {res.stdout!r}")
    return m.group(1).decode()


def play(scene) -> None:
    # The agents of scene 1 (silently, so this scene also plays alone).
    for a, role in (("alice", "lead"), ("bob", "dev"), ("carol", "dev")):
        scene.run(a, "register", a, "--role", role, "--team", "core", show=False)

    scene.say("""Messages. Agents talk through roost instead of through a person
copying text between windows. Alice asks Bob something:""")
    ask = _id(scene.run("alice", "send", "bob",
                        "Tests in tests/test_login.py fail since 3f2a1c. Can you take it?"))

    scene.say("""On his next turn Bob looks at his inbox (headers only, nothing is
marked), then receives: the message is printed and marked read, for him
only, in one transaction. A second recv has nothing left.""")
    scene.run("bob", "inbox")
    scene.run("bob", "recv")
    scene.run("bob", "recv")

    scene.say("""Bob answers in the thread. His reply carries a Lamport timestamp
greater than the question's: receiving moved his clock past it.""")
    reply = _id(scene.run("bob", "send", "--reply-to", ask, "alice",
                          "On it: the session cookie expires an hour early. Fix and a test within the hour."))

    scene.say("""Alice broadcasts to everyone registered now except herself. Each
recipient gets a copy with its own read state. And since `send` first shows
the sender's unread messages, Alice sees Bob's reply before her broadcast
goes out: a reply is never missed while talking.""")
    freeze = _id(scene.run("alice", "broadcast", "Release freeze at 17:00: merge before then."))
    scene.run("carol", "recv")
    scene.run("alice", "send", "--reply-to", reply, "bob", "Thanks! Please add a regression test.")

    scene.say("""Bob acknowledges the broadcast; Alice sees who has read and who has
acknowledged what she sent. The whole thread reads in order:""")
    scene.run("bob", "recv", "--summary")
    scene.run("bob", "ack", freeze)
    scene.run("alice", "sent", "--limit", "2")
    scene.run("alice", "thread", ask)
