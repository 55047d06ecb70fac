"""roost log."""
from __future__ import annotations

import click

from ..cli import command
from ..text import emit_json, one_line


@command("log", epilog="Usage: roost log [--since SEQ] [--kind K] [--agent A] [--limit N]")
@click.option("--since", type=int, help="Only events with a sequence id above SEQ.")
@click.option("--kind", help="Only events of this kind (a prefix before '.' matches too: 'lease' matches lease.grant).")
@click.option("--limit", type=click.IntRange(min=0), default=100, show_default=True,
              help="Keep the most recent N matching events (0: all).")
def cli(g, since, kind, limit):
    """Print events in causal order (Lamport time, then agent id).

    --agent A (the global flag) here means: only events by A; it does not
    act as A. Filters apply before the limit. Each line: seq, Lamport time, agent,
    kind, target, body.

    JSON: {"events": [{"seq", "ts", "agent", "kind", "target", "body", "at"}]}

    Exit codes: 0 ok; 64 bad arguments; 75 busy; 78 the database needs migrating,
    is newer than this roost, or is not roost's."""
    from ..api import Roost
    r = Roost(g.db)  # --agent filters here: the caller is who the environment says
    g.made.append(r)
    evs = r.log(since=since, kind=kind, agent=g.agent, limit=limit)
    if g.json:
        emit_json({"events": evs})
        return 0
    for e in evs:
        body = one_line(e["body"], 100) if e["body"] else ""
        click.echo(f"{e['seq']:>6} t={e['ts']:<5} {one_line(e['agent'])} {e['kind']} "
                   f"{one_line(e['target'] or '', 60)} {body}".rstrip())
    return 0
