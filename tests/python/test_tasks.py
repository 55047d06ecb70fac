"""The task board (issue 5): adding, claiming, dependencies, holders-only
changes, leases renewed by activity, reclaim, stuck, queues, escalation,
file keys, dry runs, hostile text. Real `roost` processes unless the test
is about the Python API."""
from __future__ import annotations

import json
import os
import sqlite3

import pytest

from hostile import ARGV_SAFE, CORPUS

T0 = 1_900_000_000


def q(db, sql, *args):
    c = sqlite3.connect(db)
    c.text_factory = bytes
    try:
        return c.execute(sql, args).fetchall()
    finally:
        c.close()


def kinds(db, kind):
    return [(r[0].decode(), r[1].decode() if r[1] else None, json.loads(r[2]) if r[2] else None)
            for r in q(db, "SELECT agent, target, body FROM events WHERE kind = ? ORDER BY seq", kind)]


def dump(db):
    c = sqlite3.connect(db)
    try:
        return "\n".join(c.iterdump())
    finally:
        c.close()


@pytest.fixture
def now(monkeypatch):
    """Pin the clock (ROOST_NOW) for the API and every subprocess; now(t) moves it."""
    def set_(t=T0):
        monkeypatch.setenv("ROOST_NOW", str(t))
        return t
    set_()
    return set_


def test_task_add_prints_a_short_id_and_ids_never_repeat(db, roost, now):
    ids = []
    for i in range(5):
        r = roost("task", "add", f"t{i}", agent="alice")
        assert r.rc == 0, r
        ids.append(r.text.strip())
    assert ids == ["T-1", "T-2", "T-3", "T-4", "T-5"]
    c = sqlite3.connect(db)  # AUTOINCREMENT: the id of a deleted row is never reused
    c.execute("PRAGMA foreign_keys = OFF")
    c.execute("DELETE FROM tasks WHERE id = 5")
    c.commit()
    c.close()
    assert roost("task", "add", "t5", agent="alice").text.strip() == "T-6"


def test_claim_without_an_id_takes_the_highest_priority_then_the_oldest(db, roost, api, now):
    a = api("alice")
    a.task_add("low old", priority=0)
    a.task_add("high new", priority=5)
    a.task_add("high newer", priority=5)
    a.task_add("low new", priority=0)
    got = []
    for _ in range(4):
        r = roost("claim", "--json", agent="bob")
        assert r.rc == 0, r
        got.append(r.json()["title"])
    assert got == ["high new", "high newer", "low old", "low new"]
    r = roost("claim", agent="bob")
    assert r.rc == 2, r
    assert r.out == b"" and "roost: claim: nothing ready for bob" in r.err


def test_claim_hands_out_only_tasks_addressed_to_the_caller_its_role_or_anyone(db, roost, api, now):
    api("carol").register(role="dev")
    api("dave").register(role="ops")
    a = api("alice")
    a.task_add("for carol", for_="carol", priority=9)
    a.task_add("for devs", for_="role:dev", priority=8)
    a.task_add("for anyone", priority=1)
    assert roost("claim", "--json", agent="dave").json()["title"] == "for anyone"
    assert roost("claim", agent="dave").rc == 2
    assert roost("claim", "--json", agent="carol").json()["title"] == "for carol"
    assert roost("claim", "--json", agent="carol").json()["title"] == "for devs"


def test_an_explicit_id_claims_a_task_whoever_it_is_addressed_to(db, roost, api, now):
    api("carol").register()
    api("alice").task_add("for carol", for_="carol")
    r = roost("claim", "T-1", "--json", agent="bob")
    assert r.rc == 0, r
    assert r.json()["holder"] == "bob"


def test_claiming_a_task_held_by_a_live_agent_exits_2_and_names_the_holder(db, roost, api, now):
    api("alice").task_add("x")
    assert roost("claim", "1", agent="alice").rc == 0
    r = roost("claim", "T-1", agent="bob")
    assert r.rc == 2, r
    assert "T-1 is held by alice (active" in r.err


def test_claiming_your_own_task_again_keeps_it_and_can_set_a_new_lease(db, roost, api, now):
    api("alice").task_add("x")
    assert roost("claim", agent="alice").rc == 0
    r = roost("claim", "T-1", "--lease", "2h", "--json", agent="alice")
    assert r.rc == 0, r
    assert r.json()["lease_until"] == T0 + 7200
    assert "already yours" in roost("claim", "T-1", agent="alice").text
    assert [k for _, _, k in kinds(db, "task.renew")] == [{"lease": 7200}]


def test_claim_refuses_bad_ids_unknown_tasks_and_bad_leases(db, roost, api, now):
    api("alice").task_add("x")
    for args, msg in [(["T-x"], "bad task id"), (["T-99"], "no such task T-99"),
                      (["--lease", "soon"], "bad duration"), (["--lease", "0"], "longer than 0s"),
                      (["1", "2"], "unexpected argument"),
                      (["--bogus"], "unknown option")]:
        r = roost("claim", *args, agent="bob")
        assert r.rc == 64, (args, r)
        assert msg in r.err, (args, r)
    assert roost("claim").rc == 64  # no identity


def test_a_task_is_not_handed_out_before_its_dependencies_are_done(db, roost, api, now):
    a = api("alice")
    a.task_add("first")
    a.task_add("second", after=["T-1"], priority=9)
    a.task_add("third", after=["T-1", "T-2"], priority=9)
    r = roost("claim", "T-3", agent="bob")
    assert r.rc == 2 and "T-3 is waiting on T-1, T-2" in r.err, r
    assert roost("claim", "--json", agent="bob").json()["id"] == "T-1"
    assert roost("claim", agent="carol").rc == 2
    assert roost("done", "T-1", agent="bob").rc == 0
    assert roost("claim", "--json", agent="carol").json()["id"] == "T-2"
    assert roost("claim", "T-3", agent="bob").rc == 2
    assert roost("done", "T-2", agent="carol").rc == 0
    assert roost("claim", "--json", agent="bob").json()["id"] == "T-3"


def test_reopening_a_done_task_makes_its_dependents_wait_again(db, api, now):
    a = api("alice")
    a.task_add("first")
    a.task_add("second", after=["T-1"])
    a.claim("T-1")
    a.done("T-1")
    assert a.task_show("T-2")["ready"] is True
    a.task_reopen("T-1")
    t = a.task_show("T-2")
    assert (t["ready"], t["waiting_on"]) == (False, ["T-1"])


def test_a_dependency_cycle_is_refused_with_64_and_nothing_changes(db, roost, api, now):
    a = api("alice")
    a.task_add("a")
    a.task_add("b", after=["T-1"])
    a.task_add("c", after=["T-2"])
    before = dump(db)
    r = roost("task", "depend", "T-1", "--after", "T-3", agent="alice")
    assert r.rc == 64, r
    assert "dependency cycle: T-1 -> T-3 -> T-2 -> T-1" in r.err
    assert roost("task", "depend", "T-1", "--after", "T-1", agent="alice").rc == 64
    assert dump(db) == before
    r = roost("task", "depend", "T-3", "--after", "T-1", "--json", agent="alice")
    assert r.rc == 0, r
    assert r.json()["after"] == ["T-1", "T-2"]


def test_task_add_refuses_unknown_dependencies_queues_and_agents_and_bad_targets(db, roost, now):
    for args, msg in [(["--after", "T-7"], "no such task T-7"), (["--queue", "nope"], "no such queue"),
                      (["--for", "ghost"], "unknown agent 'ghost'"), (["--for", "role:"], "bad --for"),
                      (["--priority", "x"], "priority"), ([], None)]:
        r = roost("task", "add", *(["t"] + args), agent="alice")
        if msg is None:
            assert r.rc == 0, r
            continue
        assert r.rc == 64, (args, r)
        assert msg in r.err, (args, r)
    assert roost("task", "add", "", agent="alice").rc == 64


@pytest.mark.parametrize("args", [
    ["queue", "add", "q\n", "--handler", "role:dev"],           # was an internal error (exit 1)
    ["queue", "add", "q", "--handler", "role:dev\n"],
    ["task", "add", "t", "--for", "role:dev\n"],                # was stored with its newline
    ["task", "add", "t", "--queue", "q\n"],
    ["config", "task_notify", "role:dev\n"],
])
def test_a_name_with_a_trailing_newline_is_refused_with_64_and_nothing_is_stored(db, roost, args):
    before = _dump(db)
    r = roost(*args, agent="alice")
    assert r.rc == 64, (args, r)
    # The refusal names the value, its newline escaped ('q\n').
    assert r.err.startswith("roost: ") and "\\n'" in r.err, r
    assert _dump(db) == before


def _dump(db):
    with sqlite3.connect(db) as c:
        return [c.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in ("tasks", "queues", "config")]


def test_only_the_holder_may_finish_block_or_release_a_task(db, roost, api, now):
    api("alice").task_add("x")
    assert roost("claim", agent="alice").rc == 0
    for args in (["done", "T-1"], ["block", "T-1", "--reason", "no"], ["release", "T-1"],
                 ["task", "cancel", "T-1"]):
        r = roost(*args, agent="mallory")
        assert r.rc == 2, (args, r)
        assert "held by alice" in r.err
    assert roost("done", "T-1", agent="alice").rc == 0
    assert roost("done", "T-1", agent="alice").rc == 2


def test_force_lets_another_agent_finish_a_task_and_is_logged_and_told_to_the_holder(db, roost, api, now):
    api("alice").task_add("x")
    assert roost("claim", agent="alice").rc == 0
    r = roost("done", "T-1", "--force", "--note", "took over", agent="boss")
    assert r.rc == 0, r
    assert kinds(db, "task.done") == [("boss", "T-1", {"note": "took over", "holder": "alice", "force": True})]
    (actor, target, body), = kinds(db, "notice")
    assert (actor, target, body["task"], body["about"]) == ("boss", "alice", "T-1", "task.finish")
    assert "used --force" in body["text"]


@pytest.mark.parametrize("verb", ["done", "block"])
def test_force_on_a_task_nobody_holds_is_logged_as_forced(db, roost, api, now, verb):
    api("alice").task_add("x")
    extra = ["--reason", "r"] if verb == "block" else []
    assert roost(verb, "T-1", *extra, agent="boss").rc == 2  # not the holder: needs --force
    assert roost(verb, "T-1", *extra, "--force", agent="boss").rc == 0
    ((actor, _, body),) = kinds(db, f"task.{verb}")
    assert (actor, body["holder"], body["force"]) == ("boss", None, True)
    assert kinds(db, "notice") == []  # nobody held it: nobody to tell


def test_release_puts_a_task_back_and_block_parks_it_until_reopened(db, roost, api, now):
    api("alice").task_add("x")
    assert roost("claim", agent="alice").rc == 0
    assert roost("release", "T-1", agent="alice").rc == 0
    assert roost("release", "T-1", agent="alice").rc == 2
    assert roost("claim", agent="bob").rc == 0
    assert roost("block", "T-1", agent="bob").rc == 64  # --reason is required
    r = roost("block", "T-1", "--reason", "needs a key", "--json", agent="bob")
    assert r.rc == 0 and r.json()["status"] == "blocked" and r.json()["reason"] == "needs a key", r
    assert roost("claim", agent="carol").rc == 2
    assert roost("task", "reopen", "T-1", agent="carol").rc == 0
    assert roost("task", "reopen", "T-1", agent="carol").rc == 2
    assert roost("claim", "--json", agent="carol").json()["id"] == "T-1"


def test_cancel_takes_a_task_off_the_board_and_needs_force_when_someone_else_holds_it(db, roost, api, now):
    a = api("alice")
    a.task_add("x")
    a.task_add("y")
    assert roost("task", "cancel", "T-1", agent="bob").rc == 0
    assert roost("claim", "--json", agent="bob").json()["id"] == "T-2"
    assert roost("task", "cancel", "T-2", agent="carol").rc == 2
    assert roost("task", "cancel", "T-2", "--force", agent="carol").rc == 0
    assert roost("claim", agent="dave").rc == 2
    assert [b["force"] for _, _, b in kinds(db, "task.cancel")] == [False, True]


def test_dry_run_on_every_change_shows_the_result_and_writes_nothing(db, roost, api, now):
    a = api("alice")
    a.task_add("held")
    a.task_add("open")
    a.task_add("done")
    a.claim("T-1")
    a.claim("T-3")
    a.done("T-3")
    a.queue_add("q", handler="alice", sla="1m")
    cases = [
        (["task", "add", "new", "--after", "T-1"], "would add T-4: new"),
        (["claim"], "would claim T-2: open"),
        (["claim", "T-2", "--lease", "5m"], "would claim T-2: open"),
        (["done", "T-1"], "would finish T-1"),
        (["block", "T-1", "--reason", "r"], "would block T-1: r"),
        (["release", "T-1"], "would release T-1"),
        (["task", "reopen", "T-3"], "would reopen T-3"),
        (["task", "cancel", "T-2"], "would cancel T-2"),
        (["task", "depend", "T-2", "--after", "T-1"], "would: T-2 waits for T-1"),
        (["escalate", "T-2", "--to", "alice"], "would escalate T-2 to alice"),
        (["queue", "add", "q2", "--handler", "alice"], "would save queue q2"),
    ]
    for args, want in cases:
        before = dump(db)
        r = roost(*args, "--dry-run", agent="alice")
        assert r.rc == 0, (args, r)
        assert want in r.text, (args, r)
        assert dump(db) == before, args
    r = roost("claim", "--dry-run", "--json", agent="bob")
    assert r.rc == 0 and r.json()["holder"] == "bob", r


def test_a_claim_lasts_its_lease_after_the_holder_was_last_seen_then_is_reclaimed(db, roost, api, now):
    api("alice").task_add("x")
    assert roost("claim", "--lease", "60", agent="alice").rc == 0
    now(T0 + 50)
    assert roost("heartbeat", agent="alice").rc == 0  # any command renews the claim
    now(T0 + 100)
    assert roost("claim", agent="bob").rc == 2
    assert roost("task", "show", "T-1", "--json", agent="bob").json()["lease_until"] == T0 + 110
    now(T0 + 110)
    r = roost("claim", "--json", agent="bob")
    assert r.rc == 0, r
    assert r.json()["reclaimed_from"] == "alice" and r.json()["reclaims"] == 1
    assert kinds(db, "task.reclaim") == [("bob", "T-1", {"from": "alice", "why": "expired", "reclaims": 1})]
    (actor, target, body), = kinds(db, "notice")
    assert (actor, target, body["about"]) == ("bob", "alice", "task.reclaim")
    assert "ended (expired); bob has taken the task over" in body["text"]


def test_the_holders_own_activity_revives_an_ended_claim_that_nobody_took(db, roost, api, now):
    api("alice").task_add("x")
    assert roost("claim", "--lease", "60", agent="alice").rc == 0
    now(T0 + 500)
    assert roost("whoami", agent="alice").rc == 0
    assert roost("claim", agent="bob").rc == 2


def test_a_task_whose_holder_is_gone_goes_to_the_next_claim_with_the_reason(db, roost, api, now):
    api("alice").task_add("x")
    assert roost("claim", "--lease", "1d", agent="alice").rc == 0
    now(T0 + 3601)  # past gone_window (1h), well within the lease
    r = roost("claim", agent="bob")
    assert r.rc == 0, r
    assert r.text == "claimed T-1: x (reclaimed from alice, gone)\n"


def test_a_task_whose_claims_ended_three_times_is_stuck_and_the_lead_is_told(db, roost, api, now):
    api("boss").register(role="lead")
    api("alice").task_add("cursed")
    t = T0
    for who in ("w1", "w2", "w3"):
        r = roost("claim", "--lease", "60", agent=who)
        assert r.rc == 0, r
        t = now(t + 61)
    r = roost("claim", agent="w4")
    assert r.rc == 2 and "nothing ready" in r.err, r
    show = api("w4").task_show("T-1")
    assert (show["status"], show["reclaims"], show["holder"]) == ("stuck", 3, None)
    assert [b for _, _, b in kinds(db, "task.stuck")] == [{"from": "w3", "why": "expired", "reclaims": 3}]
    notices = {target: body for _, target, body in kinds(db, "notice")}
    assert notices["boss"]["about"] == "task.stuck" and "is stuck" in notices["boss"]["text"]
    assert notices["w3"]["about"] == "task.stuck"
    assert roost("claim", "T-1", agent="w4").rc == 2
    assert roost("task", "reopen", "T-1", agent="boss").rc == 0
    assert roost("claim", "--json", agent="w4").json()["reclaims"] == 0


def test_the_reclaim_limit_and_the_notified_target_come_from_config(db, roost, api, now):
    api("ops1").register(team="ops")
    assert roost("config", "task_max_reclaims", "1").rc == 0
    assert roost("config", "task_notify", "team:ops").rc == 0
    api("alice").task_add("x")
    assert roost("claim", "--lease", "60", agent="w1").rc == 0
    now(T0 + 61)
    assert roost("task", "list", agent="w2").rc == 0  # any read of the board parks it
    assert api("w2").task_show("T-1")["status"] == "stuck"
    assert [t for _, t, _ in kinds(db, "notice")] == ["w1", "ops1"]


def test_a_notice_to_a_role_without_members_is_kept_addressed_to_the_role(db, roost, api, now):
    api("alice").task_add("x")
    assert roost("config", "task_max_reclaims", "1").rc == 0
    assert roost("claim", "--lease", "60", agent="w1").rc == 0
    now(T0 + 61)
    assert roost("task", "list").rc == 0
    assert [t for _, t, _ in kinds(db, "notice")] == ["w1", "role:lead"]


def test_a_queued_task_is_offered_to_the_handler_and_escalates_once_past_its_target(db, roost, api, now):
    api("dev1").register(role="dev")
    api("lead1").register(role="lead")
    assert roost("queue", "add", "support", "--handler", "role:dev", "--sla", "15m",
                 "--escalate-to", "lead1", agent="alice").rc == 0
    r = roost("task", "add", "printer on fire", "--queue", "support", "--json", agent="alice")
    assert r.rc == 0 and r.json()["for"] == "role:dev", r
    now(T0 + 600)
    r = roost("queue", "check", "support", "--json", agent="alice")
    assert r.rc == 0, r
    (t,) = r.json()["tasks"]
    assert (t["age"], t["waiting"], t["left"], t["overdue"]) == (600, 600, 300, False)
    assert kinds(db, "task.escalate") == []
    now(T0 + 901)
    for args in (["task", "list"], ["queue", "check"], ["task", "show", "T-1"], ["claim"]):
        roost(*args, agent="nobody")
    assert kinds(db, "task.escalate") == [
        ("nobody", "T-1", {"queue": "support", "to": "lead1", "from": "role:dev", "how": "sla", "overdue": 1})]
    notices = [(t, b["about"]) for _, t, b in kinds(db, "notice")]
    assert notices == [("lead1", "task.escalate"), ("dev1", "task.escalate")]
    r = roost("queue", "check", "--overdue", "--json", agent="x")
    assert [t["id"] for t in r.json()["tasks"]] == ["T-1"]
    assert roost("claim", agent="dev1").rc == 2
    assert roost("claim", "--json", agent="lead1").json()["id"] == "T-1"


def test_the_target_counts_unclaimed_time_so_a_live_claim_stops_the_clock(db, roost, api, now):
    api("dev1").register(role="dev")
    a = api("alice")
    a.queue_add("q", handler="role:dev", sla="10m")
    a.task_add("t", queue="q")
    now(T0 + 300)
    assert roost("claim", "--lease", "1h", agent="dev1").rc == 0
    now(T0 + 2000)
    assert roost("heartbeat", agent="dev1").rc == 0
    (t,) = a.queue_check("q")
    assert (t["waiting"], t["left"], t["overdue"], t["escalated_at"]) == (None, None, False, None)
    assert roost("release", "T-1", agent="dev1").rc == 0
    now(T0 + 2000 + 599)
    (t,) = a.queue_check("q")
    assert (t["waiting"], t["left"]) == (599, 1)


def test_a_queued_task_whose_holder_died_counts_as_unclaimed_from_its_last_sign_of_life(db, roost, api, now):
    api("dev1").register(role="dev")
    api("lead1").register(role="lead")
    a = api("alice")
    a.queue_add("q", handler="role:dev", sla="10m")
    a.task_add("t", queue="q")
    assert roost("claim", "--lease", "5m", agent="dev1").rc == 0
    now(T0 + 299)
    assert a.queue_check("q")[0]["waiting"] is None
    now(T0 + 599)
    assert a.queue_check("q")[0]["left"] == 1
    now(T0 + 600)
    a.queue_check("q")
    assert [b["to"] for _, _, b in kinds(db, "task.escalate")] == ["role:lead"]


def test_escalate_by_hand_happens_once_per_task(db, roost, api, now):
    api("boss").register(role="lead")
    a = api("alice")
    a.task_add("t", for_="alice")
    r = roost("escalate", "T-1", agent="alice")
    assert r.rc == 0 and r.text == "escalated T-1 to role:lead\n", r
    r = roost("escalate", "T-1", "--to", "alice", agent="alice")
    assert r.rc == 2 and "already escalated" in r.err, r
    assert [(t, b["about"]) for _, t, b in kinds(db, "notice")] == [("boss", "task.escalate"),
                                                                   ("alice", "task.escalate")]
    assert roost("escalate", "T-9", agent="alice").rc == 64


def test_queue_add_validates_and_queue_list_counts(db, roost, api, now):
    assert roost("queue", "add", "bad name", "--handler", "role:dev").rc == 64
    assert roost("queue", "add", "q", "--handler", "ghost").rc == 64
    assert roost("queue", "add", "q", "--handler", "role:dev", "--sla", "soon").rc == 64
    assert roost("queue", "add", "q", "--handler", "role:dev", "--sla", "1h").rc == 0
    assert roost("queue", "add", "q", "--handler", "role:ops").rc == 0  # changes it
    api("a").task_add("t", queue="q")
    r = roost("queue", "list", "--json")
    assert r.rc == 0, r
    (qq,) = r.json()["queues"]
    assert (qq["handler"], qq["sla"], qq["open"]) == ("role:ops", None, 1)
    assert [b["handler"] for _, _, b in kinds(db, "queue.add") + kinds(db, "queue.update")] == ["role:dev", "role:ops"]
    assert roost("queue", "check", "nope").rc == 64


def test_file_paths_are_stored_as_one_canonical_key_relative_to_root(db, roost, sandbox):
    (sandbox / "src").mkdir()
    (sandbox / "src" / "a.py").write_text("")
    (sandbox / "link.py").symlink_to(sandbox / "src" / "a.py")
    (sandbox / "sub").mkdir()
    spellings = ["src/a.py", "./src/a.py", "src/../src/a.py", str(sandbox / "src" / "a.py"), "link.py"]
    for i, p in enumerate(spellings):
        r = roost("task", "add", f"t{i}", "--file", p, "--json", agent="a")
        assert r.rc == 0, (p, r)
        assert r.json()["files"] == ["src/a.py"], p
    r = roost("task", "add", "from below", "--file", "../src/a.py", "--file", "new/dir/", "--json",
              agent="a", cwd=str(sandbox / "sub"))
    assert r.rc == 0 and r.json()["files"] == ["src/a.py", "sub/new/dir/"], r
    for bad in ("../../etc/passwd", "/etc/passwd", "src/../.."):
        r = roost("task", "add", "bad", "--file", bad, agent="a")
        assert r.rc == 64, (bad, r)
    # the whole tree is a folder key, as a lease on it would be
    r = roost("task", "add", "everything", "--file", ".", "--json", agent="a")
    assert r.rc == 0 and r.json()["files"] == ["./"], r


def test_task_show_has_the_history_and_task_list_filters(db, roost, api, now):
    a = api("alice")
    a.queue_add("q", handler="role:dev")
    a.task_add("one")
    a.task_add("two", queue="q", after=["T-1"])
    assert roost("claim", agent="alice").rc == 0
    r = roost("task", "show", "T-1", "--json", agent="bob")
    assert r.rc == 0, r
    t = r.json()
    assert [h["kind"] for h in t["history"]] == ["task.add", "task.claim"]
    assert set(t) >= {"id", "title", "body", "priority", "status", "ready", "for", "queue", "holder",
                      "claimed_at", "lease_until", "after", "waiting_on", "files", "attempts", "reclaims",
                      "created_by", "created_at", "updated_at", "offered_at", "escalated_at", "note",
                      "reason", "holder_state", "history"}
    assert t["holder_state"] == "active"
    ids = lambda *a, **k: [x["id"] for x in roost("task", "list", "--json", *a, **k).json()["tasks"]]  # noqa: E731
    assert ids() == ["T-1", "T-2"]
    assert ids("--mine", agent="alice") == ["T-1"]
    assert ids("--status", "open") == ["T-2"]
    assert ids("--queue", "q") == ["T-2"]
    assert ids("--ready", agent="bob") == []
    h = roost("task", "list", agent="bob")
    assert h.rc == 0 and "waiting" in h.text and "claimed" in h.text, h
    assert roost("task", "list", "--mine").rc == 64
    assert roost("task", "show", "T-9").rc == 64
    assert "history:" in roost("task", "show", "T-1").text


@pytest.mark.parametrize("name,value", ARGV_SAFE, ids=[n for n, _ in ARGV_SAFE])
def test_hostile_titles_reasons_and_notes_are_stored_byte_exact_and_shown_clean(db, roost, name, value):
    v = value.decode("utf-8", "surrogateescape")
    r = roost("task", "add", "--", v, agent="alice")
    if not value.strip() or b"\0" in value:
        assert r.rc == 64, r
        return
    assert r.rc == 0, r
    for args in (["claim", "--json"], ["task", "show", "T-1", "--json"]):
        got = roost(*args, agent="alice")
        assert got.rc == 0, got
        assert got.json()["title"].encode("utf-8", "surrogateescape") == value
    human = (roost("claim", "T-1", agent="alice").out + roost("task", "list", agent="alice").out
             + roost("task", "show", "T-1", agent="alice").out)
    for bad in (b"\x1b", b"\x07", "\u009b".encode(), b"\x1f"):
        assert bad not in human
    r = roost("block", "T-1", f"--reason={v}", agent="alice")
    assert r.rc == 0, r
    t = json.loads(roost("task", "show", "T-1", "--json").out.decode("utf-8", "surrogateescape"))
    assert t["reason"].encode("utf-8", "surrogateescape") == value
    assert roost("task", "reopen", "T-1").rc == 0 and roost("claim", "T-1", agent="alice").rc == 0
    r = roost("done", "T-1", f"--note={v}", "--json", agent="alice")
    assert r.rc == 0, r
    assert json.loads(r.out.decode("utf-8", "surrogateescape"))["note"].encode("utf-8", "surrogateescape") == value


@pytest.mark.parametrize("name,value", CORPUS, ids=[n for n, _ in CORPUS])
def test_hostile_bodies_from_stdin_round_trip_byte_exact(db, roost, name, value):
    r = roost("task", "add", "t", "--body", "-", agent="alice", input=value)
    if b"\0" in value:
        assert r.rc == 64, r
        return
    assert r.rc == 0, r
    t = json.loads(roost("task", "show", "T-1", "--json").out.decode("utf-8", "surrogateescape"))
    assert t["body"].encode("utf-8", "surrogateescape") == value
    assert b"\x1b" not in roost("task", "show", "T-1").out


def test_the_python_api_raises_denied_and_usage_errors_with_their_exit_codes(db, api, now):
    import roost as pkg
    a, b = api("alice"), api("bob")
    a.task_add("x")
    assert a.claim()["id"] == "T-1"
    with pytest.raises(pkg.Denied) as e:
        b.claim()
    assert e.value.code == 2
    with pytest.raises(pkg.Denied):
        b.claim("T-1")
    with pytest.raises(pkg.UsageError):
        b.claim("T-5")
    with pytest.raises(pkg.Denied):
        b.done("T-1")
    with pytest.raises(pkg.UsageError):
        pkg.Roost(a.path).claim()
    assert a.done("T-1", note="n")["status"] == "done"


def test_tasks_gc_records_dead_holders_and_runs_the_board_upkeep(db, api, now):
    import subprocess
    p = subprocess.Popen(["sleep", "60"])
    try:
        w = api("w1")
        w.register(pid=p.pid)
        w.task_add("x")
        w.claim()
    finally:
        p.kill()
        p.wait()
    a = api("alice")
    a.conn.execute("UPDATE config SET value = '1' WHERE key = 'task_max_reclaims'")
    assert a.tasks_gc() == {"dead": ["w1"], "stuck": 1, "escalated": 0}
    assert a.task_show("T-1")["status"] == "stuck"


def test_roost_gc_parks_stuck_tasks_and_escalates_overdue_ones(db, roost, api, now):
    # The command, not just the API: `roost gc` runs the board's upkeep.
    api("dev1").register(role="dev")
    api("lead1").register(role="lead")
    a = api("alice")
    a.queue_add("q", handler="role:dev", sla="60s", escalate_to="lead1")
    a.task_add("overdue", queue="q")
    a.conn.execute("UPDATE config SET value = '1' WHERE key = 'task_max_reclaims'")
    a.task_add("abandoned")
    assert roost("claim", "T-2", "--lease", "30s", agent="w1").rc == 0
    now(T0 + 100)
    r = roost("--json", "gc", agent="alice")
    assert r.rc == 0, r
    assert (r.json()["stuck"], r.json()["escalated"]) == (1, 1), r
    assert kinds(db, "task.escalate")[0][1] == "T-1"
    assert [t for _, t, _ in kinds(db, "task.stuck")] == ["T-2"]
    assert {t for t, _ in [(t, b["about"]) for _, t, b in kinds(db, "notice")]} >= {"lead1", "w1"}
    r = roost("gc", agent="alice")
    assert r.text == "nothing to collect\n", r  # each happens once


@pytest.mark.parametrize("cmd", [["log"], ["config", "task_lease"], ["decisions"], ["status"], ["frontier"],
                                 ["task", "list"], ["agents"], ["locks"]])
def test_any_command_the_holder_runs_renews_its_claim(db, roost, api, now, cmd):
    api("x").task_add("w")
    assert roost("claim", "--lease", "60s", agent="alice").rc == 0
    now(T0 + 50)
    assert roost(*cmd, env={"ROOST_AGENT": "alice"}).rc == 0, cmd
    now(T0 + 100)
    r = roost("claim", agent="bob")
    assert r.rc == 2, (cmd, r)  # alice was active 50s ago: her 60s lease still holds
    now(T0 + 111)
    assert roost("claim", agent="bob").rc == 0


def test_task_list_ready_shows_what_claim_would_take_including_ended_claims(db, roost, api, now):
    a = api("x")
    a.task_add("urgent", priority=5)
    a.task_add("minor")
    assert roost("claim", "--lease", "60s", agent="alice").rc == 0  # takes T-1
    assert [t["id"] for t in roost("task", "list", "--ready", "--json", agent="bob").json()["tasks"]] == ["T-2"]
    now(T0 + 61)
    ready = [t["id"] for t in roost("task", "list", "--ready", "--json", agent="bob").json()["tasks"]]
    assert ready == ["T-1", "T-2"]
    assert roost("claim", "--json", agent="bob").json()["id"] == ready[0]


@pytest.mark.parametrize("side", ["shell", "python"])
def test_the_task_of_a_holder_whose_process_died_keeps_its_priority(db, roost, api, now, side):
    import subprocess
    a = api("x")
    a.task_add("urgent", priority=10)
    a.task_add("minor", priority=1)
    p = subprocess.Popen(["sleep", "60"])
    api("victim").register(pid=p.pid)
    assert roost("claim", "T-1", agent="victim").rc == 0
    p.kill()
    p.wait()
    if side == "shell":
        r = roost("claim", agent="bob")
        assert r.rc == 0 and r.text == "claimed T-1: urgent (reclaimed from victim, dead)\n", r
    else:
        t = api("bob").claim()
        assert (t["id"], t["reclaimed_from"], t["reclaimed_why"]) == ("T-1", "victim", "dead")
    assert [e["target"] for e in roost("log", "--json", "--kind", "agent.dead").json()["events"]] == ["victim"]


def test_reading_the_board_records_a_holder_whose_process_died(db, roost, api, now):
    import subprocess
    p = subprocess.Popen(["sleep", "60"])
    api("w").register(pid=p.pid)
    api("x").task_add("t")
    assert roost("claim", agent="w").rc == 0
    p.kill()
    p.wait()
    (t,) = roost("task", "list", "--json", agent="bob").json()["tasks"]
    assert t["holder_state"] == "gone", t
    assert [x["id"] for x in roost("task", "list", "--ready", "--json", agent="bob").json()["tasks"]] == ["T-1"]


def test_log_filtered_by_agent_does_not_act_as_that_agent(db, roost, api, now):
    api("alice").task_add("w")
    assert roost("log", agent="ghost").rc == 0
    assert [a["agent"] for a in api().agents()] == ["alice"]


def test_every_task_command_has_help_with_exit_codes_and_is_in_the_docs(roost):
    docs = (os.path.dirname(__file__) + "/../../docs/tasks.md")
    text = open(docs, encoding="utf-8").read()
    for cmd in (["claim"], ["task", "add"], ["task", "list"], ["task", "show"], ["task", "depend"],
                ["task", "reopen"], ["task", "cancel"], ["done"], ["block"], ["release"], ["escalate"],
                ["queue", "add"], ["queue", "list"], ["queue", "check"]):
        r = roost(*cmd, "--help")
        assert r.rc == 0, (cmd, r)
        assert "Exit codes:" in r.text and "Usage:" in r.text, cmd
        assert "roost " + " ".join(cmd) in text, cmd


def test_claim_lock_files_takes_the_task_and_its_file_leases_together(db, roost, api, now):
    api("alice").task_add("edit the parser", files=["src/parser.py", "docs/"])
    r = roost("claim", "--lock-files", "--json", agent="bob")
    assert r.rc == 0, r
    assert r.json()["holder"] == "bob" and sorted(r.json()["leases"]["granted"]) == ["docs/", "src/parser.py"]
    held = {(x["key"], x["holder"]) for x in api().locks()["leases"]}
    assert held == {("src/parser.py", "bob"), ("docs/", "bob")}


@pytest.mark.parametrize("files", [["src/parser.py"], ["src/parser.py", "README.md"]])
def test_claim_lock_files_of_plain_files_really_holds_them(db, roost, api, now, files):
    # Plain files nobody else touches take the leases' fast path: the claim
    # must still write the leases (it once reported them without taking them).
    api("alice").task_add("edit the parser", files=files)
    r = roost("claim", "--lock-files", agent="bob")
    assert r.rc == 0 and r.text.splitlines()[1] == "leased " + " ".join(sorted(files)), r
    assert sorted((x["key"], x["holder"]) for x in api().locks()["leases"]) == sorted((f, "bob") for f in files)
    assert len(roost("log", "--json", "--kind", "lease.grant").json()["events"]) == len(files)
    r = roost("lock", files[0], agent="carol")
    assert r.rc == 2 and "bob" in r.err, r


def test_claim_lock_files_takes_nothing_when_one_file_is_held(db, roost, api, now):
    api("alice").task_add("edit the parser", files=["src/parser.py", "docs/"])
    assert roost("lock", "docs/guide.md", agent="carol").rc == 0  # inside the folder
    r = roost("claim", "--lock-files", agent="bob")
    assert r.rc == 2, r
    assert r.err.startswith("roost: claim: T-1 not claimed, nothing taken") and "carol" in r.err, r
    t = api().task_show("T-1")
    assert t["status"] == "open" and t["holder"] is None
    assert {x["holder"] for x in api().locks()["leases"]} == {"carol"}
    assert roost("log", "--json", "--kind", "task.claim").json()["events"] == []
    # once carol lets go, the same claim succeeds
    assert roost("unlock", "docs/guide.md", agent="carol").rc == 0
    assert roost("claim", "T-1", "--lock-files", agent="bob").rc == 0


def test_claim_lock_files_names_the_reclaim_like_claim_does(db, roost, api, now):
    api("alice").task_add("edit", files=["a.py"])
    assert roost("claim", "--lease", "60s", agent="alice").rc == 0
    now(T0 + 61)
    r = roost("claim", "--lock-files", agent="bob")
    assert r.rc == 0 and r.text.splitlines()[0] == "claimed T-1: edit (reclaimed from alice, expired)", r
    # the shell's plain claim words it the same way
    api("x").task_add("again")
    assert roost("claim", "--lease", "60s", agent="dave").rc == 0
    now(T0 + 200)
    assert roost("claim", agent="erin").text == "claimed T-2: again (reclaimed from dave, expired)\n"


def test_claim_lock_files_dry_run_writes_nothing(db, roost, api, now):
    api("alice").task_add("edit", files=["a.py"])
    r = roost("claim", "--lock-files", "--dry-run", agent="bob")
    assert r.rc == 0 and r.text.startswith("would claim T-1: edit\n"), r
    assert api().task_show("T-1")["status"] == "open"
    assert api().locks()["leases"] == []
