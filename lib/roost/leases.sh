# shellcheck shell=sh
# Lease helpers shared by lock, unlock and renew: turning path arguments
# into canonical lease keys, and running the lease SQL that Python runs too
# (python/roost/schema/leases_*.sql, mirrored by python/roost/leases.py).
#
# Canonical keys, without starting a process:
#   - a relative path is taken from $PWD, which bin/roost made physical
#     (cd -P .); an absolute one from /.
#   - components are walked left to right: '' and '.' are dropped, '..'
#     drops the last resolved component, and a symlink is replaced by its
#     target: a symlink to a directory by `cd -P` into it (a builtin; the
#     working directory is restored afterwards), a symlink to a file or a
#     dangling one by `readlink` (the slow path: one process per such link).
#     A component that does not exist is kept as it is, so a path need not
#     exist yet. This is os.path.realpath's non-strict walk; Python does the
#     same walk (roost.leases.resolve).
#   - the key is the result relative to the working tree: ROOT (made
#     physical the same way), or the linked worktree $PWD is in (the
#     nearest ancestor with a .git met before ROOT); a result outside it is
#     refused (64).
#   - a path ending in '/', or naming ROOT or an existing directory, is a
#     folder lease: key 'src/' ('./' for ROOT).
#   - a path with * ? or [ is a glob: the folders before the first such
#     component are resolved as above (and any * ? [ in their names escaped
#     as [*] [?] [[]); the rest is kept, minus '' and '.' components; '..'
#     there is refused, as is a [ without its ]. A trailing '/' adds '**'.
#   - --resource NAME is the key NAME, byte for byte.
# Keys are compared byte for byte: case-sensitive, no Unicode normalization.

# _roost_lease_reset: start a new list of requests.
_roost_lease_reset() {
  _roost_lreq= _roost_lnreq=0 _roost_lroot= _roost_lpwd=$PWD _roost_lwide=
}

# Helpers off a check's path (a glob argument, a refused path, a holder
# whose process must be looked at) live in leases_slow.sh: these stubs
# source it on first use (it redefines them) and call the real function,
# as core.sh does for util.sh.
_roost_lease_slow() { . "$ROOST_HOME/lib/roost/leases_slow.sh"; }
_roost_lease_glob() { _roost_lease_slow; _roost_lease_glob "$@"; }
_roost_lease_show() { _roost_lease_slow; _roost_lease_show "$@"; }
_roost_lease_refuse() { _roost_lease_slow; _roost_lease_refuse "$@"; }
_roost_lease_dead() { _roost_lease_slow; _roost_lease_dead "$@"; }

# _roost_lease_clean TEXT: set _roost_r to TEXT without terminal control
# characters (C0 but tab and newline, DEL, C1 CSI: as roost.text.clean).
# Output of the lease SQL goes through this before it is printed: agent
# text (keys, reasons) reaches it raw, newlines already made spaces.
_roost_lease_clean() {
  _roost_r=$1
  case $_roost_r in
    *[$_roost_lc0]*|*"$_roost_lcsi"*) ;;
    *) return 0 ;;
  esac
  while :; do
    # shellcheck disable=SC2295 # $_roost_lc0 is a bracket expression (ranges), on purpose unquoted
    case $_roost_r in
      *[$_roost_lc0]*) _roost_r=${_roost_r%%[$_roost_lc0]*}${_roost_r#*[$_roost_lc0]} ;;
      *"$_roost_lcsi"*) _roost_r=${_roost_r%%"$_roost_lcsi"*}${_roost_r#*"$_roost_lcsi"} ;;
      *) break ;;
    esac
  done
}

# _roost_lease_print DATA MSG: print an operation's output (cleaned unless
# it is JSON, which json_object() already escaped) and its message.
_roost_lease_print() {
  if [ -n "$1" ]; then
    if [ -n "$_roost_opt_json" ]; then
      command printf '%s' "$1"
    else
      _roost_lease_clean "$1"
      command printf '%s' "$_roost_r"
    fi
  fi
  if [ -n "$2" ]; then
    _roost_lease_clean "$2"
    _roost_err "$_roost_cmd" "$_roost_r"
  fi
}

# _roost_lease_resolve PATH: set _roost_r to PATH absolute, with '.', '..'
# and symlinks resolved (see the header). 64 on a symlink loop.
_roost_lease_resolve() {
  case $1 in
    /*) _roost_lc= ;;
    *) _roost_lc=${PWD%/} ;;
  esac
  _roost_lt=$1 _roost_ln=0
  while [ -n "$_roost_lt" ]; do
    case $_roost_lt in
      */*) _roost_lx=${_roost_lt%%/*} _roost_lt=${_roost_lt#*/} ;;
      *) _roost_lx=$_roost_lt _roost_lt= ;;
    esac
    case $_roost_lx in
      ''|.) continue ;;
      ..) _roost_lc=${_roost_lc%/*}; continue ;;
    esac
    if [ ! -h "$_roost_lc/$_roost_lx" ]; then
      _roost_lc=$_roost_lc/$_roost_lx
      continue
    fi
    _roost_ln=$((_roost_ln + 1))
    if [ "$_roost_ln" -gt 40 ]; then
      _roost_lease_refuse "$1" "has too many levels of symbolic links"
      return
    fi
    if [ -d "$_roost_lc/$_roost_lx" ] && cd -P -- "$_roost_lc/$_roost_lx" 2>/dev/null; then
      _roost_lc=${PWD%/} _roost_lmoved=1
    else
      # The slow path: a symlink to a file. The x keeps trailing newlines.
      _roost_lx=$(command readlink -- "$_roost_lc/$_roost_lx" && command printf x) || {
        _roost_lease_refuse "$1" "has a symbolic link that cannot be read"
        return
      }
      _roost_lx=${_roost_lx%x}
      _roost_lx=${_roost_lx%"$_roost_nl"}
      case $_roost_lx in /*) _roost_lc= ;; esac
      _roost_lt=$_roost_lx${_roost_lt:+/$_roost_lt}
    fi
  done
  if [ -n "${_roost_lmoved:-}" ]; then
    cd -P -- "$_roost_lpwd" 2>/dev/null || :
    _roost_lmoved=
  fi
  _roost_r=${_roost_lc:-/}
}

# _roost_lease_rel ARG ABS: set _roost_r to ABS relative to the working
# tree ('' for its top); 64 when it is outside. The tree is ROOT, or the
# linked worktree the current directory is in: the nearest ancestor with a
# .git met before ROOT (keys are repository paths, the same in every
# worktree sharing ROOT's database); ROOT when there is none.
_roost_lease_rel() {
  if [ -z "$_roost_lroot" ]; then
    _roost_lease_resolve "$_roost_root" || return
    _roost_lroot=$_roost_r _roost_lx=${PWD%/}
    while [ "${_roost_lx:-/}" != "$_roost_lroot" ] && [ ! -e "$_roost_lx/.git" ]; do
      if [ -z "$_roost_lx" ]; then _roost_lx=$_roost_lroot; break; fi
      _roost_lx=${_roost_lx%/*}
    done
    _roost_lroot=${_roost_lx:-/}
  fi
  if [ "$2" = "$_roost_lroot" ]; then
    _roost_r=
    return 0
  fi
  case $2 in
    "${_roost_lroot%/}"/*) _roost_r=${2#"${_roost_lroot%/}"/} ;;
    *)
      _roost_lease_show "$_roost_lroot"
      _roost_lx=$_roost_r
      _roost_lease_refuse "$1" "is outside the working tree $_roost_lx: leases are for paths in this repository"
      return ;;
  esac
}

# _roost_lease_key ARG: set _roost_lk (file, dir or glob) and _roost_r
# (the key) for a path argument; 64 with a message when refused.
_roost_lease_key() {
  if [ -z "$1" ]; then
    _roost_usage "an empty path is not a path"
    return
  fi
  case $1 in
    *[[*?]*) ;;
    *)
      _roost_lease_resolve "$1" || return
      _roost_la=$_roost_r
      _roost_lease_rel "$1" "$_roost_la" || return
      _roost_lk='file'
      case $1 in
        */|.|..|*/.|*/..) _roost_lk=dir ;;
        *) { [ -z "$_roost_r" ] || [ -d "$_roost_la" ]; } && _roost_lk=dir ;;
      esac
      if [ "$_roost_lk" = dir ]; then
        _roost_r=${_roost_r:+$_roost_r/}
        _roost_r=${_roost_r:-./}
      fi
      return 0 ;;
  esac
  _roost_lease_glob "$1"
}

# _roost_lease_args OPTS ARGS...: the operands of lock, unlock and renew
# (PATH..., --resource NAME, `--` before paths that start with '-'), and
# the command's own options: OPTS is a |-list of them, a name ending in '='
# takes a value (as --ttl 1h or --ttl=1h). Each is set by _roost_lease_set.
# 64 on an unknown option or a missing value.
_roost_lease_args() {
  _roost_lo="|$1|"; shift
  while [ "$#" -gt 0 ]; do
    case $1 in
      --)
        shift
        for _roost_a in "$@"; do _roost_lease_add path "$_roost_a" || return; done
        break ;;
      --*=*)
        case $_roost_lo in
          *"|${1%%=*}=|"*) _roost_lease_set "${1%%=*}" "${1#*=}" || return ;;
          *) _roost_usage "unknown option ${1%%=*}"; return ;;
        esac ;;
      -?*)
        case $_roost_lo in
          *"|$1=|"*)
            [ "$#" -ge 2 ] || { _roost_usage "$1 needs a value"; return; }
            _roost_lease_set "$1" "$2" || return
            shift ;;
          *"|$1|"*) _roost_lease_set "$1" || return ;;
          *) _roost_usage "unknown option $1"; return ;;
        esac ;;
      *) _roost_lease_add path "$1" || return ;;
    esac
    shift
  done
  unset _roost_lo
}

# _roost_lease_set OPT [VALUE]: one option of a lease command.
_roost_lease_set() {
  case $1 in
    --resource) _roost_lease_add resource "$2" ;;
    --ttl)
      _roost_duration --ttl "$2" || return
      [ "$_roost_r" -gt 0 ] || { _roost_usage "--ttl must be at least 1s"; return; }
      _roost_lttl=$_roost_r ;;
    --wait) _roost_duration --wait "$2" || return; _roost_lwait=$_roost_r ;;
    --reason) _roost_lit "$2"; _roost_lreason=$_roost_r ;;
    --check) _roost_lcheck=1 ;;
    --shared) _roost_lshared=1 ;;
    --force) _roost_lforce=1 ;;
  esac
}

# _roost_lease_finish STEP: the rest of unlock and renew, once their
# parameters are set: the requests, leases_STEP.sql, the result printed.
_roost_lease_finish() {
  _roost_lease_read begin
  _roost_lease_read acts
  _roost_s="$_roost_s$_roost_lreq"
  _roost_lease_read "$1"
  [ -n "$_roost_opt_json$_roost_opt_quiet" ] || _roost_lease_read out
  _roost_stop
  _roost_end
  _roost_keep=1
  _roost_run
  _roost_rc=$? _roost_keep=
  _roost_lease_print "$_roost_data" "$_roost_msg"
  return "$_roost_rc"
}

# _roost_lease_add KIND ARG: add a request (KIND path or resource).
_roost_lease_add() {
  if [ "$1" = resource ]; then
    if [ -z "$2" ]; then
      _roost_usage "--resource needs a name"
      return
    fi
    _roost_lk=resource _roost_r=$2
  else
    _roost_lease_key "$2" || return
  fi
  _roost_lit "$_roost_r"
  case $_roost_lk in dir|glob) _roost_lwide=1 ;; esac
  _roost_lnreq=$((_roost_lnreq + 1))
  _roost_lreq="${_roost_lreq}INSERT OR IGNORE INTO lease_req(kind, key, shared) VALUES ('$_roost_lk', $_roost_r, @shared);
"
}

# _roost_lease_read NAME: the dot-command that runs schema/leases_NAME.sql
# (quoted as _roost_begin quotes connection.sql), after the liveness view
# for the files that read agent_state.
_roost_lease_read() {
  case $1 in check|lock|match|unlock) _roost_state ;; esac
  _roost_s="$_roost_s.read \"$_roost_schema/leases_$1.sql\"
"
}

# _roost_lease_params NAME=VALUE...: bind lease parameters (values are SQL
# literals already: numbers, NULL, or _roost_lit output).
_roost_lease_params() {
  _roost_lx=
  for _roost_lt in "$@"; do
    _roost_lx="$_roost_lx${_roost_lx:+, }('@${_roost_lt%%=*}', ${_roost_lt#*=})"
  done
  _roost_s="${_roost_s}INSERT OR REPLACE INTO temp.sqlite_parameters VALUES $_roost_lx;
"
}

# _roost_lease_out: split _roost_data into control lines (char 30 first:
# slow-path facts for the shell) and the output to print (_roost_ldata).
# Sets _roost_lsus (suspect lines, tab-separated, newline-ended) and
# _roost_lwaitid/_roost_lwaitme (a queued request).
_roost_lease_out() {
  _roost_ldata= _roost_lsus= _roost_lwaitid= _roost_lwaitme=
  _roost_lt=$_roost_data
  case $_roost_lt in
    *"$_roost_rs"*) ;;
    *) _roost_ldata=$_roost_lt; return 0 ;;
  esac
  while [ -n "$_roost_lt" ]; do
    case $_roost_lt in
      *"$_roost_nl"*) _roost_lx=${_roost_lt%%"$_roost_nl"*} _roost_lt=${_roost_lt#*"$_roost_nl"} ;;
      *) _roost_lx=$_roost_lt _roost_lt= ;;
    esac
    case $_roost_lx in
      "${_roost_rs}p$_roost_tab"*) _roost_lsus="$_roost_lsus${_roost_lx#*"$_roost_tab"}$_roost_nl" ;;
      "${_roost_rs}q$_roost_tab"*)
        _roost_lx=${_roost_lx#*"$_roost_tab"}
        _roost_lwaitid=${_roost_lx%%"$_roost_tab"*} _roost_lwaitme=${_roost_lx#*"$_roost_tab"} ;;
      *) _roost_ldata="$_roost_ldata$_roost_lx$_roost_nl" ;;
    esac
  done
}

# _roost_lease_suspects TABLE AND WAIT: add the statement that prints the
# suspects: whoever is in the way with a process on record (TABLE lease_blk
# for lock: holders and waiters, WAIT its column wait; lease_chk for check:
# holders, AND ' AND NOT mine', WAIT NULL).
_roost_lease_suspects() {
  _roost_s="${_roost_s}SELECT char(30) || 'p' || char(9) || coalesce(wait, '') || char(9) || holder || char(9)
       || pid || char(9) || coalesce(pid_start, '') || char(9) || coalesce(host, '')
  FROM (SELECT DISTINCT $3 AS wait, holder, pid, pid_start, host FROM $1 WHERE pid IS NOT NULL$2);
"
}
_roost_rs=''
_roost_lcsi=''
_roost_lc0='--'
