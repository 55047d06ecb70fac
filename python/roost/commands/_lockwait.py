"""roost _lockwait (internal): the wait of `roost lock --wait`.

The shell's lock queues a denied request in the same transaction as the
denial, then execs this (same process id, so the request stays tied to a
live process) to wait without polling processes: see Roost.lock_wait."""
from __future__ import annotations

import sys

import click

from ..cli import command
from ..text import clean, write_out


@command("_lockwait")
@click.argument("wait_id", type=int)
def cli(g, wait_id):
    """Wait for the queued lease request WAIT_ID (internal: used by lock --wait).

    Exit codes: 0 granted; 2 the wait ran out; 64 no such request."""
    r = g.roost()
    rows, err = r.lock_wait(wait_id, human=not g.json, quiet=g.quiet)
    for line in rows:
        write_out((line if g.json else clean(line)) + "\n")
    if err is not None:
        sys.stderr.write(f"roost: lock: {clean(err)}\n")
        return 2
    return 0
