#!/usr/bin/env bats
# roost claim, the shell-owned hot path of the task board (issue 5).
bats_require_minimum_version 1.5.0

setup() {
  export HOME="$BATS_TEST_TMPDIR/home"
  mkdir -p "$HOME" "$BATS_TEST_TMPDIR/repo/.git"
  cd "$BATS_TEST_TMPDIR/repo" || return 1
  unset ROOST_AGENT ROOST_DB ROOST_SESSION CLAUDE_CODE_SESSION_ID GEMINI_SESSION_ID ROOST_NOW ROOST_ROOT ROOST_PID
  export ROOST_HOME="${ROOST_HOME:-$BATS_TEST_DIRNAME/../..}"
  roost --agent alice task add "first task" --priority 2 >/dev/null
  roost --agent alice task add "second task" >/dev/null
  db=$BATS_TEST_TMPDIR/repo/.roost/roost.db
}

# counting SQLITE: put a sqlite3 on PATH that counts its runs, and a
# ROOST_PYTHON that records any start, then fails.
counting() {
  real=$(command -v sqlite3)
  mkdir -p "$BATS_TEST_TMPDIR/fake"
  printf '#!/bin/sh\necho x >> "%s/sqlite3.count"\nexec "%s" "$@"\n' "$BATS_TEST_TMPDIR" "$real" > "$BATS_TEST_TMPDIR/fake/sqlite3"
  printf '#!/bin/sh\necho x >> "%s/python.count"\nexit 1\n' "$BATS_TEST_TMPDIR" > "$BATS_TEST_TMPDIR/fake/python3"
  chmod +x "$BATS_TEST_TMPDIR/fake/sqlite3" "$BATS_TEST_TMPDIR/fake/python3"
  : > "$BATS_TEST_TMPDIR/sqlite3.count"
  : > "$BATS_TEST_TMPDIR/python.count"
}

runs() { wc -l < "$BATS_TEST_TMPDIR/$1.count" | tr -d ' '; }

@test "claim prints the task it took and a second claim of it exits 2 with the reason on stderr" {
  run -0 --separate-stderr roost --agent bob claim
  [ "$output" = "claimed T-1: first task" ]
  [ -z "$stderr" ]
  run -2 --separate-stderr roost --agent carol claim T-1
  [ -z "$output" ]
  [[ "$stderr" == "roost: claim: T-1 is held by bob (active, seen "* ]]
}

@test "claim starts exactly one sqlite3 process and no python" {
  roost register bob >/dev/null
  roost register carol >/dev/null
  counting
  PATH="$BATS_TEST_TMPDIR/fake:$PATH" ROOST_PYTHON="$BATS_TEST_TMPDIR/fake/python3" run -0 roost --agent bob claim
  [ "$(runs sqlite3)" = 1 ]
  [ "$(runs python)" = 0 ]
  PATH="$BATS_TEST_TMPDIR/fake:$PATH" ROOST_PYTHON="$BATS_TEST_TMPDIR/fake/python3" run -2 roost --agent carol claim T-1
  [ "$(runs sqlite3)" = 2 ]
  [ "$(runs python)" = 0 ]
}

@test "a holder with a live pid here keeps its task; once dead, the next claim takes it over in its one sqlite3 process" {
  sleep 300 &
  pid=$!
  roost register victim --pid "$pid" >/dev/null
  roost --agent victim claim T-1 >/dev/null
  roost register bob >/dev/null
  counting
  PATH="$BATS_TEST_TMPDIR/fake:$PATH" run -2 --separate-stderr roost --agent bob claim T-1
  [[ "$stderr" == *"held by victim"* ]]
  [ "$(runs sqlite3)" = 1 ]
  kill -9 "$pid"
  wait "$pid" || :
  PATH="$BATS_TEST_TMPDIR/fake:$PATH" run -0 --separate-stderr roost --agent bob claim T-1
  [ "$output" = "claimed T-1: first task (reclaimed from victim, dead)" ]
  [ "$(runs sqlite3)" = 2 ]  # (a pid with no process is seen by readfile('/proc/PID/stat'))
  run -0 sqlite3 "$db" "SELECT group_concat(kind, ' ') FROM (SELECT kind FROM events WHERE seq > (SELECT max(seq) FROM events WHERE kind = 'task.claim' AND agent = 'victim') ORDER BY seq)"
  [[ "$output" == *"agent.dead task.reclaim notice task.claim" ]]
}

@test "a holder whose pid was recycled (alive, another start time) is found by a second sqlite3 process" {
  sleep 300 &
  pid=$!
  roost register victim --pid "$pid" >/dev/null
  roost --agent victim claim T-1 >/dev/null
  sqlite3 "$db" "UPDATE agents SET pid_start = '1' WHERE id = 'victim'"
  roost register bob >/dev/null
  counting
  PATH="$BATS_TEST_TMPDIR/fake:$PATH" run -0 --separate-stderr roost --agent bob claim T-1
  kill -9 "$pid"; wait "$pid" || :
  [ "$output" = "claimed T-1: first task (reclaimed from victim, dead)" ]
  [ "$(runs sqlite3)" = 2 ]
}

@test "roost_claim from lib/roost.sh: a denied claim returns 2 and a set -eu caller in dash keeps going" {
  run -0 dash -c '
    set -eu
    . "$ROOST_HOME/lib/roost.sh"
    roost_claim --agent bob --quiet
    roost_claim --agent bob --quiet
    if roost_claim --agent bob; then echo "unexpected"; else echo "denied $?"; fi
    set | grep -c "^_roost" || :
    echo alive'
  [[ "$output" == *"denied 2"* ]]
  [[ "$output" == *$'\n0\nalive' ]]
}

@test "claim works the same under dash and bash" {
  run -0 dash "$ROOST_HOME/bin/roost" --agent bob claim
  [ "$output" = "claimed T-1: first task" ]
  run -0 bash "$ROOST_HOME/bin/roost" --agent carol claim
  [ "$output" = "claimed T-2: second task" ]
}

@test "claim --dry-run says what it would take and writes nothing" {
  before=$(sqlite3 "$db" .dump)
  run -0 roost --agent newcomer claim --dry-run
  [ "$output" = "would claim T-1: first task" ]
  [ "$(sqlite3 "$db" .dump)" = "$before" ]
}

@test "claim --quiet prints nothing and --json prints the task as one object" {
  run -0 --separate-stderr roost --agent bob claim --quiet
  [ -z "$output" ]
  run -0 roost --agent bob --json claim
  [[ "$output" == '{"id":"T-2","title":"second task",'*'"holder":"bob",'*'"reclaimed_from":null,"reclaimed_why":null}' ]]
}

@test "claim refuses bad leases and bad ids with 64 and says why" {
  run -64 --separate-stderr roost --agent bob claim --lease 5x
  [[ "$stderr" == *"bad duration for --lease"* ]]
  run -64 --separate-stderr roost --agent bob claim "T-1'; DROP TABLE tasks; --"
  [[ "$stderr" == *"bad task id"* ]]
  run -64 --separate-stderr roost claim
  [[ "$stderr" == *"no identity"* ]]
  run -0 sqlite3 "$db" "SELECT count(*) FROM tasks"
  [ "$output" = 2 ]
}

@test "human claim output drops terminal control characters and --json keeps them" {
  roost --agent alice task add "$(printf 'red \033[31mtext\033]0;title\007 end')" --priority 9 >/dev/null
  run -0 roost --agent bob claim
  [ "$output" = "claimed T-3: red [31mtext]0;title end" ]
  run -0 roost --agent bob --json claim T-3
  [[ "$output" == *'"title":"red \u001b[31mtext\u001b]0;title\u0007 end"'* ]]
}

@test "an expired claim is reclaimed by the next claim and the log names the previous holder" {
  ROOST_NOW=1900000000 run -0 roost --agent bob claim --lease 1m
  ROOST_NOW=1900000059 run -2 roost --agent carol claim T-1
  ROOST_NOW=1900000060 run -0 roost --agent carol claim T-1
  [ "$output" = "claimed T-1: first task (reclaimed from bob, expired)" ]
  run -0 roost log --kind task.reclaim
  [[ "$output" == *'carol task.reclaim T-1 {"from":"bob","why":"expired","reclaims":1}' ]]
}

@test "a claim that finds upkeep due escalates with a second sqlite3 process, exactly once" {
  roost register lead1 --role lead >/dev/null
  ROOST_NOW=1900000000 roost queue add support --handler role:dev --sla 1m >/dev/null
  ROOST_NOW=1900000000 roost --agent alice task add "printer on fire" --queue support --priority 5 >/dev/null
  counting
  ROOST_NOW=1900000059 PATH="$BATS_TEST_TMPDIR/fake:$PATH" run -0 roost --agent lead1 claim
  [ "$output" = "claimed T-1: first task" ]  # T-3 is for role:dev until it escalates
  [ "$(runs sqlite3)" = 1 ]
  ROOST_NOW=1900000061 PATH="$BATS_TEST_TMPDIR/fake:$PATH" run -0 roost --agent lead1 claim
  [ "$output" = "claimed T-3: printer on fire" ]
  [ "$(runs sqlite3)" = 3 ]
  ROOST_NOW=1900000062 PATH="$BATS_TEST_TMPDIR/fake:$PATH" run -0 roost --agent lead1 claim
  [ "$(runs sqlite3)" = 4 ]
  run -0 sqlite3 "$db" "SELECT count(*) FROM events WHERE kind = 'task.escalate'"
  [ "$output" = 1 ]
}
