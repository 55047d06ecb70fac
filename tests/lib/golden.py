#!/usr/bin/env python3
"""Write tests/golden/schema.sql: the sqlite3 CLI's `.schema --nosys` of a
freshly migrated database. Both suites compare against it.

    python tests/lib/golden.py --update
"""
import os
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "python"))
from roost.db import migrate  # noqa: E402

if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "g.db")
        migrate(p)
        out = subprocess.run(["sqlite3", p, ".schema --nosys"], capture_output=True, text=True, check=True).stdout
    dest = os.path.join(REPO, "tests", "golden", "schema.sql")
    if "--update" in sys.argv:
        with open(dest, "w") as f:
            f.write(out)
    else:
        sys.stdout.write(out)
