"""The demo scene for messages plays against real `roost` commands."""
from __future__ import annotations

import re

from conftest import run_roost


def test_the_demo_shows_an_exchange_a_broadcast_and_a_reply_in_a_thread():
    r = run_roost("demo", "--scene", "messages", timeout=120)
    assert r.rc == 0, r
    t = r.text
    assert "The demo finished: every step behaved as narrated." in t
    assert re.search(r"sent #(\d+) to all \(2 recipients\)", t)
    assert "acknowledged #" in t and "carol: read 0s ago, not acked" in t.replace("1s ago", "0s ago")
    thread = t[t.rindex("$ roost thread"):]
    assert [int(x) for x in re.findall(r"^\s+#(\d+) from", thread, re.MULTILINE)] == \
        sorted(int(x) for x in re.findall(r"^\s+#(\d+) from", thread, re.MULTILINE))
    assert len(re.findall(r"reply to #", thread)) == 2
