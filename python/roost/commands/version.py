"""roost version."""
from __future__ import annotations

import click

from ..cli import command
from ..text import emit_json


@command("version")
def cli(g):
    """Print roost's version, its schema version, and the SQLite and Python in use.

    Exit codes: 0."""
    from ..db import version_info  # not the API: its import costs 5 ms, a sixth of this command
    info = version_info()
    if g.json:
        emit_json(info)
    else:
        click.echo(f"roost {info['roost']} (schema {info['schema']}, Python {info['python']}, "
                   f"SQLite {info['python_sqlite']})")
    return 0
