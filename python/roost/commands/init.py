"""roost init."""
from __future__ import annotations

import os
import re

import click

from ..cli import command
from ..text import emit_json

BEGIN = "<!-- roost:begin (managed by `roost init`; edits inside are replaced) -->"
END = "<!-- roost:end -->"
SECTION = f"""{BEGIN}
## Coordinating with other agents: roost

Several AI agents may be working in this repository at once. They
coordinate through `roost` (one SQLite file in `.roost/`). Before you
start, run `roost onboard` and follow it: pick an agent id, lease files
before editing them (`roost lock PATH`), claim tasks (`roost claim`), read
and answer messages (`roost recv`, `roost send`). `roost help` lists all.
{END}
"""


_BEGIN_RE = re.compile(r"<!-- roost:begin\b[^\n]*?-->")


def _managed_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every managed section, in order. A section whose end
    (or begin) marker was deleted runs on (or back) only over lines that are
    lines of SECTION, so no text of the user's is ever taken for it."""
    spans = []
    ours = {ln for ln in SECTION.splitlines() if ln.strip()}
    m = _BEGIN_RE.search(text)
    while m:
        nxt = _BEGIN_RE.search(text, m.end())
        limit = nxt.start() if nxt else len(text)
        e = text.find(END, m.end(), limit)
        if e >= 0:
            stop = e + len(END)
        else:
            rest = text[m.end():limit]
            nl = rest.find("\n")
            stop = m.end() + (nl + 1 if nl >= 0 else len(rest))  # the begin line
            for ln in (rest[nl + 1:].splitlines(keepends=True) if nl >= 0 else []):
                if ln.strip() and ln.rstrip("\r\n") not in ours:
                    break
                stop += len(ln)
            stop = len(text[:stop].rstrip("\r\n"))
        spans.append((m.start(), stop))
        m = nxt
    return sorted(spans + _orphan_ends(text, spans, ours))


def _orphan_ends(text: str, spans: list[tuple[int, int]], ours: set[str]) -> list[tuple[int, int]]:
    """Sections whose begin marker was deleted: an end marker outside every
    span runs back over the lines of SECTION before it (never over other
    text, nor into an earlier section)."""
    out: list[tuple[int, int]] = []
    e = text.find(END)
    while e >= 0:
        if not any(b <= e < s for b, s in spans):
            floor = max([s for _, s in spans + out if s <= e], default=0)
            start = max(text.rfind("\n", floor, e) + 1, floor)
            if not text[start:e].strip():  # a marker that starts its line, not one quoted in a sentence
                while start > floor:
                    ls = max(text.rfind("\n", floor, start - 1) + 1, floor)
                    ln = text[ls:start].rstrip("\r\n")
                    if ln.strip() and ln not in ours:
                        break
                    start = ls
                while start < e:  # leave the blank lines before it alone
                    nl = text.find("\n", start, e)
                    if nl < 0 or text[start:nl].strip():
                        break
                    start = nl + 1
                out.append((start, e + len(END)))
        e = text.find(END, e + len(END))
    return out


def update_agents_md(root: str) -> str:
    """Add or refresh the managed section of ROOT/AGENTS.md; returns
    'created', 'updated' or 'unchanged'. Only the managed section is ever
    replaced; duplicates (from a copy-paste or a lost end marker) collapse
    into one."""
    path = os.path.join(root, "AGENTS.md")
    if not os.path.exists(path):
        with open(path, "w", encoding="utf-8") as f:
            f.write("# AGENTS.md\n\n" + SECTION)
        return "created"
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as f:
        old = f.read()
    spans = _managed_spans(old)
    if spans:
        new = old[:spans[0][0]] + SECTION.rstrip("\n")
        prev = spans[0][1]
        for b, e in spans[1:]:
            new += old[prev:b].rstrip("\n") if old[prev:b].strip() else ""
            prev = e
        new += old[prev:]
    else:
        sep = "" if old.endswith("\n\n") or not old else ("\n" if old.endswith("\n") else "\n\n")
        new = old + sep + SECTION
    if new == old:
        return "unchanged"
    with open(path, "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
        f.write(new)
    return "updated"


@command("init")
@click.option("--role", help="Role to register the caller with (needs --agent or ROOST_AGENT).")
@click.option("--team", help="Team to register the caller with.")
@click.option("--no-agents-md", is_flag=True, help="Do not touch AGENTS.md.")
def cli(g, role, team, no_agents_md):
    """Create and migrate the database at ROOT; optionally register the caller.

    ROOT is the main working tree of the enclosing git repository, else the
    nearest ancestor with .roost/, else the current directory. Also adds a
    short managed section to ROOT/AGENTS.md telling agents to run `roost
    onboard` (between markers; --no-agents-md skips it). Notes the tree's
    symbolic links for the hooks' write checks (rerun it after adding one;
    agent sessions note them when they start). Idempotent.

    Exit codes: 0 done; 64 bad id; 75 busy; 78 database newer than roost or
    not roost's."""
    out = g.roost().init(agents_md=not no_agents_md, role=role, team=team)
    if g.json:
        emit_json(out)
    elif not g.quiet:
        click.echo(f"roost database: {out['db']} (schema {out['schema']})")
        if "agents_md" in out:
            click.echo(f"AGENTS.md: {out['agents_md']}")
        if "agent" in out:
            click.echo(f"registered {out['agent']}")
    return 0
