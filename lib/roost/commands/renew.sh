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
  _roost_lease_args '--ttl=|--resource=' "$@" || return
  _roost_begin
  _roost_need_me
  _roost_lease_params "shared=0" "ttl=$_roost_lttl" "json=${_roost_opt_json:-0}" \
    "quiet=${_roost_opt_quiet:-0}"
  _roost_lease_finish renew
}
