"""roost watch."""
from __future__ import annotations

import click

from ..cli import command


@command("watch", epilog="Usage: roost watch [--all] [--kind K] [--since SEQ] [--json]")
@click.option("--all", "everything", is_flag=True,
              help="Every event, not just your messages (the default without an identity).")
@click.option("--kind", help="With --all: only events of this kind (a prefix before '.' matches too: 'msg' matches msg.send).")
@click.option("--since", type=click.IntRange(min=0),
              help="With --all: start after this sequence id (default: from now on).")
def cli(g, everything, kind, since):
    """Stream events as they are committed, until interrupted.

    Global mode (--all, or no identity) prints every event by sequence id,
    never missing one, in the format of 'roost log'; it changes nothing:
    no one's clock or read state moves. Agent mode prints your incoming
    messages (the unread ones first) in recv's format and marks each read
    as it prints it. A commit shows within 250 ms (the database's change
    counter is looked at every 50 ms; no CPU is burnt in between).

    JSON: one object per line: an event {"seq", "ts", "agent", "kind",
    "target", "body", "at"} (global mode) or a message {"id", "from", "to",
    "ts", "at", "thread", "reply_to", "body"} (agent mode).

    Exit codes: 0 interrupted (Ctrl-C); 64 bad arguments or --kind/--since
    without global mode; 75 busy; 78 database needs migrating."""
    from ..errors import UsageError
    from ..messages import render
    from ..text import emit_json, one_line, write_out
    r = g.roost()
    glob = everything or r._resolve() is None
    if not glob and (kind or since is not None):
        raise UsageError("--kind and --since need --all (agent mode streams your messages)")
    shown = True
    x: dict = {}
    try:
        for x in r.watch(everything=glob, kind=kind, since=since):
            shown = False
            if g.json:
                emit_json(x)
            elif glob:
                body = one_line(x["body"], 100) if x["body"] else ""
                write_out(f"{x['seq']:>6} t={x['ts']:<5} {one_line(x['agent'])} {x['kind']} "
                          f"{one_line(x['target'] or '', 60)} {body}".rstrip() + "\n")
            else:
                write_out(render(x) + "\n")
            shown = True
    except KeyboardInterrupt:
        return 0
    except OSError as e:  # `roost watch | head` (a broken pipe): the reader is gone
        if not shown and not glob:
            r.unread(x["id"])  # it was marked read and never shown: it stays unread
        if isinstance(e, BrokenPipeError):
            return 0
        raise
    return 0
