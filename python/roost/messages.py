"""Messages: send, broadcast, recv, inbox, read, ack, sent, thread, watch.

A message is its `msg.send` event: its id is the event's seq (commit
order), its timestamp the sender's Lamport time, its body the event body,
stored byte-exact. `messages` says which thread it belongs to;
`deliveries` holds one row per recipient with that recipient's read and
ack state. The shell commands (lib/roost/commands/{send,recv,...}.sh) run
the same SQL; tests/python/test_messages_parity.py holds the two sides to
the same ids, timestamps, read states and output.

Also `python -m roost.messages recv --wait ...`: the slow path the shell's
`recv --wait` hands over to when nothing is waiting yet.
"""
from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from typing import Any

from .errors import Denied, RoostError, UsageError
from .text import clean

# A registered agent x matches an address element t(k, v): a group (all,
# role:, team:) leaves out the sender, a named id does not. The same SQL as
# _roost_msg_match in lib/roost/messages.sh.
_MATCH = ("CASE t.k WHEN 'id' THEN x.id = t.v WHEN 'all' THEN x.id != ? "
          "WHEN 'role' THEN x.role = t.v AND x.id != ? ELSE x.team = t.v AND x.id != ? END")

_COLS = ("e.seq AS id, e.agent AS sender, e.target AS target, e.ts AS ts, e.at AS at, "
         "m.thread AS thread, m.reply_to AS reply_to, e.body AS body")


def parse_to(to: str) -> list[tuple[str, str | None, str]]:
    """An address (agent id, role:NAME, team:NAME, all, or a comma-separated
    list of these) as (kind, name, element) triples; UsageError when malformed."""
    from .db import check_id, name_ok
    out = []
    for el in str(to).split(","):
        if el == "all":
            out.append(("all", None, "all"))
        elif el.startswith(("role:", "team:")):
            k, _, v = el.partition(":")
            if not name_ok(v):
                raise UsageError(f"bad address {el!r}: a {k} name is [A-Za-z0-9][A-Za-z0-9._-]{{0,63}}")
            out.append((k, v, el))
        else:
            try:
                check_id(el)
            except UsageError:
                what = "'' (an empty element)" if el == "" else repr(el)
                raise UsageError(f"bad address {what}: want an agent id, role:NAME, team:NAME "
                                 "or all, comma-separated") from None
            out.append(("id", el, el))
    return out


def message_id(v: Any, what: str = "ID") -> int:
    """A message id given as 12, '12' or '#12'."""
    s = str(v)
    s = s.removeprefix("#")
    if not s.isdigit() or len(s) > 15 or not s.isascii():
        raise UsageError(f"{what} needs a message id (a number such as 12 or #12), not {str(v)!r}")
    return int(s)


def _as_text(body: str | bytes) -> str:
    if isinstance(body, (bytes, bytearray)):
        return bytes(body).decode("utf-8", "surrogateescape")
    if not isinstance(body, str):
        raise UsageError("a message body is text (str or bytes)")
    return body


def _cut(s: str) -> str:
    return s if len(s) <= 80 else s[:79] + "…"


def render(m: dict[str, Any], summary: bool = False) -> str:
    """A message for people, exactly as the shell's recv prints it: a header
    line, then the body with terminal control characters removed, every line
    indented by two spaces, or (summary) cut to one line of 80 characters."""
    head = (f"#{m['id']} from {m['from']} to {m['to']} (lamport {m['ts']}, thread #{m['thread']}"
            + (f", reply to #{m['reply_to']}" if m["reply_to"] is not None else "") + ")")
    c = clean(m["body"])
    if summary:
        c = _cut(c.replace("\n", " ").replace("\t", " "))
    else:
        c = c.rstrip("\n").replace("\n", "\n  ")
    return head if c == "" else head + "\n  " + c


def summary_of(body: str) -> str:
    return _cut(clean(body).replace("\n", " ").replace("\t", " "))


def first_line(body: str) -> str:
    """The body's first line for people, cut to 80 characters (inbox, sent)."""
    return _cut(clean(body.split("\n", 1)[0]).replace("\t", " "))


def id_array(ids: list[int]) -> str:
    """Message ids as a JSON array, the bytes json.dumps writes compactly
    (recv and sync need no json module: it is imported only when used)."""
    return "[" + ",".join(str(int(i)) for i in ids) + "]"


def _ago(now: int, t: int) -> str:
    from .text import ago
    return ago(now, t)


class MessagesMixin:
    """Messages between agents (issue 3). Every method needs an identity."""

    # -- helpers (inside a transaction) --------------------------------------

    def _msg_rows(self, ids: list[int]) -> list[dict[str, Any]]:
        if not ids:
            return []
        rows = self.conn.execute(
            f"SELECT {_COLS} FROM events e JOIN messages m ON m.id = e.seq "
            "WHERE e.seq IN (SELECT value FROM json_each(?)) ORDER BY e.seq",
            (id_array(ids),)).fetchall()
        return [_msg(r) for r in rows]

    def _take(self, me: str, now: int, *, sender: str | None = None, limit: int | None = None,
              msg: int | None = None) -> list[dict[str, Any]]:
        """Mark the caller's unread messages (optionally: from sender, at most
        limit, or just msg) read and apply the Lamport receive rule once for
        them. The same SQL as _roost_msg_take in lib/roost/messages.sh."""
        where, args = "agent = ? AND read_at IS NULL", [me]
        if sender is not None:
            where += " AND sender = ?"
            args.append(sender)
        if msg is not None:
            where += " AND msg = ?"
            args.append(msg)
        sql = f"SELECT msg FROM deliveries INDEXED BY deliveries_unread WHERE {where} ORDER BY msg"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        c = self.conn
        ids = [r[0] for r in c.execute(sql, args).fetchall()]
        if not ids:
            return []
        c.execute("UPDATE deliveries SET read_at = ? WHERE agent = ? AND msg IN "
                  "(SELECT value FROM json_each(?))", (now, me, id_array(ids)))
        rows = self._msg_rows(ids)
        self.emit("msg.recv", me, '{"ids":' + id_array(ids) + "}", now=now, seen=max(r["ts"] for r in rows))
        return rows

    def _known(self, me: str, mid: int) -> Any:
        """The message row, or 64 (no such message) / 2 (not the caller's)."""
        r = self.conn.execute("SELECT id, sender, thread FROM messages WHERE id = ?", (mid,)).fetchone()
        if r is None:
            raise UsageError(f"no message #{mid} (see 'roost inbox')")
        if r["sender"] != me and self.conn.execute(
                "SELECT 1 FROM deliveries WHERE agent = ? AND msg = ?", (me, mid)).fetchone() is None:
            raise Denied(f"message #{mid} is not yours: only its sender and its recipients may see it")
        return r

    # -- the operations -----------------------------------------------------

    def send(self, to: str, body: str | bytes, *, reply_to: int | str | None = None,
             recv: bool = True) -> dict[str, Any]:
        """Send body to `to` (agent id, role:NAME, team:NAME, all, or a
        comma-separated list). Unless recv=False, the caller's unread
        messages are received first and returned as "received"."""
        els = parse_to(to)
        text = _as_text(body)
        rid = None if reply_to is None else message_id(reply_to, "--reply-to")
        with self.tx() as now:
            me = self.me()
            c = self.conn
            n = len(text.encode("utf-8", "surrogateescape"))
            cap = int(self.config_get("msg_max_bytes"))
            if n > cap:
                raise UsageError(f"the message is {n} bytes, over the cap of {cap} "
                                 "(msg_max_bytes; see 'roost config')")
            if "\0" in text:
                raise UsageError("the message contains a NUL byte: send text")
            parent_ts = 0
            if rid is not None:
                self._known(me, rid)
                parent_ts = c.execute("SELECT ts FROM events WHERE seq = ?", (rid,)).fetchone()[0]
            values = ", ".join(["(?, ?, ?)"] * len(els))
            flat = [x for el in els for x in el]
            miss = c.execute(
                f"WITH t(k, v, a) AS (VALUES {values}) SELECT k, a FROM t "
                f"WHERE NOT EXISTS (SELECT 1 FROM agents x WHERE {_MATCH}) LIMIT 1",
                flat + [me, me, me]).fetchone()
            if miss:
                other = "" if miss[0] == "id" else " other than you"
                raise UsageError(f"no agent matches {_quote(miss[1])}{other} (see 'roost agents'): "
                                 "nothing was sent")
            received = self._take(me, now) if recv else []
            ev = self.emit("msg.send", to, text, now=now, seen=parent_ts)
            mid = ev["seq"]
            thread = mid
            if rid is not None:
                thread = c.execute("SELECT thread FROM messages WHERE id = ?", (rid,)).fetchone()[0]
            c.execute("INSERT INTO messages(id, sender, thread, reply_to) VALUES (?, ?, ?, ?)",
                      (mid, me, thread, rid))
            c.execute(
                f"INSERT INTO deliveries(agent, msg, sender) WITH t(k, v, a) AS (VALUES {values}) "
                f"SELECT DISTINCT x.id, ?, ? FROM agents x, t WHERE {_MATCH}",
                flat + [mid, me, me, me, me])
            rcpt = [r[0] for r in c.execute(
                "SELECT x.id FROM agents x CROSS JOIN deliveries d WHERE d.agent = x.id AND d.msg = ? "
                "ORDER BY x.id", (mid,)).fetchall()]
        return {"id": mid, "ts": ev["ts"], "at": now, "to": to, "thread": thread, "reply_to": rid,
                "recipients": rcpt, "received": received}

    def broadcast(self, body: str | bytes, *, reply_to: int | str | None = None,
                  recv: bool = True) -> dict[str, Any]:
        """send('all', body): every other agent registered now."""
        return self.send("all", body, reply_to=reply_to, recv=recv)

    def recv(self, *, sender: str | None = None, limit: int | None = None,
             wait: float | None = None, interval: float = 0.05) -> list[dict[str, Any]]:
        """The caller's unread messages in commit order, marked read in the
        same transaction. sender: only that agent's (the rest stay unread).
        wait: block up to that many seconds for one to arrive ([] if none)."""
        if sender is not None:
            from .db import check_id
            check_id(sender, "--from agent id")
        if limit is not None and (not isinstance(limit, int) or limit < 0):
            raise UsageError("--limit needs a whole number")
        deadline = None if wait is None else time.monotonic() + max(0.0, float(wait))
        seen_version = None
        while True:
            with self.tx() as now:
                got = self._take(self.me(), now, sender=sender, limit=limit)
            if got or deadline is None:
                return got
            seen_version = self._await_unread(self.me(), sender, deadline, interval, seen_version)
            if seen_version is None:
                return []

    def _await_unread(self, me: str, sender: str | None, deadline: float, interval: float,
                      version: int | None) -> int | None:
        """Sleep until a commit leaves an unread message for me (from sender)
        or the deadline passes (None). Each look is PRAGMA data_version, a
        read of the shared-memory header: no write, next to no CPU."""
        c = self.conn
        q = "SELECT 1 FROM deliveries INDEXED BY deliveries_unread WHERE agent = ? AND read_at IS NULL" + (
            " AND sender = ?" if sender else "") + " LIMIT 1"
        args = (me, sender) if sender else (me,)
        if version is None:
            version = c.execute("PRAGMA data_version").fetchone()[0]
        while True:
            if c.execute(q, args).fetchone():
                return version
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                time.sleep(min(interval, left))
                v = c.execute("PRAGMA data_version").fetchone()[0]
                if v != version:
                    version = v
                    break

    def inbox(self, *, limit: int | None = 20) -> dict[str, Any]:
        """Unread message headers, oldest first, without marking anything
        read: {"unread": N, "messages": [...]} with "line" (the first line,
        at most 80 characters) and "bytes" for the body. limit 0/None: all."""
        with self.tx():
            me = self.me()
            c = self.conn
            n = c.execute("SELECT count(*) FROM deliveries INDEXED BY deliveries_unread "
                          "WHERE agent = ? AND read_at IS NULL",
                          (me,)).fetchone()[0]
            lim = -1 if not limit else int(limit)
            ids = [r[0] for r in c.execute(
                "SELECT msg FROM deliveries INDEXED BY deliveries_unread WHERE agent = ? AND read_at IS NULL "
                "ORDER BY msg LIMIT ?",
                (me, lim)).fetchall()]
            rows = self._msg_rows(ids)
        out = []
        for m in rows:
            b = m.pop("body")
            m["bytes"] = len(b.encode("utf-8", "surrogateescape"))
            m["line"] = b.split("\n", 1)[0][:80]
            out.append(m)
        return {"unread": n, "messages": out}

    def read(self, id: int | str) -> dict[str, Any]:
        """One message in full; marks it read for the caller if a recipient."""
        mid = message_id(id)
        with self.tx() as now:
            me = self.me()
            self._known(me, mid)
            self._take(me, now, msg=mid)
            return self._msg_rows([mid])[0]

    def ack(self, id: int | str) -> dict[str, Any]:
        """Acknowledge a message the caller received (also marks it read)."""
        mid = message_id(id)
        with self.tx() as now:
            me = self.me()
            c = self.conn
            if c.execute("SELECT 1 FROM messages WHERE id = ?", (mid,)).fetchone() is None:
                raise UsageError(f"no message #{mid} (see 'roost inbox')")
            d = c.execute("SELECT acked_at FROM deliveries WHERE agent = ? AND msg = ?", (me, mid)).fetchone()
            if d is None:
                raise Denied(f"you are not a recipient of message #{mid}: only they acknowledge it")
            self._take(me, now, msg=mid)
            already = d["acked_at"] is not None
            ev = c.execute("SELECT agent, ts FROM events WHERE seq = ?", (mid,)).fetchone()
            if not already:
                c.execute("UPDATE deliveries SET acked_at = ? WHERE agent = ? AND msg = ?", (now, me, mid))
                self.emit("msg.ack", ev["agent"], {"id": mid}, now=now, seen=ev["ts"])
            at = c.execute("SELECT acked_at FROM deliveries WHERE agent = ? AND msg = ?",
                           (me, mid)).fetchone()[0]
        return {"id": mid, "from": ev["agent"], "agent": me, "acked_at": at, "already": already}

    def thread(self, id: int | str) -> dict[str, Any]:
        """The thread of message id, in commit order: the messages of it that
        the caller sent or received. Read states are left as they are."""
        mid = message_id(id)
        with self.tx():
            me = self.me()
            t = self._known(me, mid)["thread"]
            ids = [r[0] for r in self.conn.execute(
                "SELECT m.id FROM messages m WHERE m.thread = ? AND (m.sender = ? OR EXISTS "
                "(SELECT 1 FROM deliveries WHERE agent = ? AND msg = m.id)) ORDER BY m.id",
                (t, me, me)).fetchall()]
            return {"thread": t, "messages": self._msg_rows(ids)}

    def sent(self, *, unacked: bool = False, limit: int | None = 20) -> list[dict[str, Any]]:
        """The caller's most recent sent messages (oldest of them first), each
        with per-recipient read and ack state. unacked: only those some
        recipient has not acknowledged. limit 0/None: all."""
        with self.tx():
            me = self.me()
            c = self.conn
            lim = -1 if not limit else int(limit)
            # A message's recipients are found through deliveries' primary key,
            # one look-up per registered agent (a small table).
            q = "SELECT id FROM messages m WHERE sender = ?"
            if unacked:
                q += (" AND EXISTS (SELECT 1 FROM agents x CROSS JOIN deliveries d WHERE d.agent = x.id "
                      "AND d.msg = m.id AND d.acked_at IS NULL)")
            ids = sorted(r[0] for r in c.execute(q + " ORDER BY id DESC LIMIT ?", (me, lim)).fetchall())
            rows = self._msg_rows(ids)
            st: dict[int, list] = {i: [] for i in ids}
            for r in c.execute(
                    "SELECT d.msg, d.agent, d.read_at, d.acked_at FROM json_each(?) j CROSS JOIN agents x CROSS JOIN deliveries d "
                    "WHERE d.agent = x.id AND d.msg = j.value ORDER BY d.msg, d.agent", (id_array(ids),)):
                st[r["msg"]].append({"agent": r["agent"], "read_at": r["read_at"], "acked_at": r["acked_at"]})
        for m in rows:
            b = m.pop("body")
            m["bytes"] = len(b.encode("utf-8", "surrogateescape"))
            m["line"] = b.split("\n", 1)[0][:80]
            m["recipients"] = st[m["id"]]
        return rows

    def watch(self, *, everything: bool = False, kind: str | None = None, since: int | None = None,
              interval: float = 0.05) -> Iterator[dict[str, Any]]:
        """Yield what is committed, as it is committed, until the caller stops.

        Global mode (everything=True, or no identity): every event by
        sequence id (all after `since`, default: from now on), filtered by
        kind (a prefix before '.' matches too); read-only, so no one's clock
        or read state changes. Agent mode: the caller's incoming messages,
        unread ones first, each marked read as it is yielded."""
        c = self.conn
        if everything or self._resolve() is None:
            if since is None:
                since = c.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
            where, args = "seq > ?", [since]
            if kind:
                where += " AND (kind = ? OR kind LIKE ? ESCAPE '\\')"
                args += [kind, kind.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ".%"]
            version = None
            while True:
                c.execute("BEGIN")
                try:
                    rows = c.execute(
                        f"SELECT seq, ts, agent, kind, target, body, at FROM events WHERE {where} "
                        "ORDER BY seq LIMIT 1000", args).fetchall()
                    top = c.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
                finally:
                    c.execute("COMMIT")
                for r in rows:
                    yield dict(r)
                args[0] = rows[-1]["seq"] if len(rows) == 1000 else top
                if len(rows) == 1000:
                    continue
                version = self._await_change(version, interval)
        me = self.me()
        while True:
            # One at a time: a reader that goes away (watch | head) leaves
            # at most the message in hand marked, and watch gives it back.
            with self.tx() as now:
                got = self._take(me, now, limit=1)
            yield from got
            if not got:
                self._await_unread(me, None, float("inf"), interval, None)

    def unread(self, mid: int) -> bool:
        """Give a message the caller took back to its unread messages (for a
        reader that could not show it: watch whose output went away). True
        when it was the caller's and read."""
        me = self.me()
        with self.tx():
            return self.conn.execute("UPDATE deliveries SET read_at = NULL WHERE agent = ? AND msg = ? "
                                     "AND read_at IS NOT NULL", (me, int(mid))).rowcount == 1

    def _await_change(self, version: int | None, interval: float) -> int:
        c = self.conn
        if version is None:
            version = c.execute("PRAGMA data_version").fetchone()[0]
        while True:
            time.sleep(interval)
            v = c.execute("PRAGMA data_version").fetchone()[0]
            if v != version:
                return v


def _quote(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _msg(r) -> dict[str, Any]:
    return {"id": r["id"], "from": r["sender"], "to": r["target"], "ts": r["ts"], "at": r["at"],
            "thread": r["thread"], "reply_to": r["reply_to"], "body": r["body"]}


# -- python -m roost.messages: the shell's slow paths ------------------------

def main(argv: list[str]) -> int:
    """`recv --wait SECONDS [--from ID] [--limit N] [--summary] [--json]
    [--agent ID] --db PATH`: wait for a message, receive and print it in
    the shell's format. Exit 0 received, 2 timed out."""
    import argparse

    from .text import emit_json, write_out
    ap = argparse.ArgumentParser(prog="roost recv")
    ap.add_argument("op", choices=["recv"])
    ap.add_argument("--wait", type=int, required=True)
    ap.add_argument("--from", dest="sender")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--summary", action="store_true")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--agent")
    ap.add_argument("--db", required=True)
    a = ap.parse_args(argv)
    from .api import Roost
    try:
        r = Roost(a.db, a.agent, agent_how="--agent" if a.agent else None)
        got = r.recv(sender=a.sender, limit=a.limit, wait=a.wait)
    except RoostError as e:
        sys.stderr.write(f"roost: recv: {clean(e.message)}\n")
        return e.code
    except KeyboardInterrupt:
        return 130
    if a.json:
        if a.summary:
            for m in got:
                m["summary"] = summary_of(m.pop("body"))
        emit_json({"messages": got})
    elif got:
        write_out("".join(render(m, a.summary) + "\n" for m in got))
    return 0 if got else 2


if __name__ == "__main__":
    from roost.messages import main as _main  # the module proper, not this __main__ copy
    sys.exit(_main(sys.argv[1:]))
