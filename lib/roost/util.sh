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
# since replace() cannot tell it from part of a valid character.
# Cheap to compile, which every such command pays: one GLOB (a class of
# code point ranges) finds the rare text that has any, and only that text goes
# through the 76 replace() calls, as the steps of a recursive CTE over the
# string of those characters (written as 76 nested calls, the expression
# cost 1.5 ms to compile in every inbox, recv and claim).
_roost_clean() {
  _roost_r="CASE WHEN ($1) GLOB '*[' || $_roost_bad_class || ']*' THEN (WITH RECURSIVE k(i, s) AS (SELECT 0, $1 UNION ALL
  SELECT i + 1, replace(s, substr($_roost_bad_all, i + 1, 1), CASE WHEN i >= 74 THEN ' ' ELSE '' END) FROM k WHERE i < 76)
  SELECT s FROM k WHERE i = 76) ELSE $1 END"
}
# The characters: a GLOB class of code point ranges (char(45) is the '-'
# of a range), and one string of all 76, the two separators last.
_roost_bad_class="char(1,45,8,11,45,31,127,45,159,1564,8206,45,8207,8232,45,8238,8294,45,8297)"
_roost_bad_all="char(1,2,3,4,5,6,7,8,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,127,128,129,\
130,131,132,133,134,135,136,137,138,139,140,141,142,143,144,145,146,147,148,149,150,151,152,153,154,155,156,157,158,\
159,1564,8206,8207,8234,8235,8236,8237,8238,8294,8295,8296,8297,8232,8233)"

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

