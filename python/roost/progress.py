"""Progress and context: pointstamps, the frontier, gates, decisions, and
the pictures of shared state that `onboard`, `prime` and `status` print.

A pointstamp is an agent's working position (epoch, round), reported with
`heartbeat`; pointstamps compare lexicographically. The frontier is the
least pointstamp held by a live agent (active or idle). A pointstamp
(N, R) is safe to finalize when every live agent other than the caller is
strictly past it (past epoch N when no round is given): nobody can still
produce work for it. A live agent whose process is found dead on this host
is recorded as dead on the spot and stops blocking.

`onboard`, `prime` and `status` are built from the sections in
roost/context.py (imported only by them, to keep frontier and sync quick
to start): one Section per capability, left out when its tables are
missing.
"""
from __future__ import annotations

import time
from typing import Any, Callable

from .errors import Denied, UsageError

DECISION_MAX = 65536  # bytes of one decision's text
PRIME_CHARS = 6000    # ~2,000 tokens: ids, numbers and punctuation run near 3 characters a token


def pos(epoch: int, round: int | None) -> str:
    return f"epoch={epoch}" if round is None else f"epoch={epoch} round={round}"


def past(epoch: int, round: int, n: int, r: int | None) -> bool:
    """Is (epoch, round) strictly past (n, r)? Past epoch n when r is None."""
    if r is None:
        return epoch > n
    return (epoch, round) > (n, r)


def verdict_lines(f: dict) -> list[str]:
    """Human lines for a frontier answer (shared by frontier, gate, sync:
    here, so that sync and gate need not import the frontier command)."""
    out = []
    if "epoch" in f:
        what = pos(f["epoch"], f["round"])
        if f["safe"]:
            out.append(f"SAFE to finalize {what}: every live agent"
                       + (" but you" if f["agent"] else "") + " is past it")
        else:
            out.append(f"NOT SAFE to finalize {what}")
            out += [f"  blocked by {b['agent']} at {pos(b['epoch'], b['round'])} ({b['state']})"
                    for b in f["blockers"]]
    else:
        fr = f["frontier"]
        if fr is None:
            out.append("frontier: empty (no live agents)")
        else:
            out.append(f"frontier: {pos(fr['epoch'], fr['round'])} ({', '.join(fr['agents'])})")
            out += [f"  {pos(p['epoch'], p['round'])}: {', '.join(p['agents'])}" for p in f["positions"]]
    if f["ignored"]:
        out.append("ignored (gone): " + ", ".join(
            f"{a['agent']} at {pos(a['epoch'], a['round'])}" for a in f["ignored"]))
    return out


# The largest epoch or round: 18 digits, as the shell's heartbeat takes
# (_roost_uint), and within SQLite's 64-bit INTEGER.
POS_MAX = 10**18 - 1


def check_uint(name: str, v: int | None) -> None:
    """UsageError unless v is None or a whole number in 0 .. POS_MAX."""
    if v is None:
        return
    if not isinstance(v, int) or isinstance(v, bool) or v < 0:
        raise UsageError(f"--{name} needs a whole number")
    if v > POS_MAX:
        raise UsageError(f"--{name} is too large (at most {POS_MAX})")


def _check_position(epoch: int | None, round: int | None) -> None:
    if round is not None and epoch is None:
        raise UsageError("--round needs --epoch")
    check_uint("epoch", epoch)
    check_uint("round", round)


class ProgressMixin:
    """Frontier, gate, sync, decisions, onboard, prime, status."""

    # -- the frontier -------------------------------------------------------

    def _frontier(self, now: int, epoch: int | None, round: int | None,
                  strict: bool) -> dict[str, Any]:
        """The frontier, inside a transaction (dead pids get recorded)."""
        c = self.conn
        me = self._resolve()
        # A live agent whose process is provably dead stops blocking now,
        # not after gone_window: record it (as every feature does).
        self.reap(now)
        rows = [dict(r) for r in c.execute(
            "SELECT id AS agent, state, epoch, round, pid, host FROM agent_state ORDER BY id")]
        counted = [a for a in rows if strict or a["state"] != "gone"]
        ignored = [a for a in rows if not (strict or a["state"] != "gone")]
        by_pos: dict[tuple[int, int], list[str]] = {}
        for a in counted:
            by_pos.setdefault((a["epoch"], a["round"]), []).append(a["agent"])
        positions = [{"epoch": e, "round": r, "agents": ags} for (e, r), ags in sorted(by_pos.items())]
        out: dict[str, Any] = {
            "agent": me,
            "strict": strict,
            "frontier": positions[0] if positions else None,
            "positions": positions,
            "ignored": [_brief(a) for a in ignored],
        }
        if epoch is not None:
            blockers = [_brief(a) for a in counted
                        if a["agent"] != me and not past(a["epoch"], a["round"], epoch, round)]
            out.update({"epoch": epoch, "round": round, "safe": not blockers, "blockers": blockers})
        return out

    def frontier(self, epoch: int | None = None, round: int | None = None, *,
                 strict: bool = False) -> dict[str, Any]:
        """The frontier among live agents; with `epoch`, whether (epoch,
        round) is safe to finalize (`safe`, `blockers`). Gone agents are
        listed in `ignored` (with strict=True every registered agent counts).
        The caller's own position never blocks itself."""
        _check_position(epoch, round)
        with self.tx() as now:
            return self._frontier(now, epoch, round, strict)

    def gate(self, epoch: int, round: int | None = None, *, timeout: float = 90.0,
             interval: float = 2.0, strict: bool = False,
             sleep: Callable[[float], None] = time.sleep) -> dict[str, Any]:
        """Wait until (epoch, round) is safe to finalize, checking every
        `interval` seconds; Denied (2) when still not safe after `timeout`
        seconds (timeout 0: check once). Returns the last frontier answer
        with `waited` (seconds)."""
        _check_position(epoch, round)
        if epoch is None:
            raise UsageError("gate needs --epoch")
        start = time.monotonic()
        while True:
            f = self.frontier(epoch, round, strict=strict)
            f["waited"] = round_ms(time.monotonic() - start)
            if f["safe"]:
                return f
            left = timeout - (time.monotonic() - start)
            if left <= 0:
                raise GateClosed(f)
            sleep(max(0.0, min(interval, left)))

    def sync(self, epoch: int | None = None, round: int | None = None, *,
             strict: bool = False) -> dict[str, Any]:
        """One call per turn, in one transaction: a heartbeat (recording the
        position when given), then the caller's unread messages (marked
        read, as recv), then the frontier; with `epoch` the frontier answers
        whether (epoch, round) is safe to finalize."""
        _check_position(epoch, round)
        with self.tx() as now:
            hb = self._heartbeat(now, epoch, round)
            msgs = self._take(hb["agent"], now)  # MessagesMixin: what recv does
            f = self._frontier(now, epoch, round, strict)
        return {"heartbeat": hb, "messages": msgs, "frontier": f}

    # -- decisions ----------------------------------------------------------

    def decide(self, text: str) -> dict[str, Any]:
        """Record a shared decision: one `decision` event in the log."""
        if not isinstance(text, str) or not text.strip():
            raise UsageError("a decision needs some text")
        if "\0" in text:
            raise UsageError("a decision cannot contain a NUL byte")
        if len(text.encode("utf-8", "surrogateescape")) > DECISION_MAX:
            raise UsageError(f"a decision is at most {DECISION_MAX} bytes (link to a file for more)")
        with self.tx() as now:
            me = self.me()
            ev = self.emit("decision", None, {"text": text}, now=now)
        return {"agent": me, "seq": ev["seq"], "ts": ev["ts"], "at": now, "text": text}

    def decisions(self, limit: int = 20, since: int | None = None) -> list[dict[str, Any]]:
        """Recorded decisions, oldest first: the newest `limit` (0: all)
        with a sequence id above `since`."""
        return self._decisions(limit, since)

    def _decisions(self, limit: int, since: int | None = None) -> list[dict[str, Any]]:
        lim = f"LIMIT {int(limit)}" if limit else ""
        rows = self.conn.execute(
            "SELECT * FROM (SELECT seq, ts, agent, body, at FROM events "
            f"WHERE kind = 'decision' AND seq > ? ORDER BY seq DESC {lim}) ORDER BY seq",
            (since or 0,)).fetchall()
        return [{"seq": r["seq"], "ts": r["ts"], "agent": r["agent"], "at": r["at"],
                 "text": _decision_text(r["body"])} for r in rows]

    def decision_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM events WHERE kind = 'decision'").fetchone()[0]

    # -- context: onboard, prime, status ------------------------------------

    def context(self, *, decisions: int = 10, strict: bool = False) -> dict[str, Any]:
        """The shared state, a key per section (see SECTIONS): identity and
        position, agents, decisions, frontier, and the sections installed
        capabilities add. A section whose tables do not exist is left out."""
        with self.tx() as now:  # records the caller as seen, and dead pids as dead
            f = self._frontier(now, None, None, strict)
        # Sections read after it: a section may call its capability's API,
        # which opens transactions of its own (board upkeep, for one).
        from .context import SECTIONS, Cx
        cx = Cx(self, now, {"decisions": decisions})
        cx.frontier = f
        out: dict[str, Any] = {"now": now, "db": self.path}
        for sec in SECTIONS:
            v = sec.data(cx)
            if v is not None:
                out[sec.key] = v
        return out

    def onboard(self) -> dict[str, Any]:
        """A short primer: who the caller is (or how to pick an id), who else
        is here, and the commands it will use most."""
        from .cli import python_commands, shell_command_names
        from .context import TOP_COMMANDS
        cx = self.context(decisions=0)
        have = set(python_commands()) | shell_command_names()
        cx["commands"] = [{"command": c, "why": w} for c, needs, w in TOP_COMMANDS if needs in have][:5]
        return cx

    def prime(self, max_chars: int = PRIME_CHARS) -> dict[str, Any]:
        """Everything an agent should know at the start of a session, as
        compact Markdown within `max_chars`; returns {"text", "left_out",
        "context"}. Agent-written text sits inside an untrusted block."""
        from .context import PRIME_MIN, render_prime
        if max_chars < PRIME_MIN:
            raise UsageError(f"--max-chars must be at least {PRIME_MIN}")
        cx = self.context(decisions=50)
        text, left = render_prime(cx, max_chars)
        return {"text": text, "left_out": left, "context": cx}

    def status(self) -> dict[str, Any]:
        """The picture for a person: the same sections as prime."""
        return self.context(decisions=5)


class GateClosed(Denied):
    """A gate that timed out (exit 2); `answer` is the last frontier answer."""

    def __init__(self, answer: dict[str, Any]):
        blk = "; ".join(f"blocked by {b['agent']} at {pos(b['epoch'], b['round'])}"
                        for b in answer["blockers"])
        super().__init__(f"NOT SAFE to finalize {pos(answer['epoch'], answer['round'])} after "
                         f"{answer['waited']:g}s: {blk}")
        self.answer = answer


def round_ms(s: float) -> float:
    return int(s * 1000) / 1000


def _brief(a: dict[str, Any]) -> dict[str, Any]:
    return {"agent": a["agent"], "state": a["state"], "epoch": a["epoch"], "round": a["round"]}


def _decision_text(body: str | None) -> str:
    import json
    try:
        v = json.loads(body) if body else None
    except ValueError:
        return body or ""
    return v.get("text", "") if isinstance(v, dict) else (body or "")
