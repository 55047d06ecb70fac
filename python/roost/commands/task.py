"""roost task: add, list, show, depend, reopen, cancel."""
from __future__ import annotations

import sys

import click

from ..db import now as clock
from ..text import ago, clean, emit_json, one_line, span, table, write_out

CTX = {"help_option_names": ["-h", "--help"]}


def out_change(g, task: dict, human: str) -> int:
    """Print a changed task: the task as JSON, or one human line."""
    if g.json:
        emit_json(task)
    elif not g.quiet:
        write_out(human + "\n")
    return 0


def verb(dry_run: bool, done: str, would: str) -> str:
    return would if dry_run else done


def _status(t: dict) -> str:
    if t["status"] == "open":
        return "ready" if t["ready"] else "waiting"
    if t["status"] == "claimed" and t.get("holder_state") not in (None, "active", "idle"):
        return f"claimed ({t['holder_state']})"
    return t["status"]


def print_tasks(rows: list[dict], extra: list[tuple[str, object]] | None = None) -> None:
    head = ["ID", "STATUS", "PRI", "FOR", "HOLDER"] + [h for h, _ in (extra or [])] + ["TITLE"]
    body = []
    for t in rows:
        cells = [t["id"], _status(t), str(t["priority"]), clean(t["for"] or "-"), clean(t["holder"] or "-")]
        cells += [f(t) for _, f in (extra or [])]
        cells.append(one_line(t["title"], 60))
        body.append(cells)
    write_out(table(body, head))


@click.group("task", context_settings=CTX)
def cli():
    """Add, list and show tasks on the board; make one wait for another,
    reopen or cancel it.

    Subcommands: add, list, show, depend, reopen, cancel; see
    `roost task CMD --help` for each one's usage, JSON and exit codes.
    Claiming and finishing are `roost claim`, `done`, `block`, `release`.

    Exit codes: 0 ok; 2 denied; 64 bad arguments or no such task; 75 busy."""


@cli.command("add", context_settings=CTX)
@click.argument("title")
@click.option("--body", help="The task's description; '-' reads it from stdin.")
@click.option("--priority", type=int, default=0, show_default=True, help="Higher is handed out first.")
@click.option("--after", multiple=True, metavar="ID", help="Wait until task ID is done (repeatable).")
@click.option("--file", "files", multiple=True, metavar="PATH",
              help="A file the task will touch, stored as a key relative to ROOT (repeatable).")
@click.option("--queue", metavar="Q", help="Add it to queue Q: it is offered to the queue's handler.")
@click.option("--for", "for_", metavar="AGENT|role:R", help="Offer it only to AGENT, or to agents with role R.")
@click.option("--dry-run", is_flag=True, help="Show what would be added; write nothing.")
@click.pass_obj
def add(g, title, body, priority, after, files, queue, for_, dry_run):
    """Add a task to the board and print its id (T-42).

    Usage: roost task add TITLE [--body TEXT | --body -] [--priority N]
    [--after ID...] [--file PATH...] [--queue Q] [--for AGENT|role:R]
    [--dry-run]

    A task is ready when all its --after tasks are done. Paths given with
    --file are made canonical (relative to the current directory, '.' and
    '..' resolved, symlinks followed) and stored relative to ROOT; a path
    outside ROOT is refused.

    JSON: the task (see `roost task show --help`).

    Exit codes: 0 added; 64 bad arguments, no such task, queue or agent, a
    path outside ROOT; 75 busy."""
    if body == "-":
        body = sys.stdin.buffer.read().decode("utf-8", "surrogateescape")
    t = g.roost().task_add(title, body=body, priority=priority, after=after, files=files,
                           queue=queue, for_=for_, dry_run=dry_run)
    if g.json:
        emit_json(t)
    elif dry_run:
        write_out(f"would add {t['id']}: {one_line(t['title'])}\n")
    elif not g.quiet:
        write_out(t["id"] + "\n")
    return 0


@cli.command("list", context_settings=CTX)
@click.option("--ready", is_flag=True, help="Only what `roost claim` would hand you, in that order.")
@click.option("--mine", is_flag=True, help="Only tasks you hold.")
@click.option("--status", type=click.Choice(["open", "claimed", "done", "blocked", "stuck", "cancelled"]),
              help="Only tasks with this status.")
@click.option("--queue", metavar="Q", help="Only tasks in queue Q.")
@click.pass_obj
def list_(g, ready, mine, status, queue):
    """List tasks with status, priority, addressee, holder and title.

    Usage: roost task list [--ready] [--mine] [--status S] [--queue Q] [--json]

    STATUS is ready or waiting (open, its dependencies done or not),
    claimed (with the holder's state when it is gone or its lease ended:
    such a task goes to the next claim), done, blocked, stuck or
    cancelled. Reading the board escalates overdue queued tasks and parks
    stuck ones.

    JSON: {"tasks": [TASK + "holder_state"]}, TASK as in `roost task show`.

    Exit codes: 0 listed; 64 bad arguments (or --mine without identity); 75 busy."""
    rows = g.roost().task_list(ready=ready, mine=mine, status=status, queue=queue)
    if g.json:
        emit_json({"tasks": rows})
    elif rows:
        print_tasks(rows)
    elif not g.quiet:
        write_out("no tasks\n")
    return 0


@cli.command("show", context_settings=CTX)
@click.argument("task_id", metavar="ID")
@click.pass_obj
def show(g, task_id):
    """Show one task with its dependencies, files and history.

    Usage: roost task show ID [--json]

    JSON: {"id", "title", "body", "priority", "status", "ready", "for",
    "queue", "holder", "claimed_at", "lease_until", "after", "waiting_on",
    "files", "attempts", "reclaims", "created_by", "created_at",
    "updated_at", "offered_at", "escalated_at", "note", "reason",
    "holder_state", "history": [{"seq", "ts", "agent", "kind", "body", "at"}]}.
    Times are unix seconds; lease_until is the holder's last-seen time plus
    the claim's lease (it moves as the holder works).

    Exit codes: 0 shown; 64 bad id or no such task; 75 busy."""
    t = g.roost().task_show(task_id)
    if g.json:
        emit_json(t)
        return 0
    now = clock()
    lines = [f"{t['id']}  {one_line(t['title'])}", f"status:   {_status(t)}"]
    if t["holder"]:
        until = t["lease_until"]
        left = f"lease ends in {span(until - now)}" if until and until > now else "lease ended"
        lines.append(f"holder:   {clean(t['holder'])} ({t['holder_state']}, claimed {ago(now, t['claimed_at'])}, {left})")
    lines.append(f"priority: {t['priority']}    for: {clean(t['for'] or 'anyone')}    queue: {clean(t['queue'] or '-')}")
    if t["after"]:
        wait = set(t["waiting_on"])
        lines.append("after:    " + ", ".join(a + (" (not done)" if a in wait else " (done)") for a in t["after"]))
    if t["files"]:
        lines.append("files:    " + ", ".join(one_line(f) for f in t["files"]))
    lines.append(f"attempts: {t['attempts']}    reclaims: {t['reclaims']}")
    lines.append(f"added:    by {clean(t['created_by'])} {ago(now, t['created_at'])}")
    if t["escalated_at"]:
        lines.append(f"escalated {ago(now, t['escalated_at'])}")
    if t["reason"]:
        lines.append(f"blocked:  {one_line(t['reason'])}")
    if t["note"]:
        lines.append(f"note:     {one_line(t['note'])}")
    if t["body"]:
        lines.append("")
        lines += ["  " + clean(x) for x in t["body"].splitlines()]
    lines.append("")
    lines.append("history:")
    for h in t["history"]:
        lines.append(f"  {h['seq']:>6} t={h['ts']:<5} {one_line(h['agent'])} {h['kind']} {one_line(h['body'] or '', 100)}".rstrip())
    write_out("\n".join(lines) + "\n")
    return 0


@cli.command("depend", context_settings=CTX)
@click.argument("task_id", metavar="ID")
@click.option("--after", multiple=True, metavar="DEP", required=True, help="Also wait for task DEP (repeatable).")
@click.option("--dry-run", is_flag=True, help="Show the result; write nothing.")
@click.pass_obj
def depend(g, task_id, after, dry_run):
    """Make a task also wait until other tasks are done.

    Usage: roost task depend ID --after DEP... [--dry-run]

    A dependency cycle is refused (exit 64) and nothing is changed.

    JSON: the task.

    Exit codes: 0 ok; 2 the task is done or cancelled; 64 bad id, no such
    task, or a cycle; 75 busy."""
    t = g.roost().task_depend(task_id, after, dry_run=dry_run)
    return out_change(g, t, f"{verb(dry_run, '', 'would: ')}{t['id']} waits for {', '.join(t['after'])}")


@cli.command("reopen", context_settings=CTX)
@click.argument("task_id", metavar="ID")
@click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing.")
@click.pass_obj
def reopen(g, task_id, dry_run):
    """Put a done, blocked, stuck or cancelled task back on the board.

    Usage: roost task reopen ID [--dry-run]

    Its reclaim count starts again from 0. Reopening a done task makes its
    dependents wait for it again.

    JSON: the task.

    Exit codes: 0 reopened; 2 the task is open or claimed; 64 bad id or no
    such task; 75 busy."""
    t = g.roost().task_reopen(task_id, dry_run=dry_run)
    return out_change(g, t, f"{verb(dry_run, 'reopened', 'would reopen')} {t['id']}")


@cli.command("cancel", context_settings=CTX)
@click.argument("task_id", metavar="ID")
@click.option("--force", is_flag=True, help="Cancel a task someone else holds (logged; the holder is told).")
@click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing.")
@click.pass_obj
def cancel(g, task_id, force, dry_run):
    """Cancel a task: it is never handed out again (unless reopened).

    Usage: roost task cancel ID [--force] [--dry-run]

    Tasks waiting for it keep waiting. A task claimed by someone else needs
    --force.

    JSON: the task.

    Exit codes: 0 cancelled; 2 done, already cancelled, or held by another
    agent without --force; 64 bad id or no such task; 75 busy."""
    t = g.roost().task_cancel(task_id, force=force, dry_run=dry_run)
    return out_change(g, t, f"{verb(dry_run, 'cancelled', 'would cancel')} {t['id']}")
