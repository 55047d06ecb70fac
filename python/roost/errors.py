"""Exit codes and the one exception type roost raises.

The table is the same in the shell (lib/roost/core.sh); a test compares them.
"""
from __future__ import annotations

OK = 0
ERROR = 1  # something went wrong
DENIED = 2  # the answer is no: held, lost the race, not safe, timed out
USAGE = 64  # bad arguments, unknown command or agent, bad id
UNAVAILABLE = 69  # a dependency is missing
BUSY = 75  # the database stayed busy past the timeout: safe to retry
CONFIG = 78  # database needs a migration, is newer than roost, or not roost's

EXIT_CODES = {
    OK: "ok",
    ERROR: "error",
    DENIED: "denied: the answer is no (held, lost the race, not safe, timed out)",
    USAGE: "usage: bad arguments, unknown command or agent, bad id",
    UNAVAILABLE: "a dependency is missing (sqlite3, Python, a Python package)",
    BUSY: "the database stayed busy past the timeout: nothing changed, safe to retry",
    CONFIG: "the database needs 'roost migrate', is newer than this roost, or is not roost's",
}


class RoostError(Exception):
    """Any failure roost reports; `code` is the process exit code."""

    code = ERROR

    def __init__(self, message: str, code: int | None = None):
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return self.args[0]


class Denied(RoostError):
    code = DENIED


class UsageError(RoostError):
    code = USAGE


class Unavailable(RoostError):
    code = UNAVAILABLE


class Busy(RoostError):
    code = BUSY


class SchemaError(RoostError):
    code = CONFIG
