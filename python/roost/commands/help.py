"""roost help [CMD]: every command with a one-line summary, or one command's usage."""
from __future__ import annotations

import importlib

import click

from ..cli import ALIASES, command, python_commands, shell_commands


def _shell_summary(path) -> str:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("# Summary:"):
                return line[len("# Summary:"):].strip()
    return ""


def shell_help(path) -> str:
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#!") or line.startswith("# shellcheck"):
                continue
            if line == "#":
                out.append("")
            elif line.startswith("# "):
                out.append(line[2:])
            else:
                break
    return "\n".join(out) + "\n"


def all_commands() -> list[tuple[str, str, str]]:
    """(name, summary, owner) for every command, shell and Python."""
    rows = [(n, _shell_summary(p), "shell") for n, p in shell_commands().items()]
    for n in python_commands():
        c = importlib.import_module(f"roost.commands.{n.replace('-', '_')}").cli
        rows.append((n, c.get_short_help_str(limit=200), "python"))
    return sorted(rows)


def print_overview() -> None:
    click.echo("roost: coordination for AI coding agents sharing one repository\n")
    click.echo("Usage: roost [--db PATH] [--agent ID] [--json] [--quiet] COMMAND [ARGS]...\n")
    click.echo("Commands:")
    rows = all_commands()
    w = max(len(n) for n, _, _ in rows)
    for n, s, owner in rows:
        click.echo(f"  {n.ljust(w)}  {owner.ljust(6)}  {s}")
    click.echo("\nshell: runs in sh with one sqlite3 process (the hot path); python: the Python core.")
    click.echo("Aliases: " + ", ".join(f"{a} = {t}" for a, t in sorted(ALIASES.items())))
    click.echo("Run 'roost help COMMAND' or 'roost COMMAND --help' for usage and exit codes.")


@command("help")
@click.argument("name", required=False)
def cli(g, name):
    """List every command, or show one command's usage and exit codes.

    The list names each command's owner: shell (sh and one sqlite3
    process) or python.

    JSON (the list): {"commands": [{"name", "owner", "summary"}], "aliases": {ALIAS: COMMAND}}

    Exit codes: 0 shown; 64 no such command."""
    if not name:
        if g.json:
            from ..text import emit_json
            emit_json({"commands": [{"name": n, "owner": o, "summary": s} for n, s, o in all_commands()],
                       "aliases": dict(sorted(ALIASES.items()))})
            return 0
        print_overview()
        return 0
    name = ALIASES.get(name, name)
    sh = shell_commands()
    if name in sh:
        click.echo(shell_help(sh[name]), nl=False)
        return 0
    if name in python_commands():
        c = importlib.import_module(f"roost.commands.{name.replace('-', '_')}").cli
        with click.Context(c, info_name=f"roost {name}") as ctx:
            click.echo(c.get_help(ctx))
        return 0
    from ..errors import UsageError
    raise UsageError(f"no such command {name!r} (see 'roost help')")
