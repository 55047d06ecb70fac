"""Scene 6: progress. Agents report where they are in the work, record a
decision, and agree through the frontier that an epoch is finished."""


CAST = ("alice", "bob", "carol")


def _others(scene):
    """Live agents from earlier scenes: they take part in the epoch too."""
    import json
    p = scene.run(None, "agents", "--json", show=False)
    rows = json.loads(p.stdout or b'{"agents": []}')["agents"]
    return [a["agent"] for a in rows if a["state"] != "gone" and a["agent"] not in CAST]


def play(scene):
    scene.say("""Progress. Each agent reports its working position, a pointstamp
(epoch, round), with its heartbeat. Pointstamps order like (1, 5) before
(2, 0). The frontier is the least position any live agent holds: work
before it is finished everywhere.""")
    scene.run("alice", "heartbeat", "--epoch", "1")
    scene.run("bob", "heartbeat", "--epoch", "1")
    scene.run("carol", "heartbeat", "--epoch", "1", "--round", "2")
    others = _others(scene)
    if others:
        scene.say(f"{', '.join(others)} are here too and work on epoch 1 as well:")
        for a in others:
            scene.run(a, "heartbeat", "--epoch", "1", "--quiet")
    scene.say("Alice records a decision the others should follow; it is an event in the log:")
    scene.run("alice", "decide", "epoch 1 is the parser; epoch 2 the code generator")
    scene.say("Alice is done with epoch 1 and moves on. Is epoch 1 finished? Not while"
              " anyone live is still in it (exit 2 names each blocker; gone agents never block):")
    scene.run("alice", "heartbeat", "--epoch", "2")
    scene.run("alice", "frontier", "--epoch", "1", expect=2)
    if others:
        scene.say(f"{', '.join(others)} finish their part and move on to epoch 2:")
        for a in others:
            scene.run(a, "heartbeat", "--epoch", "2", "--quiet")
    scene.say("Carol starts a fresh session and asks for the whole picture; what other agents"
              " wrote is fenced off as data, never instructions:")
    scene.run("carol", "prime", "--max-chars", "1800")
    scene.say("Carol tells bob she needs a moment. Bob finishes first and syncs: one command"
              " heartbeats, reads his new messages and asks whether epoch 1 is finished. His own"
              " position never blocks him, but carol's does (exit 2):")
    scene.run("carol", "send", "bob", "finishing round 2 of the parser, one moment")
    scene.run("bob", "sync", "--epoch", "1", expect=2)
    scene.say("(In another terminal, carol finishes epoch 1 a second later:"
              " roost heartbeat --epoch 2.)")
    scene.spawn("carol-finishes", ["sh", "-c", 'sleep 1; exec "$0" --agent carol heartbeat --epoch 2 --quiet',
                                   scene.bin])
    scene.say("gate waits until epoch 1 is safe (here at most 10 seconds):")
    scene.run("bob", "gate", "--epoch", "1", "--timeout", "10s", "--interval", "200ms")
    scene.run("bob", "heartbeat", "--epoch", "2")
    scene.say("Everyone is past epoch 1: the frontier has moved to epoch 2, and all agree"
              " epoch 1 is finished.")
    scene.run(None, "frontier")
    scene.run("carol", "frontier", "--epoch", "1")
    scene.run(None, "status", "--compact")
