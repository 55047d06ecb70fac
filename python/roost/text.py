"""Text from agents: byte-exact storage, safe human output, JSON output.

Agent text is stored byte-exact. Python reads TEXT with surrogateescape so
invalid UTF-8 survives a round trip; `sqltext()` binds such a string back as
the same bytes. Human output drops terminal control characters; JSON output
keeps every byte (invalid UTF-8 passes through raw, as the sqlite3 CLI does).
"""
from __future__ import annotations

import re
import sys
from typing import Any

# What human output never shows (lib/roost/util.sh, _roost_clean, removes
# the same, so both sides print the same text): C0 controls but tab and
# newline; DEL; every C1 control (CSI, OSC, DCS, ST, ...); the bidi
# embeddings, overrides, isolates and marks, which reorder what a terminal
# shows. Line and paragraph separators become spaces. Invalid UTF-8 passes
# as raw bytes, as the shell's does (a UTF-8 terminal shows U+FFFD).
# ASCII text, most of it, is cleaned with str.translate; other text with
# two regexes, compiled on first use (they take a third of a millisecond to
# compile, more than a quick command can spare at every start).
_CONTROL = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
_SEPARATOR = "[\u2028\u2029]"
_ASCII_CONTROL = dict.fromkeys([*range(0x00, 0x09), *range(0x0b, 0x20), 0x7f])


def decode(b: bytes) -> str:
    return b.decode("utf-8", "surrogateescape")


def sqltext(s: str | None) -> Any:
    """A value to bind for agent text, used as CAST(? AS TEXT) in SQL."""
    if s is None:
        return None
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return s.encode("utf-8", "surrogateescape")


def clean(s: Any) -> str:
    """Agent text made safe for a terminal."""
    if s is None:
        return ""
    s = str(s)
    if s.isascii():
        return s.translate(_ASCII_CONTROL)
    return re.sub(_SEPARATOR, " ", re.sub(_CONTROL, "", s))


def one_line(s: Any, width: int | None = None) -> str:
    """Clean text on one line (newlines and tabs become spaces), cut to width."""
    t = clean(s).replace("\r", "").replace("\n", " ").replace("\t", " ")
    if width is not None and len(t) > width:
        t = t[: max(0, width - 1)] + "…"
    return t


def dumps(obj: Any) -> str:
    import json
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def write_out(s: str, stream=None) -> None:
    """Write text to stdout (or stream) byte-exact, surrogates as raw bytes."""
    stream = stream or sys.stdout
    stream.flush()
    buf = getattr(stream, "buffer", None)
    if buf is None:
        stream.write(s)
        return
    buf.write(s.encode("utf-8", "surrogateescape"))
    buf.flush()


def emit_json(obj: Any) -> None:
    write_out(dumps(obj) + "\n")


def ago(now: int, t: int | None) -> str:
    """'12s ago', '5m ago', '3h ago', '2d ago' (or 'never')."""
    if t is None:
        return "never"
    d = now - t
    if d < 0:
        return "in " + span(-d)
    return span(d) + " ago"


def span(d: int) -> str:
    if d < 120:
        return f"{d}s"
    if d < 7200:
        return f"{d // 60}m"
    if d < 172800:
        return f"{d // 3600}h"
    return f"{d // 86400}d"


def table(rows: list[list[str]], header: list[str]) -> str:
    """A plain aligned text table."""
    cols = [header] + rows
    w = [max(len(str(r[i])) for r in cols) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w[i]) for i, c in enumerate(r)).rstrip() for r in cols]
    return "\n".join(lines) + "\n"
