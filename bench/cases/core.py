"""Foundation commands (issue 2)."""


def cases(Case):
    return [
        Case("roost whoami", ["--agent", "bench", "whoami"]),
        Case("roost heartbeat", ["--agent", "bench", "heartbeat"]),
        Case("roost heartbeat --epoch 1", ["--agent", "bench", "heartbeat", "--epoch", "1"]),
        Case("roost version", ["version"], owner="python", target=1.3),
        Case("roost log --limit 20", ["log", "--limit", "20"], owner="python", target=1.3),
    ]
