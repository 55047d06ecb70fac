"""roost sent."""
from __future__ import annotations

import click

from ..cli import command


@command("sent", epilog="Usage: roost sent [--unacked] [--limit N] [--json]")
@click.option("--unacked", is_flag=True, help="Only messages some recipient has not acknowledged.")
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True,
              help="The most recent N messages (0: all).")
def cli(g, unacked, limit):
    """List the messages you sent, with who read and who acknowledged each.

    Oldest of the most recent N first: #ID to ADDRESS (lamport TS, AGE ago):
    its first line; then one line per recipient: read or unread, acked or
    not, with how long ago.

    JSON: {"messages": [{"id", "to", "ts", "at", "thread", "reply_to",
    "bytes", "line", "recipients": [{"agent", "read_at", "acked_at"}]}]}

    Exit codes: 0 listed; 64 no identity; 75 busy; 78 database needs
    migrating."""
    from ..db import now
    from ..messages import first_line
    from ..text import ago, emit_json, write_out
    rows = g.roost().sent(unacked=unacked, limit=limit)
    if g.json:
        for m in rows:
            m.pop("from", None)
        emit_json({"messages": rows})
        return 0
    if g.quiet:
        return 0
    if not rows:
        click.echo("no unacknowledged messages" if unacked else "no messages sent yet")
        return 0
    t = now()
    out = []
    for m in rows:
        line = first_line(m["line"])
        out.append(f"#{m['id']} to {m['to']} (lamport {m['ts']}, {ago(t, m['at'])})"
                   + (f": {line}" if line else ""))
        for d in m["recipients"]:
            read = f"read {ago(t, d['read_at'])}" if d["read_at"] is not None else "unread"
            ack = f"acked {ago(t, d['acked_at'])}" if d["acked_at"] is not None else "not acked"
            out.append(f"  {d['agent']}: {read}, {ack}")
    write_out("\n".join(out) + "\n")
    return 0
