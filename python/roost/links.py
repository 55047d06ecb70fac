"""The working tree's symbolic links, for the hooks.

A hook decides in SQL, which cannot read a link; so the links are listed
here (tracked ones from git's index, untracked ones that git does not
ignore; without git, by walking the tree) and stored as lease keys in the
`links` table, which hooks_norm.sql maps every write target through. Run
by `roost init` and at the start of every agent session.
"""
from __future__ import annotations

import os
import sqlite3
import stat
import subprocess

# Without git, the walk stops after this many entries (a huge tree would
# cost the session start more than its links are worth).
WALK_CAP = 100_000
SKIP_DIRS = {".git", ".roost", "node_modules", ".venv", "__pycache__"}


def _git_links(tree: str) -> list[str] | None:
    """The names that may be links: tracked ones git records as links (mode
    120000) and every untracked file it does not ignore (find() keeps the
    ones that are links); None when git cannot say (no git, not a repository)."""
    try:
        tracked = subprocess.run(["git", "-C", tree, "ls-files", "-z", "-s"], capture_output=True,
                                 timeout=20, check=True).stdout
        other = subprocess.run(["git", "-C", tree, "ls-files", "-z", "-o", "--exclude-standard"],
                               capture_output=True, timeout=20, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    out = []
    for entry in tracked.split(b"\0"):
        meta, _, name = entry.partition(b"\t")
        if meta.startswith(b"120000 "):
            out.append(os.fsdecode(name))
    out += [os.fsdecode(name) for name in other.split(b"\0") if name]
    return out


def _walk_links(tree: str) -> list[str]:
    out, seen = [], 0
    for top, dirs, files in os.walk(tree):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        for name in dirs + files:
            seen += 1
            p = os.path.join(top, name)
            if os.path.islink(p):
                out.append(os.path.relpath(p, tree))
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(top, d))]
        if seen > WALK_CAP:
            break
    return out


def find(tree: str) -> dict[str, str]:
    """{link key: the key a write through it lands on} for the links in
    tree whose destination is inside it (a folder key ends in '/')."""
    real_tree = os.path.realpath(tree)
    inside = real_tree.rstrip("/") + "/"
    names = _git_links(tree) if os.path.exists(os.path.join(tree, ".git")) else None
    if names is None:
        names = _walk_links(tree)
    out: dict[str, str] = {}
    for name in names:
        p = os.path.join(tree, name)
        try:
            if not stat.S_ISLNK(os.lstat(p).st_mode):
                continue
        except OSError:
            continue
        dest = os.path.realpath(p)   # non-strict: a dangling link's would-be file
        if dest == real_tree:
            target = "./"
        elif dest.startswith(inside):
            target = dest[len(inside):] + ("/" if os.path.isdir(dest) else "")
        else:
            continue
        key = os.path.normpath(name).replace(os.sep, "/")
        if key != target.rstrip("/"):
            out[key] = target
    return out


def scan(conn: sqlite3.Connection, tree: str) -> int:
    """Replace the links table with the links of tree; returns how many.
    conn is a roost connection (db.connect: the schema is current)."""
    found = find(tree)
    from .db import transaction
    with transaction(conn):
        conn.execute("DELETE FROM links")
        conn.executemany("INSERT INTO links(path, target) VALUES (?, ?)", sorted(found.items()))
    return len(found)
