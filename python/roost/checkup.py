"""roost doctor's checks, as a library: `checks(db, agent)` (the click
command in commands/doctor.py prints them). Reads only."""
from __future__ import annotations

import importlib.metadata
import os
import shutil
import sqlite3
import stat
import subprocess
import sys

from .db import APP_ID, MIN_SQLITE, locate, schema_version
from .errors import RoostError


def _objects(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    """The schema's tables, views, indexes and triggers, by sqlite-utils'
    introspection (its automatic indexes left out)."""
    from sqlite_utils import Database
    db = Database(conn)
    objs = {("table", t) for t in db.table_names()} | {("view", v) for v in db.view_names()}
    objs |= {("trigger", t.name) for t in db.triggers}
    for t in db.tables:
        objs |= {("index", i.name) for i in t.indexes if not i.name.startswith("sqlite_autoindex")}
    return objs


def _missing_objects(conn: sqlite3.Connection) -> list[str]:
    """What the migrations build that this database lacks (a dropped index,
    a table lost to a bad restore...), as 'kind name'."""
    import tempfile

    from .db import migrate
    with tempfile.TemporaryDirectory() as d:
        ref = os.path.join(d, "ref.db")
        migrate(ref)
        rc = sqlite3.connect(ref)
        try:
            want = _objects(rc)
        finally:
            rc.close()
    return sorted(f"{k} {n}" for k, n in want - _objects(conn))


def _ver(s: str) -> tuple[int, ...]:
    return tuple(int(x) for x in s.split(".")[:3] if x.isdigit())


def checks(db: str | None = None, agent: str | None = None) -> list[dict]:
    """roost doctor's checks: [{"check", "status" (ok, fail, warn), "detail"}].
    Reads only: the database is opened read-only, never created or migrated."""
    out: list[dict] = []

    def add(name, ok, detail, level=None):
        out.append({"check": name, "status": level or ("ok" if ok else "fail"), "detail": detail})

    exe = shutil.which("sqlite3")
    if exe:
        try:
            v = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=10).stdout.split()[0]
            add("sqlite3 CLI", _ver(v) >= MIN_SQLITE, f"{v} ({exe}); roost needs 3.37+")
        except (OSError, subprocess.SubprocessError, IndexError) as e:
            add("sqlite3 CLI", False, f"{exe} did not run: {e}")
    else:
        add("sqlite3 CLI", False, "not found on PATH: install the sqlite3 command-line shell")
    add("Python SQLite", sqlite3.sqlite_version_info >= MIN_SQLITE, f"{sqlite3.sqlite_version}; roost needs 3.37+")
    add("Python", sys.version_info >= (3, 9), f"{sys.version.split()[0]} ({sys.executable})")
    for pkg in ("click", "sqlite-utils"):
        try:
            add(f"package {pkg}", True, importlib.metadata.version(pkg))
        except importlib.metadata.PackageNotFoundError:
            add(f"package {pkg}", False, "not installed")
    from .cli import roost_home
    home = roost_home()
    add("shell library", home is not None, str(home / "lib" / "roost") if home else "lib/roost/core.sh not found")
    path, how, root = locate(db)
    add("database path", True, f"{path} (from {how}; root {root})")
    if not os.path.exists(path):
        add("database", False, "does not exist yet: run 'roost init'")
        return out
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        app = conn.execute("PRAGMA application_id").fetchone()[0]
        ver = conn.execute("PRAGMA user_version").fetchone()[0]
        add("roost database", app == APP_ID, "application_id ok" if app == APP_ID else f"application_id {app}: not a roost database")
        want = schema_version()
        add("schema version", ver == want, f"{ver} (this roost: {want})" + ("" if ver == want else
            ("; run 'roost migrate'" if ver < want else "; upgrade roost")))
        if app == APP_ID and ver == want:
            gone = _missing_objects(conn)
            add("schema objects", not gone, "every table, view, index and trigger is there" if not gone else
                "missing: " + ", ".join(gone[:10]) + (f" and {len(gone) - 10} more" if len(gone) > 10 else "")
                + " (the file was changed outside roost: restore a backup)")
        jm = conn.execute("PRAGMA journal_mode").fetchone()[0]
        add("journal mode", jm == "wal", jm)
        ic = conn.execute("PRAGMA integrity_check").fetchone()[0]
        add("integrity_check", ic == "ok", ic)
        conn.close()
    except sqlite3.DatabaseError as e:
        add("roost database", False, f"cannot read: {e}")
    d = os.path.dirname(os.path.abspath(path))
    for p, want_mode in ((d, 0o700), (path, 0o600)):
        m = stat.S_IMODE(os.stat(p).st_mode)
        add(f"permissions {os.path.basename(p)}", m & 0o077 == 0, f"{m:04o} (want {want_mode:04o}: private to the user)")
    if os.path.basename(d) == ".roost":
        gi = os.path.join(d, ".gitignore")
        add(".roost/.gitignore", os.path.exists(gi), "ignores the database and WAL files" if os.path.exists(gi) else "missing: the database could be committed")
    try:
        # Never Roost._resolve: its connection would migrate an old file.
        from .api import Roost
        r = Roost(db, agent, agent_how="--agent" if agent else None)
        a = r.agent
        if not a and r.session:
            try:
                ro = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
                try:
                    row = ro.execute("SELECT agent FROM sessions WHERE id = ?", (r.session,)).fetchone()
                finally:
                    ro.close()
            except sqlite3.DatabaseError:
                row = None
            if row:
                a, r.agent_how = row[0], r.session_how
        if a:
            add("identity", True, f"{a} (from {r.agent_how})")
        else:
            add("identity", True, "none (set ROOST_AGENT, pass --agent, or run roost register ID)", "warn")
    except RoostError as e:
        add("identity", False, e.message)
    return out
