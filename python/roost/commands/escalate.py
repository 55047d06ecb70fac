"""roost escalate."""
from __future__ import annotations

import click

from ..cli import command
from ..text import clean
from .task import out_change, verb


@command("escalate")
@click.argument("task_id", metavar="ID")
@click.option("--to", metavar="AGENT|role:R",
              help="Who gets it (default: its queue's --escalate-to, else roost config task_notify).")
@click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing.")
def cli(g, task_id, to, dry_run):
    """Escalate a task by hand: offer it to the escalation target now.

    Usage: roost escalate ID [--to AGENT|role:R] [--dry-run]

    The task is offered to the target from then on; the target and the
    queue's handler (or the task's previous addressee) get a notice, and
    the log a task.escalate event. A task escalates once: queued tasks past
    their target escalate by themselves the next time anyone reads the
    board (see `roost queue check --help`).

    JSON: the task (see `roost task show --help`).

    Exit codes: 0 escalated; 2 already escalated, done or cancelled; 64 bad
    id, no such task, or no target; 75 busy."""
    t = g.roost().escalate(task_id, to=to, dry_run=dry_run)
    return out_change(g, t, f"{verb(dry_run, 'escalated', 'would escalate')} {t['id']} to {clean(t['for'])}")
