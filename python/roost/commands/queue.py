"""roost queue: add, list, check."""
from __future__ import annotations

import click

from ..text import clean, emit_json, span, table, write_out
from .task import CTX, print_tasks


def _dur(s) -> str:
    if s is None:
        return "-"
    return ("-" if s < 0 else "") + span(abs(s))


@click.group("queue", context_settings=CTX)
def cli():
    """Queues: route tasks to a handler, with a response-time target.

    Subcommands: add, list, check; see `roost queue CMD --help`.

    The target counts unclaimed time: from when a task could first be
    claimed (added with its dependencies done, released, reopened, or its
    last dependency done) until someone claims it; while a claim has ended
    (holder gone, lease run out) the time since the holder was last seen
    counts again. A task past its target escalates once.

    Exit codes: 0 ok; 64 bad arguments or no such queue; 75 busy."""


@cli.command("add", context_settings=CTX)
@click.argument("name")
@click.option("--handler", required=True, metavar="AGENT|role:R", help="Who the queue's tasks are offered to.")
@click.option("--sla", metavar="DURATION", help="Response-time target: 90s, 15m, 2h, 1d (default: none).")
@click.option("--escalate-to", metavar="AGENT|role:R",
              help="Who gets tasks past the target (default: roost config task_notify).")
@click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing.")
@click.pass_obj
def add(g, name, handler, sla, escalate_to, dry_run):
    """Create a queue, or change an existing one.

    Usage: roost queue add NAME --handler AGENT|role:R [--sla DURATION]
    [--escalate-to AGENT|role:R] [--dry-run]

    Tasks added with `roost task add --queue NAME` are offered to the
    handler (as with --for) at the time they are added.

    JSON: {"name", "handler", "sla", "escalate_to", "created_by",
    "created_at", "open", "claimed", "escalated"}

    Exit codes: 0 saved; 64 bad name, duration, target, or unknown agent;
    75 busy."""
    q = g.roost().queue_add(name, handler=handler, sla=sla, escalate_to=escalate_to, dry_run=dry_run)
    if g.json:
        emit_json(q)
    elif not g.quiet:
        write_out(f"{'would save' if dry_run else 'saved'} queue {q['name']}: handler {clean(q['handler'])}, "
                  f"target {_dur(q['sla']) if q['sla'] else 'none'}, "
                  f"escalates to {clean(q['escalate_to'] or 'task_notify')}\n")
    return 0


@cli.command("list", context_settings=CTX)
@click.pass_obj
def list_(g):
    """List queues with handler, target, escalation target and task counts.

    Usage: roost queue list [--json]

    JSON: {"queues": [{"name", "handler", "sla", "escalate_to",
    "created_by", "created_at", "open", "claimed", "escalated"}]}

    Exit codes: 0 listed; 75 busy."""
    qs = g.roost().queue_list()
    if g.json:
        emit_json({"queues": qs})
    elif qs:
        write_out(table([[q["name"], clean(q["handler"]), _dur(q["sla"]), clean(q["escalate_to"] or "task_notify"),
                          str(q["open"]), str(q["claimed"]), str(q["escalated"])] for q in qs],
                        ["QUEUE", "HANDLER", "TARGET", "ESCALATE-TO", "OPEN", "CLAIMED", "ESCALATED"]))
    elif not g.quiet:
        write_out("no queues\n")
    return 0


@cli.command("check", context_settings=CTX)
@click.argument("name", required=False)
@click.option("--overdue", is_flag=True, help="Only tasks past their target.")
@click.pass_obj
def check(g, name, overdue):
    """List a queue's unfinished tasks with age and time left before the target.

    Usage: roost queue check [NAME] [--overdue] [--json]

    AGE is the time since the task was added; WAITING the unclaimed time
    counted against the target (- while a live claim holds it); LEFT the
    time before the target (negative: overdue). Reading escalates every
    overdue task that was not escalated yet, exactly once.

    JSON: {"tasks": [TASK + "holder_state", "age", "waiting", "left",
    "overdue"]}, TASK as in `roost task show`; seconds, null where a
    column shows -.

    Exit codes: 0 listed; 64 no such queue; 75 busy."""
    rows = g.roost().queue_check(name, overdue=overdue)
    if g.json:
        emit_json({"tasks": rows})
    elif rows:
        print_tasks(rows, [("QUEUE", lambda t: clean(t["queue"])), ("AGE", lambda t: _dur(t["age"])),
                           ("WAITING", lambda t: _dur(t["waiting"])), ("LEFT", lambda t: _dur(t["left"]))])
    elif not g.quiet:
        write_out("nothing overdue\n" if overdue else "no unfinished tasks\n")
    return 0
