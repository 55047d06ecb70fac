"""Demo scene: agents pull tasks from the board in dependency order, and a
crashed agent's task is picked up by another.

Assumes the demo's `scene.say(text)` narrates and `scene.run(agent, *args)`
runs a real `roost` command as that agent and returns its result (with the
command's output as .out/.stdout/.text, or as a string)."""
from __future__ import annotations

import re
import subprocess


def _text(res) -> str:
    if isinstance(res, (bytes, str)):
        v = res
    else:
        v = next((getattr(res, a) for a in ("text", "out", "stdout", "output")
                  if isinstance(getattr(res, a, None), (bytes, str))), "")
    return v.decode("utf-8", "replace") if isinstance(v, bytes) else v


def _id(res) -> str:
    m = re.search(r"\bT-\d+\b", _text(res))
    if not m:
        raise RuntimeError(f"expected a task id in the output of roost task add, got {_text(res)!r}")
    return m.group(0)


def play(scene) -> None:
    scene.say("The task board: agents pull work instead of having it dealt out. "
              "The lead adds four tasks; the API and the CLI wait for the schema, the docs wait for both.")
    schema = _id(scene.run("lead", "task", "add", "Design the schema", "--priority", "5"))
    api = _id(scene.run("lead", "task", "add", "Write the API", "--after", schema))
    cli = _id(scene.run("lead", "task", "add", "Write the CLI", "--after", schema))
    docs = _id(scene.run("lead", "task", "add", "Document it", "--after", api, "--after", cli))
    scene.run("lead", "task", "list")

    scene.say("ada and bob each ask for the next ready task. Only the schema is ready, so ada gets it "
              "and bob's board has nothing for him yet.")
    scene.run("ada", "claim")
    scene.run("bob", "task", "list", "--ready")
    scene.run("ada", "done", schema, "--note", "tables agreed")

    scene.say("The schema is done: the API and the CLI became ready at once. Two claims, two different tasks.")
    scene.run("ada", "claim")
    scene.run("bob", "claim")
    scene.run("ada", "done", api)
    scene.run("bob", "done", cli)

    scene.say("cy, running in its own process, takes the docs... and crashes (SIGKILL) halfway through.")
    proc = subprocess.Popen(["sleep", "600"])  # stands in for cy's agent CLI
    try:
        scene.run("cy", "register", "--pid", str(proc.pid))
        scene.run("cy", "claim")
    finally:
        proc.kill()
        proc.wait()

    scene.say("dave asks for work. roost sees that cy's process is gone, records the death, and hands "
              "dave the docs in the same transaction; cy will find a notice saying so.")
    scene.run("dave", "claim")
    scene.run("dave", "done", docs, "--note", "finished what cy started")
    scene.run("lead", "task", "show", docs)
