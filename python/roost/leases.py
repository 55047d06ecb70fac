"""Leases: exclusive and shared leases on files, folders, globs and resources.

The decisions are SQL in schema/leases_*.sql, run unchanged by the shell
(lib/roost/commands/lock.sh and friends, through `.read`) and here, so both
sides grant, deny and reclaim alike. This module adds what SQL cannot do:
canonical keys (mirroring lib/roost/leases.sh), the pid checks of the slow
path, the wait loop, `locks` and `gc`.

    r = roost.Roost(agent="alice")
    r.lock(["src/a.py"], reason="refactor")     # or raises roost.Denied
    r.check(["src/"])["free"]
    r.unlock(["src/a.py"])
"""
from __future__ import annotations

import os
import time
from collections.abc import Iterable
from typing import Any

from . import db as dbm
from . import proc
from .config import parse_duration
from .errors import Denied, UsageError
from .text import sqltext

SQL_DIR = dbm.SCHEMA_DIR
GLOB_CHARS = "*?["
MAX_LINKS = 40
_SQL: dict[str, list[str]] = {}
RESET = tuple(f"DELETE FROM {t}" for t in ("roost_err", "lease_req", "lease_act", "lease_out")) + (
    "DELETE FROM roost_ctx WHERE k GLOB 'lease_*'",)
_PARAMS = ("now", "me", "shared", "check", "ttl", "reason", "wait", "waitid", "final",
           "wpid", "wstart", "host", "json", "quiet", "force")


def sql(name: str) -> list[str]:
    """The statements of schema/leases_NAME.sql (what the shell .reads)."""
    if name not in _SQL:
        with open(os.path.join(SQL_DIR, f"leases_{name}.sql"), encoding="utf-8") as f:
            _SQL[name] = list(dbm._statements(f.read()))
    return _SQL[name]


# -- canonical keys (the same walk as lib/roost/leases.sh) -------------------

def _show(s: str) -> str:
    return "'" + "".join(c for c in s if c >= " " and c != "\x7f") + "'"


def _refuse(arg: str, msg: str) -> UsageError:
    return UsageError(f"{_show(arg)} {msg}")


def resolve(path: str, cwd: str | None = None) -> str:
    """PATH made absolute from cwd, with '.', '..' and symlinks resolved
    component by component; components that do not exist are kept (the
    non-strict os.path.realpath walk, done here so that it matches the
    shell's step for step)."""
    if path.startswith("/"):
        cur = ""
    else:
        cwd = cwd or os.getcwd()
        cur = "" if cwd == "/" else cwd
    todo = path
    links = 0
    while todo:
        x, _, todo = todo.partition("/")
        if x in ("", "."):
            continue
        if x == "..":
            cur = cur[:cur.rfind("/")] if "/" in cur else cur
            continue
        p = f"{cur}/{x}"
        if not os.path.islink(p):
            cur = p
            continue
        links += 1
        if links > MAX_LINKS:
            raise _refuse(path, "has too many levels of symbolic links")
        try:
            t = os.readlink(p)
        except OSError:
            raise _refuse(path, "has a symbolic link that cannot be read") from None
        if t.startswith("/"):
            cur = ""
        todo = t + ("/" + todo if todo else "")
    return cur or "/"


def tree_top(root: str, cwd: str | None = None) -> str:
    """The working tree keys are relative to: ROOT, or the linked worktree
    cwd is in (the nearest ancestor with a .git met before ROOT: keys are
    repository paths, the same in every worktree sharing ROOT's database);
    ROOT when there is none. Mirrors _roost_lease_rel."""
    root = resolve(root)
    d = cwd or os.getcwd()
    d = "" if d == "/" else d
    while (d or "/") != root and not os.path.exists(d + "/.git"):
        if d == "":
            return root
        d = d[:d.rfind("/")]
    return d or "/"


def _rel(arg: str, absolute: str, root: str) -> str:
    if absolute == root:
        return ""
    r = root.rstrip("/")
    if absolute.startswith(r + "/"):
        return absolute[len(r) + 1:]
    raise _refuse(arg, f"is outside the working tree {_show(root)}: leases are for paths in this repository")


def _brackets_ok(comp: str) -> bool:
    c = comp
    while "[" in c:
        c = c[c.index("[") + 1:]
        c = c.removeprefix("^").removeprefix("]")
        if "]" not in c:
            return False
        c = c[c.index("]") + 1:]
    return True


def canonical(arg: str, *, root: str, cwd: str | None = None) -> tuple[str, str]:
    """(kind, key) of a path argument: kind is file, dir or glob. See
    docs/leases.md for the rules; UsageError (64) when refused."""
    if arg == "":
        raise UsageError("an empty path is not a path")
    if "\0" in arg:
        raise _refuse(arg, "has a NUL byte")
    root = tree_top(root, cwd)
    if not any(c in arg for c in GLOB_CHARS):
        a = resolve(arg, cwd)
        rel = _rel(arg, a, root)
        last = arg.rsplit("/", 1)[-1]
        if arg.endswith("/") or last in (".", "..") or rel == "" or os.path.isdir(a):
            return "dir", (rel + "/") if rel else "./"
        return "file", rel
    i = min(arg.find(c) for c in GLOB_CHARS if c in arg)
    lit = arg[:i]
    static = lit[:lit.rfind("/") + 1] if "/" in lit else ""
    tail = arg[len(static):]
    rel = _rel(arg, resolve(static or ".", cwd), root)
    key = "".join(f"[{c}]" if c in GLOB_CHARS else c for c in rel)
    key = key + "/" if key else ""
    for comp in tail.split("/"):
        if comp in ("", "."):
            continue
        if comp == "..":
            raise _refuse(arg, "has '..' after a wildcard: spell the folder out before it")
        if not _brackets_ok(comp):
            raise _refuse(arg, "has a [ without its ] (a class cannot hold '/')")
        key += comp + "/"
    if arg.endswith("/"):
        key += "**/"
    return "glob", key[:-1]


def _seconds(v: int | str | None, what: str) -> int | None:
    if v is None:
        return None
    if isinstance(v, bool):
        raise UsageError(f"bad {what} {v!r}")
    if isinstance(v, int):
        if v < 0:
            raise UsageError(f"bad {what} {v!r} (use 90s, 15m, 2h, 1d or seconds)")
        return v
    return parse_duration(v, what)


class LeasesMixin:
    """lock, check, unlock, renew, locks, gc (see docs/leases.md)."""

    # -- plumbing ---------------------------------------------------------

    def lease_key(self, path: str, *, cwd: str | None = None) -> tuple[str, str]:
        """The canonical (kind, key) of a path, as the shell computes it."""
        return canonical(path, root=self.root, cwd=cwd)

    def _lease_reqs(self, paths: Iterable[str], resources: Iterable[str],
                    cwd: str | None) -> list[tuple[str, str]]:
        reqs = [self.lease_key(p, cwd=cwd) for p in paths]
        for name in resources:
            if name == "":
                raise UsageError("--resource needs a name")
            reqs.append(("resource", name))
        return reqs

    def _lease_run(self, name: str, p: dict[str, Any]) -> list[str]:
        """Run schema/leases_NAME.sql; return the rows it prints."""
        out: list[str] = []
        for st in sql(name):
            cur = self.conn.execute(st, p)
            if cur.description:
                out += [r[0] for r in cur.fetchall() if r[0] is not None]
        return out

    def _lease_params(self, now: int, **kw: Any) -> dict[str, Any]:
        p: dict[str, Any] = dict.fromkeys(_PARAMS)
        p.update(now=now, me=self._resolve(), shared=0, check=0, json=1, quiet=0, force=0)
        p.update(kw)
        if p["reason"] is not None:
            p["reason"] = sqltext(p["reason"])
        return p

    def _lease_begin(self, p: dict[str, Any]) -> None:
        """begin.sql, then empty the scratch tables (a fresh sqlite3 process
        starts with them empty; this connection may have used them)."""
        self._lease_run("begin", p)
        self._lease_run("acts", p)
        for st in RESET:
            self.conn.execute(st)

    def _lease_prepare(self, p: dict[str, Any], reqs: list[tuple[str, str]]) -> None:
        self._lease_begin(p)
        self.conn.executemany(
            "INSERT OR IGNORE INTO lease_req(kind, key, shared) VALUES (?, CAST(? AS TEXT), ?)",
            [(k, sqltext(key), p["shared"]) for k, key in reqs])

    def _lease_match(self, p: dict[str, Any], now: int) -> None:
        """match.sql, then the slow path: whoever is in the way with a
        process on this host is checked; the dead are recorded (holders
        become gone, waiters leave the queue) and the match runs again."""
        c = self.conn
        self._lease_run("match", p)
        if self._lease_bury(c.execute("SELECT DISTINCT wait, holder, pid, pid_start, host FROM lease_blk "
                                      "WHERE pid IS NOT NULL").fetchall(), now):
            c.execute("DELETE FROM lease_hit")
            c.execute("DELETE FROM lease_blk")
            self._lease_run("match", p)

    def _lease_bury(self, suspects: list[Any], now: int) -> bool:
        """The suspects (wait, holder, pid, pid_start, host: someone in the
        way with a process on record) whose process died: a holder is
        recorded dead, a waiter's request leaves the queue (what the shell's
        _roost_lease_dead writes). True when any was."""
        changed = False
        for r in suspects:
            if not proc.pid_dead(r["pid"], r["pid_start"], r["host"]):
                continue
            if r["wait"] is None:
                changed |= self.mark_dead(r["holder"], now)
            elif self.conn.execute("DELETE FROM lease_waits WHERE id = ? AND pid IS ? AND pid_start IS ?",
                                   (r["wait"], r["pid"], r["pid_start"])).rowcount:
                self._lease_emit("lease.unqueue", r["holder"], {"wait": r["wait"], "why": "its process died"}, now)
                changed = True
        return changed

    def _lease_fast(self, p: dict[str, Any]) -> bool:
        """fast.sql: True when it settled the request (nothing overlaps)."""
        self._lease_run("fast", p)
        return self.conn.execute("SELECT 1 FROM roost_ctx WHERE k = 'lease_fast'").fetchone() is not None

    def _lease_show(self, what: str, p: dict[str, Any], out: bool = False) -> list[str]:
        """The rows an operation prints: WHAT_json.sql's JSON, or the lines of
        WHAT_text.sql (and of out.sql, which prints the lines it wrote, when
        out), as the shell's _roost_lease_show_out reads them."""
        if p["json"]:
            return self._lease_run(f"{what}_json", p)
        return self._lease_run(f"{what}_text", p) + (self._lease_run("out", p) if out else [])

    def _lease_emit(self, kind: str, target: str, body: Any, now: int) -> None:
        """A lease event from Python: stamped and advancing lease_clock, as
        the shared SQL does."""
        seen = self.conn.execute("SELECT t FROM lease_clock").fetchone()[0]
        ev = self.emit(kind, target, body, now=now, seen=seen, actor=self._resolve() or "operator")
        self.conn.execute("UPDATE lease_clock SET t = max(t, ?)", (ev["ts"],))

    def _lease_err(self) -> str | None:
        r = self.conn.execute("SELECT msg FROM roost_err LIMIT 1").fetchone()
        return r[0] if r else None

    @staticmethod
    def _lease_json(rows: list[str]) -> dict[str, Any]:
        import json
        return json.loads(rows[0]) if rows and rows[0].startswith("{") else {}

    # -- lock -------------------------------------------------------------

    def lock(self, paths: Iterable[str] = (), *, resources: Iterable[str] = (),
             ttl: int | str | None = None, reason: str | None = None,
             wait: int | str | None = None, shared: bool = False,
             cwd: str | None = None) -> dict[str, Any]:
        """Take every lease or none. Returns {"agent", "granted", "conflicts"};
        raises Denied (2) naming the holder, after waiting up to `wait`
        (queued in Lamport order) when given."""
        reqs = self._lease_reqs(paths, resources, cwd)
        if not reqs:
            raise UsageError("which paths? give at least one PATH or --resource NAME")
        t = _seconds(ttl, "duration for --ttl")
        if t is not None and t < 1:
            raise UsageError("--ttl must be at least 1s")
        w = _seconds(wait, "duration for --wait") or 0
        wp = {"wpid": os.getpid(), "wstart": proc.start_time(os.getpid()), "host": proc.host()} if w else {}
        rows, err, waitid = self._lease_attempt(
            reqs, {"shared": int(bool(shared)), "ttl": t, "reason": reason, "wait": w, **wp})
        res = self._lease_json(rows)
        if err is None:
            return res
        if waitid is None:
            raise _denied(err, res)
        rows, err = self.lock_wait(waitid)
        res = self._lease_json(rows)
        if err is not None:
            raise _denied(err, res)
        return res

    def _lease_attempt(self, reqs: list[tuple[str, str]] | None, kw: dict[str, Any],
                       *, human: bool = False) -> tuple[list[str], str | None, int | None]:
        """One lock transaction: (output rows, denial or None, queued id)."""
        with self.tx() as now:
            self.me()
            p = self._lease_params(now, **kw)
            if human:
                p["json"] = 0
            if reqs is None:  # a queued request: its keys are its rows
                self._lease_begin(p)
                self.conn.execute(
                    "INSERT INTO lease_req(kind, key, shared) SELECT kind, key, shared "
                    "FROM leases WHERE wait = ? ORDER BY id", (p["waitid"],))
            else:
                self._lease_prepare(p, reqs)
            if self._lease_fast(p):
                rows = self._lease_run("fast_lock", p)
                if not p["json"]:
                    rows = self._lease_run("out", p)
            else:
                self._lease_match(p, now)
                self._lease_run("lock", p)
                rows = self._lease_show("lock", p, out=True)
            err = self._lease_err()
            q = self.conn.execute("SELECT v FROM roost_ctx WHERE k = 'lease_wait'").fetchone()
        return rows, err, (q[0] if q else None)

    def _lease_peek(self, waitid: int) -> list[dict[str, Any]] | None:
        """Who is in the way of a queued request, read without writing
        (None when the request is no longer queued)."""
        c = self.conn
        c.execute("BEGIN")
        try:
            now = dbm.set_now(c)
            if c.execute("SELECT 1 FROM lease_waits WHERE id = ?", (waitid,)).fetchone() is None:
                return None
            p = self._lease_params(now, waitid=waitid)
            self._lease_begin(p)
            c.execute("INSERT INTO lease_req(kind, key, shared) SELECT kind, key, shared "
                      "FROM leases WHERE wait = ? ORDER BY id", (waitid,))
            self._lease_run("match", p)
            return [dict(r) for r in c.execute(
                "SELECT holder, pid, pid_start, host, until, wait FROM lease_blk").fetchall()]
        finally:
            c.execute("ROLLBACK")

    def lock_wait(self, waitid: int, *, human: bool = False, quiet: bool = False,
                  poll: float = 0.02) -> tuple[list[str], str | None]:
        """Wait for a queued request (made by lock --wait, shell or Python)
        until it is served or its wait runs out. Returns (output rows,
        denial or None).

        No process is started and nothing is written while waiting: every
        `poll` seconds this reads PRAGMA data_version (changes when anyone
        commits) and the /proc entries of whoever is in the way; only when
        one of them changed, a blocking lease's time ran out, or a second
        passed, does it look at the queue again (a read), and only when the
        way looks clear does it try to take the leases (a write)."""
        c = self.conn
        me = self.me()
        pid = os.getpid()
        start = time.monotonic()
        with self.tx():
            w = c.execute("SELECT asked, until, ttl, reason FROM lease_waits WHERE id = ? AND agent = ?",
                          (waitid, me)).fetchone()
            if w is None:
                raise UsageError(f"no queued request {waitid} of {me}")
            c.execute("UPDATE lease_waits SET pid = ?, pid_start = ?, host = ? WHERE id = ?",
                      (pid, proc.start_time(pid), proc.host(), waitid))
        until = w["until"]
        # The wait asked for, in full from now (the request was made before
        # this started): `until` is in whole seconds, rounded up a second
        # (leases_lock.sql), so it is only the last word.
        deadline = start + max(0, until - w["asked"] - 1)
        kw = {"ttl": w["ttl"], "reason": w["reason"], "waitid": waitid, "quiet": int(quiet)}
        last_dv, next_look, watch, touched = None, 0.0, [], time.monotonic()
        while True:
            final = time.monotonic() >= deadline or dbm.now() >= until
            dv = c.execute("PRAGMA data_version").fetchone()[0]
            died = any(proc.pid_dead(*x) for x in watch)
            if final or died or dv != last_dv or time.time() >= next_look:
                last_dv = dv
                blk = self._lease_peek(waitid)
                if blk is None:
                    return [], "the queued request was dropped (its wait ran out or it was cleared)"
                if final or not blk or any(proc.pid_dead(b["pid"], b["pid_start"], b["host"])
                                           for b in blk if b["pid"]):
                    rows, err, _ = self._lease_attempt(None, dict(kw, final=int(final)), human=human)
                    if err is None or final:
                        return rows, err
                    blk = self._lease_peek(waitid) or []
                    last_dv = c.execute("PRAGMA data_version").fetchone()[0]
                watch = [(b["pid"], b["pid_start"], b["host"]) for b in blk if b["pid"]]
                ends = [b["until"] for b in blk if b["wait"] is None]
                next_look = min([time.time() + 1.0, float(until)] + [float(e) for e in ends])
            if time.monotonic() - touched > 60:
                with self.tx():  # stay seen while waiting: a waiter is alive
                    pass
                touched = time.monotonic()
            time.sleep(poll)

    # -- check, unlock, renew -----------------------------------------------

    def check(self, paths: Iterable[str] = (), *, resources: Iterable[str] = (),
              shared: bool = False, cwd: str | None = None) -> dict[str, Any]:
        """Who holds each path: {"free", "checked": [{"key", "status", ...}]}.
        free is False when another agent holds any of them (exit 2). A read:
        it writes nothing (but for recording a holder in the way found dead)
        and does not count as the caller being seen."""
        reqs = self._lease_reqs(paths, resources, cwd)
        if not reqs:
            raise UsageError("which paths? give at least one PATH or --resource NAME")
        # A read transaction, as the shell's: a check never waits for a
        # writer and does not count as the caller being seen. Only the slow
        # path writes: a holder in the way whose process on this host died
        # is recorded as dead, and the check runs again in that transaction
        # (as the shell's second run: someone else may have recorded it in
        # between).
        with dbm.transaction(self.conn, write=False) as now:
            rows, suspects = self._lease_check(reqs, now, shared)
        if any(proc.pid_dead(r["pid"], r["pid_start"], r["host"]) for r in suspects):
            with self.tx() as now:
                self._lease_bury(suspects, now)
                rows, _ = self._lease_check(reqs, now, shared)
        return self._lease_json(rows)

    def _lease_check(self, reqs: list[tuple[str, str]], now: int,
                     shared: bool) -> tuple[list[str], list[Any]]:
        """The steps of lock --check, as the shell takes them (near.sql for
        files and resources, else match.sql; fast_check_*.sql when nothing
        overlaps; else check.sql). Returns the rows it prints and the
        suspects: holders in the way with a process on record."""
        c = self.conn
        p = self._lease_params(now, shared=int(bool(shared)), check=1)
        self._lease_prepare(p, reqs)
        self._lease_run("match" if any(kind in ("dir", "glob") for kind, _ in reqs) else "near", p)
        if c.execute("SELECT 1 FROM lease_hit LIMIT 1").fetchone() is None:
            return self._lease_show("fast_check", p), []
        self._lease_run("check", p)
        return self._lease_show("check", p), c.execute(
            "SELECT DISTINCT NULL AS wait, holder, pid, pid_start, host "
            "FROM lease_chk WHERE pid IS NOT NULL AND NOT mine").fetchall()

    def _lease_simple(self, name: str, reqs: list[tuple[str, str]], **kw: Any) -> dict[str, Any]:
        with self.tx() as now:
            self.me()
            p = self._lease_params(now, **kw)
            self._lease_prepare(p, reqs)
            rows = self._lease_run(name, p)
            err = self._lease_err()
            if err is not None:
                raise Denied(err)  # rolls back: all or nothing, as in the shell
        return self._lease_json(rows)

    def unlock(self, paths: Iterable[str] = (), *, resources: Iterable[str] = (),
               force: bool = False, cwd: str | None = None) -> dict[str, Any]:
        """Release the caller's leases on exactly these keys; force=True also
        breaks others' (logged; the holder is told). {"agent", "released"}."""
        reqs = self._lease_reqs(paths, resources, cwd)
        if not reqs:
            raise UsageError("which paths? give at least one PATH or --resource NAME")
        return self._lease_simple("unlock", reqs, force=int(bool(force)))

    def renew(self, paths: Iterable[str] = (), *, resources: Iterable[str] = (),
              ttl: int | str | None = None, cwd: str | None = None) -> dict[str, Any]:
        """Extend the caller's live leases (all when no path is given) to now
        + ttl (default: each lease's own). {"agent", "renewed"}."""
        t = _seconds(ttl, "duration for --ttl")
        if t is not None and t < 1:
            raise UsageError("--ttl must be at least 1s")
        return self._lease_simple("renew", self._lease_reqs(paths, resources, cwd), ttl=t)

    # -- locks and gc (Python-owned) ----------------------------------------

    def locks(self, *, all: bool = False, mine: bool = False) -> dict[str, Any]:
        """Live leases with their holder's state, and queued requests; with
        all=True also expired ones not yet collected and, from the log,
        released, reclaimed, broken and collected ones."""
        import json
        c = self.conn
        me = self.me() if mine else None
        with self.tx() as now:
            held = [dict(r) for r in c.execute(
                "SELECT l.key, l.kind, l.holder, l.shared, l.reason, l.since, l.until, s.state, "
                "CASE WHEN l.until <= ? THEN 'expired' WHEN s.state = 'gone' THEN 'holder gone' "
                "ELSE 'held' END AS status "
                "FROM leases l JOIN agent_state s ON s.id = l.holder "
                "WHERE l.wait IS NULL AND (? OR (l.until > ? AND s.state != 'gone')) "
                "AND (? IS NULL OR l.holder = ?) ORDER BY l.key, l.kind, l.holder",
                (now, int(all), now, me, me)).fetchall()]
            waiting = [dict(r) for r in c.execute(
                "SELECT w.id, w.agent, w.ts, w.asked, w.until, s.state, "
                "(SELECT json_group_array(key) FROM (SELECT key FROM leases WHERE wait = w.id ORDER BY id)) AS keys "
                "FROM lease_waits w JOIN agent_state s ON s.id = w.agent "
                "WHERE (? OR w.until > ?) AND (? IS NULL OR w.agent = ?) ORDER BY w.ts, w.agent",
                (int(all), now, me, me)).fetchall()]
            ended: list[dict[str, Any]] = []
            if all:
                for e in c.execute(
                        "SELECT seq, ts, agent, kind, target, body, at FROM events "
                        "WHERE kind IN ('lease.release', 'lease.reclaim', 'lease.break', 'lease.expire') "
                        "ORDER BY seq").fetchall():
                    b = json.loads(e["body"]) if e["body"] else {}
                    holder = b.get("from", e["agent"])
                    if me is not None and holder != me:
                        continue
                    ended.append({"key": e["target"], "kind": b.get("kind"), "holder": holder,
                                  "reason": b.get("reason"), "since": b.get("since"),
                                  "until": b.get("until"), "ended": e["at"],
                                  "status": {"lease.release": "released", "lease.reclaim": "reclaimed",
                                             "lease.break": "broken", "lease.expire": "collected"}[e["kind"]],
                                  "by": e["agent"], "why": b.get("why")})
        for h in held:
            h["shared"] = bool(h["shared"])
        for w in waiting:
            w["keys"] = json.loads(w["keys"])
        out: dict[str, Any] = {"leases": held, "waiting": waiting}
        if all:
            out["ended"] = ended
        return out

    def gc(self) -> dict[str, Any]:
        """Record dead agent processes (their agents become gone), drop
        expired leases, leases of gone holders, and queued requests whose
        wait ran out or whose process or agent is gone. Logged as
        lease.expire / lease.unqueue. Nothing depends on running it."""
        c = self.conn
        with self.tx() as now:
            dead = self.reap(now)
            gone = c.execute(
                "SELECT l.id, l.key, l.kind, l.holder, l.since, l.until, l.reason, l.ts, "
                "CASE WHEN l.until <= ? THEN 'expired' WHEN s.dead THEN 'its holder''s process died' "
                "WHEN s.ended THEN 'its holder''s session ended' "
                "ELSE 'its holder was not seen for ' || s.gone_window || 's' END AS why "
                "FROM leases l JOIN agent_state s ON s.id = l.holder "
                "WHERE l.wait IS NULL AND (l.until <= ? OR s.state = 'gone') ORDER BY l.id",
                (now, now)).fetchall()
            for r in gone:
                self._lease_emit("lease.expire", r["key"], {"from": r["holder"], "kind": r["kind"], "why": r["why"],
                                                            "since": r["since"], "until": r["until"],
                                                            "reason": r["reason"]}, now)
                c.execute("DELETE FROM leases WHERE id = ?", (r["id"],))
            waits = 0
            for w in c.execute(
                    "SELECT w.id, w.agent, w.until, w.pid, w.pid_start, w.host, s.state "
                    "FROM lease_waits w JOIN agent_state s ON s.id = w.agent ORDER BY w.id").fetchall():
                why = ("its wait ran out" if w["until"] <= now else
                       "its agent is gone" if w["state"] == "gone" else
                       "its process died" if proc.pid_dead(w["pid"], w["pid_start"], w["host"]) else None)
                if why:
                    c.execute("DELETE FROM lease_waits WHERE id = ?", (w["id"],))
                    self._lease_emit("lease.unqueue", w["agent"], {"wait": w["id"], "why": why}, now)
                    waits += 1
        return {"dead": dead,
                "expired": [{"key": r["key"], "kind": r["kind"], "holder": r["holder"], "why": r["why"]}
                            for r in gone],
                "unqueued": waits}


def _denied(msg: str, result: dict[str, Any]) -> Denied:
    e = Denied(msg)
    e.result = result  # type: ignore[attr-defined]
    return e
