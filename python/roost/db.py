"""The database: where it is, opening it, migrating it, writing to it.

Every Python write goes through `transaction()`; the shell's counterpart is
`_roost_run` in lib/roost/core.sh. Both read python/roost/schema/.
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from typing import Iterator

from .errors import Busy, RoostError, SchemaError, Unavailable, UsageError

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schema")
APP_ID = 1380928340
MIN_SQLITE = (3, 37, 0)
_MIGRATION_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


def migrations() -> list[tuple[int, str]]:
    """The migration files, in order, as (version, path): NNNN_name.sql
    with a name of [a-z0-9_]. (Tested without a regex: every connection
    lists them, and compiling one would cost more than the listing.)"""
    out = []
    for name in sorted(os.listdir(SCHEMA_DIR)):
        num, rest = name[:4], name[5:-4]
        if (num.isascii() and num.isdigit() and name[4:5] == "_" and name.endswith(".sql")
                and rest and _MIGRATION_CHARS.issuperset(rest)):
            out.append((int(num), os.path.join(SCHEMA_DIR, name)))
    return out


def schema_version() -> int:
    """The schema version this roost expects: the newest migration's number."""
    ms = migrations()
    return ms[-1][0] if ms else 0


def now() -> int:
    """Unix seconds; ROOST_NOW (a testing aid) overrides the clock."""
    v = os.environ.get("ROOST_NOW", "")
    if v.isdigit() and len(v) <= 18:
        return int(v)
    return int(time.time())


def find_root(cwd: str | None = None) -> str:
    """ROOT: the main working tree of the enclosing git repository (linked
    worktrees resolve to it), else the nearest ancestor with .roost/, else
    cwd. Mirrors _roost_locate in the shell; no git process is started."""
    env = os.environ.get("ROOST_ROOT")
    if env:
        return env
    d = os.path.realpath(cwd or os.getcwd())
    roost_dir = None
    cur = d
    while True:
        git = os.path.join(cur, ".git")
        if os.path.isdir(git):
            return cur
        if os.path.isfile(git):
            try:
                with open(git, encoding="utf-8", errors="surrogateescape") as f:
                    line = f.readline().rstrip("\n")
            except OSError:
                line = ""
            if line.startswith("gitdir: "):
                line = line[len("gitdir: "):]
            if not line.startswith("/"):
                line = cur.rstrip("/") + "/" + line
            marker = "/.git/worktrees/"
            if marker in line:
                return line.split(marker, 1)[0]
            return cur
        if roost_dir is None and os.path.isdir(os.path.join(cur, ".roost")):
            roost_dir = cur
        parent = os.path.dirname(cur)
        if parent == cur:
            break
        cur = parent
    return roost_dir or d


def locate(db: str | None = None, cwd: str | None = None) -> tuple[str, str, str]:
    """(database path, how it was found, ROOT)."""
    root = find_root(cwd)
    if db:
        return db, "--db", root
    env = os.environ.get("ROOST_DB")
    if env:
        return env, "ROOST_DB", root
    return os.path.join(root, ".roost", "roost.db"), "root", root


def _busy_ms() -> int:
    v = os.environ.get("ROOST_BUSY_TIMEOUT_MS", "")
    return int(v) if v.isdigit() and len(v) <= 9 else 5000


def _is_busy(e: Exception) -> bool:
    s = str(e)
    return "database is locked" in s or "database table is locked" in s or "database is busy" in s


def busy_error() -> Busy:
    return Busy(
        f"database is busy (another writer held it for over {_busy_ms()}ms): "
        "nothing was changed, it is safe to retry"
    )


def _statements(sql: str) -> Iterator[str]:
    """Split an SQL script into complete statements (triggers included),
    skipping sqlite3 CLI dot-command lines."""
    buf = ""
    code = False  # buf has a line other than blanks and -- comments
    for line in sql.splitlines(keepends=True):
        s = line.strip()
        if not code and s.startswith("."):
            continue
        buf += line
        if s and not s.startswith("--"):
            code = True
        if sqlite3.complete_statement(buf):
            if buf.strip():
                yield buf
            buf = ""
            code = False
    if code:
        yield buf


_CONNECTION_SQL: list[str] | None = None


# The per-connection set-up, with the liveness view (which the shell makes
# only in the scripts that use it: _roost_state). The TEMP objects only the
# task board uses (tasks_notice.sql, tasks_json.sql) are made on a
# connection when the board first needs them (TasksMixin._tconn), as the
# shell's claim reads them: every other command's connection goes without
# them.
CONNECTION_FILES = ("connection.sql", "agent_state.sql")


def _connection_sql() -> list[str]:
    global _CONNECTION_SQL
    if _CONNECTION_SQL is None:
        out = []
        for name in CONNECTION_FILES:
            with open(os.path.join(SCHEMA_DIR, name), encoding="utf-8") as f:
                out += _statements(f.read())
        _CONNECTION_SQL = out
    return _CONNECTION_SQL


def version_info() -> dict:
    """roost's version, its schema version, the SQLite and Python in use."""
    import sys

    from . import __version__
    return {"roost": __version__, "schema": schema_version(),
            "python_sqlite": sqlite3.sqlite_version, "python": sys.version.split()[0]}


def _check_sqlite() -> None:
    if sqlite3.sqlite_version_info < MIN_SQLITE:
        raise Unavailable(
            f"Python's SQLite library is {sqlite3.sqlite_version}: roost needs 3.37 or newer"
        )


def _raw_connect(path: str) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path, timeout=_busy_ms() / 1000, isolation_level=None)
    except sqlite3.OperationalError as e:
        raise RoostError(f"cannot open database {path!r}: {e}") from e
    conn.row_factory = sqlite3.Row
    return conn


def _header(conn: sqlite3.Connection, path: str) -> tuple[int, int]:
    try:
        app = conn.execute("PRAGMA application_id").fetchone()[0]
        ver = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as e:
        if _is_busy(e):
            raise busy_error() from e
        raise SchemaError(f"not a roost database: {path!r}") from e
    return app, ver


def _prepare_dir(path: str) -> None:
    d = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(d):
        try:
            os.makedirs(d, mode=0o700, exist_ok=True)
        except OSError as e:
            raise RoostError(f"cannot create the database folder {d!r}: {e.strerror}") from e
        os.chmod(d, 0o700)
    if os.path.basename(d) == ".roost":
        gi = os.path.join(d, ".gitignore")
        if not os.path.exists(gi):
            with open(os.open(gi, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
                f.write("# roost's runtime files (database, WAL, backups): never commit them\n*\n")


def create(path: str) -> None:
    """Create an empty database file, private to the user, in WAL mode."""
    _prepare_dir(path)
    old = os.umask(0o077)
    try:
        fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
        os.close(fd)
        conn = _raw_connect(path)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
        finally:
            conn.close()
    finally:
        os.umask(old)


def _create_whole(path: str) -> None:
    """First use: the database appears at `path` already migrated, never
    empty. It is built under a private name and hard-linked into place
    (link fails when the name exists), so processes starting at once on a
    fresh repository either win or find a whole roost database: none sees
    an empty file and refuses it as foreign."""
    _prepare_dir(path)
    tmp = f"{path}.new.{os.getpid()}.{time.monotonic_ns()}"
    try:
        create(tmp)
        migrate(tmp)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process got there first: use its database
        except OSError:  # a file system without hard links
            if not os.path.exists(path):
                os.replace(tmp, path)
    finally:
        for f in (tmp, tmp + "-wal", tmp + "-shm"):
            try:
                os.unlink(f)
            except FileNotFoundError:
                pass


def backup_to(conn: sqlite3.Connection, dest: str) -> None:
    """A consistent copy of the open database, taken while others write."""
    old = os.umask(0o077)
    try:
        target = sqlite3.connect(dest)
        try:
            conn.backup(target)
        finally:
            target.close()
    finally:
        os.umask(old)
    os.chmod(dest, 0o600)


def migrate(path: str, *, quiet: bool = True) -> list[int]:
    """Bring the database at `path` to the newest schema, creating it when
    missing. Each migration runs in one BEGIN IMMEDIATE transaction, after a
    backup copy of the file (when it held data). Returns the versions applied."""
    _check_sqlite()
    if not os.path.exists(path):
        _create_whole(path)
    conn = _raw_connect(path)
    try:
        app, ver = _header(conn, path)
        want = schema_version()
        if ver > want:
            raise SchemaError(
                f"database schema version {ver} is newer than this roost ({want}): upgrade roost"
            )
        if ver != 0 and app != APP_ID:
            raise SchemaError(f"not a roost database: {path!r}")
        if ver == 0 and app not in (0, APP_ID):
            raise SchemaError(f"not a roost database: {path!r}")
        if ver == 0 and app == 0:
            n = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if n:
                raise SchemaError(f"not a roost database: {path!r} (it has tables of its own)")
        applied: list[int] = []
        if ver == want:
            return applied
        if ver > 0:
            bdir = os.path.join(os.path.dirname(os.path.abspath(path)), "backups")
            os.makedirs(bdir, mode=0o700, exist_ok=True)
            stamp = time.strftime("%Y%m%d-%H%M%S")
            backup_to(conn, os.path.join(bdir, f"{os.path.basename(path)}.v{ver}.{stamp}.{os.getpid()}"))
        for version, mpath in migrations():
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as e:
                if _is_busy(e):
                    raise busy_error() from e
                raise
            try:
                cur = conn.execute("PRAGMA user_version").fetchone()[0]
                if version <= cur:
                    conn.execute("ROLLBACK")
                    continue
                with open(mpath, encoding="utf-8") as f:
                    script = f.read()
                for stmt in _statements(script):
                    conn.execute(stmt)
                conn.execute(f"PRAGMA user_version = {int(version)}")
                conn.execute(f"PRAGMA application_id = {APP_ID}")
                conn.execute("COMMIT")
                applied.append(version)
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        return applied
    except sqlite3.OperationalError as e:
        if _is_busy(e):
            raise busy_error() from e
        raise RoostError(f"migration failed: {e}") from e
    finally:
        conn.close()


def connect(path: str, *, auto_migrate: bool = True) -> sqlite3.Connection:
    """Open a roost database (creating and migrating it on first use) with
    the per-connection set-up both languages share."""
    _check_sqlite()
    if not os.path.exists(path):
        if not auto_migrate:
            raise SchemaError(f"no roost database at {path!r}: run 'roost init'")
        migrate(path)
    conn = _raw_connect(path)
    try:
        app, ver = _header(conn, path)
        want = schema_version()
        if app != APP_ID:
            raise SchemaError(f"not a roost database: {path!r}")
        if ver > want:
            raise SchemaError(
                f"database schema version {ver} is newer than this roost ({want}): upgrade roost"
            )
        if ver < want:
            if not auto_migrate:
                raise SchemaError(
                    f"database schema version {ver} needs migrating to {want}: run 'roost migrate'"
                )
            conn.close()
            migrate(path)
            conn = _raw_connect(path)
        for stmt in _connection_sql():
            conn.execute(stmt)
    except BaseException:
        conn.close()
        raise
    return conn


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection, at: int | None = None, *, write: bool = True) -> Iterator[int]:
    """BEGIN IMMEDIATE ... COMMIT, with 'now' set for the liveness view.
    Yields the transaction's time. Busy past the timeout raises Busy (75).
    write=False: a read transaction (BEGIN: one snapshot; in WAL mode it
    never waits for a writer), which writes only temp tables."""
    try:
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
    except sqlite3.OperationalError as e:
        if _is_busy(e):
            raise busy_error() from e
        raise RoostError(f"sqlite: {e}") from e
    try:
        yield set_now(conn, at)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def set_now(conn: sqlite3.Connection, t: int | None = None) -> int:
    """Set 'now' for the liveness view (transaction does; a read outside
    one calls it itself)."""
    t = now() if t is None else t
    conn.execute("INSERT OR REPLACE INTO roost_ctx VALUES ('now', ?)", (t,))
    return t


_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")


def name_ok(v: object) -> bool:
    """Whether v is a name: an agent id, a role, a team or a queue,
    [A-Za-z0-9][A-Za-z0-9._-]{0,63}, the whole string (a trailing newline
    too is refused, which re.match with $ lets through). Tested without a
    regex: most commands check one name, and compiling the pattern costs
    more than the test."""
    return (isinstance(v, str) and 0 < len(v) <= 64 and v[0] not in "._-"
            and _NAME_CHARS.issuperset(v))


def check_id(agent: str, what: str = "agent id") -> str:
    """Validate an agent id: a name (name_ok), not all/operator."""
    if not name_ok(agent) or agent in ("all", "operator"):
        raise UsageError(
            f"bad {what} {agent!r} (want [A-Za-z0-9][A-Za-z0-9._-]{{0,63}}, not 'all' or 'operator')"
        )
    return agent
