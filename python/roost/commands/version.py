"""roost version."""
from __future__ import annotations

import sqlite3
import sys

import click

from .. import __version__
from ..cli import command
from ..db import schema_version
from ..text import emit_json


@command("version")
def cli(g):
    """Print roost's version, its schema version, and the SQLite and Python in use.

    Exit codes: 0."""
    info = {"roost": __version__, "schema": schema_version(),
            "python_sqlite": sqlite3.sqlite_version, "python": sys.version.split()[0]}
    if g.json:
        emit_json(info)
    else:
        click.echo(f"roost {__version__} (schema {info['schema']}, Python {info['python']}, "
                   f"SQLite {info['python_sqlite']})")
    return 0
