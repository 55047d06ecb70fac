"""roost register."""
from __future__ import annotations

import click

from ..cli import command
from ..errors import UsageError
from ..text import emit_json


@command("register")
@click.argument("agent_id", required=False)
@click.option("--role", help="The agent's role (a name; messages can go to role:NAME).")
@click.option("--team", help="The agent's team (messages can go to team:NAME).")
@click.option("--pid", type=int, help="The agent's long-lived process (default: ROOST_PID, or the agent CLI found among our ancestors).")
@click.option("--session", "session", help="Bind this agent-CLI session id to the agent (default: from the environment).")
@click.option("--vendor", help="The agent CLI (claude, codex, gemini, copilot, cursor).")
def cli(g, agent_id, role, team, pid, session, vendor):
    """Register an agent, or update its role and team.

    The id is ID, else --agent, else ROOST_AGENT. Also binds the current
    agent-CLI session (CLAUDE_CODE_SESSION_ID, GEMINI_SESSION_ID,
    ROOST_SESSION) to the id, so later commands in that session know who
    they are, and records the agent CLI's process for liveness.

    JSON: {"agent", "role", "team", "pid", "host", "state", "seq", "ts"} (seq and ts
    are null when nothing changed: no event was written)

    Exit codes: 0 registered; 64 bad or missing id; 75 busy; 78 database
    needs migrating."""
    r = g.roost(session=session)
    if not agent_id and not r.agent:
        raise UsageError("which agent? give an ID (roost register ID) or --agent/ROOST_AGENT")
    if agent_id and r.agent and agent_id != r.agent and r.agent_how != "--agent":
        # ROOST_AGENT names someone else: the explicit ID wins.
        r.agent = None
    out = r.register(agent_id or r.agent, role=role, team=team, pid=pid, vendor=vendor)
    if g.json:
        emit_json(out)
    elif not g.quiet:
        extra = "".join(f" {k}={out[k]}" for k in ("role", "team", "pid") if out.get(k) is not None)
        click.echo(f"registered {out['agent']}{extra}")
    return 0
