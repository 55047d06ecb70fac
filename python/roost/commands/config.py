"""roost config."""
from __future__ import annotations

import click

from ..cli import command
from ..text import clean, emit_json, table


@command("config")
@click.argument("key", required=False)
@click.argument("value", required=False)
@click.option("--unset", is_flag=True, help="Put KEY back to its default.")
def cli(g, key, value, unset):
    """Read and write settings stored in the database.

    With no KEY, lists every setting with its value and default. With KEY,
    prints its value; with KEY VALUE, sets it (validated by type: durations
    take 90s, 15m, 2h, 1d or seconds and are stored in seconds; windows,
    TTLs and sizes must be at least 1 (hook_context_chars 200), durations
    at most ten years, active_window no longer than gone_window and
    lease_ttl / lease_on_edit_ttl no longer than lease_max_ttl). Unknown
    keys and bad values are refused and nothing is changed.

    JSON: {"config": [{"key", "value", "default_value", "type", "doc", "is_set"}]}
    or {"key", "value"}

    Exit codes: 0 ok; 64 unknown key or bad value; 75 busy."""
    r = g.roost()
    if unset and key is None:
        raise click.UsageError("--unset needs a KEY")
    if unset and value is not None:
        raise click.UsageError("--unset takes a KEY only, not a value")
    if key is None:
        rows = r.config()
        if g.json:
            emit_json({"config": rows})
        else:
            click.echo(table([[x["key"], clean(x["value"]), clean(x["default_value"]), x["type"], x["doc"]]
                              for x in rows], ["KEY", "VALUE", "DEFAULT", "TYPE", "MEANING"]), nl=False)
        return 0
    if unset or value is not None:
        out = r.config_set(key, None if unset else value)
    else:
        out = {"key": key, "value": r.config_get(key)}
    if g.json:
        emit_json(out)
    elif not g.quiet:
        click.echo(clean(out["value"]))
    return 0
