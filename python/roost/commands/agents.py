"""roost agents."""
from __future__ import annotations

import click

from ..cli import command
from ..db import now
from ..text import ago, clean, emit_json, table


@command("agents")
def cli(g):
    """List agents with role, team, liveness state, last seen and position.

    States: active (seen within active_window), idle (not seen recently,
    process alive or unknown), gone (process dead, session ended, or not
    seen for gone_window).

    JSON: {"agents": [{"agent", "role", "team", "state", "last_seen", ...}]}

    Exit codes: 0 ok; 64 bad arguments; 75 busy; 78 the database needs migrating,
    is newer than this roost, or is not roost's."""
    r = g.roost()
    rows = r.agents()
    if g.json:
        emit_json({"agents": rows})
        return 0
    if not rows:
        click.echo("no agents yet (roost register ID)")
        return 0
    t = now()
    click.echo(table([[clean(a["agent"]), clean(a["role"] or "-"), clean(a["team"] or "-"), a["state"],
                       ago(t, a["last_seen"]), f"{a['epoch']}.{a['round']}"] for a in rows],
                     ["AGENT", "ROLE", "TEAM", "STATE", "SEEN", "POSITION"]), nl=False)
    return 0
