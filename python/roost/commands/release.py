"""roost release."""
from __future__ import annotations

import click

from ..cli import command
from .task import out_change, verb


@command("release")
@click.argument("task_id", metavar="ID")
@click.option("--force", is_flag=True, help="Release a task you do not hold (logged; the holder is told).")
@click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing.")
def cli(g, task_id, force, dry_run):
    """Give a task you hold back to the board, for anyone to claim.

    Usage: roost release ID [--force] [--dry-run]

    Only the holder may release a task; --force lets anyone, and is logged.

    JSON: the task (see `roost task show --help`).

    Exit codes: 0 released; 2 not claimed, or not yours (without --force);
    64 bad id, no such task, or no identity; 75 busy."""
    t = g.roost().release(task_id, force=force, dry_run=dry_run)
    return out_change(g, t, f"{verb(dry_run, 'released', 'would release')} {t['id']}")
