"""roost gc."""
from __future__ import annotations

import click

from ..cli import command
from ..text import emit_json, one_line


@command("gc")
def cli(g):
    """Collect what has ended: dead agent processes, expired leases, stale requests; run the task board's upkeep.

    Records agents whose process is provably dead (they become gone), drops
    expired leases and leases of gone holders (logged as lease.expire), and
    drops queued requests whose wait ran out or whose process or agent is
    gone. Then the board's upkeep: a task past its reclaim limit is parked
    as stuck, an overdue queued task is escalated (task.stuck,
    task.escalate, with their messages). Nothing requires running it: every
    lock and every read of the board does the same for what it touches.

    JSON: {"dead": [agent], "expired": [{"key", "kind", "holder", "why"}],
    "unqueued": N, "stuck": N, "escalated": N}

    Exit codes: 0; 75 busy."""
    out = g.roost().gc()
    if g.json:
        emit_json(out)
        return 0
    if g.quiet:
        return 0
    for a in out["dead"]:
        click.echo(f"{one_line(a)}: process dead, now gone")
    for x in out["expired"]:
        click.echo(f"dropped {one_line(x['holder'])}'s lease on {one_line(x['key'])}: {x['why']}")
    if out["unqueued"]:
        click.echo(f"dropped {out['unqueued']} stale queued request(s)")
    if out["stuck"]:
        click.echo(f"parked {out['stuck']} task(s) as stuck (reclaim limit reached)")
    if out["escalated"]:
        click.echo(f"escalated {out['escalated']} overdue task(s)")
    if not (out["dead"] or out["expired"] or out["unqueued"] or out["stuck"] or out["escalated"]):
        click.echo("nothing to collect")
    return 0
