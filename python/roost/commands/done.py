"""roost done."""
from __future__ import annotations

import click

from ..cli import command
from .task import out_change, verb


@command("done")
@click.argument("task_id", metavar="ID")
@click.option("--note", help="What was done (kept with the task and in the log).")
@click.option("--force", is_flag=True, help="Finish a task you do not hold (logged; the holder is told).")
@click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing.")
def cli(g, task_id, note, force, dry_run):
    """Mark a task you hold as done.

    Usage: roost done ID [--note TEXT] [--force] [--dry-run]

    Tasks waiting for it become ready when it was their last dependency.
    Only the holder may finish a task; --force lets anyone, and is logged.

    JSON: the task (see `roost task show --help`).

    Exit codes: 0 done; 2 not yours (without --force), or already done or
    cancelled; 64 bad id, no such task, or no identity; 75 busy."""
    t = g.roost().done(task_id, note=note, force=force, dry_run=dry_run)
    return out_change(g, t, f"{verb(dry_run, 'done', 'would finish')} {t['id']}")
