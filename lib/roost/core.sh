# shellcheck shell=sh
# roost shell core: private helpers for bin/roost and lib/roost.sh.
# Everything here is a function or a _roost_* variable; nothing runs when
# sourced. Functions return, never exit. No external process is started
# except the one sqlite3 per command (and python on the slow paths).

# Exit codes (tests compare this table with python/roost/errors.py).
_ROOST_OK=0 _ROOST_ERROR=1 _ROOST_DENIED=2 _ROOST_USAGE=64
_ROOST_UNAVAILABLE=69 _ROOST_BUSY=75 _ROOST_CONFIG=78
_ROOST_APP_ID=1380928340
# The status marker (ASCII unit separator, a literal byte), tab, newline.
_roost_us=''
_roost_tab='	'
_roost_cr=''
_roost_nl='
'

# _roost_err CMD MSG: print an error in the house form.
_roost_err() {
  command printf 'roost: %s: %s\n' "$1" "$2" >&2
}

# Helpers off the hot path live in util.sh: these stubs source it on
# first use (it redefines them) and call the real function. A command
# that never needs them does not pay for parsing them.
_roost_util() { . "$ROOST_HOME/lib/roost/util.sh"; }
_roost_duration() { _roost_util; _roost_duration "$@"; }
_roost_python() { _roost_util; _roost_python "$@"; }
_roost_help_file() { _roost_util; _roost_help_file "$@"; }
_roost_usage() { _roost_util; _roost_usage "$@"; }
_roost_pid_dead() { _roost_util; _roost_pid_dead "$@"; }
_roost_run_failed() { _roost_util; _roost_run_failed "$@"; }
_roost_clean() { _roost_util; _roost_clean "$@"; }
_roost_hostname() { _roost_util; _roost_hostname "$@"; }

# _roost_lit TEXT: set _roost_r to TEXT as an SQL string expression. The
# only special character inside an SQLite literal is the single quote,
# which is doubled; newlines, ';', '.shell' and invalid UTF-8 are inert
# because the script goes in on stdin and the CLI only takes dot-commands
# at the start of a statement. One exception: the CLI drops a CR that ends
# an input line, so every CR is spelled '||char(13)||' instead.
_roost_lit() {
  case $1 in
    *\'*|*"$_roost_cr"*) ;;
    *) _roost_r="'$1'"; return 0 ;;
  esac
  if [ "${#1}" -gt 4096 ]; then
    # The loop below is quadratic in the number of quotes; sed is linear.
    _roost_r=$(command printf '%s' "$1" | LC_ALL=C command sed "s/'/''/g; s/$_roost_cr/'||char(13)||'/g"; command printf x)
    _roost_r="'${_roost_r%x}'"
    return 0
  fi
  _roost_r= _roost_t=$1
  while :; do
    case $_roost_t in
      *\'*) _roost_r="$_roost_r${_roost_t%%\'*}''"; _roost_t=${_roost_t#*\'} ;;
      *) break ;;
    esac
  done
  _roost_t=$_roost_r$_roost_t _roost_r=
  while :; do
    case $_roost_t in
      *"$_roost_cr"*) _roost_r="$_roost_r${_roost_t%%"$_roost_cr"*}'||char(13)||'"; _roost_t=${_roost_t#*"$_roost_cr"} ;;
      *) break ;;
    esac
  done
  _roost_r="'$_roost_r$_roost_t'"
  unset _roost_t
}

# _roost_id_ok ID: 0 when ID is a well-formed agent id.
_roost_id_ok() {
  case $1 in
    all|operator|'') return 1 ;;
    [A-Za-z0-9]*) ;;
    *) return 1 ;;
  esac
  case $1 in *[!A-Za-z0-9._-]*) return 1 ;; esac
  [ "${#1}" -le 64 ]
}

# _roost_uint S: 0 when S is a non-negative decimal integer (no sign, <=18 digits).
_roost_uint() {
  case $1 in ''|*[!0-9]*) return 1 ;; esac
  [ "${#1}" -le 18 ]
}

# _roost_locate: set _roost_root (ROOT), _roost_db and _roost_db_how.
# ROOT is the main working tree of the enclosing git repository (linked
# worktrees share it), else the nearest ancestor with .roost/, else the
# current directory. No git process: .git is read directly.
_roost_locate() {
  _roost_root= _roost_rdir=
  if [ -n "${ROOST_ROOT:-}" ]; then
    _roost_root=$ROOST_ROOT
  else
    _roost_d=$PWD
    while :; do
      if [ -d "$_roost_d/.git" ]; then
        _roost_root=$_roost_d; break
      elif [ -f "$_roost_d/.git" ]; then
        _roost_l=
        IFS= read -r _roost_l < "$_roost_d/.git" || :
        _roost_l=${_roost_l#gitdir: }
        case $_roost_l in
          /*) ;;
          *) _roost_l=$_roost_d/$_roost_l ;;
        esac
        case $_roost_l in
          */.git/worktrees/*) _roost_root=${_roost_l%%/.git/worktrees/*} ;;
          *) _roost_root=$_roost_d ;;
        esac
        break
      fi
      [ -z "$_roost_rdir" ] && [ -d "$_roost_d/.roost" ] && _roost_rdir=$_roost_d
      [ -z "$_roost_d" ] && break
      _roost_d=${_roost_d%/*}
    done
    [ -z "$_roost_root" ] && _roost_root=${_roost_rdir:-$PWD}
    [ -z "$_roost_root" ] && _roost_root=/
    unset _roost_d _roost_l
  fi
  unset _roost_rdir
  if [ -n "${_roost_opt_db:-}" ]; then
    _roost_db=$_roost_opt_db _roost_db_how=--db
  elif [ -n "${ROOST_DB:-}" ]; then
    _roost_db=$ROOST_DB _roost_db_how=ROOST_DB
  else
    _roost_db=$_roost_root/.roost/roost.db _roost_db_how=root
  fi
}

# The schema version this roost wants: the newest migration's number. A
# constant, so that no command lists the schema folder; a test compares it
# with the migration files, from which Python derives the same number.
_ROOST_SCHEMA=9

# _roost_ident: resolve who the caller is. Sets _roost_me_sql (an SQL
# expression, NULL when nobody), _roost_me (the id when known without the
# database) and _roost_me_how. Returns 64 on a malformed id.
_roost_ident() {
  _roost_me= _roost_me_how= _roost_me_sql=NULL
  if [ -n "${_roost_opt_agent:-}" ]; then
    _roost_me=$_roost_opt_agent _roost_me_how=--agent
  elif [ -n "${ROOST_AGENT:-}" ]; then
    _roost_me=$ROOST_AGENT _roost_me_how=ROOST_AGENT
  fi
  if [ -n "$_roost_me_how" ]; then
    if ! _roost_id_ok "$_roost_me"; then
      _roost_lit "$_roost_me"
      _roost_err "$_roost_cmd" "bad agent id $_roost_r from $_roost_me_how (want [A-Za-z0-9][A-Za-z0-9._-]{0,63}, not 'all' or 'operator')"
      return 64
    fi
    _roost_me_sql="'$_roost_me'"
    return 0
  fi
  for _roost_v in ROOST_SESSION CLAUDE_CODE_SESSION_ID GEMINI_SESSION_ID CODEX_SESSION_ID CODEX_THREAD_ID COPILOT_AGENT_SESSION_ID; do
    eval "_roost_sv=\${$_roost_v:-}"
    if [ -n "$_roost_sv" ]; then
      _roost_lit "$_roost_sv"
      _roost_me_sql="(SELECT agent FROM sessions WHERE id = $_roost_r)"
      _roost_me_how="session $_roost_v"
      break
    fi
  done
  unset _roost_v _roost_sv
  return 0
}

# _roost_begin [read]: start the SQL script of a command: busy timeout,
# the caller's context as parameters (@now, @me), one BEGIN IMMEDIATE
# transaction, the schema check, and the touch that records the caller as
# seen (registering an explicit id on first use). With read: a read
# transaction (BEGIN), which never waits for a writer, and no touch.
_roost_begin() {
  _roost_timeout=${ROOST_BUSY_TIMEOUT_MS:-5000}
  _roost_uint "$_roost_timeout" || _roost_timeout=5000
  if [ -n "${ROOST_NOW:-}" ] && _roost_uint "$ROOST_NOW"; then
    _roost_now=$ROOST_NOW
  else
    _roost_now="CAST(strftime('%s','now') AS INTEGER)"
  fi
  _roost_lit "$_roost_db"
  # .timeout comes first: every statement after it, the per-connection
  # set-up included, waits out a busy database instead of failing at once.
  # (A dot-command argument in single quotes is taken as is.) The rest of
  # the prelude is core_begin.sql: a file costs neither parsing here nor
  # bytes in the script.
  # The WAL is kept at exit (no checkpoint and fsync on every close) but
  # stays bounded: see _roost_wal_keep and _roost_wal_restart.
  _roost_s=".timeout $_roost_timeout
$_roost_wal_keep.read \"$_roost_schema/connection.sql\"
.parameter init
INSERT INTO temp.sqlite_parameters VALUES ('@now', $_roost_now), ('@me', $_roost_me_sql),
  ('@roost_db', $_roost_r), ('@roost_v', $_ROOST_SCHEMA), ('@roost_app', $_ROOST_APP_ID);
"
  if [ "${1:-}" = read ]; then
    _roost_s="${_roost_s}BEGIN;
.read \"$_roost_schema/core_begin.sql\"
"
  else
    _roost_s="${_roost_s}BEGIN IMMEDIATE;
.read \"$_roost_schema/core_begin.sql\"
.read \"$_roost_schema/core_seen.sql\"
"
  fi
}

# _roost_state: make the liveness view (agent_state.sql) before the next
# statements, once per script: only the scripts that use it pay for it.
_roost_state() {
  case $_roost_s in
    *"/agent_state.sql\""*) ;;
    *) _roost_s="$_roost_s.read \"$_roost_schema/agent_state.sql\"
" ;;
  esac
}

# _roost_need_me: stop (exit 64) when the caller has no identity.
_roost_need_me() {
  _roost_s="${_roost_s}SELECT char(31) || '64' || char(9) || 'no identity: pass --agent ID, set ROOST_AGENT, or bind this session with ''roost register ID''' WHERE @me IS NULL;
INSERT INTO roost_err(rc) SELECT NULL WHERE @me IS NULL;
"
}

# _roost_stop: if an error was recorded, print it and abort (rollback).
_roost_stop() {
  _roost_s="${_roost_s}SELECT char(31) || rc || char(9) || msg FROM roost_err LIMIT 1;
INSERT INTO roost_err(rc) SELECT NULL FROM roost_err LIMIT 1;
"
}

# _roost_end: commit, then report the first recorded status (or 0). A
# status recorded without _roost_stop keeps the writes (a denied lock still
# counts as the caller being seen).
_roost_end() {
  _roost_s="${_roost_s}COMMIT;
"
  _roost_status
  _roost_s="${_roost_s}.timeout 0
"
  _roost_wal_restart
}

# _roost_status: print the status line: the first status in roost_err, else 0.
_roost_status() {
  _roost_s="${_roost_s}SELECT char(31) || coalesce((SELECT rc || char(9) || msg FROM roost_err LIMIT 1), '0');
"
}

# _roost_wal_keep / _roost_wal_restart: the shell's commands keep the WAL
# at exit (a checkpoint and two fsyncs on every close cost more than the
# command) and bound it themselves. A roost command is usually the only
# process with the database open; SQLite then rebuilds the WAL index from
# the WAL on open and forgets what was checkpointed, so only the process
# that checkpointed can restart the WAL, and only at its next write.
# Past 16 frames a commit checkpoints (the pragma's output is discarded);
# the restart is two writes of the constant application_id (page 1; a
# write that changes nothing is skipped, a pragma write is not): the first
# commits a frame, so a checkpoint is due even when the command changed
# nothing (a second call in the same second), the second starts the WAL
# over once that checkpoint is done. After the status line, with no busy
# wait: a busy database costs nothing but this restart. Durability is
# synchronous=NORMAL's: a commit survives any process crash; a power loss
# may lose the last commits, never corrupt the file.
_roost_wal_keep='.output /dev/null
.dbconfig no_ckpt_on_close on
PRAGMA wal_autocheckpoint = 16;
.output
'
_roost_wal_restart() {
  _roost_s="${_roost_s}PRAGMA application_id = $_ROOST_APP_ID;
PRAGMA application_id = $_ROOST_APP_ID;
"
}

# _roost_run: make sure the database exists, run the script with the one
# sqlite3 process roost starts, print data to stdout and the status
# message to stderr, and return the status. With _roost_keep set, the data
# and the status message are left in _roost_data and _roost_msg instead,
# for a command that looks at them before printing (a slow path).
_roost_run() {
  [ -n "${ROOST_DUMP_SQL:-}" ] && command printf "%s\n" "$_roost_s" > "$ROOST_DUMP_SQL"
  if [ ! -f "$_roost_db" ]; then
    _roost_python migrate --quiet --db "$_roost_db" || return
  fi
  _roost_rb=
  while :; do
    _roost_o=$(exec sqlite3 -batch -bail -init /dev/null "$_roost_db" 2>&1 <<_ROOST_EOF_
$_roost_s
_ROOST_EOF_
)
    case $_roost_o in *"$_roost_us"*) ;; *) break ;; esac
    _roost_t=${_roost_o##*"$_roost_us"}
    _roost_t=${_roost_t%%"$_roost_nl"*}
    # A caller not in agents yet stopped the script before any write
    # (core_seen.sql): run it once more (once), registering the caller.
    [ "$_roost_t" = register ] && [ -z "$_roost_rb" ] || break
    _roost_rb=".read \"$_roost_schema/core_seen.sql\"
"
    case $_roost_s in *"$_roost_rb"*) ;; *) break ;; esac
    _roost_s="${_roost_s%%"$_roost_rb"*}INSERT OR REPLACE INTO temp.sqlite_parameters VALUES ('@register', 1);
$_roost_rb.read \"$_roost_schema/core_register.sql\"
${_roost_s#*"$_roost_rb"}"
  done
  unset _roost_rb
  case $_roost_o in
    *"$_roost_us"*)
      _roost_o=${_roost_o%"$_roost_us"*}
      _roost_rc=${_roost_t%%"$_roost_tab"*}
      if [ -n "${_roost_keep:-}" ]; then
        _roost_data=$_roost_o _roost_msg=
        [ "$_roost_rc" != "$_roost_t" ] && _roost_msg=${_roost_t#*"$_roost_tab"}
        unset _roost_o _roost_t _roost_s
        return "$_roost_rc"
      fi
      [ -n "$_roost_o" ] && command printf '%s' "$_roost_o"
      [ "$_roost_rc" != "$_roost_t" ] && _roost_err "$_roost_cmd" "${_roost_t#*"$_roost_tab"}"
      unset _roost_o _roost_t _roost_s
      return "$_roost_rc"
      ;;
  esac
  _roost_run_failed
  unset _roost_o _roost_s
  return "$_roost_rc"
}

# _roost_alias NAME: set _roost_r to the command NAME stands for.
_roost_alias() {
  case $1 in
    hb) _roost_r=heartbeat ;;
    ex|exchange) _roost_r=send ;;
    *) _roost_r=$1 ;;
  esac
}

# _roost_main ARGS...: parse global flags (before or after the command;
# `--` ends flag parsing), then run a shell-owned command in this process
# or hand the untouched arguments to the Python core.
_roost_main() {
  _roost_cmd= _roost_opt_db= _roost_opt_agent= _roost_opt_json= _roost_opt_quiet= _roost_help=
  _roost_skip= _roost_from_py=${_ROOST_FROM_PYTHON:-}
  unset _ROOST_FROM_PYTHON  # only for this hand-over, not for our children
  for _roost_a in "$@"; do
    if [ -n "$_roost_skip" ]; then _roost_skip=; continue; fi
    case $_roost_a in
      --) break ;;
      --db|--agent) _roost_skip=1 ;;
      --db=*|--agent=*|--json|--quiet|-q) ;;
      --help|-h) _roost_help=1 ;;
      -*) ;;  # the command is the first word that is not a flag (as in Python)
      *) [ -z "$_roost_cmd" ] && _roost_cmd=$_roost_a ;;
    esac
  done
  unset _roost_skip _roost_a
  _roost_alias "$_roost_cmd"; _roost_cmd=$_roost_r
  _roost_f=$ROOST_HOME/lib/roost/commands/$_roost_cmd.sh
  case $_roost_cmd in
    ''|*/*|.*|help) _roost_f= ;;
  esac
  if [ -z "$_roost_f" ] || [ ! -f "$_roost_f" ]; then
    unset _roost_f
    if ! command -v "$_roost_py" >/dev/null 2>&1; then
      _roost_err "${_roost_cmd:-roost}" "python3 not found: install Python 3.9 or newer (or set ROOST_PYTHON)"
      return 69
    fi
    if [ -n "$_roost_from_py" ]; then
      # Python handed us a command we do not own: never bounce it back.
      _roost_err "${_roost_cmd:-roost}" "no such command (see 'roost help')"
      return 64
    fi
    PYTHONPATH=$ROOST_HOME/python${PYTHONPATH:+:$PYTHONPATH}
    export PYTHONPATH
    exec "$_roost_py" -c "from roost.__main__ import run; run()" "$@"
  fi
  if [ -n "$_roost_help" ]; then
    _roost_help_file "$_roost_f"
    return 0
  fi
  # Second pass: drop the global flags and the command name, keep the rest
  # in order (rotating through "$@", as POSIX sh has no arrays).
  _roost_n=$# _roost_seen= _roost_end=
  while [ "$_roost_n" -gt 0 ]; do
    _roost_a=$1; shift; _roost_n=$((_roost_n - 1))
    if [ -n "$_roost_end" ]; then set -- "$@" "$_roost_a"; continue; fi
    case $_roost_a in
      --) _roost_end=1; set -- "$@" "$_roost_a" ;;
      --db|--agent)
        if [ "$_roost_n" -eq 0 ]; then
          _roost_err "$_roost_cmd" "$_roost_a needs a value"; return 64
        fi
        if [ "$_roost_a" = --db ]; then _roost_opt_db=$1; else _roost_opt_agent=$1; fi
        shift; _roost_n=$((_roost_n - 1)) ;;
      --db=*) _roost_opt_db=${_roost_a#--db=} ;;
      --agent=*) _roost_opt_agent=${_roost_a#--agent=} ;;
      --json) _roost_opt_json=1 ;;
      --quiet|-q) _roost_opt_quiet=1 ;;
      *)
        if [ -z "$_roost_seen" ]; then _roost_seen=1; else set -- "$@" "$_roost_a"; fi ;;
    esac
  done
  unset _roost_n _roost_seen _roost_end _roost_a
  _roost_locate
  if [ "$_roost_cmd" = hook ]; then
    # A hook fails open: a bad id is logged there, never an exit code.
    _roost_bad_id=
    _roost_ident 2>/dev/null || _roost_bad_id=1
  else
    _roost_ident || return
  fi
  # The schema folder as a dot-command argument (in double quotes, which
  # take backslash escapes): every `.read` of a shared SQL file uses it.
  _roost_schema=$ROOST_HOME/python/roost/schema
  case $_roost_schema in
    *\\*|*\"*) _roost_schema=$(command printf '%s' "$_roost_schema" | command sed 's/[\\"]/\\&/g') ;;
  esac
  . "$_roost_f"
  unset _roost_f
  "_roost_cmd_$_roost_cmd" "$@"
}

# _roost_noargs "$@": refuse any argument (64).
_roost_noargs() {
  [ "$#" -gt 0 ] && [ "$1" = -- ] && shift
  [ "$#" -eq 0 ] && return 0
  _roost_lit "$1"
  _roost_err "$_roost_cmd" "unexpected argument $_roost_r (see 'roost $_roost_cmd --help')"
  return 64
}
