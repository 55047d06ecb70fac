"""roost migrate."""
from __future__ import annotations

import click

from ..cli import command
from ..db import locate, migrate, schema_version
from ..text import emit_json


@command("migrate")
def cli(g):
    """Create the database if missing and apply pending schema migrations.

    Each migration runs in one transaction, after a backup copy of the file
    (in .roost/backups/). Safe to run at any time and from many processes.

    Exit codes: 0 up to date; 75 busy; 78 newer than this roost, or not a
    roost database."""
    path, how, _ = locate(g.db)
    applied = migrate(path)
    if g.json:
        emit_json({"db": path, "applied": applied, "schema": schema_version()})
    elif not g.quiet:
        if applied:
            click.echo(f"migrated {path} to schema {schema_version()} (applied {', '.join(map(str, applied))})")
        else:
            click.echo(f"{path} is up to date (schema {schema_version()})")
    return 0
