# shellcheck shell=sh
# What lock runs and lock --check does not (commands/lock.sh sources it
# on first use): the script that takes leases, and a waiter's process.

# _roost_lock_waiter: before a lock --wait, check that Python is there
# (69 when not) and set _roost_lwpid, _roost_lwstart and _roost_lhost to
# this process, so that others can drop its request if it dies.
_roost_lock_waiter() {
  if ! command -v "$_roost_py" >/dev/null 2>&1; then
    _roost_err lock "--wait needs python3: install Python 3.9 or newer (or set ROOST_PYTHON)"
    return 69
  fi
  if { IFS= read -r _roost_a < /proc/self/stat; } 2>/dev/null; then
    _roost_lwpid=${_roost_a%% *}
    _roost_a=${_roost_a##*) }
    # shellcheck disable=SC2086 # split the stat fields on purpose
    set -- $_roost_a
    if [ "$#" -ge 20 ] && _roost_uint "$_roost_lwpid"; then
      shift 19
      _roost_lit "$1"; _roost_lwstart=$_roost_r
      _roost_hostname; _roost_lit "$_roost_host"; _roost_lhost=$_roost_r
    else
      _roost_lwpid=NULL
    fi
  fi
}

# _roost_lock_take: the rest of the script of lock, after _roost_begin.
_roost_lock_take() {
  _roost_need_me
  _roost_lease_params "shared=$_roost_lshared" "ttl=$_roost_lttl" \
    "reason=$_roost_lreason" "wait=$_roost_lwait" "waitid=$_roost_lwaitid" "wpid=$_roost_lwpid" \
    "wstart=$_roost_lwstart" "host=$_roost_lhost" "json=${_roost_opt_json:-0}" "quiet=${_roost_opt_quiet:-0}"
  _roost_lease_read begin
  _roost_lease_read acts
  _roost_s="$_roost_s$_roost_lreq"
  # The first transaction settles the common case with index lookups alone
  # (leases_fast.sql), commits, prints its status and stops the script, so
  # that the costly statements that follow are never even prepared.
  # Otherwise it has only recorded the caller as seen, and the second
  # transaction decides.
  if [ -z "$_roost_ldead" ]; then
    _roost_lease_read fast
    _roost_lease_read fast_lock
    [ -n "$_roost_opt_json$_roost_opt_quiet" ] || _roost_lease_read out
    _roost_s="${_roost_s}COMMIT;
SELECT char(31) || '0' FROM roost_ctx WHERE k = 'lease_fast';
"
    # The fast path ends here: restart the WAL as _roost_end does (with
    # the busy timeout: the slow path needs the write lock next anyway).
    _roost_wal_restart
    _roost_s="${_roost_s}INSERT INTO roost_err(rc) SELECT NULL FROM roost_ctx WHERE k = 'lease_fast';
BEGIN IMMEDIATE;
"
  fi
  _roost_s="$_roost_s$_roost_ldead"
  _roost_lease_read match
  _roost_lease_read lock
  _roost_lease_show_out lock out
  _roost_s="${_roost_s}SELECT char(30) || 'q' || char(9) || v || char(9) || @me FROM roost_ctx WHERE k = 'lease_wait';
"
  _roost_lease_suspects lease_blk '' wait
  _roost_end
}
