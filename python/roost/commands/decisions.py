"""roost decisions."""
from __future__ import annotations

import click

from ..cli import command
from ..text import emit_json, one_line


@command("decisions", epilog="Usage: roost decisions [--since SEQ] [--limit N]")
@click.option("--since", type=click.IntRange(min=0), help="Only decisions with a sequence id above SEQ.")
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True,
              help="Keep the newest N (0: all).")
def cli(g, since, limit):
    """List recorded decisions, oldest first (the newest N).

    Each line: #seq, Lamport time, who, when, the text (control characters
    removed, on one line; --json keeps it byte-exact).

    JSON: {"decisions": [{"seq", "ts", "agent", "at", "text"}]}

    Exit codes: 0 ok; 64 bad arguments; 75 busy; 78 the database needs migrating,
    is newer than this roost, or is not roost's."""
    from ..db import now
    r = g.roost()
    ds = r.decisions(limit=limit, since=since)
    if g.json:
        emit_json({"decisions": ds})
        return 0
    if not ds and not g.quiet:
        click.echo("no decisions yet (roost decide TEXT)")
    from ..text import ago
    t = now()
    for d in ds:
        click.echo(f"#{d['seq']} t={d['ts']} {d['agent']} ({ago(t, d['at'])}): {one_line(d['text'])}")
    return 0
