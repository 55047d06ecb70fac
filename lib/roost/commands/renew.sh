# shellcheck shell=sh
# Summary: Extend your leases (all of them when no path is given)
# Usage: roost renew [PATH...] [--resource NAME]... [--ttl DURATION] [--json] [--quiet]
#
# Extends the caller's live leases on these keys (made canonical as in
# lock), or all of the caller's live leases when none is given, to now +
# DURATION (90s, 15m, 2h, 1d or seconds; default: each lease's own length;
# at most lease_max_ttl). An expired lease is not renewed, as someone may be
# queued for it: lock it again. All or none.
#
# JSON: {"agent", "renewed": [{"key", "kind", "until"}]}
#
# Exit codes: 0 renewed (or nothing to renew when no path was given); 2 a
# named lease is not yours or has expired; 64 bad arguments, a path outside
# ROOT, or no identity; 75 busy; 78 database needs migrating or is not
# roost's.
_roost_cmd_renew() {
  . "$ROOST_HOME/lib/roost/leases.sh"
  _roost_lease_reset
  _roost_lttl=NULL
  while [ "$#" -gt 0 ]; do
    case $1 in
      --ttl|--resource)
        if [ "$#" -lt 2 ]; then _roost_usage "$1 needs a value"; return; fi
        _roost_renew_opt "$1" "$2" || return
        shift ;;
      --ttl=*|--resource=*) _roost_renew_opt "${1%%=*}" "${1#*=}" || return ;;
      --)
        shift
        for _roost_a in "$@"; do _roost_lease_add path "$_roost_a" || return; done
        break ;;
      -?*) _roost_usage "unknown option $1"; return ;;
      *) _roost_lease_add path "$1" || return ;;
    esac
    shift
  done
  _roost_begin
  _roost_need_me
  _roost_lease_params "shared=0" "ttl=$_roost_lttl" "json=${_roost_opt_json:-0}" \
    "quiet=${_roost_opt_quiet:-0}"
  _roost_lease_read begin
  _roost_s="$_roost_s$_roost_lreq"
  _roost_lease_read renew
  [ -n "$_roost_opt_json$_roost_opt_quiet" ] || _roost_lease_read out
  _roost_stop
  _roost_end
  _roost_keep=1
  _roost_run
  _roost_rc=$? _roost_keep=
  _roost_lease_print "$_roost_data" "$_roost_msg"
  return "$_roost_rc"
}

# _roost_renew_opt OPT VALUE: one option with a value.
_roost_renew_opt() {
  if [ "$1" = --resource ]; then
    _roost_lease_add resource "$2"
    return
  fi
  _roost_duration --ttl "$2" || return
  [ "$_roost_r" -gt 0 ] || { _roost_usage "--ttl must be at least 1s"; return; }
  _roost_lttl=$_roost_r
}
