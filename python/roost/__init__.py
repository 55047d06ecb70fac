"""roost: coordination for AI coding agents sharing one repository.

    import roost
    r = roost.Roost(agent="alice")        # database found like the CLI does
    r.heartbeat(epoch=1)

`Roost` offers every operation (the shell's hot-path commands included);
errors are `roost.RoostError` carrying the process exit code.
"""
from __future__ import annotations

__version__ = "0.1.0"

from .errors import (  # noqa: E402
    BUSY, CONFIG, DENIED, ERROR, OK, UNAVAILABLE, USAGE,
    Busy, Denied, RoostError, SchemaError, Unavailable, UsageError,
)


def __getattr__(name: str):
    # Lazy: `import roost` stays cheap for the CLI's start-up.
    if name == "Roost":
        from .api import Roost
        return Roost
    raise AttributeError(name)


__all__ = [
    "Roost", "RoostError", "Denied", "UsageError", "Unavailable", "Busy", "SchemaError",
    "OK", "ERROR", "DENIED", "USAGE", "UNAVAILABLE", "BUSY", "CONFIG", "__version__",
]
