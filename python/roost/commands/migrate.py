"""roost migrate."""
from __future__ import annotations

import click

from ..cli import command
from ..db import schema_version
from ..text import emit_json


@command("migrate")
def cli(g):
    """Create the database if missing and apply pending schema migrations.

    Each migration runs in one transaction, after a backup copy of the file
    (in .roost/backups/). Safe to run at any time and from many processes.

    Exit codes: 0 up to date; 75 busy; 78 newer than this roost, or not a
    roost database."""
    out = g.roost().migrate()
    path, applied = out["db"], out["applied"]
    if g.json:
        emit_json(out)
    elif not g.quiet:
        if applied:
            click.echo(f"migrated {path} to schema {schema_version()} (applied {', '.join(map(str, applied))})")
        else:
            click.echo(f"{path} is up to date (schema {schema_version()})")
    return 0
