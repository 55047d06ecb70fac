"""roost gate."""
from __future__ import annotations

import re

import click

from ..cli import command
from ..errors import UsageError
from ..text import emit_json

_D = re.compile(r"^(\d{1,9}(?:\.\d{1,3})?)(ms|s|m|h)?$")
_MULT = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, None: 1}


def seconds(v: str, what: str) -> float:
    m = _D.match(v.strip())
    if not m:
        raise UsageError(f"bad duration for {what}: {v!r} (use 500ms, 2s, 15m, 1h or seconds)")
    return float(m.group(1)) * _MULT[m.group(2)]


@command("gate", epilog="Usage: roost gate --epoch N [--round R] [--timeout D] [--interval D] "
                        "[--check] [--strict]")
@click.option("--epoch", type=click.IntRange(min=0), required=True, help="The epoch to wait for.")
@click.option("--round", "round_", type=click.IntRange(min=0), help="Wait for (epoch, round) instead.")
@click.option("--timeout", default="90s", show_default=True,
              help="Give up after this long (500ms, 30s, 5m, 1h); keep it under your agent CLI's "
                   "tool timeout.")
@click.option("--interval", default="2s", show_default=True, help="Check this often.")
@click.option("--check", is_flag=True, help="Answer once, without waiting.")
@click.option("--strict", is_flag=True, help="Count every registered agent, gone ones too.")
def cli(g, epoch, round_, timeout, interval, check, strict):
    """Wait until epoch N (round R) is safe to finalize.

    Checks the frontier (see `roost frontier`) every --interval until every
    live agent other than you is past the position, or --timeout passes.
    Blockers whose process dies stop blocking at the next check. --check
    answers once.

    JSON: the frontier answer (see `roost frontier`) plus "waited" (seconds).

    Exit codes: 0 SAFE; 2 still NOT SAFE at the timeout (or at once with
    --check); 64 bad arguments; 75 busy."""
    from ..progress import GateClosed, verdict_lines
    t = 0.0 if check else seconds(timeout, "--timeout")
    step = seconds(interval, "--interval")
    if step <= 0:
        raise UsageError("--interval must be above 0")
    try:
        f = g.roost().gate(epoch, round_, timeout=t, interval=step, strict=strict)
        rc = 0
    except GateClosed as e:
        f, rc = e.answer, 2
    if g.json:
        emit_json(f)
    elif not g.quiet:
        lines = verdict_lines(f)
        if not check:
            lines[0] += f" (after {f['waited']:.1f}s)" if f["safe"] else f" after {f['waited']:.1f}s"
        click.echo("\n".join(lines))
    return rc
