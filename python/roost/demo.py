"""`roost demo`: a scripted scene of agents coordinating through roost, on a
temporary repository and database, narrated. Scenes live in roost/scenes/
(NN_name.py with `play(scene)`) and play in order."""
from __future__ import annotations

import importlib
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .cli import roost_home
from .text import clean


class Scene:
    """What a scene script gets: narration and real roost commands."""

    def __init__(self, root: str, out=None, pause: float = 0.0):
        self.root = root
        self.db = os.path.join(root, ".roost", "roost.db")
        self.out = out or sys.stdout
        self.pause = pause
        home = roost_home()
        self.bin = str(home / "bin" / "roost") if home else "roost"
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("ROOST_", "CLAUDE_CODE_SESSION", "GEMINI_SESSION"))}
        if home:
            self.env["ROOST_HOME"] = str(home)
        self.env["ROOST_PYTHON"] = os.environ.get("ROOST_PYTHON", sys.executable)
        self.procs: dict[str, subprocess.Popen] = {}
        self.failures: list[str] = []

    def say(self, text: str) -> None:
        self.out.write("\n" + text.strip() + "\n")
        self.out.flush()
        if self.pause:
            time.sleep(self.pause)

    def _argv(self, agent: str | None, args) -> list[str]:
        return [self.bin] + (["--agent", agent] if agent else []) + [str(a) for a in args]

    def run(self, agent: str | None, *args, expect: int | None = 0, input: bytes | None = None,
            env: dict | None = None, show: bool = True) -> subprocess.CompletedProcess:
        """Run `roost --agent AGENT ARGS...` for real, echo it and its output.
        A different exit code than `expect` is a demo failure."""
        argv = self._argv(agent, args)
        e = dict(self.env, **(env or {}))
        p = subprocess.run(argv, cwd=self.root, env=e, input=input, capture_output=True, timeout=60)
        if show:
            who = f"[{agent}] " if agent else "[operator] "
            self.out.write(f"  {who}$ roost {' '.join(shlex.quote(str(a)) for a in args)}\n")
            for line in (p.stdout + p.stderr).decode("utf-8", "replace").splitlines():
                self.out.write(f"      {clean(line)}\n")
            if p.returncode:
                self.out.write(f"      (exit {p.returncode})\n")
            self.out.flush()
        if expect is not None and p.returncode != expect:
            self.failures.append(f"roost {' '.join(map(str, args))} as {agent}: exit {p.returncode}, expected {expect}")
        return p

    def spawn(self, name: str, argv: list[str], env: dict | None = None) -> subprocess.Popen:
        """Start a long-lived process (an 'agent CLI') that the scene can kill."""
        p = subprocess.Popen(argv, cwd=self.root, env=dict(self.env, **(env or {})),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs[name] = p
        return p

    def kill(self, name: str) -> None:
        p = self.procs.pop(name)
        p.send_signal(signal.SIGKILL)
        p.wait()

    def close(self) -> None:
        for p in self.procs.values():
            p.kill()
            p.wait()


def scenes() -> list[str]:
    d = Path(__file__).resolve().parent / "scenes"
    return sorted(p.stem for p in d.glob("[0-9][0-9]_*.py"))


def play(keep: bool = False, pause: float = 0.0, only: str | None = None, out=None,
         report: dict | None = None) -> int:
    """Play the scenes (those whose name contains `only`). Returns 0 when
    every step behaved as narrated, else 1; fills `report` with the scenes
    played and the failures. UsageError (64) when no scene matches."""
    names = [n for n in scenes() if not only or only in n]
    if not names:
        from .errors import UsageError
        raise UsageError(f"no scene matches {only!r} (scenes: {', '.join(scenes())})")
    root = tempfile.mkdtemp(prefix="roost-demo-")
    os.mkdir(os.path.join(root, ".git"))  # a repository root, no git needed
    scene = Scene(root, out=out, pause=pause)
    try:
        for name in names:
            mod = importlib.import_module(f"roost.scenes.{name}")
            mod.play(scene)
    finally:
        scene.close()
        if keep:
            scene.out.write(f"\n(demo repository kept at {root})\n")
        else:
            shutil.rmtree(root, ignore_errors=True)
    if report is not None:
        report.update(scenes=names, failures=list(scene.failures), kept=root if keep else None)
    if scene.failures:
        scene.out.write("\nDEMO FAILED:\n" + "\n".join("  " + f for f in scene.failures) + "\n")
        return 1
    scene.out.write("\nThe demo finished: every step behaved as narrated.\n")
    return 0
