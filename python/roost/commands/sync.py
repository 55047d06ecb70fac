"""roost sync."""
from __future__ import annotations

import click

from ..cli import command
from ..text import emit_json


@command("sync", epilog="Usage: roost sync [--epoch N [--round R]] [--strict]")
@click.option("--epoch", type=click.IntRange(min=0),
              help="Your position's epoch; also the epoch to ask about.")
@click.option("--round", "round_", type=click.IntRange(min=0),
              help="With --epoch: your round, and the round to ask about.")
@click.option("--strict", is_flag=True, help="Count every registered agent in the frontier, gone ones too.")
def cli(g, epoch, round_, strict):
    """Heartbeat, read new messages and check the frontier, in one command.

    One transaction: a heartbeat (recording --epoch/--round as your
    position when given; a value not given is kept), then your unread
    messages, printed and marked read as `roost recv` does, then the
    frontier as `roost frontier` prints it. With --epoch N the frontier
    answers whether (N, R) is safe to finalize: every live agent other
    than you is past it.

    JSON: {"heartbeat": {"agent", "seq", "ts", "epoch", "round"},
    "messages": [{"id", "from", "to", "ts", "at", "thread", "reply_to",
    "body"}], "frontier": {...as roost frontier --json}}

    Exit codes: 0 done, or SAFE with --epoch; 2 NOT SAFE (with --epoch); 64
    bad arguments or no identity; 75 busy."""
    from ..progress import verdict_lines
    s = g.roost(quick=True).sync(epoch, round_, strict=strict)
    f = s["frontier"]
    if g.json:
        emit_json(s)
    elif not g.quiet:
        from ..messages import render
        from ..text import write_out
        hb = s["heartbeat"]
        out = [f"{hb['agent']} alive at lamport {hb['ts']} (epoch {hb['epoch']}, round {hb['round']})"]
        out += [render(m) for m in s["messages"]] or ["no new messages"]
        out += verdict_lines(f)
        write_out("\n".join(out) + "\n")
    return 2 if f.get("safe") is False else 0
