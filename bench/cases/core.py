"""Foundation commands (issue 2), after two reference rows that are not
roost: the least a shell-owned command can cost in roost's design (one sh
capturing one sqlite3; bench/ref/*.sh say exactly what they do)."""
from pathlib import Path

REF = Path(__file__).resolve().parents[1] / "ref"


def cases(Case):
    return [
        Case("reference: sh + sqlite3 reading one row", ["sh", str(REF / "select.sh")], owner="reference", raw=True),
        Case("reference: sh + sqlite3 writing one row", ["sh", str(REF / "touch.sh")], owner="reference", raw=True),
        Case("roost whoami", ["--agent", "bench", "whoami"]),
        Case("roost heartbeat", ["--agent", "bench", "heartbeat"]),
        Case("roost heartbeat --epoch 1", ["--agent", "bench", "heartbeat", "--epoch", "1"]),
        Case("roost version", ["version"], owner="python", target=1.3),
        Case("roost log --limit 20", ["log", "--limit", "20"], owner="python", target=1.3),
    ]
