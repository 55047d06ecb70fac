#!/usr/bin/env bats
# The shell side of the foundation: dispatcher, sourced library, shells.

load helper

setup() { setup_roost; }

@test "bin/roost runs under dash and bash alike" {
  run -0 dash "$REPO_ROOT/bin/roost" --agent alice whoami
  [ "$output" = "alice (from --agent)" ]
  run -0 bash "$REPO_ROOT/bin/roost" --agent alice whoami
  [ "$output" = "alice (from --agent)" ]
}

@test "a command unknown to the shell is handed to Python with its arguments intact" {
  run -0 roost --agent alice agents --json
  [[ "$output" == *'"agent":"alice"'* ]]
  run -64 roost frobnicate
  [[ "$output" == *"roost: frobnicate:"* ]]
}

@test "help for a shell-owned command comes from its header and names its exit codes" {
  run -0 roost heartbeat --help
  [[ "$output" == *"Usage: roost heartbeat"* ]]
  [[ "$output" == *"Exit codes:"* ]]
  run -0 roost help whoami
  [[ "$output" == *"Usage: roost whoami"* ]]
}

@test "the database a shell command finds on first use has the golden schema and the shell's schema version" {
  run -0 roost --agent alice whoami
  run -0 sqlite3 .roost/roost.db .schema\ --nosys
  diff <(printf '%s\n' "$output") "$REPO_ROOT/tests/golden/schema.sql"
  want=$(sed -n 's/^_ROOST_SCHEMA=\([0-9]*\)$/\1/p' "$REPO_ROOT/lib/roost/core.sh")
  [ "$(sqlite3 .roost/roost.db 'PRAGMA user_version')" = "$want" ]
}

@test "errors go to stderr and data to stdout" {
  run --separate-stderr -64 roost --agent alice heartbeat --epoch nope
  [ -z "$output" ]
  [[ "$stderr" == "roost: heartbeat: --epoch needs a whole number"* ]]
}

@test "sourcing lib/roost.sh under dash with set -eu defines roost functions and no variables" {
  cat > "$BATS_TEST_TMPDIR/t.sh" <<'SH'
set -eu
vars() { set | grep -E '^[A-Za-z_][A-Za-z0-9_]*=' | grep -v -E '^(_|PPID|OLDPWD|BASH_ARG[VC]|BASH_LINENO|BASH_SOURCE|FUNCNAME|PIPESTATUS|BASH_COMMAND|LINENO|RANDOM|SECONDS|EPOCH[A-Z]*|SRANDOM)='; }
vars > "$1.before"
. "$ROOST_HOME/lib/roost.sh"
vars > "$1.after"
cmp "$1.before" "$1.after" || { diff "$1.before" "$1.after"; exit 1; }
command -v roost_whoami >/dev/null
command -v roost_heartbeat >/dev/null
roost_whoami --agent alice
vars > "$1.later"
cmp "$1.before" "$1.later" || { diff "$1.before" "$1.later"; exit 1; }
SH
  run -0 dash "$BATS_TEST_TMPDIR/t.sh" "$BATS_TEST_TMPDIR/vars"
  [ "$output" = "alice (from --agent)" ]
  run -0 bash "$BATS_TEST_TMPDIR/t.sh" "$BATS_TEST_TMPDIR/vars"
  [ "$output" = "alice (from --agent)" ]
}

@test "lib/roost.sh in bash finds itself without ROOST_HOME" {
  run -0 env -u ROOST_HOME bash -c '
    set -eu
    . "'"$REPO_ROOT"'/lib/roost.sh"
    roost_heartbeat --agent bob --quiet
    roost_whoami --agent bob
  '
  [ "$output" = "bob (from --agent)" ]
}

@test "lib/roost.sh defines roost_<command> for every shell-owned command, also when it falls back to roost on PATH" {
  want=$(cd "$REPO_ROOT/lib/roost/commands" && for f in *.sh; do printf 'roost_%s\n' "${f%.sh}"; done | sort)
  got=$(ROOST_HOME=$REPO_ROOT dash -c '. "$ROOST_HOME/lib/roost.sh"; for f in $(cd "$ROOST_HOME/lib/roost/commands" && ls); do n=${f%.sh}; command -v "roost_$n" >/dev/null && echo "roost_$n"; done' | sort)
  [ "$got" = "$want" ]
  # fallback: a roost on PATH that is not a roost tree (an installer's launcher)
  mkdir -p "$BATS_TEST_TMPDIR/fb/bin"
  printf '#!/bin/sh\necho "fallback $*"\n' > "$BATS_TEST_TMPDIR/fb/bin/roost"
  chmod +x "$BATS_TEST_TMPDIR/fb/bin/roost"
  cp "$REPO_ROOT/lib/roost.sh" "$BATS_TEST_TMPDIR/fb/roost.sh"
  got=$(env -u ROOST_HOME PATH="$BATS_TEST_TMPDIR/fb/bin:$PATH" dash -c '. "$1"; for n in '"$(echo "$want" | sed 's/^roost_//' | tr '\n' ' ')"'; do roost_$n x; done' sh "$BATS_TEST_TMPDIR/fb/roost.sh" | sort)
  [ "$got" = "$(echo "$want" | sed 's/^roost_\(.*\)/fallback \1 x/' | sort)" ]
  # pip install: bin/roost beside share/roost/lib/roost
  mkdir -p "$BATS_TEST_TMPDIR/pip/bin" "$BATS_TEST_TMPDIR/pip/share/roost"
  cp -R "$REPO_ROOT/lib" "$REPO_ROOT/python" "$BATS_TEST_TMPDIR/pip/share/roost/"
  cp "$REPO_ROOT/bin/roost" "$BATS_TEST_TMPDIR/pip/bin/roost"
  # (found at source time: the functions no longer need the roost on PATH)
  run -0 env -u ROOST_HOME PATH="$BATS_TEST_TMPDIR/pip/bin:$PATH" dash -c '. "$1"; PATH=/usr/bin:/bin; roost_whoami --agent pipper' \
    sh "$BATS_TEST_TMPDIR/pip/share/roost/lib/roost.sh"
  [ "$output" = "pipper (from --agent)" ]
}

@test "a refusal returns its code to a set -e caller that tests it, and never exits the caller" {
  for sh in dash bash; do
    run -0 "$sh" -c '
      set -eu
      . "$ROOST_HOME/lib/roost.sh"
      if roost_whoami 2>/dev/null; then echo "unexpected success"; exit 1; fi
      roost_heartbeat --epoch bad 2>/dev/null || rc=$?
      echo "rc=$rc"
      echo still-here
    '
    [[ "$output" == *"rc=64"* ]]
    [[ "$output" == *"still-here"* ]]
  done
}

@test "the library ignores the caller's IFS, aliases and set -u" {
  run -0 bash -c '
    set -u
    IFS=:
    shopt -s expand_aliases
    alias sqlite3="echo broken"
    alias printf="echo broken"
    . "$ROOST_HOME/lib/roost.sh"
    roost_whoami --agent "carol"
    [ "$IFS" = ":" ] && echo ifs-kept
  '
  [[ "$output" == *"carol (from --agent)"* ]]
  [[ "$output" == *"ifs-kept"* ]]
}

@test "a message-like argument after -- is not taken for a flag" {
  run -64 roost --agent alice whoami -- --json
  [[ "$output" == *"unexpected argument '--json'"* ]]
}

@test "the shell never migrates: a database one version behind exits 78 naming roost migrate" {
  run -0 roost --agent alice heartbeat
  sqlite3 .roost/roost.db "PRAGMA user_version = 0"
  run -78 roost --agent alice heartbeat
  [[ "$output" == *"roost migrate"* ]]
}

@test "every shell file is ShellCheck clean" {
  command -v shellcheck
  run -0 shellcheck -x -s sh "$REPO_ROOT/bin/roost" "$REPO_ROOT/lib/roost.sh" "$REPO_ROOT"/lib/roost/*.sh \
    "$REPO_ROOT"/lib/roost/commands/*.sh "$REPO_ROOT/install.sh" "$REPO_ROOT/tests/run" "$REPO_ROOT/.ci/run"
}

@test "the control bytes core.sh relies on are intact (CR, unit separator, tab)" {
  run -0 dash -c '. "$ROOST_HOME/lib/roost/core.sh"; printf "%s|%s|%s" "$_roost_cr" "$_roost_us" "$_roost_tab" | od -An -tx1'
  [ "$(echo $output)" = "0d 7c 1f 7c 09" ]
}

@test "an unknown flag before the command never bounces between shell and Python" {
  run -64 timeout 10 roost --bogus recv
  [[ "$output" == *"roost: recv:"* ]]
  run -64 timeout 10 roost --bogus agents
  [[ "$output" == *"roost: agents:"* ]]
  run -64 timeout 10 env _ROOST_FROM_PYTHON=1 roost not-a-command
  [[ "$output" == *"no such command"* ]]
}
