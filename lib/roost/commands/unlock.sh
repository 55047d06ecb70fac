# shellcheck shell=sh
# Summary: Release your leases (with --force, someone else's: logged, and they are told)
# Usage: roost unlock PATH... [--resource NAME]... [--force] [--json] [--quiet]
#
# Releases the caller's leases on exactly these keys (made canonical as in
# lock: './a.py' and 'a.py' are one key; a folder is released as 'dir/', a
# glob as the same glob). All or none: if one key cannot be released,
# nothing is. A lease held by someone else is released only with --force,
# which is recorded in the log (lease.break) and tells the holder who broke
# it. Anyone queued for the key is served next. Your own lease is released
# even after it expired; someone else's expired lease is held by nobody.
#
# JSON: {"agent", "released": [{"key", "kind", "holder", "forced"}]}
#
# Exit codes: 0 released; 2 nobody holds a key, or someone else does and
# --force was not given; 64 bad arguments, a path outside ROOT, or no
# identity; 75 busy; 78 database needs migrating or is not roost's.
_roost_cmd_unlock() {
  . "$ROOST_HOME/lib/roost/leases.sh"
  _roost_lease_reset
  _roost_lforce=0
  _roost_lease_args '--force|--resource=' "$@" || return
  if [ "$_roost_lnreq" -eq 0 ]; then
    _roost_usage "which paths? give at least one PATH or --resource NAME"
    return
  fi
  _roost_begin
  _roost_need_me
  _roost_lease_params "shared=0" "force=$_roost_lforce" "json=${_roost_opt_json:-0}" \
    "quiet=${_roost_opt_quiet:-0}"
  _roost_lease_finish unlock
}
