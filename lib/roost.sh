# shellcheck shell=sh
# The roost shell library. Source it, then call roost_* functions:
#
#   . /path/to/roost/lib/roost.sh      # or set ROOST_HOME first
#   roost_heartbeat --epoch 1
#   if roost_lock src/a.py; then ...; fi
#
# Defines `roost` and one `roost_<command>` per shell-owned command. Each
# call runs in a subshell: it never exits your shell, is unaffected by
# your set -e / set -u / IFS, and leaves no variables behind. The return
# status is roost's exit code (0 ok, 2 denied, 64 usage, ...).
#
# Where the library lives: $ROOST_HOME, else (bash) this file's path, else
# the `roost` command on PATH when it sits in a roost tree; otherwise the
# functions call the `roost` command on PATH.

# shellcheck disable=SC3028,SC2128 # BASH_SOURCE: bash only, empty elsewhere
eval "$(
  h=${ROOST_HOME:-}
  if [ -z "$h" ] && [ -n "${BASH_SOURCE:-}" ]; then
    case $BASH_SOURCE in */*) h=${BASH_SOURCE%/*}/.. ;; *) h=.. ;; esac
  fi
  if [ -z "$h" ]; then
    p=$(command -v roost 2>/dev/null) || p=''
    case $p in */bin/roost) h=${p%/bin/roost} ;; esac
    # pip install: the shell files are data files under share/roost
    [ -n "$h" ] && [ ! -f "$h/lib/roost/core.sh" ] && [ -f "$h/share/roost/lib/roost/core.sh" ] && h=$h/share/roost
  fi
  if [ -n "$h" ] && [ -f "$h/lib/roost/core.sh" ]; then
    h=$(cd -P -- "$h" && pwd) || exit 0
    q=$(command printf '%s' "$h" | command sed "s/'/'\\\\''/g")
    py=${ROOST_PYTHON:-}
    [ -z "$py" ] && [ -x "$h/venv/bin/python3" ] && py=$h/venv/bin/python3
    [ -z "$py" ] && py=python3
    pq=$(command printf '%s' "$py" | command sed "s/'/'\\\\''/g")
    command printf "roost() ( command unalias -a 2>/dev/null; set +eu; IFS=' \t
'; ROOST_HOME='%s'; _roost_py='%s'; . \"\$ROOST_HOME/lib/roost/core.sh\"; cd -P -- . 2>/dev/null || :; _roost_main \"\$@\" )\n" "$q" "$pq"
    for f in "$h"/lib/roost/commands/*.sh; do
      [ -f "$f" ] || continue
      n=${f##*/}; n=${n%.sh}
      command printf 'roost_%s() { roost %s "$@"; }\n' "$n" "$n"
    done
  else
    command printf 'roost() { command roost "$@"; }\n'
    # (the shell-owned commands: a test compares this list with lib/roost/commands)
    for n in ack broadcast claim heartbeat hook inbox lock read recv renew send thread unlock whoami; do
      command printf 'roost_%s() { command roost %s "$@"; }\n' "$n" "$n"
    done
  fi
)"
