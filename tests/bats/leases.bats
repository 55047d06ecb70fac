#!/usr/bin/env bats
# roost lock, lock --check, unlock, renew: the shell-owned lease commands (issue 4).
bats_require_minimum_version 1.5.0

load helper

setup() {
  setup_roost
  roost migrate --quiet
  db=$BATS_TEST_TMPDIR/repo/.roost/roost.db
}

# counting: a sqlite3 on PATH that counts its runs, a ROOST_PYTHON that
# records any start and fails, and a readlink that counts too.
counting() {
  real=$(command -v sqlite3)
  fake=$BATS_TEST_TMPDIR/fake
  mkdir -p "$fake"
  printf '#!/bin/sh\necho x >> "%s/sqlite3.count"\nexec "%s" "$@"\n' "$BATS_TEST_TMPDIR" "$real" > "$fake/sqlite3"
  printf '#!/bin/sh\necho x >> "%s/python.count"\nexit 1\n' "$BATS_TEST_TMPDIR" > "$fake/python3"
  printf '#!/bin/sh\necho x >> "%s/readlink.count"\nexec "%s" "$@"\n' "$BATS_TEST_TMPDIR" "$(command -v readlink)" > "$fake/readlink"
  chmod +x "$fake/sqlite3" "$fake/python3" "$fake/readlink"
  : > "$BATS_TEST_TMPDIR/sqlite3.count"
  : > "$BATS_TEST_TMPDIR/python.count"
  : > "$BATS_TEST_TMPDIR/readlink.count"
}

runs() { wc -l < "$BATS_TEST_TMPDIR/$1.count" | tr -d ' '; }

counted() { PATH="$fake:$PATH" ROOST_PYTHON="$fake/python3" "$@"; }

@test "lock prints what it granted and until when, and a second lock of it exits 2 naming the holder" {
  run -0 --separate-stderr roost --agent alice lock src/a.py --reason "big change"
  [[ "$output" == "locked src/a.py until "*Z ]]
  [ -z "$stderr" ]
  run -2 --separate-stderr roost --agent bob lock ./src/../src/a.py
  [ -z "$output" ]
  [[ "$stderr" == "roost: lock: 'src/a.py' is held by alice (active, since "*", reason: big change)" ]]
}

@test "lock, lock --check and unlock start exactly one sqlite3 process and no python" {
  roost register alice >/dev/null
  roost register bob >/dev/null
  counting
  run -0 counted roost --agent alice lock src/a.py
  run -0 counted roost --agent bob lock --check src/b.py
  run -2 counted roost --agent bob lock --check src/a.py
  run -2 counted roost --agent bob lock src/
  run -0 counted roost --agent alice unlock src/a.py
  run -0 counted roost --agent alice renew
  [ "$(runs sqlite3)" = 6 ]
  [ "$(runs python)" = 0 ]
  [ "$(runs readlink)" = 0 ]
}

@test "a holder with a live pid here keeps its lease; once dead, a second sqlite3 process takes it over" {
  sleep 300 &
  pid=$!
  roost register victim --pid "$pid" >/dev/null
  roost --agent victim lock f >/dev/null
  roost register bob >/dev/null
  counting
  run -2 --separate-stderr counted roost --agent bob lock f
  [[ "$stderr" == *"held by victim"* ]]
  [ "$(runs sqlite3)" = 1 ]
  kill -9 "$pid"
  wait "$pid" || :
  run -0 counted roost --agent bob lock f
  [ "$(runs sqlite3)" = 3 ]
  [ "$(runs python)" = 0 ]
  run -0 roost log --kind lease.reclaim
  [[ "$output" == *"bob lease.reclaim f {\"from\":\"victim\""* ]]
}

@test "an id's first command registers it in a second sqlite3 process, once; a first command that fails registers nobody" {
  counting
  run -0 counted roost --agent newbie lock src/a.py
  [ "$(runs sqlite3)" = 2 ]
  run -0 counted roost --agent newbie unlock src/a.py
  [ "$(runs sqlite3)" = 3 ]
  run -0 sqlite3 "$db" "SELECT count(*) FROM events WHERE kind = 'register' AND target = 'newbie'"
  [ "$output" = 1 ]
  # lock --check only reads: it registers nobody (one sqlite3 run).
  run -0 counted roost --agent reader lock --check src/a.py
  [ "$(runs sqlite3)" = 4 ]
  run -0 sqlite3 "$db" "SELECT count(*) FROM agents WHERE id = 'reader'"
  [ "$output" = 0 ]
  run -64 counted roost --agent stranger send nobody hi
  run -0 sqlite3 "$db" "SELECT count(*) FROM agents WHERE id = 'stranger'"
  [ "$output" = 0 ]
  [ "$(runs python)" = 0 ]
}

@test "lock --check exits 0 for free or yours and 2 for another's, without an identity too" {
  roost --agent alice lock mine.py >/dev/null
  run -0 roost --agent alice lock --check mine.py free.py
  [[ "${lines[0]}" == "mine.py: yours until "* ]]
  [ "${lines[1]}" = "free.py: free" ]
  run -2 roost lock --check mine.py
  run -0 roost lock --check free.py
}

@test "lock --check of two paths under one lease reports each path, for others and for the holder" {
  roost --agent ada lock own/ >/dev/null
  run -2 --separate-stderr roost --agent bob lock --check own/a.py own/b.py
  [[ "${lines[0]}" == "own/a.py: held by ada through own/ (active) until "* ]]
  [[ "${lines[1]}" == "own/b.py: held by ada through own/ (active) until "* ]]
  [[ "$stderr" == "roost: lock: 'own/a.py' is held by ada through 'own/'"* ]]
  run -2 --separate-stderr roost lock --check own/a.py own/
  [ "${#lines[@]}" = 2 ]
  run -0 roost --agent ada lock --check own/a.py own/
  [[ "${lines[0]}" == "own/a.py: yours until "* ]]
  [[ "${lines[1]}" == "own/: yours until "* ]]
  run -2 --separate-stderr roost --agent bob --json lock --check own/a.py own/b.py
  [[ "$output" == '{"free":false,"checked":[{"key":"own/a.py","kind":"file","status":"held","holder":"ada","held":"own/",'*'{"key":"own/b.py","kind":"file","status":"held","holder":"ada","held":"own/",'* ]]
}

@test "a denial names every holder in the way, on one line" {
  roost --agent ada lock --shared f >/dev/null
  roost --agent bob lock --shared f >/dev/null
  roost --agent carol lock g >/dev/null
  run -2 --separate-stderr roost --agent dave lock f g
  [ -z "$output" ]
  [[ "$stderr" == "roost: lock: 'f' is held by ada (shared, "*"); 'f' is held by bob (shared, "*"); 'g' is held by carol ("*")" ]]
  [ "${#stderr_lines[@]}" = 1 ]
}

@test "a folder lease and a glob lease conflict with files inside them, both ways" {
  roost --agent alice lock src/ >/dev/null
  run -2 roost --agent bob lock src/deep/x.py
  roost --agent carol lock 'docs/**/*.md' >/dev/null
  run -2 roost --agent bob lock docs/a/b/c.md
  run -0 roost --agent bob lock docs/a/b/c.txt
  run -2 roost --agent dave lock docs/
}

@test "a path outside the working tree is refused with 64, ../../etc/passwd included" {
  run -64 --separate-stderr roost --agent alice lock ../../etc/passwd
  [[ "$stderr" == "roost: lock: '../../etc/passwd' is outside the working tree "* ]]
  run -64 roost --agent alice unlock /etc/passwd
  run -64 roost --agent alice renew ../x
  run -64 roost --agent alice lock --check ..
}

@test "a symlink to a file is the file's lease, found with readlink" {
  mkdir src && echo x > src/a.py && ln -s src/a.py link.py
  roost --agent alice lock src/a.py >/dev/null
  counting
  run -2 --separate-stderr counted roost --agent bob lock link.py
  [[ "$stderr" == "roost: lock: 'src/a.py' is held by alice"* ]]
  [ "$(runs readlink)" = 1 ]
}

@test "unlock of someone else's lease needs --force, and the holder is told" {
  roost --agent alice lock f >/dev/null
  run -2 --separate-stderr roost --agent bob unlock f
  [[ "$stderr" == *"held by alice, not by you"* ]]
  run -0 roost --agent bob unlock --force f
  [ "$output" = "broke alice's lease on f" ]
  run -0 roost log --kind notice
  [[ "$output" == *"notice alice your lease on 'f' was broken by bob with unlock --force" ]]
}

@test "json output of lock is one object with granted and conflicts" {
  run -0 roost --agent alice --json lock a --ttl 90s
  [[ "$output" == '{"agent":"alice","granted":[{"key":"a","kind":"file","shared":false,"since":'*',"reason":null}],"conflicts":[]}' ]]
  run -2 --separate-stderr roost --agent bob --json lock a
  [[ "$output" == '{"agent":"bob","granted":[],"conflicts":[{"key":"a","held":"a","kind":"file","holder":"alice",'* ]]
}

@test "lock --wait gets the lease once the holder releases it" {
  roost --agent alice lock f >/dev/null
  roost --agent bob lock --wait 20 f > "$BATS_TEST_TMPDIR/bob.out" 2>&1 &
  waiter=$!
  for _ in $(seq 100); do
    roost --json locks | grep -q '"agent":"bob"' && break
    sleep 0.05
  done
  roost --agent alice unlock f >/dev/null
  wait "$waiter"
  [[ "$(cat "$BATS_TEST_TMPDIR/bob.out")" == "locked f until "* ]]
}

@test "a denied lock does not end a set -eu caller that tests it, through the sourced library" {
  roost --agent alice lock f >/dev/null
  run -0 --separate-stderr sh -c '
    set -eu
    . "$ROOST_HOME/lib/roost.sh"
    if ROOST_AGENT=bob roost_lock f; then echo granted; else echo "denied $?"; fi
    ROOST_AGENT=bob roost_lock g
    echo after'
  [ "${lines[0]}" = "denied 2" ]
  [[ "${lines[1]}" == "locked g until "* ]]
  [ "${lines[2]}" = "after" ]
}

@test "lock runs under dash and bash alike" {
  for sh in dash bash; do
    command -v "$sh" >/dev/null || continue
    run -0 "$sh" "$REPO_ROOT/bin/roost" --agent "a$sh" lock "x/$sh.py"
    run -2 "$sh" "$REPO_ROOT/bin/roost" --agent "b$sh" lock "x/$sh.py"
  done
}

@test "control characters in keys never reach the terminal" {
  run -0 roost --agent alice lock "$(printf 'a\033b\001c')"
  [ "$output" = "${output%%[[:cntrl:]]*}" ]
  [[ "$output" == "locked abc until "* ]]
}

@test "lock --help is the command file's header" {
  run -0 roost lock --help
  [[ "${lines[0]}" == "Summary: Lease files, folders, globs or resources"* ]]
  [[ "$output" == *"Exit codes: 0 granted"* ]]
}
