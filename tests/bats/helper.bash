# Shared set-up for the bats suites: a fresh repository, HOME and database
# per test, nothing inherited from the caller.
setup_roost() {
  bats_require_minimum_version 1.5.0
  REPO_ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
  export ROOST_HOME=$REPO_ROOT
  export ROOST_PYTHON=${ROOST_PYTHON:-python3}
  export HOME=$BATS_TEST_TMPDIR/home
  mkdir -p "$HOME" "$BATS_TEST_TMPDIR/repo/.git"
  cd "$BATS_TEST_TMPDIR/repo" || return 1
  unset ROOST_AGENT ROOST_DB ROOST_SESSION CLAUDE_CODE_SESSION_ID GEMINI_SESSION_ID ROOST_NOW ROOST_ROOT ROOST_PID
  PATH=$REPO_ROOT/bin:$PATH
}
