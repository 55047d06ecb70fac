"""roost demo."""
from __future__ import annotations

import click

from ..cli import command


@command("demo")
@click.option("--keep", is_flag=True, help="Keep the demo repository and print where it is.")
@click.option("--pause", type=float, default=0.0, help="Seconds to pause after each narration.")
@click.option("--scene", "only", help="Play only scenes whose name contains this.")
def cli(g, keep, pause, only):
    """Play a narrated scene of agents coordinating through roost.

    Runs on a temporary repository and database (your own .roost is never
    touched); every step is a real roost command and is checked.

    JSON (no narration): {"ok", "scenes": [NAME], "failures": [TEXT], "kept": PATH or null}

    Exit codes: 0 the scene ran as narrated; 1 a step did not; 64 no scene
    matches --scene."""
    from ..demo import play
    if not g.json:
        return play(keep=keep, pause=pause, only=only)
    import io

    from ..text import emit_json
    report: dict = {}
    rc = play(keep=keep, pause=0.0, only=only, out=io.StringIO(), report=report)
    emit_json({"ok": rc == 0, **report})
    return rc
