#!/usr/bin/env bats
# Messages (issue 3): the shell-owned hot paths send, broadcast, recv,
# inbox, read, ack, thread, and the sourced library.
bats_require_minimum_version 1.5.0

setup() {
  export HOME="$BATS_TEST_TMPDIR/home"
  mkdir -p "$HOME" "$BATS_TEST_TMPDIR/repo/.git"
  cd "$BATS_TEST_TMPDIR/repo" || return 1
  unset ROOST_AGENT ROOST_DB ROOST_SESSION CLAUDE_CODE_SESSION_ID GEMINI_SESSION_ID ROOST_NOW ROOST_ROOT ROOST_PID
  export ROOST_HOME="${ROOST_HOME:-$BATS_TEST_DIRNAME/../..}"
  roost register alice --role lead >/dev/null
  roost register bob --role dev >/dev/null
  roost register carol --role dev >/dev/null
}

# counting: a sqlite3 on PATH that counts its runs, and a ROOST_PYTHON that
# records any start, then fails.
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

@test "a message sent with send comes out of recv once, with its header and indented body" {
  run -0 --separate-stderr roost --agent alice send bob "hello bob"
  [[ "$output" =~ ^sent\ \#([0-9]+)\ to\ bob\ \(1\ recipient\)\ at\ lamport\ ([0-9]+)$ ]]
  id=${BASH_REMATCH[1]} ts=${BASH_REMATCH[2]}
  run -0 --separate-stderr roost --agent bob recv
  [ "${lines[0]}" = "#$id from alice to bob (lamport $ts, thread #$id)" ]
  [ "${lines[1]}" = "  hello bob" ]
  [ -z "$stderr" ]
  run -0 roost --agent bob recv
  [ -z "$output" ]
}

@test "send, recv, inbox, read, ack and thread each start exactly one sqlite3 process and no python" {
  id=$(roost --agent alice -q send bob first)
  counting
  export PATH="$BATS_TEST_TMPDIR/fake:$PATH" ROOST_PYTHON="$BATS_TEST_TMPDIR/fake/python3"
  n=0
  for cmd in "send bob hi" "send role:dev,alice hi" "broadcast hi" "ex bob hi" "inbox" "recv" "recv --from alice --limit 1 --summary" \
             "read $id" "ack $id" "thread $id" "send bob to myself" "recv --wait 5"; do
    # shellcheck disable=SC2086 # split the command words on purpose
    run roost --agent bob $cmd
    [ "$status" -eq 0 ] || { echo "$cmd: $status $output"; return 1; }
    n=$((n + 1))
    [ "$(runs sqlite3)" = "$n" ] || { echo "$cmd: $(runs sqlite3) sqlite3 runs"; return 1; }
  done
  [ "$(runs python)" = 0 ]
}

@test "send - reads the body from stdin byte-exact and still starts one sqlite3" {
  counting
  PATH="$BATS_TEST_TMPDIR/fake:$PATH" run -0 roost --agent alice -q send bob - < <(printf 'a\r\nb\n\n')
  id=$output
  [ "$(runs sqlite3)" = 1 ]
  run -0 --separate-stderr roost --agent bob read --raw "$id"
  [ "$(roost --agent bob read --raw "$id" | od -An -c | tr -s ' ')" = " a \r \n b \n \n" ]
}

@test "an address that matches nobody exits 64 with the reason on stderr and stores nothing" {
  run -64 --separate-stderr roost --agent alice send role:ghost "anyone?"
  [ -z "$output" ]
  [ "$stderr" = "roost: send: no agent matches 'role:ghost' other than you (see 'roost agents'): nothing was sent" ]
  run -0 roost --agent alice --json log --kind msg
  [ "$output" = '{"events":[]}' ]
}

@test "reading a message that is not yours exits 2 and a missing one exits 64" {
  id=$(roost --agent alice -q send bob "for bob")
  run -2 --separate-stderr roost --agent carol read "$id"
  [ -z "$output" ]
  [[ "$stderr" == "roost: read: message #$id is not yours"* ]]
  run -64 --separate-stderr roost --agent carol read 424242
  [[ "$stderr" == "roost: read: no message #424242"* ]]
}

@test "send --quiet prints the unread messages on stderr and only the id on stdout" {
  roost --agent alice send bob "question" >/dev/null
  run -0 --separate-stderr roost --agent bob -q send alice "answer"
  [[ "$output" =~ ^[0-9]+$ ]]
  [[ "$stderr" == "#"*" from alice to bob "*$'\n'"  question" ]]
}

@test "recv --wait exits 2 when nothing comes in time" {
  run -2 --separate-stderr roost --agent bob recv --wait 1
  [ -z "$output" ]
  [ -z "$stderr" ]
}

@test "the sourced library's functions return a denial to a set -e caller without killing it or leaking variables" {
  id=$(roost --agent alice -q send bob "private")
  run -0 sh -c '
    set -eu
    . "$ROOST_HOME/lib/roost.sh"
    ROOST_AGENT=carol; export ROOST_AGENT
    rc=0; roost_read "$1" 2>/dev/null || rc=$?
    echo "read:$rc"
    rc=0; roost_recv --wait 1 || rc=$?
    echo "wait:$rc"
    roost_send -q alice "library send" >/dev/null
    echo "send:ok"
    set | grep -c "^_roost_" || :
  ' sh "$id"
  [ "${lines[0]}" = "read:2" ]
  [ "${lines[1]}" = "wait:2" ]
  [ "${lines[2]}" = "send:ok" ]
  [ "${lines[3]}" = "0" ]
}

@test "every message command explains itself with --help" {
  for c in send broadcast recv inbox read ack thread; do
    run -0 roost "$c" --help
    [[ "${lines[1]}" == "Usage: roost $c"* ]] || { echo "$c: ${lines[1]}"; return 1; }
    [[ "$output" == *"Exit codes"* ]]
  done
}

@test "the message commands run under dash and bash alike" {
  for sh in dash bash; do
    command -v "$sh" >/dev/null || continue
    run -0 "$sh" "$ROOST_HOME/bin/roost" --agent alice -q send bob "via $sh: it's \"quoted\"; --"
    id=$output
    run -0 "$sh" "$ROOST_HOME/bin/roost" --agent bob --json read "$id"
    [[ "$output" == *"\"body\":\"via $sh: it's \\\"quoted\\\"; --\""* ]]
  done
}
