"""Demo scene: a lease keeps a second agent out of a file until it is
released, and a crashed agent's lease is taken over at once.

Uses the demo's `scene.say(text)` (narration) and `scene.run(agent, *args,
expect=CODE)` (a real `roost` command as that agent, echoed)."""
from __future__ import annotations

import subprocess


def play(scene) -> None:
    scene.say("Leases: before changing a file an agent takes a lease on it. ada is rewriting the parser.")
    scene.run("ada", "lock", "src/parser.py", "--reason", "rewrite the tokenizer", "--ttl", "30m")

    scene.say("bob wants the same file, spelled differently. It is the same lease, and he is told "
              "who holds it, why, and until when.")
    scene.run("bob", "lock", "./src/../src/parser.py", expect=2)
    scene.say("A folder lease covers what is inside it, and the other way round: src/ is not free either.")
    scene.run("bob", "lock", "--check", "src/", expect=2)

    scene.say("ada is done and releases the file; bob gets it on his next try.")
    scene.run("ada", "unlock", "src/parser.py")
    scene.run("bob", "lock", "src/parser.py", "--reason", "add tests")

    scene.say("cy, running in its own process, leases the whole docs/ folder for two hours... "
              "and crashes (SIGKILL).")
    proc = subprocess.Popen(["sleep", "600"])  # stands in for cy's agent CLI
    try:
        scene.run("cy", "register", "--pid", str(proc.pid))
        scene.run("cy", "lock", "docs/", "--ttl", "2h", "--reason", "restructure")
    finally:
        proc.kill()
        proc.wait()

    scene.say("dave needs a page in docs/. roost sees that cy's process is gone, records the death and "
              "hands dave the lease in the same transaction, without waiting two hours; the log says "
              "so, and cy is left a notice.")
    scene.run("dave", "lock", "docs/guide.md", "--reason", "fix a typo")
    scene.run(None, "log", "--kind", "lease", "--limit", "4")
    scene.run(None, "locks")
