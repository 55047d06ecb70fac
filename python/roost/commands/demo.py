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

    Exit codes: 0 the scene ran as narrated; 1 a step did not."""
    from ..demo import play
    return play(keep=keep, pause=pause, only=only)
