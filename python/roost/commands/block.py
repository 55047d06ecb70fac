"""roost block."""
from __future__ import annotations

import click

from ..cli import command
from ..text import one_line
from .task import out_change, verb


@command("block")
@click.argument("task_id", metavar="ID")
@click.option("--reason", required=True, help="Why it cannot go on (kept with the task and in the log).")
@click.option("--force", is_flag=True, help="Block a task you do not hold (logged; the holder is told).")
@click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing.")
def cli(g, task_id, reason, force, dry_run):
    """Park a task you hold as blocked, with a reason.

    Usage: roost block ID --reason TEXT [--force] [--dry-run]

    A blocked task is not handed out until `roost task reopen ID`. Only the
    holder may block a task; --force lets anyone, and is logged.

    JSON: the task (see `roost task show --help`).

    Exit codes: 0 blocked; 2 not yours (without --force), or done or
    cancelled; 64 bad id, no such task, no reason, or no identity; 75 busy."""
    t = g.roost().block(task_id, reason=reason, force=force, dry_run=dry_run)
    return out_change(g, t, f"{verb(dry_run, 'blocked', 'would block')} {t['id']}: {one_line(reason)}")
