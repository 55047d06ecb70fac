"""roost install / uninstall, the git pre-commit guard, and the skill."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, run_roost

VENDOR_FILES = {"claude": ".claude/settings.json", "codex": ".codex/hooks.json",
                "gemini": ".gemini/settings.json", "copilot": ".github/hooks/roost.json",
                "cursor": ".cursor/hooks.json"}


def git(repo: Path, *args: str, env: dict | None = None, check=True) -> subprocess.CompletedProcess:
    e = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@x", GIT_COMMITTER_NAME="t",
             GIT_COMMITTER_EMAIL="t@x", GIT_CONFIG_NOSYSTEM="1", **(env or {}))
    return subprocess.run(["git", *args], cwd=repo, env=e, capture_output=True, text=True, check=check)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A real git repository with the user's own settings files in it."""
    r = tmp_path / "proj"
    r.mkdir()
    git(r, "init", "-q", "-b", "main")
    files = {
        ".claude/settings.json": '{\n    "permissions": {"allow": ["Bash(ls:*)"]},\n    "hooks": {"PreToolUse": '
                                 '[{"matcher": "Bash", "hooks": [{"type": "command", "command": "./mine.sh"}]}]}\n}\n',
        ".gemini/settings.json": '{"theme": "Dracula", "hooks": {"BeforeTool": []}}',
        ".codex/hooks.json": '{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "notify"}]}]}}\n',
        ".cursor/hooks.json": '{\n  "version": 1,\n  "hooks": {"afterFileEdit": [{"command": "fmt"}]}\n}\n',
        "AGENTS.md": "# Agents\n\nBe nice.\n",
        "CLAUDE.md": "Use tabs.",
    }
    for rel, text in files.items():
        (r / rel).parent.mkdir(parents=True, exist_ok=True)
        (r / rel).write_text(text)
    (r / ".gemini/settings.json").chmod(0o640)
    monkeypatch.chdir(r)
    return r


def snapshot(root: Path) -> dict[str, tuple[str, int]]:
    out = {}
    for p in sorted(root.rglob("*")):
        if ".git" in p.relative_to(root).parts[:1] and "hooks" not in p.relative_to(root).parts:
            continue
        if ".roost" in p.relative_to(root).parts:
            continue
        if p.is_file():
            out[str(p.relative_to(root))] = (hashlib.sha256(p.read_bytes()).hexdigest(), stat.S_IMODE(p.stat().st_mode))
        elif p.is_dir():
            out[str(p.relative_to(root)) + "/"] = ("dir", 0)
    return out


def test_install_all_then_uninstall_leaves_existing_settings_byte_identical(repo):
    (repo / ".git/hooks/pre-commit").write_text("#!/bin/sh\necho mine\n")
    (repo / ".git/hooks/pre-commit").chmod(0o700)
    before = snapshot(repo)
    r = run_roost("install", "--agent", "all", "--git-hook")
    assert r.rc == 0, r
    assert snapshot(repo) != before
    r = run_roost("uninstall")
    assert r.rc == 0, r
    assert snapshot(repo) == before


def test_install_keeps_the_users_hooks_and_settings_and_adds_roosts(repo):
    assert run_roost("install", "--agent", "all").rc == 0
    claude = json.loads((repo / ".claude/settings.json").read_text())
    assert claude["permissions"] == {"allow": ["Bash(ls:*)"]}
    pre = claude["hooks"]["PreToolUse"]
    assert pre[0] == {"matcher": "Bash", "hooks": [{"type": "command", "command": "./mine.sh"}]}
    assert pre[1]["hooks"][0]["command"].endswith("roost hook PreToolUse --vendor claude")
    assert set(claude["hooks"]) == {"SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "Stop", "SessionEnd"}
    gemini = json.loads((repo / ".gemini/settings.json").read_text())
    assert gemini["theme"] == "Dracula" and gemini["hooks"]["BeforeTool"][0]["hooks"][0]["timeout"] == 10000
    assert stat.S_IMODE((repo / ".gemini/settings.json").stat().st_mode) == 0o640
    codex = json.loads((repo / ".codex/hooks.json").read_text())
    assert codex["hooks"]["Stop"][0] == {"hooks": [{"type": "command", "command": "notify"}]}
    copilot = json.loads((repo / ".github/hooks/roost.json").read_text())
    assert copilot["version"] == 1 and copilot["hooks"]["preToolUse"][0]["bash"].endswith("--vendor copilot")
    cursor = json.loads((repo / ".cursor/hooks.json").read_text())
    assert cursor["hooks"]["afterFileEdit"][0] == {"command": "fmt"}
    assert "beforeShellExecution" in cursor["hooks"] and "stop" in cursor["hooks"]
    assert (repo / ".claude/skills/roost/SKILL.md").read_bytes() == (REPO / "skills/roost/SKILL.md").read_bytes()
    assert (repo / ".agents/skills/roost/references/commands.md").exists()
    assert (repo / "CLAUDE.md").read_text() == "Use tabs.\n\n@AGENTS.md\n"
    assert "roost:begin" in (repo / "AGENTS.md").read_text() and "Be nice." in (repo / "AGENTS.md").read_text()
    assert (repo / ".roost/roost.db").exists()
    backups = list((repo / ".roost/backups/install").iterdir())
    assert len(backups) == 6  # the four settings files that existed, AGENTS.md and CLAUDE.md
    assert {b.name.split("__")[-1].rsplit(".", 1)[0] for b in backups} >= {"settings.json", "hooks.json", "AGENTS.md", "CLAUDE.md"}


def test_every_installed_hook_command_runs_and_holds_no_secret(repo):
    env = {"ANTHROPIC_API_KEY": "sk-secret-1", "GEMINI_API_KEY": "sk-secret-2"}
    assert run_roost("install", "--agent", "all", env=env).rc == 0
    cmds = []
    for rel in VENDOR_FILES.values():
        text = (repo / rel).read_text()
        assert "sk-secret" not in text
        cmds += re.findall(r'"(?:command|bash)": "([^"]*roost[^"]*)"', text)
    assert len(cmds) >= 30
    for c in cmds:
        exe, rest = c.split(" hook ", 1)
        assert Path(exe).is_file() and os.access(exe, os.X_OK), c
        assert re.fullmatch(r"\w+ --vendor (claude|codex|gemini|copilot|cursor)", rest), c
        p = subprocess.run(c, shell=True, input=b"{}", capture_output=True, cwd=repo, timeout=60, check=False)
        assert p.returncode == 0 and p.stdout == b"", (c, p)


def test_install_twice_changes_nothing(repo):
    assert run_roost("install", "--agent", "all", "--git-hook").rc == 0
    first = snapshot(repo)
    r = run_roost("install", "--agent", "all", "--git-hook", "--json")
    assert r.rc == 0, r
    assert r.json()["changed"] == []
    assert snapshot(repo) == first
    assert len(list((repo / ".roost/backups/install").iterdir())) == 6  # no new backups


def test_a_dry_run_changes_nothing_and_says_what_it_would_do(repo):
    before = snapshot(repo)
    r = run_roost("install", "--agent", "claude,codex", "--dry-run")
    assert r.rc == 0, r
    assert "would update" in r.text and "would create" in r.text
    assert snapshot(repo) == before and not (repo / ".roost").exists()


def test_install_names_each_clis_one_time_trust_step(repo):
    r = run_roost("install", "--agent", "all")
    assert r.rc == 0
    assert "/hooks" in r.text and "trust" in r.text.lower() and "trustedFolders" in r.text


def test_user_scope_one_time_steps_name_the_files_under_home(repo):
    r = run_roost("install", "--agent", "copilot,cursor", "--scope", "user")
    assert r.rc == 0, r
    assert "~/.copilot/hooks/" in r.text and "~/.cursor/hooks.json" in r.text, r.text
    assert ".github/hooks" not in r.text
    r = run_roost("install", "--agent", "copilot,cursor", "--dry-run")
    assert ".github/hooks/ load" in r.text and "~/" not in r.text, r.text


def test_only_the_chosen_agent_clis_are_set_up(repo):
    assert run_roost("install", "--agent", "copilot").rc == 0
    assert (repo / ".github/hooks/roost.json").exists() and (repo / ".agents/skills/roost/SKILL.md").exists()
    assert not (repo / ".claude/skills").exists()
    assert "roost hook" not in (repo / ".claude/settings.json").read_text()
    assert (repo / "CLAUDE.md").read_text() == "Use tabs."


def test_an_unknown_agent_cli_is_a_usage_error(repo):
    r = run_roost("install", "--agent", "vim")
    assert r.rc == 64 and "unknown agent CLI 'vim'" in r.err, r


def test_a_settings_file_that_is_not_json_is_left_alone_and_the_rest_installed(repo):
    (repo / ".gemini/settings.json").write_text("{ // comments\n}")
    r = run_roost("install", "--agent", "all")
    assert r.rc == 1, r
    assert ".gemini/settings.json" in r.err and "by hand" in r.err
    assert (repo / ".gemini/settings.json").read_text() == "{ // comments\n}"
    assert "roost hook" in (repo / ".claude/settings.json").read_text()


def test_uninstall_after_the_user_edited_a_file_removes_only_roosts_part(repo):
    assert run_roost("install", "--agent", "claude").rc == 0
    p = repo / ".claude/settings.json"
    data = json.loads(p.read_text())
    data["model"] = "opus"
    p.write_text(json.dumps(data))
    assert run_roost("uninstall").rc == 0
    after = json.loads(p.read_text())
    assert after["model"] == "opus" and "roost" not in p.read_text()
    assert after["hooks"]["PreToolUse"] == [{"matcher": "Bash", "hooks": [{"type": "command", "command": "./mine.sh"}]}]


def test_user_scope_installs_under_home_and_uninstalls_cleanly(repo, sandbox):
    home = Path(os.environ["HOME"])
    before = snapshot(home)
    assert run_roost("install", "--agent", "all", "--scope", "user").rc == 0
    assert (home / ".claude/settings.json").exists() and (home / ".copilot/hooks/roost.json").exists()
    assert (home / ".agents/skills/roost/SKILL.md").exists()
    assert not (repo / ".roost").exists()  # nothing in the repository
    assert run_roost("uninstall", "--scope", "user").rc == 0
    assert {k: v for k, v in snapshot(home).items() if not k.startswith(".local")} == \
        {k: v for k, v in before.items() if not k.startswith(".local")}


def test_uninstall_without_install_does_nothing(repo):
    before = snapshot(repo)
    r = run_roost("uninstall")
    assert r.rc == 0 and "nothing to remove" in r.text
    assert snapshot(repo) == before


# A re-install after the user changed a file: the first backup no longer is "the file without
# roost", so uninstall must take out roost's part only and keep what the user added.


def _edit_json(p: Path, change) -> None:
    data = json.loads(p.read_text())
    change(data)
    p.write_text(json.dumps(data, separators=(",", ":")))


def test_uninstall_after_a_user_edit_and_a_second_install_keeps_the_users_edit(tmp_path, monkeypatch):
    r = tmp_path / "fresh"
    r.mkdir()
    git(r, "init", "-q", "-b", "main")
    monkeypatch.chdir(r)
    p = r / ".claude/settings.json"
    p.parent.mkdir()
    p.write_text('{"model": "opus"}')
    assert run_roost("install", "--agent", "claude").rc == 0
    _edit_json(p, lambda d: d.update(env={"USER_ADDED": "1"}))
    res = run_roost("install", "--agent", "claude")
    assert res.rc == 0 and f"update {p}" in res.text, res
    res = run_roost("uninstall")
    assert res.rc == 0, res
    assert json.loads(p.read_text()) == {"model": "opus", "env": {"USER_ADDED": "1"}}


@pytest.mark.parametrize("vendor,change,kept", [
    ("gemini", lambda d: d.update(ui={"hideBanner": True}), lambda d: d["ui"] == {"hideBanner": True}),
    ("codex",
     lambda d: d["hooks"]["SessionStart"].append({"hooks": [{"type": "command", "command": "mine"}]}),
     lambda d: d["hooks"]["SessionStart"] == [{"hooks": [{"type": "command", "command": "mine"}]}]),
    # .cursor/hooks.json is made by install here: the user's hook in it must survive too.
    ("cursor", lambda d: d["hooks"]["stop"].append({"command": "./mine.sh"}),
     lambda d: d["hooks"]["stop"] == [{"command": "./mine.sh"}]),
])
def test_every_vendors_file_keeps_a_user_edit_made_between_two_installs(repo, vendor, change, kept):
    if vendor == "cursor":
        (repo / ".cursor/hooks.json").unlink()
    p = repo / VENDOR_FILES[vendor]
    assert run_roost("install", "--agent", vendor).rc == 0
    _edit_json(p, change)
    assert run_roost("install", "--agent", vendor).rc == 0
    res = run_roost("uninstall")
    assert res.rc == 0, res
    assert p.exists(), res
    after = json.loads(p.read_text())
    assert kept(after) and "roost hook" not in p.read_text(), after
    if vendor == "gemini":
        assert after["theme"] == "Dracula"


def test_a_user_scope_settings_file_keeps_a_user_edit_made_between_two_installs(repo):
    p = Path(os.environ["HOME"]) / ".claude/settings.json"
    p.parent.mkdir()
    p.write_text('{"model": "opus"}')
    assert run_roost("install", "--agent", "claude", "--scope", "user").rc == 0
    _edit_json(p, lambda d: d.update(env={"USER_ADDED": "1"}))
    assert run_roost("install", "--agent", "claude", "--scope", "user").rc == 0
    assert run_roost("uninstall", "--scope", "user").rc == 0
    assert json.loads(p.read_text()) == {"model": "opus", "env": {"USER_ADDED": "1"}}


def test_a_file_the_user_deleted_between_two_installs_is_not_brought_back_by_uninstall(repo):
    p = repo / ".gemini/settings.json"
    assert run_roost("install", "--agent", "gemini").rc == 0
    p.unlink()
    assert run_roost("install", "--agent", "gemini").rc == 0
    assert run_roost("uninstall").rc == 0
    assert not p.exists()


def test_install_twice_with_a_moved_roost_in_between_still_uninstalls_byte_identical(repo, tmp_path):
    (repo / ".git/hooks/pre-commit").write_text("#!/bin/sh\necho mine\n")
    (repo / ".git/hooks/pre-commit").chmod(0o700)
    before = snapshot(repo)
    assert run_roost("install", "--agent", "all", "--git-hook").rc == 0
    moved = tmp_path / "moved"
    moved.mkdir()
    (moved / "roost").symlink_to(REPO / "bin/roost")
    res = run_roost("install", "--agent", "all", "--git-hook", "--json",
                    env={"PATH": f"{moved}{os.pathsep}{os.environ['PATH']}"})
    assert res.rc == 0, res
    assert str(repo / ".claude/settings.json") in res.json()["changed"]
    assert str(moved / "roost") in (repo / ".claude/settings.json").read_text()
    assert run_roost("uninstall").rc == 0
    assert snapshot(repo) == before


def test_a_pre_commit_hook_the_user_put_back_between_two_installs_survives_uninstall(repo):
    hook = repo / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\necho first\n")
    hook.chmod(0o755)
    assert run_roost("install", "--agent", "claude", "--git-hook").rc == 0
    hook.write_text("#!/bin/sh\necho second\n")  # the user replaces the guard with a hook of their own
    assert run_roost("install", "--agent", "claude", "--git-hook").rc == 0
    assert "roost pre-commit guard" in hook.read_text()
    assert run_roost("uninstall").rc == 0
    assert hook.read_text() == "#!/bin/sh\necho second\n"
    assert not (repo / ".git/hooks/pre-commit.roost-chained").exists()


def test_uninstall_after_the_user_edited_the_guard_puts_the_users_own_pre_commit_hook_back(repo):
    hook = repo / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\necho mine\n")
    hook.chmod(0o700)
    assert run_roost("install", "--agent", "claude", "--git-hook").rc == 0
    hook.write_text(hook.read_text() + "# a line the user added\n")
    assert run_roost("uninstall").rc == 0
    assert hook.read_text() == "#!/bin/sh\necho mine\n"
    assert stat.S_IMODE(hook.stat().st_mode) == 0o700
    assert not (repo / ".git/hooks/pre-commit.roost-chained").exists()


# -- the git pre-commit guard ----------------------------------------------------------------


def _commit(repo: Path, name: str, env: dict | None = None):
    (repo / name).write_text(f"{name} {os.urandom(4).hex()}\n")
    git(repo, "add", name)
    e = dict(env or {})
    e.setdefault("PATH", f"{REPO / 'bin'}{os.pathsep}{os.environ['PATH']}")
    return git(repo, "commit", "-q", "-m", f"change {name}", env=e, check=False)


def test_the_guard_chains_the_users_own_pre_commit_hook(repo):
    hook = repo / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\necho user-hook-ran >&2\nexit 0\n")
    hook.chmod(0o755)
    assert run_roost("install", "--agent", "claude", "--git-hook").rc == 0
    r = _commit(repo, "a.txt")
    assert r.returncode == 0 and "user-hook-ran" in r.stderr, r
    hook2 = repo / ".git/hooks/pre-commit.roost-chained"
    hook2.write_text("#!/bin/sh\necho no >&2\nexit 1\n")
    r = _commit(repo, "b.txt")
    assert r.returncode == 1, r  # the user's hook still decides


def test_the_guard_never_blocks_when_roost_is_not_set_up(repo):
    assert run_roost("install", "--agent", "claude", "--git-hook").rc == 0
    for p in (repo / ".roost").glob("roost.db*"):
        p.unlink()
    r = _commit(repo, "c.txt")
    assert r.returncode == 0, r
    assert not (repo / ".roost/roost.db").exists()


def test_the_guard_refuses_a_commit_of_a_path_another_live_agent_leases(repo):
    assert run_roost("install", "--agent", "claude", "--git-hook").rc == 0
    held = run_roost("--agent", "alice", "lock", "held.txt")
    assert held.rc == 0, held
    r = _commit(repo, "held.txt", env={"ROOST_AGENT": "bob"})
    assert r.returncode == 1, r
    assert "alice" in r.stderr and "commit refused" in r.stderr
    r = _commit(repo, "held.txt", env={"ROOST_AGENT": "bob", "ROOST_GUARD": "warn"})
    assert r.returncode == 0 and "alice" in r.stderr, r
    r = _commit(repo, "held.txt", env={"ROOST_AGENT": "alice"})
    assert r.returncode == 0, r  # the holder commits its own file
    r = _commit(repo, "free.txt", env={"ROOST_AGENT": "bob"})
    assert r.returncode == 0, r


# -- the skill -----------------------------------------------------------------------------------


def _front_matter(text: str) -> dict[str, str]:
    m = re.match(r"^---\n(.*?)\n---\n", text, re.DOTALL)
    assert m, "no front matter"
    out = {}
    for line in m.group(1).splitlines():
        k, _, v = line.partition(":")
        out[k.strip()] = v.strip()
    return out


def test_the_skill_has_valid_agent_skills_front_matter():
    skill = REPO / "skills/roost/SKILL.md"
    fm = _front_matter(skill.read_text())
    assert set(fm) <= {"name", "description", "license", "compatibility", "metadata", "allowed-tools"}
    assert fm["name"] == "roost" == skill.parent.name
    assert re.fullmatch(r"[a-z0-9-]{1,64}", fm["name"])
    assert 1 <= len(fm["description"]) <= 1024 and "Use" in fm["description"]
    assert len(skill.read_text().splitlines()) <= 60  # short; details in references/
    for ref in re.findall(r"`(references/[\w.-]+)`", skill.read_text()):
        assert (skill.parent / ref).is_file(), ref


def test_every_command_the_skill_mentions_exists():
    from roost.cli import python_commands, shell_command_names
    have = set(python_commands()) | shell_command_names()
    text = "\n".join(p.read_text() for p in (REPO / "skills/roost").rglob("*.md"))
    mentioned = set(re.findall(r"`roost ([a-z][a-z-]*)", text))
    assert {"prime", "lock", "claim", "send", "recv", "sync", "help"} <= mentioned
    assert mentioned <= have, f"the skill mentions commands roost lacks: {sorted(mentioned - have)}"


# -- install.sh ----------------------------------------------------------------------------------
# ROOST_HOME names the tree roost runs from; install.sh must never take it for where to install.
# Every run below gets its own HOME and no inherited ROOST_* variable, and ROOST_HOME is never
# this checkout: an installer that got it wrong must only ever damage a copy in tmp_path.

MADE_BY_INSTALL_SH = "installed by install.sh from /somewhere\n"


def install_sh(*args: str, env: dict, script: Path = REPO / "install.sh", cwd: Path | None = None,
               timeout: float = 120) -> subprocess.CompletedProcess:
    e = {k: v for k, v in os.environ.items() if not k.startswith("ROOST_")}
    e.update(env)
    assert Path(e["HOME"]).resolve() != Path.home().resolve()
    for v in ("ROOST_HOME", "ROOST_INSTALL_DIR"):
        if v in e:
            assert Path(e[v]).resolve() != REPO, "never point install.sh at this checkout"
    return subprocess.run(["sh", str(script), *args], env=e, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, check=False)


def checkout_copy(dst: Path, *, git_init: bool = True) -> Path:
    """A copy of this roost checkout's sources (a git repository when git_init)."""
    skip = shutil.ignore_patterns("__pycache__", "*.egg-info", ".roost")
    for name in ("bin", "lib", "python", "skills", "docs"):
        shutil.copytree(REPO / name, dst / name, ignore=skip)
    for name in ("pyproject.toml", "README.md", "DEVELOPING.md", "install.sh"):
        shutil.copy2(REPO / name, dst / name)
    if git_init:
        git(dst, "init", "-q", "-b", "main")
    return dst


def launcher_for(bindir: Path, tree: Path) -> Path:
    """A launcher as install.sh writes it, running the tree in `tree`."""
    bindir.mkdir(parents=True, exist_ok=True)
    p = bindir / "roost"
    p.write_text(f"#!/bin/sh\n# roost launcher (install.sh): runs the roost tree in {tree}\n"
                 f"ROOST_HOME='{tree}'\nROOST_PYTHON='{tree}/venv/bin/python'\n"
                 'export ROOST_HOME ROOST_PYTHON\n. "$ROOST_HOME/bin/roost"\n')
    p.chmod(0o755)
    return p


def test_install_sh_reads_no_roost_home_and_the_readme_documents_every_variable_it_reads():
    text = (REPO / "install.sh").read_text()
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    read = set(re.findall(r"\$\{(ROOST_\w+)", code))
    assert read == {"ROOST_INSTALL_DIR", "ROOST_BIN_DIR", "ROOST_PYTHON_BIN", "ROOST_SOURCE"}, read
    readme = (REPO / "README.md").read_text()
    for v in read:
        assert f"`{v}`" in readme, f"README.md does not document {v}"
    assert "${ROOST_HOME:-" not in readme


def test_install_sh_help_names_its_variables_and_exit_codes(tmp_path):
    r = install_sh("--help", env={"HOME": str(tmp_path)})
    assert r.returncode == 0, r.stderr
    for v in ("ROOST_INSTALL_DIR", "ROOST_BIN_DIR", "ROOST_PYTHON_BIN", "ROOST_SOURCE", "Exit codes:", "2 refused"):
        assert v in r.stdout, v
    assert not any(line.startswith("#") for line in r.stdout.splitlines())


def test_install_sh_uninstall_refuses_a_directory_without_its_marker_and_changes_nothing(tmp_path):
    mine = tmp_path / "mine"
    (mine / "lib").mkdir(parents=True)
    (mine / "lib" / "notes.txt").write_text("keep me\n")
    launcher = launcher_for(tmp_path / "bin", mine)
    before = snapshot(tmp_path)
    r = install_sh("--uninstall", env={"HOME": str(tmp_path / "h"), "ROOST_INSTALL_DIR": str(mine),
                                        "ROOST_BIN_DIR": str(tmp_path / "bin")})
    assert r.returncode == 2, r
    assert "not made by install.sh" in r.stderr and str(mine) in r.stderr
    assert snapshot(tmp_path) == before and launcher.exists()


@pytest.mark.parametrize("git_init", [True, False], ids=["checkout", "unpacked-tarball"])
def test_install_sh_uninstall_refuses_a_source_tree_even_with_the_marker_in_it(tmp_path, git_init):
    # What the old installer left in a checkout it mistook for the install directory.
    co = checkout_copy(tmp_path / "co", git_init=git_init)
    (co / ".roost-install").write_text(MADE_BY_INSTALL_SH)
    (co / "venv").mkdir()
    before = snapshot(co)
    r = install_sh("--uninstall", env={"HOME": str(tmp_path / "h"), "ROOST_INSTALL_DIR": str(co)})
    assert r.returncode == 2, r
    assert ("git checkout" if git_init else "did not put there") in r.stderr, r.stderr
    assert snapshot(co) == before


def test_install_sh_uninstall_with_roost_home_at_a_checkout_leaves_the_checkout_alone(tmp_path):
    co = checkout_copy(tmp_path / "co")
    (co / ".roost-install").write_text(MADE_BY_INSTALL_SH)
    before = snapshot(co)
    r = install_sh("--uninstall", env={"HOME": str(tmp_path / "h"), "ROOST_HOME": str(co)}, cwd=co)
    assert r.returncode == 0, r
    assert "nothing to uninstall" in r.stderr and str(tmp_path / "h/.local/share/roost") in r.stderr
    assert snapshot(co) == before


@pytest.mark.parametrize("kind", ["user-files", "checkout"])
def test_install_sh_refuses_to_install_into_a_directory_it_did_not_make(tmp_path, kind):
    dest = tmp_path / "dest"
    if kind == "checkout":
        checkout_copy(dest)
    else:
        (dest / "lib").mkdir(parents=True)
        (dest / "lib" / "notes.txt").write_text("keep me\n")
    before = snapshot(tmp_path)
    r = install_sh("--from", str(REPO), env={"HOME": str(tmp_path / "h"), "ROOST_INSTALL_DIR": str(dest)})
    assert r.returncode == 2, r
    assert str(dest) in r.stderr and "left in place" in r.stderr
    assert snapshot(tmp_path) == before  # no launcher, no tree, nothing


@pytest.mark.slow
def test_install_sh_with_roost_home_at_a_checkout_installs_to_the_default_place_not_the_checkout(tmp_path):
    co = checkout_copy(tmp_path / "co")
    home = tmp_path / "h"
    home.mkdir()
    env = {"HOME": str(home), "ROOST_HOME": str(co), "ROOST_PYTHON": sys.executable}
    before = snapshot(co)
    r = install_sh(env=env, script=co / "install.sh", cwd=co)  # `sh install.sh` in a developer's shell
    assert r.returncode == 0, r
    assert snapshot(co) == before, "install.sh wrote into the checkout ROOST_HOME names"
    tree, launcher = home / ".local/share/roost", home / ".local/bin/roost"
    assert (tree / ".roost-install").is_file() and (tree / "venv/bin/python").exists()
    assert f"ROOST_HOME='{tree}'" in launcher.read_text()
    work = tmp_path / "proj"
    (work / ".git").mkdir(parents=True)
    run = dict(os.environ, **env)
    p = subprocess.run([str(launcher), "--agent", "inst", "heartbeat"], env=run, cwd=work,
                       capture_output=True, text=True, timeout=60, check=False)
    assert p.returncode == 0, p.stderr
    p = subprocess.run([str(launcher), "agents", "--json"], env=run, cwd=work, capture_output=True,
                       text=True, timeout=60, check=False)
    assert p.returncode == 0 and '"inst"' in p.stdout, p.stderr
    r = install_sh("--uninstall", env=env, script=co / "install.sh", cwd=co)
    assert r.returncode == 0, r
    assert not tree.exists() and not launcher.exists()
    assert snapshot(co) == before
    assert (work / ".roost/roost.db").exists()


@pytest.mark.slow
def test_install_sh_into_chosen_directories_survives_a_failed_run_and_uninstalls_only_its_own(tmp_path):
    co = checkout_copy(tmp_path / "co")
    home = tmp_path / "h"
    home.mkdir()
    env = {"HOME": str(home), "ROOST_INSTALL_DIR": "opt/roost/", "ROOST_BIN_DIR": str(tmp_path / "b")}
    # A Python that passes the checks but cannot make the virtual environment: the run fails half-way.
    bad = tmp_path / "badpy"
    bad.write_text(f'#!/bin/sh\n[ "$1" = -m ] && exit 1\nexec "{sys.executable}" "$@"\n')
    bad.chmod(0o755)
    r = install_sh("--from", str(co), env={**env, "ROOST_PYTHON_BIN": str(bad)}, cwd=tmp_path)
    assert r.returncode == 1 and "could not create" in r.stderr, r
    tree = tmp_path / "opt/roost"  # relative to where install.sh ran
    assert (tree / ".roost-install").is_file()
    r = install_sh("--from", str(co), env=env, cwd=tmp_path)  # the re-run finishes the job
    assert r.returncode == 0, r
    launcher = tmp_path / "b/roost"
    assert f"ROOST_HOME='{tree}'" in launcher.read_text()
    p = subprocess.run([str(launcher), "version"], env=dict(os.environ, HOME=str(home)), capture_output=True,
                       text=True, timeout=60, check=False)
    assert p.returncode == 0 and p.stdout.startswith("roost "), p
    assert install_sh("--from", str(co), env=env, cwd=tmp_path).returncode == 0  # idempotent
    # A file of the user's in the tree: uninstall refuses rather than delete it.
    (tree / "notes.txt").write_text("mine\n")
    r = install_sh("--uninstall", env=env, cwd=tmp_path)
    assert r.returncode == 2 and "notes.txt" in r.stderr, r
    assert launcher.exists() and (tree / "venv").exists()
    (tree / "notes.txt").unlink()
    r = install_sh("--uninstall", env=env, cwd=tmp_path)
    assert r.returncode == 0, r
    assert not tree.exists() and not launcher.exists() and (tmp_path / "opt").is_dir()
    r = install_sh("--uninstall", env=env, cwd=tmp_path)
    assert r.returncode == 0 and "nothing to uninstall" in r.stderr, r


@pytest.mark.slow
def test_pip_install_from_a_checkout_gives_a_working_roost_command_and_import_roost(tmp_path):
    co = checkout_copy(tmp_path / "co")  # pip writes build/ and *.egg-info into the source tree
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    p = subprocess.run([str(venv / "bin/python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                        str(co)], capture_output=True, text=True, timeout=300, check=False)
    assert p.returncode == 0, p.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROOST_")}
    env["HOME"] = str(tmp_path / "h")
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    p = subprocess.run([str(venv / "bin/python"), "-c", "import roost, sys; print(roost.__file__)"],
                       env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)
    assert p.returncode == 0 and p.stdout.startswith(str(venv)), p
    work = tmp_path / "proj"
    (work / ".git").mkdir(parents=True)
    for args, want in ((["version"], "roost "), (["--agent", "pip", "heartbeat"], ""),  # shell-owned
                       (["agents", "--json"], '"pip"')):                                # Python-owned
        p = subprocess.run(["roost", *args], env=env, cwd=work, capture_output=True, text=True,
                           timeout=60, check=False)
        assert p.returncode == 0 and want in p.stdout, (args, p)
    assert shutil.which("roost", path=env["PATH"]) == str(venv / "bin/roost")
