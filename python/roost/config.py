"""Validation of `roost config` values by the type stored with each key."""
from __future__ import annotations

import re

from .db import name_ok
from .errors import UsageError

_DUR = r"^(\d{1,9})([smhd]?)$"  # compiled when first used, not at every start
_MULT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(v: str, what: str = "duration") -> int:
    """90s, 15m, 2h, 1d or plain seconds -> seconds."""
    m = re.match(_DUR, str(v).strip())
    if not m:
        raise UsageError(f"bad {what} {v!r} (use 90s, 15m, 2h, 1d or seconds)")
    return int(m.group(1)) * _MULT[m.group(2)]


# The smallest value each numeric key may take (a zero would make every
# agent gone at once, every lease last a second, every message too big...).
_MIN = {"active_window": 1, "gone_window": 1, "lease_ttl": 1, "lease_max_ttl": 1, "lease_on_edit_ttl": 1,
        "task_lease": 1, "msg_max_bytes": 1, "hook_context_chars": 200, "task_max_reclaims": 1}
_MAX_DURATION = 10 * 365 * 86400  # ten years: past that a duration means "never", and says so badly

# Pairs that must stay ordered: (smaller, larger).
_ORDERED = (("active_window", "gone_window"), ("lease_ttl", "lease_max_ttl"),
            ("lease_on_edit_ttl", "lease_max_ttl"))


def normalize(key: str, typ: str, value: str) -> str:
    if typ == "duration":
        n = parse_duration(value, f"duration for {key}")
        if n > _MAX_DURATION:
            raise UsageError(f"{key} {value!r} is longer than ten years")
        return _at_least(key, n)
    if typ == "int":
        if not re.fullmatch(r"\d{1,9}", value):
            raise UsageError(f"{key} wants a whole number, not {value!r}")
        return _at_least(key, int(value))
    if typ == "bool":
        v = value.lower()
        if v in ("1", "true", "yes", "on"):
            return "1"
        if v in ("0", "false", "no", "off"):
            return "0"
        raise UsageError(f"{key} wants true or false, not {value!r}")
    if typ == "target":
        if value == "" or name_ok(value.partition(":")[2] if value.startswith(("role:", "team:")) else value):
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


def _at_least(key: str, n: int) -> str:
    low = _MIN.get(key, 0)
    if n < low:
        raise UsageError(f"{key} must be at least {low}, not {n}")
    return str(n)


def check_order(key: str, value: str | None, current: dict[str, str]) -> None:
    """Refuse a value that would put an ordered pair out of order (an
    active window longer than the gone window, a default lease longer than
    the longest one). `current` maps keys to their effective values."""
    eff = dict(current)
    if value is not None:
        eff[key] = value
    for small, big in _ORDERED:
        if key in (small, big) and small in eff and big in eff and int(eff[small]) > int(eff[big]):
            raise UsageError(f"{small} ({eff[small]}s) may not exceed {big} ({eff[big]}s)")
