"""roost status."""
from __future__ import annotations

import click

from ..cli import command
from ..text import emit_json


@command("status", epilog="Usage: roost status [--compact]")
@click.option("--compact", is_flag=True, help="One line per section.")
def cli(g, compact):
    """The shared state for a person, one section per capability.

    Agents with liveness and position, leases, tasks by state, queues with
    overdue counts, unread counts, recent decisions, the frontier (each
    part when its capability is installed). --compact: one line each.

    JSON: {"now", "db", "me", "agents", "decisions", "frontier", ...}: one
    key per section, the same data as `roost prime --json`'s "context".

    Exit codes: 0 ok; 64 bad arguments; 75 busy; 78 the database needs migrating,
    is newer than this roost, or is not roost's."""
    from ..context import SECTIONS
    r = g.roost()
    cx = r.status()
    if g.json:
        emit_json(cx)
        return 0
    if g.quiet:
        return 0
    lines = [] if compact else [f"roost status: {cx['db']}"]
    for sec in SECTIONS:
        if sec.key in cx:
            ls = sec.status(cx[sec.key], cx, compact)
            if ls and not compact and len(lines) > 1:
                lines.append("")
            lines += ls
    from ..text import clean
    click.echo("\n".join(clean(x) for x in lines))
    return 0
