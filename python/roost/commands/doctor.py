"""roost doctor."""
from __future__ import annotations

import click

from ..checkup import checks
from ..cli import command
from ..text import clean, emit_json


@command("doctor")
def cli(g):
    """Check roost's set-up: one pass/fail line per check.

    Checks the sqlite3 CLI and Python SQLite versions, Python and its
    packages, the database path and how it was found, schema version and
    objects (every table, view, index and trigger the migrations build),
    journal mode, integrity_check, file permissions, .gitignore, and how
    your identity resolves. Never changes anything.

    JSON: {"ok": bool, "checks": [{"check", "status", "detail"}]}

    Exit codes: 0 all pass; 1 a check failed."""
    res = checks(g.db, g.agent)
    bad = any(c["status"] == "fail" for c in res)
    if g.json:
        emit_json({"ok": not bad, "checks": res})
    else:
        for c in res:
            click.echo(f"{c['status'].upper():<4}  {c['check']}: {clean(c['detail'])}")
    return 1 if bad else 0
