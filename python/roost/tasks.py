"""The task board: tasks with dependencies, priorities and addressees;
claims that are leases renewed by the holder's activity; reclaim of
abandoned work; queues with a response-time target and escalation.

    r = Roost(agent="alice")
    t = r.task_add("write the parser", priority=5, after=["T-1"])
    got = r.claim()                  # the next ready task, or Denied (2)
    r.done(got["id"], note="merged")

A claim is live while the holder is not gone and was seen within the
claim's lease: every roost command the holder runs renews it (see
schema/0004_tasks.sql). The claim itself, board upkeep (stuck parking,
escalation) and the task JSON are SQL shared with the shell
(schema/tasks_claim.sql, tasks_due.sql, tasks_act.sql, the task_json
view in tasks_json.sql), so both languages take the same decisions and
print the same bytes.
"""
from __future__ import annotations

import contextlib
import os
import re
from typing import Any, Iterable, Iterator

from . import proc
from .config import parse_duration
from .db import SCHEMA_DIR, _statements, name_ok
from .errors import Denied, RoostError, UsageError
from .text import dumps, sqltext

# A pattern, compiled (by re's cache) when first used, not at import: the
# frontier and sync import this module and never use it.
_TASK_ID = r"^(?:[Tt]-)?(\d{1,18})$"
STATUSES = ("open", "claimed", "done", "blocked", "stuck", "cancelled")
_SQL: dict[str, list[str]] = {}
# TEMP objects of the board, made on a connection when it first needs them.
TEMP_FILES = ("tasks_notice.sql", "tasks_json.sql")


def task_num(tid: Any) -> int:
    """The number of a task id: T-42, t-42, 42 -> 42 (UsageError otherwise)."""
    if isinstance(tid, int) and not isinstance(tid, bool) and tid >= 0:
        return tid
    m = re.match(_TASK_ID, str(tid)) if isinstance(tid, str) else None
    if not m:
        raise UsageError(f"bad task id {tid!r} (want T-42 or 42)")
    return int(m.group(1))


def canonical_path(path: str, root: str, cwd: str | None = None) -> str:
    """A file's key, exactly as a lease on it would have (roost.leases.canonical):
    relative to ROOT, '.'/'..' resolved, symlinks followed, a trailing '/'
    for a folder; the file need not exist. Outside ROOT: UsageError (64)."""
    from .leases import canonical
    if not isinstance(path, str):
        raise UsageError(f"bad file path {path!r}")
    return canonical(path, root=root, cwd=cwd)[1]


def _sql(name: str) -> list[str]:
    if name not in _SQL:
        with open(os.path.join(SCHEMA_DIR, name), encoding="utf-8") as f:
            _SQL[name] = list(_statements(f.read()))
    return _SQL[name]


class _Rollback(Exception):
    pass


class TasksMixin:
    """The task board (issue 5). Methods take and return task ids as 'T-42'."""

    # -- plumbing -------------------------------------------------------------

    @contextlib.contextmanager
    def _change(self, dry_run: bool = False) -> Iterator[int]:
        """A write transaction; with dry_run everything is rolled back."""
        try:
            with self.tx() as now:
                yield now
                if dry_run:
                    raise _Rollback
        except _Rollback:
            pass

    def _tconn(self):
        """The connection, with the TEMP task_notice and task_json views
        (tasks_notice.sql, tasks_json.sql) made on it when missing: only the
        board uses them, so other commands' connections go without. Looked
        up rather than remembered: a transaction rolled back (a dry run)
        takes views made in it away."""
        c = self.conn
        if c.execute("SELECT 1 FROM temp.sqlite_master WHERE name = 'task_json'").fetchone() is None:
            for name in TEMP_FILES:
                for stmt in _sql(name):
                    c.execute(stmt)
        return c

    def _run_sql(self, name: str, **params: Any) -> None:
        c = self._tconn()
        for stmt in _sql(name):
            c.execute(stmt, params)

    def _board(self, now: int) -> list[str]:
        """Board upkeep (inside a transaction): record agents whose process
        died (their claims end now), park tasks whose claims ended too
        often, escalate queued tasks past their target. Returns the dead."""
        dead = self.reap(now)
        me = self._resolve()
        self._run_sql("tasks_due.sql", me=me, now=now)
        self._run_sql("tasks_act.sql", me=me, now=now)
        return dead

    def _notify(self, target: str, task: int, about: str, text: str, now: int) -> None:
        """The one Python path for a task notification (a 'notice' event per
        recipient today; see the task_notice view in tasks_notice.sql)."""
        body = dumps({"task": f"T-{task}", "about": about, "by": self._resolve() or "operator",
                      "text": text})
        self._tconn().execute(
            "INSERT INTO task_notice(actor, target, body, at) VALUES (?, ?, CAST(? AS TEXT), ?)",
            (self._resolve() or "operator", target, sqltext(body), now))

    def _task_json(self, n: int) -> dict[str, Any]:
        import json
        r = self._tconn().execute("SELECT json FROM task_json WHERE id = ?", (n,)).fetchone()
        return json.loads(r[0])

    def _task_row(self, n: int):
        r = self.conn.execute("SELECT * FROM tasks WHERE id = ?", (n,)).fetchone()
        if r is None:
            raise UsageError(f"no such task T-{n}")
        return r

    def _target(self, v: str | None, what: str) -> str | None:
        """Check an AGENT or role:R address; an agent must be registered."""
        if v is None:
            return None
        role = isinstance(v, str) and v.startswith("role:")
        if not name_ok(v[5:] if role else v) or (not role and v in ("all", "operator")):
            raise UsageError(f"bad {what} {v!r} (want an agent id or role:NAME)")
        if not role and self.conn.execute("SELECT 1 FROM agents WHERE id = ?", (v,)).fetchone() is None:
            raise UsageError(f"unknown agent {v!r} for {what} (register it first)")
        return v

    @staticmethod
    def _lease(lease: Any) -> int | None:
        if lease is None:
            return None
        secs = lease if isinstance(lease, int) and not isinstance(lease, bool) else parse_duration(str(lease), "duration for --lease")
        if secs <= 0:
            raise UsageError("--lease must be longer than 0s")
        return secs

    # -- adding and reading ---------------------------------------------------

    def task_add(self, title: str, *, body: str | None = None, priority: int = 0,
                 after: Iterable[Any] = (), files: Iterable[str] = (), queue: str | None = None,
                 for_: str | None = None, dry_run: bool = False, cwd: str | None = None) -> dict[str, Any]:
        """Add a task; returns it (its id is 'id', e.g. 'T-42'). `after` are
        tasks that must be done first; `files` are canonicalised relative to
        ROOT; a task in `queue` is offered to the queue's handler unless
        `for_` names someone."""
        if not isinstance(title, str) or not title.strip() or "\0" in title:
            raise UsageError("a task needs a title (text without NUL bytes)")
        if body is not None and "\0" in body:
            raise UsageError("the body may not contain NUL bytes")
        if not isinstance(priority, int) or isinstance(priority, bool) or abs(priority) > 10**9:
            raise UsageError(f"bad priority {priority!r} (a whole number)")
        deps = sorted({task_num(a) for a in after})
        keys = sorted({canonical_path(f, self.root, cwd) for f in files})
        if queue is not None and not name_ok(queue):
            raise UsageError(f"bad queue name {queue!r}")
        out: dict[str, Any] = {}
        with self._change(dry_run) as now:
            c = self.conn
            fort = self._target(for_, "--for")
            if queue is not None:
                q = c.execute("SELECT handler FROM queues WHERE name = ?", (queue,)).fetchone()
                if q is None:
                    raise UsageError(f"no such queue {queue!r} (roost queue add {queue} --handler ...)")
                fort = fort or q[0]
            for d in deps:
                self._task_row(d)
            me = self._resolve() or "operator"
            cur = c.execute(
                "INSERT INTO tasks(title, body, priority, for_target, queue, created_by, created_at, "
                "updated_at, offered_at) VALUES (CAST(? AS TEXT), CAST(? AS TEXT), ?, ?, ?, ?, ?, ?, ?)",
                (sqltext(title), sqltext(body), priority, fort, queue, me, now, now, now))
            n = cur.lastrowid
            c.executemany("INSERT INTO task_deps(task, after) VALUES (?, ?)", [(n, d) for d in deps])
            c.executemany("INSERT INTO task_files(task, path) VALUES (?, CAST(? AS TEXT))",
                          [(n, sqltext(k)) for k in keys])
            self.emit("task.add", f"T-{n}", {"title": title, "priority": priority, "for": fort,
                                            "queue": queue, "after": [f"T-{d}" for d in deps],
                                            "files": keys}, now=now)
            out = self._task_json(n)
        return out

    def task_depend(self, tid: Any, after: Iterable[Any], *, dry_run: bool = False) -> dict[str, Any]:
        """Make a task also wait for `after`; a dependency cycle is refused (64)."""
        n = task_num(tid)
        deps = sorted({task_num(a) for a in after})
        if not deps:
            raise UsageError("name at least one task with --after")
        out: dict[str, Any] = {}
        with self._change(dry_run) as now:
            c = self.conn
            t = self._task_row(n)
            if t["status"] in ("done", "cancelled"):
                raise Denied(f"T-{n} is {t['status']}")
            for d in deps:
                self._task_row(d)
                if d == n:
                    raise UsageError(f"T-{n} cannot wait for itself")
                path = c.execute(
                    "WITH RECURSIVE up(id, path) AS (SELECT ?, 'T-' || ? UNION "
                    "SELECT d.after, up.path || ' -> T-' || d.after FROM task_deps d JOIN up ON d.task = up.id) "
                    "SELECT path FROM up WHERE id = ? LIMIT 1", (d, d, n)).fetchone()
                if path:
                    raise UsageError(f"T-{n} waiting for T-{d} would make a dependency cycle: "
                                     f"T-{n} -> {path[0]}")
            new = [d for d in deps if c.execute(
                "SELECT 1 FROM task_deps WHERE task = ? AND after = ?", (n, d)).fetchone() is None]
            c.executemany("INSERT INTO task_deps(task, after) VALUES (?, ?)", [(n, d) for d in new])
            if new:
                c.execute("UPDATE tasks SET updated_at = ? WHERE id = ?", (now, n))
                self.emit("task.depend", f"T-{n}", {"after": [f"T-{d}" for d in new]}, now=now)
            out = self._task_json(n)
        return out

    def task_list(self, *, ready: bool = False, mine: bool = False, status: str | None = None,
                  queue: str | None = None) -> list[dict[str, Any]]:
        """Tasks on the board (reading it runs its upkeep). ready: what
        `claim` would hand the caller, in that order; mine: held by the
        caller. Each task also has 'holder_state' (the holder's liveness,
        'ended' when its claim ran out)."""
        import json
        if status is not None and status not in STATUSES:
            raise UsageError(f"bad status {status!r} (one of {', '.join(STATUSES)})")
        where = []
        with self.tx() as now:
            self._board(now)
            me = self._resolve()
            if mine:
                me = self.me()
                where.append("t.status = 'claimed' AND t.holder = :me")
            if ready:
                # open, or claimed by a claim that ended (claim takes it over)
                where.append("t.waiting = 0 AND (t.status = 'open' OR (t.status = 'claimed' "
                             "AND t.holder IS NOT :me AND (a.state = 'gone' OR a.last_seen + t.lease_secs <= :now)))")
                if me:
                    where.append("(t.for_target IS NULL OR t.for_target = :me OR t.for_target = "
                                 "(SELECT 'role:' || role FROM agents WHERE id = :me))")
            if status:
                where.append("t.status = :status")
            if queue:
                where.append("t.queue = :queue")
            w = ("WHERE " + " AND ".join(where)) if where else ""
            order = "t.priority DESC, t.id" if ready else "t.id"
            rows = self._tconn().execute(
                f"SELECT j.json, {_HOLDER_STATE} AS hs FROM tasks t JOIN task_json j ON j.id = t.id "
                f"LEFT JOIN agent_state a ON a.id = t.holder {w} ORDER BY {order}",
                {"now": now, "me": me, "status": status, "queue": queue}).fetchall()
        out = []
        for r in rows:
            d = json.loads(r[0])
            d["holder_state"] = r[1]
            out.append(d)
        return out

    def task_show(self, tid: Any) -> dict[str, Any]:
        """One task with 'holder_state' and its 'history' (its events)."""
        import json
        n = task_num(tid)
        with self.tx() as now:
            self._board(now)
            r = self._tconn().execute(
                f"SELECT j.json, {_HOLDER_STATE} AS hs FROM tasks t JOIN task_json j ON j.id = t.id "
                "LEFT JOIN agent_state a ON a.id = t.holder WHERE t.id = :n", {"now": now, "n": n}).fetchone()
            if r is None:
                raise UsageError(f"no such task T-{n}")
            hist = self.conn.execute(
                "SELECT seq, ts, agent, kind, body, at FROM events "
                "WHERE target = ? AND kind GLOB 'task.*' ORDER BY seq", (f"T-{n}",)).fetchall()
        d = json.loads(r[0])
        d["holder_state"] = r[1]
        d["history"] = [dict(h) for h in hist]
        return d

    # -- claiming ---------------------------------------------------------------

    def claim(self, tid: Any = None, *, lease: Any = None, dry_run: bool = False,
              lock_files: bool = False) -> dict[str, Any]:
        """Claim task `tid`, or the next ready task. Returns the task with
        'reclaimed_from'. Denied (2) when nothing is ready or the task is held
        by a live agent (or waiting, done, blocked, stuck, cancelled);
        UsageError (64) for no such task. The same SQL as `roost claim`.

        lock_files: also lease every file of the task, in the same
        transaction: all or none, and when one is held by another live agent
        nothing is taken (Denied, the claim rolled back too)."""
        want = None if tid is None else task_num(tid)
        secs = self._lease(lease)
        host = proc.host()
        err = None
        out: dict[str, Any] = {}
        with self._change(dry_run) as now:
            c = self.conn
            me = self.me()
            params = {"me": me, "now": now, "want": want, "lease": secs, "host": host}
            c.execute("DELETE FROM roost_err")
            # The upkeep records every holder whose process died (start times
            # checked) before the choice, so the 'sus' rows tasks_claim.sql
            # leaves for the shell's second look are all alive here.
            self._board(now)
            self._run_sql("tasks_claim.sql", **params)
            e = c.execute("SELECT rc, msg FROM roost_err LIMIT 1").fetchone()
            if e is not None:
                err = {2: Denied, 64: UsageError}.get(e[0], RoostError)(e[1], e[0])
                c.execute("DELETE FROM roost_err")
            else:
                ctx = dict(c.execute("SELECT k, v FROM roost_ctx WHERE k IN ('task', 'own', 'prev', 'why')").fetchall())
                out = self._task_json(ctx.get("task") or ctx.get("own"))
                out["reclaimed_from"] = ctx.get("prev")
                out["reclaimed_why"] = ctx.get("why") if ctx.get("prev") else None
                if lock_files and out.get("files"):
                    out["leases"] = self._lock_task_files(out, now)
        if err is not None:
            raise err
        return out

    def _lock_task_files(self, task: dict[str, Any], now: int) -> dict[str, Any]:
        """Inside the claim's transaction: lease the task's files with the
        leases' own SQL; a denial raises and rolls the claim back."""
        reqs = [self.lease_key(k, cwd=self.root) for k in task["files"]]
        p = self._lease_params(now, reason=f"{task['id']}: {task['title']}"[:200])
        self._lease_prepare(p, reqs)
        if self._lease_fast(p):
            self._lease_run("fast_lock", p)
        else:
            self._lease_match(p, now)
            self._lease_run("lock", p)
        err = self._lease_err()
        if err is not None:
            raise Denied(f"{task['id']} not claimed, nothing taken: its files are held: {err}")
        return {"granted": [k for _, k in reqs]}

    # -- finishing, blocking, giving back --------------------------------------

    def _check_holder(self, verb: str, n: int, force: bool, *, need_claimed: bool = False):
        """Inside a transaction: the caller and the task, if the caller may
        `verb` it (only the holder may, unless force)."""
        me = self.me()
        t = self._task_row(n)
        if t["status"] in ("done", "cancelled"):
            raise Denied(f"T-{n} is {t['status']}")
        if need_claimed and t["status"] != "claimed":
            raise Denied(f"T-{n} is {t['status']}, not claimed: nothing to release")
        if t["holder"] != me and not force:
            who = f"held by {t['holder']}" if t["holder"] else f"{t['status']} and not held by you"
            raise Denied(f"T-{n} is {who}: only the holder may {verb} it (--force overrides, and is logged)")
        return me, t

    def _forced(self, verb: str, me: str, t, now: int) -> bool:
        """Log-worthy: the caller was not the holder, so only --force let it
        act (a task someone else held, or one nobody held); a holder is told."""
        if t["holder"] == me:
            return False
        if t["holder"] is not None:
            self._notify(t["holder"], t["id"], f"task.{verb}",
                         f"{me} used --force to {verb} T-{t['id']} ({t['title']}), which you held", now)
        return True

    def done(self, tid: Any, *, note: str | None = None, force: bool = False,
             dry_run: bool = False) -> dict[str, Any]:
        """Mark a task done (the holder only, unless force). Dependents whose
        last dependency this was become ready."""
        if note is not None and "\0" in note:
            raise UsageError("the note may not contain NUL bytes")
        return self._settle(tid, "done", "note", note, "finish", force, dry_run)

    def block(self, tid: Any, *, reason: str, force: bool = False, dry_run: bool = False) -> dict[str, Any]:
        """Park a task as blocked with a reason (the holder only, unless
        force). Blocked tasks are not handed out until reopened."""
        if not isinstance(reason, str) or not reason.strip() or "\0" in reason:
            raise UsageError("block needs --reason TEXT (without NUL bytes)")
        return self._settle(tid, "blocked", "reason", reason, "block", force, dry_run)

    def _settle(self, tid: Any, status: str, column: str, text: str | None, verb: str,
                force: bool, dry_run: bool) -> dict[str, Any]:
        """done and block: the holder (or force) parks the task in status
        with its note or reason, logged as task.done / task.block."""
        n = task_num(tid)
        out: dict[str, Any] = {}
        with self._change(dry_run) as now:
            me, t = self._check_holder(verb, n, force)
            self.conn.execute(
                f"UPDATE tasks SET status = '{status}', holder = NULL, {column} = CAST(? AS TEXT), "
                "updated_at = ? WHERE id = ?", (sqltext(text), now, n))
            forced = self._forced(verb, me, t, now)
            kind = "task.done" if status == "done" else "task.block"
            self.emit(kind, f"T-{n}", {column: text, "holder": t["holder"], "force": forced}, now=now)
            out = self._task_json(n)
        return out

    def release(self, tid: Any, *, force: bool = False, dry_run: bool = False) -> dict[str, Any]:
        """Give a claimed task back to the board (the holder only, unless force)."""
        n = task_num(tid)
        out: dict[str, Any] = {}
        with self._change(dry_run) as now:
            me, t = self._check_holder("release", n, force, need_claimed=True)
            self.conn.execute(
                "UPDATE tasks SET status = 'open', holder = NULL, offered_at = ?, updated_at = ? WHERE id = ?",
                (now, now, n))
            forced = self._forced("release", me, t, now)
            self.emit("task.release", f"T-{n}", {"holder": t["holder"], "force": forced}, now=now)
            out = self._task_json(n)
        return out

    def task_reopen(self, tid: Any, *, dry_run: bool = False) -> dict[str, Any]:
        """Put a done, blocked, stuck or cancelled task back on the board
        (its reclaim count starts again from 0)."""
        n = task_num(tid)
        out: dict[str, Any] = {}
        with self._change(dry_run) as now:
            t = self._task_row(n)
            if t["status"] in ("open", "claimed"):
                raise Denied(f"T-{n} is {t['status']}: nothing to reopen")
            self.conn.execute(
                "UPDATE tasks SET status = 'open', holder = NULL, reclaims = 0, reason = NULL, "
                "offered_at = ?, updated_at = ? WHERE id = ?", (now, now, n))
            self.emit("task.reopen", f"T-{n}", {"from": t["status"]}, now=now)
            out = self._task_json(n)
        return out

    def task_cancel(self, tid: Any, *, force: bool = False, dry_run: bool = False) -> dict[str, Any]:
        """Cancel a task. A task claimed by someone else needs force (logged,
        and the holder is told). Dependents keep waiting (reopen to revive)."""
        n = task_num(tid)
        out: dict[str, Any] = {}
        with self._change(dry_run) as now:
            me = self._resolve() or "operator"
            t = self._task_row(n)
            if t["status"] in ("done", "cancelled"):
                raise Denied(f"T-{n} is {t['status']}")
            forced = t["status"] == "claimed" and t["holder"] != me
            if forced and not force:
                raise Denied(f"T-{n} is held by {t['holder']}: only the holder may cancel it "
                             "(--force overrides, and is logged)")
            self.conn.execute("UPDATE tasks SET status = 'cancelled', holder = NULL, updated_at = ? "
                              "WHERE id = ?", (now, n))
            if forced:
                self._forced("cancel", me, t, now)
            self.emit("task.cancel", f"T-{n}", {"from": t["status"], "holder": t["holder"],
                                                "force": forced}, now=now)
            out = self._task_json(n)
        return out

    # -- queues -------------------------------------------------------------------

    def queue_add(self, name: str, *, handler: str, sla: Any = None, escalate_to: str | None = None,
                  dry_run: bool = False) -> dict[str, Any]:
        """Create or update a queue. Tasks added to it are offered to handler;
        one still unclaimed past sla escalates to escalate_to (default: the
        task_notify setting)."""
        if not name_ok(name):
            raise UsageError(f"bad queue name {name!r} (want [A-Za-z0-9][A-Za-z0-9._-]{{0,63}})")
        secs = None if sla is None else (sla if isinstance(sla, int) else parse_duration(str(sla), "duration for --sla"))
        if secs is not None and secs <= 0:
            raise UsageError("--sla must be longer than 0s")
        out: dict[str, Any] = {}
        with self._change(dry_run) as now:
            h = self._target(handler, "--handler")
            esc = self._target(escalate_to, "--escalate-to")
            c = self.conn
            old = c.execute("SELECT 1 FROM queues WHERE name = ?", (name,)).fetchone()
            me = self._resolve() or "operator"
            c.execute(
                "INSERT INTO queues(name, handler, sla, escalate_to, created_by, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET handler = excluded.handler, "
                "sla = excluded.sla, escalate_to = excluded.escalate_to, updated_at = excluded.updated_at",
                (name, h, secs, esc, me, now, now))
            self.emit("queue.update" if old else "queue.add", name,
                      {"handler": h, "sla": secs, "escalate_to": esc}, now=now)
            out = self._queues(name)[0]
        return out

    def _queues(self, name: str | None = None) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT q.name, q.handler, q.sla, q.escalate_to, q.created_by, q.created_at, "
            "(SELECT count(*) FROM tasks t WHERE t.queue = q.name AND t.status = 'open') AS open, "
            "(SELECT count(*) FROM tasks t WHERE t.queue = q.name AND t.status = 'claimed') AS claimed, "
            "(SELECT count(*) FROM tasks t WHERE t.queue = q.name AND t.escalated_at IS NOT NULL "
            " AND t.status NOT IN ('done', 'cancelled')) AS escalated "
            "FROM queues q WHERE ? IS NULL OR q.name = ? ORDER BY q.name", (name, name)).fetchall()
        return [dict(r) for r in rows]

    def queue_list(self) -> list[dict[str, Any]]:
        """Every queue with its handler, target, escalation target and counts."""
        with self.tx():
            return self._queues()

    def queue_check(self, name: str | None = None, *, overdue: bool = False) -> list[dict[str, Any]]:
        """The unfinished tasks of one queue (or all), with 'age' (since
        added), 'waiting' (unclaimed seconds counted against the target, None
        while a live claim holds it), 'left' (seconds before the target,
        negative past it; None without a target or while claimed) and
        'overdue'. Reading runs the board upkeep, so overdue tasks escalate."""
        import json
        with self.tx() as now:
            if name is not None and self.conn.execute("SELECT 1 FROM queues WHERE name = ?", (name,)).fetchone() is None:
                raise UsageError(f"no such queue {name!r}")
            self._board(now)
            rows = self._tconn().execute(
                "SELECT j.json, t.created_at, q.sla, " + _HOLDER_STATE + " AS hs, "
                "CASE WHEN t.status = 'open' AND t.waiting = 0 THEN t.offered_at "
                "     WHEN t.status = 'claimed' AND (a.state = 'gone' OR a.last_seen + t.lease_secs <= :now) "
                "     THEN max(t.offered_at, a.last_seen) END AS since "
                "FROM tasks t JOIN task_json j ON j.id = t.id JOIN queues q ON q.name = t.queue "
                "LEFT JOIN agent_state a ON a.id = t.holder "
                "WHERE t.status IN ('open', 'claimed', 'blocked', 'stuck') AND (:name IS NULL OR t.queue = :name) "
                "ORDER BY t.queue, t.id", {"now": now, "name": name}).fetchall()
        out = []
        for r in rows:
            d = json.loads(r[0])
            d["holder_state"] = r[3]
            since, sla = r[4], r[2]
            d["age"] = now - r[1]
            d["waiting"] = None if since is None else now - since
            d["left"] = None if since is None or sla is None else since + sla - now
            d["overdue"] = d["left"] is not None and d["left"] <= 0
            if overdue and not d["overdue"]:
                continue
            out.append(d)
        return out

    def escalate(self, tid: Any, *, to: str | None = None, dry_run: bool = False) -> dict[str, Any]:
        """Escalate a task by hand: offer it to `to` (default: its queue's
        escalation target, else the task_notify setting) and tell the target
        and the handler. Once per task: Denied (2) if already escalated."""
        n = task_num(tid)
        out: dict[str, Any] = {}
        with self._change(dry_run) as now:
            c = self.conn
            t = self._task_row(n)
            if t["status"] in ("done", "cancelled"):
                raise Denied(f"T-{n} is {t['status']}")
            if t["escalated_at"] is not None:
                raise Denied(f"T-{n} was already escalated (to {t['for_target']}); escalation happens once per task")
            target = self._target(to, "--to")
            if target is None:
                r = c.execute("SELECT coalesce(q.escalate_to, (SELECT value FROM settings WHERE key = 'task_notify')) "
                              "FROM (SELECT 1) LEFT JOIN queues q ON q.name = ?", (t["queue"],)).fetchone()
                target = r[0] or None
            if not target:
                raise UsageError("no escalation target: pass --to AGENT|role:R (or set roost config task_notify)")
            c.execute("DELETE FROM roost_ctx WHERE k GLOB 'park:*' OR k GLOB 'esc:*'")
            c.execute("INSERT INTO roost_ctx(k, v) VALUES (?, json_array(?, NULL, 'hand'))", (f"esc:{n}", target))
            self._run_sql("tasks_act.sql", me=self._resolve(), now=now)
            out = self._task_json(n)
        return out

    # -- upkeep -------------------------------------------------------------------

    def gc(self) -> dict[str, Any]:
        """`roost gc`: the leases' collection (dead processes, expired
        leases, stale requests), then the board's upkeep (dead holders,
        reclaim limits, overdue queues). Adds 'stuck' and 'escalated'."""
        out = super().gc()  # type: ignore[misc]
        t = self.tasks_gc()
        out["dead"] = sorted(set(out["dead"]) | set(t["dead"]))
        out["stuck"], out["escalated"] = t["stuck"], t["escalated"]
        return out

    def tasks_gc(self) -> dict[str, Any]:
        """For `roost gc`: the board upkeep, which first records agents whose
        process died on this host. Returns what it did."""
        with self.tx() as now:
            c = self.conn
            first = c.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
            dead = self._board(now)
            kinds = dict(c.execute("SELECT kind, count(*) FROM events WHERE seq > ? GROUP BY kind",
                                   (first,)).fetchall())
        return {"dead": dead, "stuck": kinds.get("task.stuck", 0), "escalated": kinds.get("task.escalate", 0)}


# The holder's liveness for display; 'ended' when its lease ran out.
_HOLDER_STATE = ("CASE WHEN t.status != 'claimed' THEN NULL "
                 "WHEN a.state != 'gone' AND a.last_seen + t.lease_secs <= :now THEN 'ended' "
                 "ELSE a.state END")
