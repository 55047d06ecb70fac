"""Validation of `roost config` values by the type stored with each key."""
from __future__ import annotations

import re

from .errors import UsageError

_DUR = re.compile(r"^(\d{1,9})([smhd]?)$")
_MULT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(v: str, what: str = "duration") -> int:
    """90s, 15m, 2h, 1d or plain seconds -> seconds."""
    m = _DUR.match(str(v).strip())
    if not m:
        raise UsageError(f"bad {what} {v!r} (use 90s, 15m, 2h, 1d or seconds)")
    return int(m.group(1)) * _MULT[m.group(2)]


def normalize(key: str, typ: str, value: str) -> str:
    if typ == "duration":
        return str(parse_duration(value, f"duration for {key}"))
    if typ == "int":
        if not re.fullmatch(r"\d{1,9}", value):
            raise UsageError(f"{key} wants a whole number, not {value!r}")
        return value
    if typ == "bool":
        v = value.lower()
        if v in ("1", "true", "yes", "on"):
            return "1"
        if v in ("0", "false", "no", "off"):
            return "0"
        raise UsageError(f"{key} wants true or false, not {value!r}")
    if typ == "target":
        if value == "" or re.fullmatch(r"((role|team):)?[A-Za-z0-9][A-Za-z0-9._-]{0,63}", value):
            return value
        raise UsageError(f"{key} wants an agent id, role:NAME or team:NAME, not {value!r}")
    if typ.startswith("enum:"):
        allowed = typ[5:].split("|")
        if value not in allowed:
            raise UsageError(f"{key} wants one of {', '.join(allowed)}, not {value!r}")
        return value
    if typ == "text":
        if "\0" in value or len(value) > 4096:
            raise UsageError(f"{key}: text too long or with a NUL byte")
        return value
    raise UsageError(f"{key}: unknown type {typ!r}")
