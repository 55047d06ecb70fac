#!/usr/bin/env bats
# roost hook from the shell's side: dash and bash, the one-process hot
# path, fail-open exits, stdin as a pipe, a file or nothing.

load helper

setup() {
  setup_roost
  roost init --no-agents-md >/dev/null
  FIX=$REPO_ROOT/tests/fixtures/hooks
  # a recorded payload, moved to this repository
  payload() { sed "s#/tmp/proj#$PWD#g" "$FIX/$1"; }
  # a folder with nothing but sqlite3 in it (and the shell itself): a hook
  # that starts any other process fails to find it
  mkdir -p "$BATS_TEST_TMPDIR/only"
  ln -s "$(command -v sqlite3)" "$BATS_TEST_TMPDIR/only/sqlite3"
  ONLY=$BATS_TEST_TMPDIR/only
}

@test "a hook answers the same under dash and bash" {
  payload claude/PreToolUse_Write.json > p.json
  roost --agent alice lock foo.txt >/dev/null
  run -0 dash "$REPO_ROOT/bin/roost" hook PreToolUse --vendor claude --agent bob < p.json
  [[ "$output" == *'"permissionDecision":"deny"'* ]]
  local dash_out=$output
  run -0 bash "$REPO_ROOT/bin/roost" hook PreToolUse --vendor claude --agent bob < p.json
  [ "$output" = "$dash_out" ]
}

@test "the pre-tool allow path starts no process but sqlite3" {
  payload claude/PreToolUse_Write.json > p.json
  roost --agent alice lock other.txt >/dev/null
  run --separate-stderr -0 env PATH="$ONLY" "$(command -v dash)" "$REPO_ROOT/bin/roost" hook PreToolUse --vendor claude --agent bob < p.json
  [ -z "$output" ]
  [ -z "$stderr" ]
  [ ! -e .roost/hook.log ]
}

@test "the pre-tool deny path starts no process but sqlite3" {
  payload claude/PreToolUse_Bash.json > p.json
  roost --agent alice lock bar.txt >/dev/null
  run --separate-stderr -0 env PATH="$ONLY" "$(command -v dash)" "$REPO_ROOT/bin/roost" hook PreToolUse --vendor claude --agent bob < p.json
  [[ "$output" == *"is held by alice"* ]]
  [ -z "$stderr" ]
  grep -q "bob: denied Bash" .roost/hook.log
}

@test "a prompt with nothing new starts no process but sqlite3 and says nothing" {
  payload claude/UserPromptSubmit.json > p.json
  run --separate-stderr -0 env PATH="$ONLY" "$(command -v dash)" "$REPO_ROOT/bin/roost" hook UserPromptSubmit --vendor claude --agent bob < p.json
  [ -z "$output" ]
  [ -z "$stderr" ]
}

@test "a hook never makes a set -e caller fail, denial or not" {
  payload codex/PreToolUse_apply_patch.json > p.json
  roost --agent alice lock foo.txt >/dev/null
  run -0 dash -c 'set -eu; . "$ROOST_HOME/lib/roost.sh"; roost_hook PreToolUse --vendor codex --agent bob < p.json; echo still-here'
  [[ "$output" == *"is held by alice"* ]]
  [[ "$output" == *"still-here" ]]
}

@test "stdin that is a file or empty is allowed without a word" {
  payload claude/PreToolUse_Write.json > p.json
  run -0 roost hook PreToolUse --agent bob < p.json
  [ -z "$output" ]
  run -0 roost hook PreToolUse --agent bob < /dev/null
  [ -z "$output" ]
}

@test "a hook in a folder without roost allows and leaves nothing behind" {
  mkdir -p "$BATS_TEST_TMPDIR/plain/.git" && cd "$BATS_TEST_TMPDIR/plain"
  payload claude/PreToolUse_Write.json > "$BATS_TEST_TMPDIR/p.json"
  run -0 roost hook PreToolUse < "$BATS_TEST_TMPDIR/p.json"
  [ -z "$output" ]
  [ ! -e .roost ]
}

@test "a hook without an event is a usage error, an unknown event is ignored" {
  run --separate-stderr -64 roost hook < /dev/null
  [[ "$stderr" == "roost: hook: which event?"* ]]
  run -0 roost hook PreCompact < /dev/null
  [ -z "$output" ]
}

@test "help for the hook names its events and exit codes" {
  run -0 roost hook --help
  [[ "$output" == *"Usage: roost hook EVENT"* ]]
  [[ "$output" == *"pre-tool"* && "$output" == *"session-end"* ]]
  [[ "$output" == *"Exit codes:"* ]]
}

@test "a malformed agent id fails open: exit 0, nothing on stdout or stderr, a line in hook.log" {
  roost --agent alice lock foo.txt >/dev/null
  for ev in PreToolUse UserPromptSubmit Stop SessionStart; do
    payload claude/PreToolUse_Write.json > p.json
    run --separate-stderr -0 env ROOST_AGENT="bad id'" roost hook "$ev" --vendor claude < p.json
    [ -z "$output" ]
    [ -z "$stderr" ]
    run --separate-stderr -0 roost hook "$ev" --vendor claude --agent 'x y' < p.json
    [ -z "$output" ]
    [ -z "$stderr" ]
  done
  [ "$(grep -c 'bad agent id from ROOST_AGENT' .roost/hook.log)" -eq 4 ]
  [ "$(grep -c 'bad agent id from --agent' .roost/hook.log)" -eq 4 ]
}
