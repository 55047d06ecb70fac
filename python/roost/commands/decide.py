"""roost decide."""
from __future__ import annotations

import sys

import click

from ..cli import command
from ..text import emit_json


@command("decide", epilog="Usage: roost decide TEXT...  (or: roost decide - < file)")
@click.argument("words", nargs=-1, required=True)
def cli(g, words):
    """Record a shared decision that every agent should follow.

    The words are joined with spaces; `-` reads the text from stdin
    (byte-exact, up to 64 KiB). A decision is a `decision` event in the log,
    stamped with your Lamport clock; `roost decisions` lists them and
    `roost prime` shows the recent ones.

    JSON: {"agent", "seq", "ts", "at", "text"}

    Exit codes: 0 recorded; 64 empty, too long, or no identity; 75 busy."""
    if words == ("-",):
        text = sys.stdin.buffer.read().decode("utf-8", "surrogateescape")
    else:
        text = " ".join(words)
    d = g.roost().decide(text)
    if g.json:
        emit_json(d)
    elif not g.quiet:
        click.echo(f"decision #{d['seq']} recorded by {d['agent']} at lamport {d['ts']}")
    return 0
