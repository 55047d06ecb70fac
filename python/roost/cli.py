"""The click CLI. Commands live one per module in roost/commands/ and are
imported only when run, so start-up pays for one command, not all."""
from __future__ import annotations

import functools
import importlib
import os
import sys
from typing import Any

import click

from .errors import USAGE, RoostError

COMMANDS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "commands")
# Aliases, the same as _roost_alias in lib/roost/core.sh.
ALIASES = {"hb": "heartbeat", "ex": "send", "exchange": "send"}


def roost_home():
    """The tree holding bin/ and lib/ (a checkout, the installer's copy, or
    pip's share/roost), as a pathlib.Path, or None."""
    from pathlib import Path
    cands = []
    if os.environ.get("ROOST_HOME"):
        cands.append(os.environ["ROOST_HOME"])
    here = os.path.dirname(os.path.abspath(__file__))
    cands += [os.path.dirname(os.path.dirname(here)), os.path.join(sys.prefix, "share", "roost")]
    for c in cands:
        if os.path.isfile(os.path.join(c, "lib", "roost", "core.sh")):
            return Path(c).resolve()
    return None


def _shell_dir() -> str | None:
    for c in (os.environ.get("ROOST_HOME"),
              os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
              os.path.join(sys.prefix, "share", "roost")):
        if c and os.path.isfile(os.path.join(c, "lib", "roost", "core.sh")):
            return os.path.join(c, "lib", "roost", "commands")
    return None


def shell_command_names() -> set[str]:
    d = _shell_dir()
    if d is None:
        return set()
    return {f[:-3] for f in os.listdir(d) if f.endswith(".sh")}


def shell_commands() -> dict:
    """{name: Path} of the shell-owned commands."""
    from pathlib import Path
    d = _shell_dir()
    if d is None:
        return {}
    return {n: Path(d, n + ".sh") for n in sorted(shell_command_names())}


def python_commands() -> list[str]:
    return sorted(f[:-3].replace("_", "-") for f in os.listdir(COMMANDS_DIR)
                  if f.endswith(".py") and not f.startswith("_"))


class Globals:
    """The global flags, given to every command as `g`."""

    def __init__(self) -> None:
        self.db: str | None = None
        self.agent: str | None = None
        self.json = False
        self.quiet = False
        self.command = ""
        self.missing = ""  # a global flag given without its value
        self.made: list[Any] = []  # the Roosts a command opened (see _seen)

    def roost(self, quick: bool = False, **kw: Any):
        """The command's Roost; quick: an api.Quick, for a command that uses
        nothing of the lease, task and hook parts (frontier, sync)."""
        from . import api
        r = (api.Quick if quick else api.Roost)(
            self.db, self.agent, agent_how="--agent" if self.agent else None, **kw)
        self.made.append(r)
        return r


def split_globals(argv: list[str]) -> tuple[list[str], Globals]:
    """Take --db, --agent, --json, --quiet from anywhere before `--`."""
    g = Globals()
    out: list[str] = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            out += argv[i:]
            break
        if a in ("--db", "--agent"):
            if i + 1 >= len(argv):
                g.missing = a  # main says so, under the command's name
                break
            setattr(g, a[2:], argv[i + 1])
            i += 2
            continue
        if a.startswith("--db="):
            g.db = a[5:]
        elif a.startswith("--agent="):
            g.agent = a[8:]
        elif a == "--json":
            g.json = True
        elif a in ("--quiet", "-q"):
            g.quiet = True
        else:
            out.append(a)
        i += 1
    return out, g


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return python_commands()

    def get_command(self, ctx, name):
        name = ALIASES.get(name, name)
        mod = name.replace("-", "_")
        if not os.path.isfile(os.path.join(COMMANDS_DIR, f"{mod}.py")):
            return None
        return importlib.import_module(f"roost.commands.{mod}").cli

    def format_commands(self, ctx, formatter):
        from .commands.help import all_commands
        rows = [(n, s) for n, s, _ in all_commands()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _help_option() -> click.Option:
    """-h/--help, the option click would add, made here with its text
    given: click's own asks gettext for a translation of it, which imports
    locale (about a millisecond) on every start of every command."""
    def show_help(ctx, param, value):
        if value and not ctx.resilient_parsing:
            click.echo(ctx.get_help(), color=ctx.color)
            ctx.exit()
    return click.Option(["-h", "--help"], is_flag=True, expose_value=False, is_eager=True,
                        help="Show this message and exit.", callback=show_help)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]},
             invoke_without_command=True, add_help_option=False)
@click.pass_context
def group(ctx):
    """roost: coordination for AI coding agents sharing one repository.

    Global flags, before or after the command: --db PATH, --agent ID,
    --json, --quiet; `--` ends flag parsing."""
    if ctx.invoked_subcommand is None:
        from .commands.help import print_overview
        print_overview()


group.params.append(_help_option())


def _exec_shell(argv: list[str]) -> None:
    home = roost_home()
    os.environ["ROOST_HOME"] = str(home)
    os.environ.setdefault("ROOST_PYTHON", sys.executable)
    os.environ["_ROOST_FROM_PYTHON"] = "1"  # the shell must not hand it back
    sh = "/bin/sh" if os.path.exists("/bin/sh") else "sh"
    os.execv(sh, [sh, str(home / "bin" / "roost"), *argv])


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    cmd = ""
    try:
        args, g = split_globals(argv)
        cmd = next((a for a in args if not a.startswith("-")), "")
        cmd = ALIASES.get(cmd, cmd)
        g.command = cmd
        if g.missing:
            raise click.UsageError(f"{g.missing} needs a value")
        if cmd and cmd in shell_command_names():
            _exec_shell(argv)  # the shell owns it: one owner per command
        rv = group.main(args=args, prog_name="roost", standalone_mode=False, obj=g)
        code = rv if isinstance(rv, int) else 0
        if code in (0, 2):
            _seen(g)
    except RoostError as e:
        _err(cmd, e.message)
        code = e.code
    except click.exceptions.Exit as e:
        code = e.exit_code
    except click.exceptions.Abort:
        code = 130
    except click.UsageError as e:
        known = cmd in python_commands() or cmd in shell_command_names()
        _err(cmd or "roost", e.format_message() + (f" (see 'roost {cmd} --help')" if known else
                                                   " (see 'roost help')"))
        code = USAGE
    except click.ClickException as e:
        _err(cmd or "roost", e.format_message())
        code = 1
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:  # the reader went away (roost log | head): not an error
        code = 0
        _quiet_stdout()
    except Exception as e:  # an internal error: one line, the traceback on request
        if os.environ.get("ROOST_DEBUG"):
            raise
        _err(cmd, f"internal error: {type(e).__name__}: {e} (set ROOST_DEBUG=1 for a traceback)")
        code = 1
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = 0
        _quiet_stdout()
    sys.exit(code)


def _quiet_stdout() -> None:
    """After a broken pipe: point fd 1 at /dev/null so that the flush at
    exit does not fail again."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, ValueError):
        pass


# Commands that are not an agent's activity on a board: help and version
# (no database), the demo (its own database), the installers, doctor, hook
# (it records the caller its own way) and watch (global mode changes no
# one's clock; agent mode takes each message in a transaction of its own).
# (doctor never writes; a Roost's connection would migrate an old file.)
_NOT_ACTIVITY = {"", "help", "version", "demo", "install", "uninstall", "doctor", "hook", "watch"}


def _seen(g: Globals) -> None:
    """Every command an agent runs counts as activity (it renews the
    agent's claims): a command that only read, or read outside a
    transaction (log, config, decisions, status, ...), records the caller
    as seen in one small transaction of its own. Never for a database that
    does not exist yet, nor when the caller is unknown; never an error."""
    if g.command in _NOT_ACTIVITY or any(getattr(r, "seen", False) for r in g.made):
        return
    from .api import SESSION_VARS  # (api is imported already by any command that got here)
    if not (g.agent and g.command != "log") and not os.environ.get("ROOST_AGENT") \
            and not any(os.environ.get(v) for v in SESSION_VARS):
        return  # nobody to record
    from .api import Roost
    try:
        with Roost(g.db, None if g.command == "log" else g.agent,
                   agent_how="--agent" if g.agent else None) as r:
            if not os.path.exists(r.path) or r._resolve() is None:
                return
            with r.tx():
                pass
    except Exception:  # a busy or foreign database: the command's own answer stands
        return


# Internal commands that shell-owned commands hand a slow path to speak
# under the public command's name.
_INTERNAL = {"_claimfiles": "claim", "_lockwait": "lock"}
# The shell command a shell-owned command's slow path runs for (the shell
# sets it; taken out of the environment so no child inherits it).
_AS = os.environ.pop("_ROOST_AS", "")


def _err(cmd: str, msg: str) -> None:
    from .text import clean
    cmd = _AS or _INTERNAL.get(cmd, cmd)
    sys.stderr.write(f"roost: {cmd or 'roost'}: {clean(msg)}\n")


def command(name: str, **kw):
    """Decorator for a roost command module's `cli`: a click command that
    receives the Globals as `g`, and whose integer return is the exit code."""
    def deco(f):
        @click.pass_obj
        def wrapper(g, *a, **k):
            try:
                return f(g, *a, **k)
            except BrokenPipeError:  # click would make this exit 1: see main()
                _quiet_stdout()
                return 0
        functools.update_wrapper(wrapper, f)  # keeps click's __click_params__
        cmd = click.command(name, context_settings={"help_option_names": ["-h", "--help"]},
                            add_help_option=False, **kw)(wrapper)
        cmd.params.append(_help_option())  # last, where click puts its own
        return cmd
    return deco
