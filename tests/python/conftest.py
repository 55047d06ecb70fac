"""Shared fixtures: every test runs in a fresh git repository in a temp dir,
with a temp HOME, a fresh database made by the real migrations, and no
roost variables inherited from the caller."""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "python"))
sys.path.insert(0, str(REPO / "tests" / "lib"))

BIN = REPO / "bin" / "roost"
CLEAR = ("ROOST_AGENT", "ROOST_DB", "ROOST_SESSION", "CLAUDE_CODE_SESSION_ID",
         "GEMINI_SESSION_ID", "ROOST_NOW", "ROOST_ROOT", "ROOST_PID", "ROOST_BUSY_TIMEOUT_MS")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: multi-process races and kills (minutes)")
    config.addinivalue_line("markers", "e2e: drives the real agent CLIs")


@dataclass
class Result:
    rc: int
    out: bytes
    err: str

    @property
    def text(self) -> str:
        return self.out.decode("utf-8", "replace")

    def json(self):
        import json
        return json.loads(self.out.decode("utf-8", "surrogateescape"))

    def __repr__(self) -> str:  # shown when an assertion on rc fails
        return f"Result(rc={self.rc}, out={self.out[:2000]!r}, err={self.err[:2000]!r})"


@pytest.fixture(autouse=True)
def sandbox(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".git").mkdir()  # enough for ROOT discovery; no git process needed
    for v in CLEAR:
        monkeypatch.delenv(v, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("ROOST_HOME", str(REPO))
    monkeypatch.setenv("ROOST_PYTHON", os.environ.get("ROOST_PYTHON", sys.executable))
    monkeypatch.setenv("PATH", f"{REPO / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.chdir(repo)
    return repo


@pytest.fixture
def db(sandbox) -> str:
    """A fresh, migrated database at the repository's default place."""
    from roost.db import migrate
    path = str(sandbox / ".roost" / "roost.db")
    migrate(path)
    return path


def run_roost(*args: str, agent: str | None = None, input: bytes | None = None,
              env: dict | None = None, cwd: str | None = None, shell: str | None = None,
              timeout: float = 60) -> Result:
    """Run the real `roost` command (bin/roost) as a subprocess."""
    e = dict(os.environ)
    if env:
        e.update(env)
    argv = [str(BIN), *args]
    if shell:
        argv = [shell, *argv]
    if agent:
        argv[len(argv) - len(args):len(argv) - len(args)] = ["--agent", agent]
    p = subprocess.run(argv, input=input, capture_output=True, env=e, cwd=cwd, timeout=timeout)
    return Result(p.returncode, p.stdout, p.stderr.decode("utf-8", "replace"))


@pytest.fixture
def roost():
    return run_roost


@pytest.fixture
def api(db):
    """api('alice') -> a Roost for that agent on the test database."""
    from roost.api import Roost
    made = []

    def make(agent: str | None = None, **kw):
        r = Roost(db, agent, **kw)
        made.append(r)
        return r
    yield make
    for r in made:
        r.close()
