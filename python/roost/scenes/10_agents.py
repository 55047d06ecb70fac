"""Scene 1: three agents arrive and become known to each other."""


def play(scene):
    scene.say("""roost demo: three AI coding agents share one repository. Each is a
separate process (think Claude Code, Codex and Gemini CLI in three
terminals). They coordinate through one SQLite file, .roost/roost.db:
no daemon, no server. Every command below is the real `roost` command.""")
    scene.say("The first command in a repository creates the database. Alice, the lead, arrives:")
    scene.run(None, "init", "--quiet")
    scene.run("alice", "register", "alice", "--role", "lead", "--team", "core")
    scene.say("Bob and Carol join as developers:")
    scene.run("bob", "register", "bob", "--role", "dev", "--team", "core")
    scene.run("carol", "register", "carol", "--role", "dev", "--team", "core")
    scene.say("Each agent can ask who it is, and heartbeats to say it is alive:")
    scene.run("bob", "whoami")
    scene.run("carol", "heartbeat")
    scene.say("Everyone sees who is here and whether they are active, idle or gone:")
    scene.run(None, "agents")
