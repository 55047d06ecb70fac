# shellcheck shell=sh
# Summary: Lease files, folders, globs or resources before changing them (all or none)
# Usage: roost lock PATH... [--resource NAME]... [--ttl DURATION] [--reason TEXT]
#                  [--wait DURATION] [--shared] [--json] [--quiet]
#        roost lock --check PATH... [--resource NAME]... [--shared] [--json] [--quiet]
#
# Takes every named lease or none of them, and prints what was granted and
# until when. A lease you already hold is extended. PATH is made canonical
# (relative to the current directory, '.', '..' and symlinks resolved,
# relative to ROOT; outside ROOT is refused); a PATH ending in / (or naming
# a directory) leases the folder and everything below it; a PATH with * ?
# or [ is a glob (* and ? stay within a folder, ** spans folders).
# --resource NAME leases a name that is not a file (exact match).
#
#   --ttl DURATION   how long (90s, 15m, 2h, 1d or seconds; default: the
#                    lease_ttl setting, at most lease_max_ttl)
#   --reason TEXT    shown to whoever is denied
#   --wait DURATION  when denied, queue and wait up to DURATION: requests
#                    are served in the order they were made (Lamport order,
#                    then agent id); nobody gets ahead of an earlier waiter
#   --shared         a shared lease: compatible with other shared leases,
#                    not with an exclusive one
#   --check          take nothing: report who holds each PATH (a read:
#                    never waits for a writer, and does not count as the
#                    caller being seen)
#
# A lease whose holder is gone (process dead, session ended, not seen for
# gone_window) or whose time ran out is taken over, and the log says so.
#
# JSON: {"agent", "granted": [{"key", "kind", "shared", "since", "until",
# "reason"}], "conflicts": [{"key", "held", "kind", "holder", "shared",
# "queued", "reason", "since", "until", "state"}]}; with --check:
# {"free", "checked": [{"key", "kind", "status", "holder", "held",
# "shared", "reason", "since", "until", "state"}]}
#
# Exit codes: 0 granted (--check: free or yours); 2 denied, or the wait ran
# out (--check: held by another); 64 bad arguments, a path outside ROOT, or
# no identity; 69 --wait without Python; 75 busy; 78 database needs
# migrating or is not roost's.
_roost_cmd_lock() {
  . "$ROOST_HOME/lib/roost/leases.sh"
  _roost_lease_reset
  _roost_lcheck=0 _roost_lttl=NULL _roost_lreason=NULL _roost_lwait=0 _roost_lshared=0
  _roost_lease_args '--check|--shared|--ttl=|--reason=|--wait=|--resource=' "$@" || return
  if [ "$_roost_lnreq" -eq 0 ]; then
    _roost_usage "which paths? give at least one PATH or --resource NAME"
    return
  fi
  _roost_lwpid=NULL _roost_lwstart=NULL _roost_lhost=NULL
  if [ "$_roost_lcheck" = 1 ]; then
    _roost_lwait=0
  elif [ "$_roost_lwait" != 0 ]; then
    _roost_lock_waiter || return
  fi
  _roost_ldead= _roost_lwaitid=NULL
  _roost_lock_script
  _roost_keep=1
  _roost_run
  _roost_rc=$? _roost_keep=
  _roost_lease_out
  if [ "$_roost_rc" = 2 ] && [ -n "$_roost_lsus" ]; then
    # The slow path: someone in the way has a process on this host. If it
    # died, record that and decide again (a second sqlite3 run), as the
    # request queued by the first run if it was queued.
    _roost_lease_dead
    if [ -n "$_roost_ldead" ]; then
      _roost_a=$_roost_lwaitid _roost_b=$_roost_lwaitme
      _roost_lwaitid=${_roost_a:-NULL}
      _roost_lock_script
      _roost_keep=1
      _roost_run
      _roost_rc=$? _roost_keep=
      _roost_lease_out
      _roost_lwaitid=$_roost_a _roost_lwaitme=$_roost_b
    fi
  fi
  if [ "$_roost_rc" = 2 ] && [ -n "$_roost_lwaitid" ]; then
    # Queued: the Python core waits (it wakes on every commit to the
    # database and on the death of whoever is in the way: no polling
    # processes). Same pid, so the queued request stays ours.
    set -- --db "$_roost_db" --agent "$_roost_lwaitme"
    [ -n "$_roost_opt_json" ] && set -- "$@" --json
    [ -n "$_roost_opt_quiet" ] && set -- "$@" --quiet
    PYTHONPATH=$ROOST_HOME/python${PYTHONPATH:+:$PYTHONPATH}
    export PYTHONPATH
    exec "$_roost_py" -m roost _lockwait "$@" -- "$_roost_lwaitid"
  fi
  _roost_lease_print "$_roost_ldata" "$_roost_msg"
  return "$_roost_rc"
}

# _roost_lease_show_out NAME [out]: read what prints the result: NAME_json
# with --json; else, unless --quiet, NAME_text (and leases_out.sql, which
# prints the lines NAME_text wrote, when out is given).
_roost_lease_show_out() {
  if [ -n "$_roost_opt_json" ]; then
    _roost_lease_read "${1}_json"
  elif [ -z "$_roost_opt_quiet" ]; then
    _roost_lease_read "${1}_text"
    [ -n "${2:-}" ] && _roost_lease_read "$2"
  fi
  return 0
}

# _roost_lock_script: the script of lock (and lock --check).
_roost_lock_script() {
  if [ "$_roost_lcheck" = 1 ]; then _roost_check_script; else _roost_begin; _roost_lock_take; fi
}

# What only lock itself (not lock --check) runs lives in lock_take.sh:
# these stubs source it on first use (it redefines them).
_roost_lock_more() { . "$ROOST_HOME/lib/roost/lock_take.sh"; }
_roost_lock_take() { _roost_lock_more; _roost_lock_take "$@"; }
_roost_lock_waiter() { _roost_lock_more; _roost_lock_waiter "$@"; }

# _roost_check_script: the script of lock --check. One read transaction
# (it never waits for a writer, and does not count as the caller being
# seen) finds every lease row that overlaps a path: leases_near.sql when
# every request is a file or a resource (a statement small enough to
# compile cheaply), else the general leases_match.sql. When there is none,
# every path is free: print that and stop the script, so that
# leases_check.sql is never even compiled. The slow path's second run
# records the dead it found (_roost_ldead) first, in a write transaction
# that commits (the caller is then seen, as by any command that writes),
# and restarts the WAL as _roost_end does.
_roost_check_script() {
  if [ -n "$_roost_ldead" ]; then _roost_begin; else _roost_begin read; fi
  _roost_lease_params "shared=$_roost_lshared" "check=1"
  _roost_lease_read begin
  _roost_s="$_roost_s$_roost_lreq"
  if [ -n "$_roost_ldead" ]; then
    _roost_s="$_roost_s${_roost_ldead}COMMIT;
"
    _roost_wal_restart
    _roost_s="${_roost_s}BEGIN;
"
  fi
  if [ -n "$_roost_lwide" ]; then _roost_lease_read match; else _roost_lease_read near; fi
  _roost_lease_show_out fast_check
  _roost_s="${_roost_s}SELECT char(31) || '0' WHERE NOT EXISTS (SELECT 1 FROM lease_hit);
INSERT INTO roost_err(rc) SELECT NULL WHERE NOT EXISTS (SELECT 1 FROM lease_hit);
"
  _roost_lease_read check
  _roost_lease_show_out check
  _roost_lease_suspects lease_chk ' AND NOT mine' NULL
  _roost_s="${_roost_s}COMMIT;
"
  _roost_status
}
