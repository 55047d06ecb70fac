"""roost locks."""
from __future__ import annotations

import time

import click

from ..cli import command
from ..text import emit_json, one_line, table


def _when(t: int | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime(t)) if t is not None else "-"


@command("locks")
@click.option("--all", "all_", is_flag=True,
              help="Also expired leases not yet collected, and ended ones from the log.")
@click.option("--mine", is_flag=True, help="Only the caller's leases and requests.")
def cli(g, all_, mine):
    """List live leases: key, kind, holder and its state, since, until, reason.

    Also lists queued requests (lock --wait) in the order they will be
    served. --all adds expired leases not yet collected and, from the log,
    released, reclaimed, broken and collected ones.

    JSON: {"leases": [{"key", "kind", "holder", "shared", "reason", "since",
    "until", "state", "status"}], "waiting": [{"id", "agent", "ts", "asked",
    "until", "state", "keys"}], "ended": [{"key", "kind", "holder", "reason",
    "since", "until", "ended", "status", "by", "why"}] (with --all)}

    Exit codes: 0; 64 --mine without an identity."""
    out = g.roost().locks(all=all_, mine=mine)
    if g.json:
        emit_json(out)
        return 0
    if out["leases"]:
        click.echo(table([[one_line(x["key"], 60), x["kind"] + (" shared" if x["shared"] else ""),
                           one_line(x["holder"]), x["state"], x["status"], _when(x["since"]),
                           _when(x["until"]), one_line(x["reason"] or "", 40)] for x in out["leases"]],
                         ["KEY", "KIND", "HOLDER", "STATE", "STATUS", "SINCE", "UNTIL", "REASON"]), nl=False)
    elif not g.quiet:
        click.echo("no live leases")
    if out["waiting"]:
        click.echo("\nwaiting, in the order they will be served:")
        click.echo(table([[str(w["ts"]), one_line(w["agent"]), w["state"], _when(w["until"]),
                           one_line(" ".join(w["keys"]), 60)] for w in out["waiting"]],
                         ["LAMPORT", "AGENT", "STATE", "GIVES UP", "KEYS"]), nl=False)
    if all_ and out["ended"]:
        click.echo("\nended (from the log):")
        click.echo(table([[one_line(x["key"], 60), x["kind"] or "-", one_line(x["holder"]), x["status"],
                           one_line(x["by"]), _when(x["since"]), _when(x["ended"]),
                           one_line(x["why"] or "", 40)] for x in out["ended"]],
                         ["KEY", "KIND", "HOLDER", "STATUS", "BY", "SINCE", "ENDED", "WHY"]), nl=False)
    return 0
