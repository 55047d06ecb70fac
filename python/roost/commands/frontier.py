"""roost frontier."""
from __future__ import annotations

import click

from ..cli import command
from ..progress import verdict_lines
from ..text import emit_json


@command("frontier", epilog="Usage: roost frontier [--epoch N [--round R]] [--strict]")
@click.option("--epoch", type=click.IntRange(min=0), help="Ask whether this epoch is safe to finalize.")
@click.option("--round", "round_", type=click.IntRange(min=0), help="With --epoch: ask about (epoch, round).")
@click.option("--strict", is_flag=True, help="Count every registered agent, gone ones too.")
def cli(g, epoch, round_, strict):
    """Print the frontier, or whether epoch N (round R) is safe to finalize.

    The frontier is the least pointstamp (epoch, round) held by a live
    agent (active or idle), with who holds it; every live position follows.
    With --epoch N: SAFE when every live agent other than you is strictly
    past N (past (N, R) with --round); NOT SAFE lists each blocker. An
    agent whose process is found dead on this host is recorded as gone on
    the spot and stops blocking. Gone agents never block and are listed as
    ignored; --strict counts every registered agent.

    JSON: {"agent", "strict", "frontier": {"epoch", "round", "agents"} or
    null, "positions": [...], "ignored": [{"agent", "state", "epoch",
    "round"}]}; with --epoch also "epoch", "round", "safe", "blockers".

    Exit codes: 0 printed, or SAFE; 2 NOT SAFE; 64 bad arguments; 75 busy."""
    f = g.roost(quick=True).frontier(epoch, round_, strict=strict)
    if g.json:
        emit_json(f)
    elif not g.quiet:
        click.echo("\n".join(verdict_lines(f)))
    return 2 if f.get("safe") is False else 0
