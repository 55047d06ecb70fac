"""roost backup."""
from __future__ import annotations

import click

from ..cli import command
from ..text import emit_json


@command("backup")
@click.argument("path")
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
def cli(g, path, force):
    """Write a consistent copy of the database to PATH, while agents write.

    Uses SQLite's online backup; the copy is checked with integrity_check
    before it replaces PATH. The copy is private to the user (0600).

    JSON: {"path", "events", "integrity"}

    Exit codes: 0 written; 1 the copy failed its check; 64 PATH exists."""
    out = g.roost().backup(path, force=force)
    if g.json:
        emit_json(out)
    elif not g.quiet:
        click.echo(f"backed up to {out['path']} ({out['events']} events, integrity {out['integrity']})")
    return 0
