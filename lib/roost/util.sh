# shellcheck shell=sh
# roost shell helpers off the hot path (usage errors, durations, help, the
# Python slow path, pid checks), sourced by the stubs in core.sh on first
# use. Same rules as core.sh: functions only, they return, never exit.

# _roost_duration OPT VALUE: set _roost_r to VALUE in seconds (90s, 15m,
# 2h, 1d, or plain seconds); 64 with a message when malformed.
_roost_duration() {
  _roost_r=$2
  case $2 in
    *s) _roost_r=${2%s} ;;
    *m) _roost_r=${2%m} ;;
    *h) _roost_r=${2%h} ;;
    *d) _roost_r=${2%d} ;;
  esac
  if ! _roost_uint "$_roost_r" || [ "${#_roost_r}" -gt 9 ]; then
    _roost_lit "$2"
    _roost_err "$_roost_cmd" "bad duration for $1: $_roost_r (use 90s, 15m, 2h, 1d or seconds)"
    return 64
  fi
  case $2 in
    *m) _roost_r=$((_roost_r * 60)) ;;
    *h) _roost_r=$((_roost_r * 3600)) ;;
    *d) _roost_r=$((_roost_r * 86400)) ;;
  esac
  return 0
}

# _roost_python ARGS...: run the Python core (a slow path) and wait for it.
_roost_python() {
  if ! command -v "$_roost_py" >/dev/null 2>&1; then
    _roost_err "${_roost_cmd:-roost}" "python3 not found: install Python 3.9 or newer (or set ROOST_PYTHON)"
    return 69
  fi
  # _ROOST_AS: errors speak under the shell command's name (a first use
  # runs `migrate` for `heartbeat`: its failure is heartbeat's).
  _ROOST_AS=${_roost_cmd:-} PYTHONPATH=$ROOST_HOME/python${PYTHONPATH:+:$PYTHONPATH} "$_roost_py" -m roost "$@"
}

# _roost_help_file FILE: print a command file's header comment as its help.
_roost_help_file() {
  while IFS= read -r _roost_l; do
    case $_roost_l in
      '#!'*|'# shellcheck'*) continue ;;
      '#') command printf '\n' ;;
      '# '*) command printf '%s\n' "${_roost_l#\# }" ;;
      *) break ;;
    esac
  done < "$1"
  unset _roost_l
}

# _roost_usage MSG: a usage error (64).
_roost_usage() {
  _roost_err "$_roost_cmd" "$1 (see 'roost $_roost_cmd --help')"
  return 64
}

# _roost_pid_dead PID START HOST: 0 when the process is provably gone: on
# this host, and no such pid, or the pid now belongs to a process with
# another start time (recycled). Mirrors roost.proc.pid_dead.
_roost_pid_dead() {
  [ -n "$1" ] || return 1
  _roost_hostname
  [ "$3" = "$_roost_host" ] || return 1
  if [ ! -d /proc/self ]; then
    kill -0 "$1" 2>/dev/null && return 1
    return 0
  fi
  _roost_l= _roost_ps=$2
  { IFS= read -r _roost_l < "/proc/$1/stat"; } 2>/dev/null || { unset _roost_l _roost_ps; return 0; }
  _roost_l=${_roost_l##*) }
  # Fields after "pid (comm) " start at field 3; the start time is field 22.
  # shellcheck disable=SC2086 # split the stat fields on purpose
  set -- $_roost_l
  unset _roost_l
  if [ "$#" -ge 20 ]; then
    shift 19
    if [ -n "$_roost_ps" ] && [ "$1" != "$_roost_ps" ]; then unset _roost_ps; return 0; fi
  fi
  unset _roost_ps
  return 1
}

# _roost_run_failed: _roost_run's answer when sqlite3 printed no status
# line (it failed before or without one): busy, not a database, no
# sqlite3, or its own first line of error. Sets _roost_rc.
_roost_run_failed() {
  case $_roost_o in
    *'database is locked'*|*'database table is locked'*|*'database is busy'*)
      _roost_err "$_roost_cmd" "database is busy (another writer held it for over ${_roost_timeout}ms): nothing was changed, it is safe to retry"
      _roost_rc=75 ;;
    *'file is not a database'*)
      _roost_lit "$_roost_db"
      _roost_err "$_roost_cmd" "not a roost database: $_roost_r"
      _roost_rc=78 ;;
    *)
      if ! command -v sqlite3 >/dev/null 2>&1; then
        _roost_err "$_roost_cmd" "sqlite3 not found: install the sqlite3 command-line shell (3.37 or newer)"
        _roost_rc=69
      else
        _roost_o=${_roost_o#"$_roost_nl"}
        _roost_o=${_roost_o%%"$_roost_nl"*}
        _roost_err "$_roost_cmd" "sqlite3 failed: ${_roost_o#Error: }"
        _roost_rc=1
      fi ;;
  esac
}

# _roost_clean SQL-EXPR: set _roost_r to an SQL expression of EXPR made
# safe for human output of text that agents wrote: C0 controls but tab and
# newline, DEL, every C1 control (CSI, OSC, DCS, ST, ...) and the bidi
# embeddings, overrides, isolates and marks go; line and paragraph
# separators become spaces (the set of python/roost/text.py). A C1 control
# goes as a character (bytes C2 80..C2 9F); a lone byte 0x80..0x9F stays,
# since replace() cannot tell it from part of a valid character. The 76
# replace() calls are split over common table expressions, 15 to one: about
# 20 nested calls, or as many nested subqueries, overflow the parser's stack.
_roost_clean() {
  _roost_r="c0(y) AS (SELECT $1)" _roost_cl=y _roost_i=0 _roost_n=0
  set -- 1 8 11 31 127 159 1564 1564 8206 8207 8234 8238 8294 8297
  while [ $# -gt 1 ]; do
    _roost_c=$1
    while [ "$_roost_c" -le "$2" ]; do
      _roost_cl="replace($_roost_cl, char($_roost_c), '')"
      _roost_c=$((_roost_c + 1)) _roost_n=$((_roost_n + 1))
      if [ "$_roost_n" -eq 15 ]; then
        _roost_i=$((_roost_i + 1)) _roost_n=0
        _roost_r="$_roost_r, c$_roost_i(y) AS (SELECT $_roost_cl FROM c$((_roost_i - 1)))"
        _roost_cl=y
      fi
    done
    shift 2
  done
  _roost_r="(WITH $_roost_r SELECT replace(replace($_roost_cl, char(8232), ' '), char(8233), ' ') FROM c$_roost_i)"
  unset _roost_c _roost_cl _roost_i _roost_n
}

# _roost_hostname: set _roost_host to this host's name (no process on Linux).
_roost_hostname() {
  _roost_host=
  if [ -r /proc/sys/kernel/hostname ]; then
    IFS= read -r _roost_host < /proc/sys/kernel/hostname || :
  fi
  # shellcheck disable=SC3028 # bash and zsh set HOSTNAME; empty elsewhere
  [ -n "$_roost_host" ] || _roost_host=${HOSTNAME:-}
  [ -n "$_roost_host" ] || _roost_host=$(uname -n)
}

