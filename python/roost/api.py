"""The roost Python API: `Roost(db, agent)` offers every operation.

    import roost
    r = roost.Roost(db=".roost/roost.db", agent="alice")
    r.register(role="dev")
    r.heartbeat(epoch=1)

Methods return plain data (dicts, lists) and raise roost.RoostError (with
an exit code) on failure. The shell commands call the same SQL; parity tests
run the same scenario through both on one database file.
"""
from __future__ import annotations

import os
import sqlite3
from typing import Any

from . import db as dbm
from . import proc
from .errors import RoostError, UsageError
from .messages import MessagesMixin
from .progress import ProgressMixin
from .text import sqltext

# The same order as _roost_ident in lib/roost/core.sh. Claude Code, Codex and
# Copilot CLI export their session id to the agent's shell; Gemini CLI only
# to hooks (GEMINI_SESSION_ID): its agent learns its id from the session
# start's context. ROOST_SESSION is for a person or a CLI roost does not know.
SESSION_VARS = ("ROOST_SESSION", "CLAUDE_CODE_SESSION_ID", "GEMINI_SESSION_ID", "CODEX_SESSION_ID",
                "CODEX_THREAD_ID", "COPILOT_AGENT_SESSION_ID")


def row(r: sqlite3.Row | None) -> dict[str, Any] | None:
    return dict(r) if r is not None else None


class CoreMixin:
    """Identity, liveness, the event log, configuration, database upkeep."""

    def __init__(self, db: str | None = None, agent: str | None = None, *,
                 cwd: str | None = None, agent_how: str | None = None,
                 session: str | None = None):
        self.path, self.db_how, self.root = dbm.locate(db, cwd)
        self._conn: sqlite3.Connection | None = None
        self.seen = False  # set once a transaction has recorded the caller as seen
        self.agent: str | None = None
        self.agent_how: str | None = None
        self.session: str | None = session
        self.session_how: str | None = "argument" if session else None
        if agent:
            self.agent, self.agent_how = dbm.check_id(agent), agent_how or "argument"
        elif os.environ.get("ROOST_AGENT"):
            self.agent = dbm.check_id(os.environ["ROOST_AGENT"], "agent id from ROOST_AGENT")
            self.agent_how = "ROOST_AGENT"
        elif not session:
            for v in SESSION_VARS:
                if os.environ.get(v):
                    self.session, self.session_how = os.environ[v], f"session {v}"
                    break

    # -- plumbing ---------------------------------------------------------

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = dbm.connect(self.path)
            from .text import decode
            self._conn.text_factory = decode
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def tx(self, *, announce: bool = True):
        """A write transaction (BEGIN IMMEDIATE) that also records the caller
        as seen; yields the time. Use: `with self.tx() as now: ...`.
        announce=False: a caller seen for the first time gets no 'register'
        event from it (register writes its own)."""
        return _Tx(self, announce)

    def _resolve(self) -> str | None:
        """The caller's id, looked up from the session when not explicit."""
        if self.agent:
            return self.agent
        if self.session:
            r = self.conn.execute(
                "SELECT agent FROM sessions WHERE id = CAST(? AS TEXT)", (sqltext(self.session),)
            ).fetchone()
            if r:
                self.agent, self.agent_how = r[0], self.session_how
                return self.agent
        return None

    def me(self) -> str:
        """The caller's id, or UsageError (64) when there is none."""
        a = self._resolve()
        if not a:
            raise UsageError(
                "no identity: pass --agent ID, set ROOST_AGENT, or bind this session "
                "with 'roost register ID'"
            )
        return a

    def _touch(self, now: int, announce: bool = True) -> None:
        """Record the caller as seen (registering an explicit id on first
        use). The same SQL as _roost_begin in the shell."""
        a = self._resolve()
        if not a:
            return
        c = self.conn
        if announce and c.execute("SELECT 1 FROM agents WHERE id = ?", (a,)).fetchone() is None:
            self.emit("register", a, None, now=now)
        c.execute(
            "INSERT INTO agents(id, registered_at, last_seen) VALUES (?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen), "
            "dead_at = NULL, ended_at = NULL",
            (a, now, now),
        )

    def emit(self, kind: str, target: str | None, body: Any, *, now: int,
             seen: int = 0, actor: str | None = None) -> dict[str, Any]:
        """Append one event (inside a transaction); returns {seq, ts}."""
        if body is not None and not isinstance(body, str):
            from .text import dumps
            body = dumps(body)
        who = actor or self._resolve() or "operator"
        self.conn.execute(
            "INSERT INTO emit(agent, kind, target, body, at, seen) "
            "VALUES (?, ?, CAST(? AS TEXT), CAST(? AS TEXT), ?, ?)",
            (who, kind, sqltext(target), sqltext(body), now, seen),
        )
        r = self.conn.execute("SELECT seq, ts FROM events WHERE seq = (SELECT max(seq) FROM events)").fetchone()
        return {"seq": r[0], "ts": r[1]}

    # -- identity and liveness -------------------------------------------

    def whoami(self) -> dict[str, Any]:
        with self.tx():
            a = self.me()
            r = self.conn.execute(
                "SELECT id, role, team, state FROM agent_state WHERE id = ?", (a,)
            ).fetchone()
        return {"agent": r["id"], "how": self.agent_how, "role": r["role"],
                "team": r["team"], "state": r["state"], "db": self.path}

    def register(self, agent: str | None = None, *, role: str | None = None,
                 team: str | None = None, pid: int | None = None,
                 session: str | None = None, vendor: str | None = None,
                 find_process: bool = True) -> dict[str, Any]:
        """Register or update an agent; bind the current session to it; record
        its long-lived process (ROOST_PID, `pid`, or found in our ancestry)."""
        if agent:
            self.agent, self.agent_how = dbm.check_id(agent), self.agent_how or "argument"
        a = self.me()
        for name, v in (("role", role), ("team", team)):
            if v is not None and not dbm.name_ok(v):
                raise UsageError(f"bad {name} {v!r} (want [A-Za-z0-9][A-Za-z0-9._-]{{0,63}})")
        found = None
        if pid is not None:
            st = proc.start_time(pid)
            if not st:
                raise UsageError(f"no process {pid} on this host (--pid names the agent's running process)")
            found = (pid, st)
        elif find_process:
            found = proc.find_agent_process()
        sess = session or self.session
        with self.tx(announce=False) as now:  # the register event below is the only one
            return self._register(a, role, team, found, sess, vendor, now)

    def _register(self, a: str, role: str | None, team: str | None, found: tuple | None,
                  sess: str | None, vendor: str | None, now: int) -> dict[str, Any]:
        """register's transaction. The register event is written when
        something changed (a new agent, a new role, team, process or session
        binding): re-running it adds nothing to the log."""
        c = self.conn
        new = c.execute("SELECT 1 FROM events WHERE kind = 'register' AND target = ? LIMIT 1",
                        (a,)).fetchone() is None
        was = c.execute("SELECT role, team, pid FROM agents WHERE id = ?", (a,)).fetchone()
        bound = bool(sess) and c.execute(
            "SELECT 1 FROM sessions WHERE id = CAST(? AS TEXT) AND agent = ? AND ended_at IS NULL",
            (sqltext(sess), a)).fetchone() is not None
        c.execute(
            "UPDATE agents SET role = coalesce(?, role), team = coalesce(?, team), "
            "ended_at = NULL WHERE id = ?", (role, team, a))
        if found:
            c.execute(
                "UPDATE agents SET pid = ?, pid_start = ?, host = ?, dead_at = NULL WHERE id = ?",
                (found[0], found[1], proc.host(), a))
        if sess:
            c.execute(
                "INSERT INTO sessions(id, agent, vendor, pid, pid_start, host, started_at) "
                "VALUES (CAST(? AS TEXT), ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                "agent = excluded.agent, vendor = coalesce(excluded.vendor, vendor), "
                "pid = coalesce(excluded.pid, pid), pid_start = coalesce(excluded.pid_start, pid_start), "
                "host = coalesce(excluded.host, host), ended_at = NULL",
                (sqltext(sess), a, vendor, found[0] if found else None,
                 found[1] if found else None, proc.host() if found else None, now))
        changed = (new or was is None or (role is not None and role != was["role"])
                   or (team is not None and team != was["team"])
                   or (found is not None and found[0] != was["pid"]) or (bool(sess) and not bound))
        r = row(c.execute("SELECT id AS agent, role, team, pid, host, state FROM agent_state WHERE id = ?",
                          (a,)).fetchone())
        if changed:
            r.update(self.emit("register", a, {"role": role, "team": team,
                                               "pid": found[0] if found else None,
                                               "session": bool(sess)}, now=now))
        else:
            r.update(seq=None, ts=None)
        return r

    def heartbeat(self, epoch: int | None = None, round: int | None = None) -> dict[str, Any]:
        """Record that the caller is alive, optionally with its position."""
        from .progress import check_uint
        check_uint("epoch", epoch)
        check_uint("round", round)
        with self.tx() as now:
            return self._heartbeat(now, epoch, round)

    def _heartbeat(self, now: int, epoch: int | None, round: int | None) -> dict[str, Any]:
        """The heartbeat inside a transaction (sync runs it with others)."""
        a = self.me()
        c = self.conn
        c.execute(
            "UPDATE agents SET round = CASE WHEN ? IS NOT NULL THEN ? "
            "WHEN ? IS NOT NULL AND ? != epoch THEN 0 ELSE round END, "
            "epoch = coalesce(?, epoch) WHERE id = ?",
            (round, round, epoch, epoch, epoch, a))
        # The body made by SQLite, as the shell's heartbeat makes it.
        ep, rd, body = c.execute("SELECT epoch, round, json_object('epoch', epoch, 'round', round) "
                                 "FROM agents WHERE id = ?", (a,)).fetchone()
        ev = self.emit("heartbeat", a, body, now=now)
        return {"agent": a, "seq": ev["seq"], "ts": ev["ts"], "epoch": ep, "round": rd}

    def agents(self) -> list[dict[str, Any]]:
        """Every registered agent with role, team, state, last seen, position
        (a live-looking agent whose process is provably dead is recorded as
        such first, so it shows as gone)."""
        with self.tx() as now:
            self.reap(now)
            rows = self.conn.execute(
                "SELECT id AS agent, role, team, state, last_seen, registered_at, pid, host, "
                "epoch, round FROM agent_state ORDER BY id").fetchall()
        return [dict(r) for r in rows]

    def reap(self, now: int) -> list[str]:
        """Inside a transaction: every agent that looks live but whose
        recorded process on this host is provably dead is recorded as dead
        (mark_dead). The caller is never reaped: it is running. Returns them."""
        me = self._resolve()
        here = proc.host()
        return [r["id"] for r in self.conn.execute(
            "SELECT id FROM agent_state WHERE pid IS NOT NULL AND state != 'gone' AND host IS ? ORDER BY id",
            (here,)).fetchall() if r["id"] != me and self.mark_dead(r["id"], now)]

    def mark_dead(self, agent: str, now: int) -> bool:
        """Inside a transaction: if agent's recorded process is provably dead,
        record that (it becomes gone) and return True."""
        r = self.conn.execute("SELECT pid, pid_start, host FROM agents WHERE id = ?", (agent,)).fetchone()
        if r and proc.pid_dead(r["pid"], r["pid_start"], r["host"]):
            self.conn.execute(
                "UPDATE agents SET dead_at = ?, pid = NULL, pid_start = NULL "
                "WHERE id = ? AND pid IS ?", (now, agent, r["pid"]))
            self.emit("agent.dead", agent, {"pid": r["pid"]}, now=now, actor=self._resolve() or "operator")
            return True
        return False

    # -- the event log ------------------------------------------------------

    def log(self, since: int | None = None, kind: str | None = None,
            agent: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Events in causal order (Lamport time, then agent id). Filters apply
        before the limit, which keeps the most recent `limit` (0: all)."""
        where, args = [], []
        if since is not None:
            where.append("seq > ?"); args.append(since)
        if kind:
            where.append("(kind = ? OR kind LIKE ? ESCAPE '\\')")
            args += [kind, kind.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ".%"]
        if agent:
            where.append("agent = ?"); args.append(agent)
        w = ("WHERE " + " AND ".join(where)) if where else ""
        lim = f"LIMIT {int(limit)}" if limit else ""
        sql = (f"SELECT * FROM (SELECT seq, ts, agent, kind, target, body, at FROM events {w} "
               f"ORDER BY ts DESC, agent DESC {lim}) ORDER BY ts, agent")
        return [dict(r) for r in self.conn.execute(sql, args).fetchall()]

    # -- configuration --------------------------------------------------------

    def config(self) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT key, coalesce(value, dflt) AS value, dflt AS default_value, type, doc, "
            "value IS NOT NULL AS is_set FROM config ORDER BY key").fetchall()
        return [dict(r) for r in rows]

    def config_get(self, key: str) -> str:
        r = self.conn.execute("SELECT coalesce(value, dflt) FROM config WHERE key = ?", (key,)).fetchone()
        if r is None:
            raise UsageError(f"unknown config key {key!r} (see 'roost config')")
        return r[0]

    def config_set(self, key: str, value: str | None) -> dict[str, Any]:
        """Set a key (None: back to its default). Values are validated by type."""
        from .config import check_order, normalize
        r = self.conn.execute("SELECT type FROM config WHERE key = ?", (key,)).fetchone()
        if r is None:
            raise UsageError(f"unknown config key {key!r} (see 'roost config')")
        v = None if value is None else normalize(key, r[0], value)
        with self.tx() as now:
            cur = dict(self.conn.execute("SELECT key, coalesce(value, dflt) FROM config").fetchall())
            check_order(key, v if v is not None else
                        self.conn.execute("SELECT dflt FROM config WHERE key = ?", (key,)).fetchone()[0], cur)
            self.conn.execute("UPDATE config SET value = ? WHERE key = ?", (v, key))
            self.emit("config", key, {"value": v}, now=now)
        return {"key": key, "value": self.config_get(key)}

    # -- set-up and upkeep ----------------------------------------------------

    def migrate(self) -> dict[str, Any]:
        """Create the database if missing and apply pending migrations (each
        in one transaction, after a backup copy): {"db", "applied", "schema"}."""
        self.close()
        applied = dbm.migrate(self.path)
        return {"db": self.path, "applied": applied, "schema": dbm.schema_version()}

    def init(self, *, agents_md: bool = True, role: str | None = None,
             team: str | None = None) -> dict[str, Any]:
        """`roost init`: create and migrate the database, note the tree's
        symbolic links, add or refresh the managed section of ROOT/AGENTS.md
        (unless agents_md=False), and register the caller when its id is
        explicit (with role and team). {"db", "root", "schema", "applied",
        "links", "agents_md"?, "agent"?}."""
        if (role or team) and not self.agent:
            raise UsageError("--role and --team need an identity (--agent ID or ROOST_AGENT)")
        from .commands.init import update_agents_md
        from .links import scan as scan_links
        out = self.migrate()
        out["root"] = self.root
        out["links"] = scan_links(self.conn, self.root)
        if agents_md:
            out["agents_md"] = update_agents_md(self.root)
        if self.agent:
            out["agent"] = self.register(role=role, team=team)["agent"]
        return out

    def doctor(self) -> list[dict[str, Any]]:
        """`roost doctor`'s checks, read-only: [{"check", "status", "detail"}]."""
        from .checkup import checks
        return checks(self.path, self.agent)

    @staticmethod
    def version() -> dict[str, Any]:
        """roost's version, its schema version, the SQLite and Python in use."""
        return dbm.version_info()

    # -- upkeep ---------------------------------------------------------------

    def backup(self, dest: str, *, force: bool = False) -> dict[str, Any]:
        """A consistent copy of the database taken while others write; it is
        checked with integrity_check before this returns."""
        real = os.path.realpath(dest)
        if real in {os.path.realpath(self.path + s) for s in ("", "-wal", "-shm")}:
            raise UsageError(f"{dest!r} is the live database itself: back up to another path")
        if not os.path.isdir(os.path.dirname(real)):
            raise UsageError(f"cannot write {dest!r}: no such folder {os.path.dirname(real)!r}")
        if os.path.isdir(real):
            raise UsageError(f"{dest!r} is a folder: name the backup file")
        if os.path.exists(dest) and not force:
            raise UsageError(f"{dest!r} exists (pass --force to replace it)")
        tmp = dest + ".tmp"
        if os.path.exists(tmp):
            os.unlink(tmp)
        dbm.backup_to(self.conn, tmp)
        chk = sqlite3.connect(tmp)
        try:
            ok = chk.execute("PRAGMA integrity_check").fetchone()[0]
            n = chk.execute("SELECT count(*) FROM events").fetchone()[0]
        finally:
            chk.close()
        if ok != "ok":
            raise RoostError(f"backup failed integrity_check: {ok}")
        os.replace(tmp, dest)
        return {"path": dest, "events": n, "integrity": ok}


class _Tx:
    def __init__(self, r: CoreMixin, announce: bool = True):
        self.r = r
        self.announce = announce
        self.cm = None

    def __enter__(self) -> int:
        self.cm = dbm.transaction(self.r.conn)
        now = self.cm.__enter__()
        try:
            self.r._touch(now, self.announce)
        except BaseException as e:
            self.cm.__exit__(type(e), e, e.__traceback__)
            raise
        return now

    def __exit__(self, et, ev, tb):
        out = self.cm.__exit__(et, ev, tb)
        if et is None:
            self.r.seen = True  # committed: the caller counts as seen
        return out


class Quick(ProgressMixin, MessagesMixin, CoreMixin):
    """The part of Roost the quick commands (frontier, sync) use: identity,
    liveness, progress and messages, without the lease, task and hook
    parts, whose modules a command that uses only this never imports
    (about a millisecond of its start). Its methods are Roost's very own:
    none of the parts Roost adds redefines one (a test checks)."""


def __getattr__(name: str):
    """Roost, made when first asked for (`from roost.api import Roost` does):
    importing this module does not import the lease, task and hook parts."""
    if name != "Roost":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from .hooks import HooksMixin
    from .leases import LeasesMixin
    from .tasks import TasksMixin

    class Roost(HooksMixin, ProgressMixin, MessagesMixin, TasksMixin, LeasesMixin, CoreMixin):
        """Every roost operation, for one database and one caller."""

    Roost.__qualname__ = "Roost"
    return globals().setdefault("Roost", Roost)  # one class, should two threads ask at once
