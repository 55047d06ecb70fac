"""roost uninstall."""
from __future__ import annotations

import click

from ..cli import command
from ..text import emit_json


@command("uninstall")
@click.option("--scope", type=click.Choice(["project", "user"]), default="project", show_default=True,
              help="Undo `roost install` of this scope.")
@click.option("--dry-run", is_flag=True, help="Say what would change; change nothing.")
def cli(g, scope, dry_run):
    """Remove exactly what `roost install` added.

    Usage: roost uninstall [--scope project|user] [--dry-run]

    A file nobody changed since install is restored byte for byte from its
    backup, or removed when install created it; a file changed since loses
    only roost's part (its hooks, the AGENTS.md section, the CLAUDE.md
    import). The pre-commit guard goes, and a pre-commit hook it chained
    comes back. The database and its data are kept.

    JSON: {"restored", "removed", "edited", "kept", "manifest"}

    Exit codes: 0 done (also when nothing was installed); 64 bad arguments."""
    from .. import installer
    from ..db import find_root
    root = find_root()
    say = (lambda s: None) if (g.json or g.quiet) else (lambda s: click.echo(s))
    res = installer.uninstall(root, scope, installer.home_dir(), dry_run, say)
    if g.json:
        emit_json(res)
    elif not g.quiet and res["manifest"] is None:
        click.echo("nothing to remove: roost install has not run here" + (" (user scope)" if scope == "user" else ""))
    return 0
