"""roost install."""
from __future__ import annotations

import click

from ..cli import command
from ..errors import UsageError
from ..text import emit_json


@command("install")
@click.option("--scope", type=click.Choice(["project", "user"]), default="project", show_default=True,
              help="project: this repository's files; user: your home folder's (every repository).")
@click.option("--git-hook", is_flag=True, help="Also install a git pre-commit guard (project scope).")
@click.option("--dry-run", is_flag=True, help="Say what would change; change nothing.")
def cli(g, scope, git_hook, dry_run):
    """Set roost up for agent CLIs: skill, hooks, AGENTS.md, CLAUDE.md.

    Usage: roost install [--agent claude|codex|gemini|copilot|cursor|all]
    [--scope project|user] [--git-hook] [--dry-run]

    --agent picks the agent CLIs (a comma-separated list, or all, the
    default). For each: the roost skill where it looks for skills
    (.claude/skills/roost/, .agents/skills/roost/); `roost hook` commands
    merged into its hook configuration (.claude/settings.json,
    .codex/hooks.json, .gemini/settings.json, .github/hooks/roost.json,
    .cursor/hooks.json; under ~ with --scope user), keeping your own hooks
    and settings. Project scope also creates the database, adds the managed
    section to AGENTS.md, and makes CLAUDE.md import AGENTS.md. Every file
    it changes is backed up first (.roost/backups/install/); running it
    again changes nothing. It prints the one-time trust step each CLI needs.
    `roost uninstall` removes exactly what it added.

    JSON: {"scope", "agents", "changed", "unchanged", "errors", "trust", "manifest"}

    Exit codes: 0 done; 1 a file could not be changed (others were); 64 bad
    arguments."""
    from .. import installer
    vendors = installer.parse_vendors(g.agent)
    from ..db import find_root
    root = find_root()
    home = installer.home_dir()
    if git_hook and scope != "project":
        raise UsageError("--git-hook needs --scope project")
    plan = installer.plan_install(root, vendors, scope, git_hook, home)
    say = (lambda s: None) if (g.json or g.quiet) else (lambda s: click.echo(s))
    if scope == "project" and not dry_run:
        installer.ensure_database(root)
    res = installer.apply_install(plan, vendors, home, dry_run, say)
    for e in plan.errors:
        click.echo(f"roost: install: {e}", err=True)
    if g.json:
        emit_json({"scope": scope, "agents": vendors, "changed": res["changed"],
                   "unchanged": res["unchanged"], "errors": plan.errors, "trust": plan.notes,
                   "manifest": None if dry_run else res["manifest"], "dry_run": dry_run})
    elif not g.quiet:
        if not res["changed"]:
            click.echo("nothing to change: roost is installed" + (" (dry run)" if dry_run else ""))
        click.echo("One-time steps:")
        for n in plan.notes:
            click.echo(f"  - {n}")
        if not dry_run:
            click.echo(f"Undo with: roost uninstall{' --scope user' if scope == 'user' else ''}")
    return 1 if plan.errors else 0
