"""roost _claimfiles (internal): `roost claim --lock-files`.

The shell's claim hands the flag here: claiming a task and leasing its
files must be one transaction (all or none), which takes both the claim
SQL and the leases' SQL."""
from __future__ import annotations

import click

from ..cli import command
from ..text import clean, emit_json


@command("_claimfiles")
@click.argument("task_id", required=False)
@click.option("--lease", help="How long the claim lasts after your last activity.")
@click.option("--dry-run", is_flag=True)
def cli(g, task_id, lease, dry_run):
    """Claim a task and lease its files in one transaction (internal: used by claim --lock-files).

    Exit codes: 0 claimed and leased; 2 nothing ready, the task is held, or
    one of its files is held (nothing taken); 64 bad arguments; 75 busy."""
    t = g.roost().claim(task_id, lease=lease, dry_run=dry_run, lock_files=True)
    if g.json:
        emit_json(t)
    elif not g.quiet:
        extra = (f" (reclaimed from {clean(t['reclaimed_from'])}, {clean(t['reclaimed_why'])})"
                 if t.get("reclaimed_from") else "")
        click.echo(f"{'would claim' if dry_run else 'claimed'} {t['id']}: {clean(t['title'])}{extra}")
        if t.get("leases"):
            click.echo("leased " + " ".join(clean(k) for k in t["leases"]["granted"]))
    return 0
