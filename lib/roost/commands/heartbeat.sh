# shellcheck shell=sh
# Summary: Record that you are alive, optionally with your position (alias: hb)
# Usage: roost heartbeat [--epoch N] [--round R] [--json] [--quiet]
#
# Appends a heartbeat event and updates your last-seen time. --epoch and
# --round report your working position, a pointstamp (epoch, round); a
# value not given is kept, except that a new epoch without --round starts
# at round 0.
#
# JSON: {"agent", "seq", "ts", "epoch", "round"}
#
# Exit codes: 0 recorded; 64 bad arguments or no identity; 75 busy; 78
# database needs migrating or is not roost's.
_roost_cmd_heartbeat() {
  _roost_ep=NULL _roost_rd=NULL
  while [ "$#" -gt 0 ]; do
    case $1 in
      --epoch|--round)
        if [ "$#" -lt 2 ] || ! _roost_uint "$2"; then
          _roost_usage "$1 needs a whole number"; return
        fi
        if [ "$1" = --epoch ]; then _roost_ep=$2; else _roost_rd=$2; fi
        shift 2 ;;
      --epoch=*|--round=*)
        _roost_v=${1#*=}
        _roost_uint "$_roost_v" || { _roost_usage "${1%%=*} needs a whole number"; return; }
        case $1 in --epoch=*) _roost_ep=$_roost_v ;; *) _roost_rd=$_roost_v ;; esac
        shift ;;
      --) shift; _roost_noargs "$@" || return; break ;;
      *) _roost_noargs "$@" || return ;;
    esac
  done
  _roost_begin
  _roost_need_me
  _roost_s="${_roost_s}UPDATE agents SET
    round = CASE WHEN $_roost_rd IS NOT NULL THEN $_roost_rd
                 WHEN $_roost_ep IS NOT NULL AND $_roost_ep != epoch THEN 0
                 ELSE round END,
    epoch = coalesce($_roost_ep, epoch)
  WHERE id = @me;
INSERT INTO emit(agent, kind, target, body, at)
  SELECT @me, 'heartbeat', @me, json_object('epoch', epoch, 'round', round), @now FROM agents WHERE id = @me;
"
  if [ -n "$_roost_opt_json" ]; then
    _roost_s="${_roost_s}SELECT json_object('agent', e.agent, 'seq', e.seq, 'ts', e.ts, 'epoch', a.epoch, 'round', a.round)
  FROM events e JOIN agents a ON a.id = e.agent WHERE e.seq = (SELECT max(seq) FROM events);
"
  elif [ -z "$_roost_opt_quiet" ]; then
    _roost_s="${_roost_s}SELECT e.agent || ' alive at lamport ' || e.ts || ' (epoch ' || a.epoch || ', round ' || a.round || ')'
  FROM events e JOIN agents a ON a.id = e.agent WHERE e.seq = (SELECT max(seq) FROM events);
"
  fi
  unset _roost_ep _roost_rd _roost_v
  _roost_end
  _roost_run
}
