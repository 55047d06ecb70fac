"""leases_near.sql, the small geometry lock --check uses when every path
is a file or a resource, finds exactly the lease rows the general
leases_match.sql finds, over a table of leases (files, folders, globs with
*, ?, [...] and ** at every position, resources) and of requests; and the
shell's check (near.sql) and Python's agree with a check through the
general path, line for line."""
from __future__ import annotations

import itertools

import pytest
from conftest import run_roost

from roost import leases as L
from roost.api import Roost

LEASES = [
    "./", "src/", "src/sub/", "docs/", "a/b/",
    "src/a.py", "src/sub/b.py", "README.md", "a/b/c", "src/sub/deep/x.py", "src",
    "src/**", "src/**/*.py", "src/*.py", "**/*.md", "*", "**", "a/*/c", "a/b/*",
    "src/?.py", "src/[ab].py", "src/**/x/**/z.py", "a/**/b/**", "src/sub/**",
    "*/**/c", "src/**/sub/*.py", "**/deep/*", "[!s]*/**", "src/*/", "docs/**/*.md",
]
RESOURCES = ["src/a.py", "port-8080", "a b"]
FILES = [
    "src", "src/a.py", "src/b.py", "src/c.py", "src/ab.py", "src/sub", "src/sub/b.py",
    "src/sub/deep/x.py", "src/x/y/z.py", "src/x/z.py", "src/q/x/r/z.py", "a/b/c", "a/x/c",
    "a/b", "a/b/d/e", "a/c/b/d", "README.md", "docs/guide/intro.md", "docs/x.txt",
    "lib/deep/k", "x", "z/y/c", "s p a c e/f.md", ".hidden/.x.md", "srcx/a.py",
]


@pytest.fixture
def leased(sandbox, db):
    """Every lease in LEASES and RESOURCES, each of its own agent, shared
    (so that all of them are granted), plus a few expired and queued rows."""
    for i, key in enumerate(LEASES):
        Roost(db, f"h{i}").lock([key], shared=True)
    for i, name in enumerate(RESOURCES):
        Roost(db, f"r{i}").lock(resources=[name], shared=True)
    return db


def hits(db: str, name: str, kind: str, key: str) -> set[tuple[str, str]]:
    r = Roost(db)
    c = r.conn  # with the per-connection set-up (match.sql reads agent_state)
    try:
        for st in L.sql("begin"):
            c.execute(st)
        c.execute("INSERT INTO lease_req(kind, key, shared) VALUES (?, ?, 0)", (kind, key))
        for st in L.sql(name):
            c.execute(st, dict.fromkeys(("now", "me", "check", "waitid"), None))
        return {(r[0], r[1]) for r in c.execute(
            "SELECT l.kind, l.key FROM lease_hit h JOIN leases l ON l.id = h.id")}
    finally:
        r.close()


def test_near_finds_what_match_finds_for_every_file_and_resource(leased):
    n = 0
    for kind, key in [("file", f) for f in FILES] + [("resource", r) for r in RESOURCES + ["src"]]:
        near, match = hits(leased, "near", kind, key), hits(leased, "match", kind, key)
        assert near == match, (kind, key, near ^ match)
        n += len(match)
    assert n > 100  # the table really exercises the geometry


def test_the_table_has_hits_and_misses_of_every_lease_kind(leased):
    found = {k for f in FILES for _, k in hits(leased, "near", "file", f)}
    assert {"src/**/*.py", "a/*/c", "src/[ab].py", "src/**/x/**/z.py", "./", "src/", "src"} <= found
    deep = {k for _, k in hits(leased, "near", "file", "src/x/y/z.py")}
    assert {"src/**/*.py", "src/**/x/**/z.py", "src/**", "./", "src/", "**"} <= deep
    assert not deep & {"src/*.py", "src/?.py", "src/a.py", "*", "a/*/c"}


@pytest.mark.parametrize("path", ["src/a.py", "src/x/y/z.py", "docs/guide/intro.md", "a/x/c", "lib/deep/k"])
def test_check_of_a_file_says_what_a_check_through_the_general_path_says(leased, path):
    # A second, wide request sends the check through leases_match.sql; each
    # path's line is the same as when it is checked alone (near.sql).
    alone = run_roost("lock", "--check", "--shared", path, agent="bob")
    wide = run_roost("lock", "--check", "--shared", path, "zz/", agent="bob")
    assert alone.text.splitlines()[0] == wide.text.splitlines()[0], (alone, wide)
    exclusive = run_roost("--json", "lock", "--check", path, agent="bob")
    exclusive_wide = run_roost("--json", "lock", "--check", path, "zz/", agent="bob")
    assert exclusive.rc == exclusive_wide.rc == 2, (exclusive, exclusive_wide)
    assert exclusive.json()["checked"][0] == exclusive_wide.json()["checked"][0]
    py = Roost(leased, "bob").check([path])
    assert py["checked"][0] == exclusive.json()["checked"][0]


def test_every_pair_of_the_table_is_decided_alike_by_both_geometries(leased):
    # Two files in one request: near.sql keeps each path's hits apart.
    pairs = list(itertools.islice(itertools.combinations(FILES, 2), 0, None, 7))
    r = Roost(leased)
    conn = r.conn
    try:
        for st in L.sql("begin"):
            conn.execute(st)
        for a, b in pairs:
            got = {}
            for name in ("near", "match"):
                conn.execute("DELETE FROM lease_req")
                conn.executemany("INSERT INTO lease_req(kind, key, shared) VALUES ('file', ?, 0)", [(a,), (b,)])
                for st in L.sql(name):
                    conn.execute(st, dict.fromkeys(("now", "me", "check", "waitid"), None))
                got[name] = set(conn.execute("SELECT n, id FROM lease_hit"))
            assert got["near"] == got["match"], (a, b)
    finally:
        r.close()
    assert len(pairs) > 20
