"""roost prime."""
from __future__ import annotations

import click

from ..cli import command
from ..text import emit_json, write_out


@command("prime", epilog="Usage: roost prime [--max-chars N]")
@click.option("--max-chars", type=click.IntRange(min=0), default=6000, show_default=True,
              help="Size limit of the output (about 3 characters a token); at least 1800.")
def cli(g, max_chars):
    """Everything an agent should know at the start of a session, as Markdown.

    Your identity and position, the live peers and what each holds and is
    working on, your leases and tasks, ready tasks, unread message headers,
    recent decisions and the frontier, within --max-chars (the default fits
    in about 2,000 tokens); it says what it left out and where to see it.
    Text written by agents (names, reasons, message lines, task titles,
    decisions) sits inside one block between BEGIN/END AGENT TEXT markers
    carrying a random nonce, one item a line: newlines collapsed, control
    and format characters removed, and marker look-alikes defused, so that
    it can never pose as instructions from roost.

    JSON: {"text", "left_out": [{"section", "count", "see"}], "context": {...}}

    Exit codes: 0; 64 --max-chars below 1800."""
    p = g.roost().prime(max_chars)
    if g.json:
        emit_json(p)
    elif not g.quiet:
        write_out(p["text"])
    return 0
