# shellcheck shell=sh
# Summary: Claim the next ready task, or the task ID
# Usage: roost claim [ID] [--lease DURATION] [--lock-files] [--dry-run] [--json] [--quiet]
#
# Without ID, takes the next ready task: not done, not held by a live
# claim, all its dependencies done, addressed to you, your role or anyone;
# highest priority first, then oldest. With ID (T-42 or 42), takes that
# task whoever it is addressed to. Claiming a task you hold keeps it
# (--lease sets its new lease).
#
# A claim lasts --lease (default: roost config task_lease) after you were
# last seen: every roost command you run renews it. A task whose holder is
# gone (process dead, session ended, not seen for gone_window) or whose
# lease ran out is taken over by the next claim; the log records a
# task.reclaim and the previous holder gets a notice. A task whose claims
# ended task_max_reclaims times is parked as stuck and the task_notify
# target (role:lead) is told. Stuck tasks are never handed out.
# --dry-run shows what would be claimed and writes nothing.
#
# Prints: claimed T-42: TITLE [(reclaimed from AGENT, WHY)]
#
# JSON: the task as in `roost task show --json` (without history), plus
# "reclaimed_from" (previous holder or null) and "reclaimed_why" (expired,
# dead, ended or gone; null when not a reclaim): {"id", "title", "body",
# "priority", "status", "ready", "for", "queue", "holder", "claimed_at",
# "lease_until", "after", "waiting_on", "files", "attempts", "reclaims",
# "created_by", "created_at", "updated_at", "offered_at", "escalated_at",
# "note", "reason", "reclaimed_from", "reclaimed_why"}
#
# --lock-files also takes leases on the task's files (its --file paths):
# all or none, in the same transaction as the claim; when one is held by
# another live agent, nothing is taken (exit 2) and the task stays on the
# board.
#
# Exit codes: 0 claimed (or already yours); 2 nothing ready, or the task
# is held by a live agent, waiting on dependencies, done, blocked, stuck
# or cancelled; 64 bad arguments, no identity, or no such task; 75 busy;
# 78 database needs migrating or is not roost's.
_roost_cmd_claim() {
  _roost_tid=NULL _roost_lease=NULL _roost_dry=
  while [ "$#" -gt 0 ]; do
    case $1 in
      --lease|--lease=*)
        if [ "$1" = --lease ]; then
          [ "$#" -ge 2 ] || { _roost_usage "--lease needs a duration"; return; }
          _roost_v=$2; shift 2
        else
          _roost_v=${1#--lease=}; shift
        fi
        _roost_duration --lease "$_roost_v" || return
        [ "$_roost_r" -gt 0 ] || { _roost_usage "--lease must be longer than 0s"; return; }
        _roost_lease=$_roost_r ;;
      --dry-run) _roost_dry=1; shift ;;
      --lock-files)
        # Claim and lease the task's files in one transaction: the slow
        # path, in Python, which runs the claim SQL and the leases' SQL.
        shift
        set -- _claimfiles "$@"
        [ "$_roost_tid" = NULL ] || set -- "$@" "T-$_roost_tid"
        [ "$_roost_lease" != NULL ] && set -- "$@" --lease "$_roost_lease"
        [ -n "$_roost_dry" ] && set -- "$@" --dry-run
        [ -n "$_roost_opt_json" ] && set -- "$@" --json
        [ -n "$_roost_opt_quiet" ] && set -- "$@" --quiet
        [ -n "$_roost_opt_agent" ] && set -- "$@" --agent "$_roost_opt_agent"
        unset _roost_o2 _roost_tid _roost_lease _roost_dry _roost_v
        _roost_python --db "$_roost_db" "$@"
        return ;;
      --) shift
        if [ "$#" -gt 0 ] && [ "$_roost_tid" = NULL ]; then
          _roost_task_id "$1" || return; _roost_tid=$_roost_r; shift
        fi
        _roost_noargs "$@" || return; break ;;
      -*) _roost_lit "$1"; _roost_usage "unknown option $_roost_r"; return ;;
      *)
        [ "$_roost_tid" = NULL ] || { _roost_noargs "$@"; return; }
        _roost_task_id "$1" || return; _roost_tid=$_roost_r; shift ;;
    esac
  done
  _roost_claim_script ''
  _roost_o2=$(_roost_run)
  _roost_rc=$?
  case $_roost_o2 in
    '?'*) ;;
    *)
      [ -n "$_roost_o2" ] && command printf '%s\n' "$_roost_o2"
      unset _roost_o2 _roost_tid _roost_lease _roost_dry _roost_v
      return "$_roost_rc" ;;
  esac
  # Nothing was taken, and either board upkeep is due (a task to park as
  # stuck or to escalate) or some holders that look alive have a pid on
  # this host. Record the dead ones, then do the upkeep and claim again:
  # the slow path, a second sqlite3 process. Line 1 is ?DUE<tab>RC<tab>MSG,
  # then one line per holder: ?AGENT<tab>PID<tab>START.
  _roost_t=${_roost_o2#\?}$_roost_nl
  _roost_l=${_roost_t%%"$_roost_nl"*}; _roost_t=${_roost_t#*"$_roost_nl"}
  _roost_due=${_roost_l%%"$_roost_tab"*}; _roost_l=${_roost_l#*"$_roost_tab"}
  _roost_rc=${_roost_l%%"$_roost_tab"*} _roost_msg=${_roost_l#*"$_roost_tab"}
  _roost_dead=
  while [ -n "$_roost_t" ]; do
    _roost_l=${_roost_t%%"$_roost_nl"*}; _roost_t=${_roost_t#*"$_roost_nl"}
    _roost_l=${_roost_l#\?}
    _roost_a=${_roost_l%%"$_roost_tab"*}; _roost_l=${_roost_l#*"$_roost_tab"}
    _roost_p=${_roost_l%%"$_roost_tab"*}; _roost_st=${_roost_l#*"$_roost_tab"}
    if ! _roost_id_ok "$_roost_a" || ! _roost_uint "$_roost_p"; then continue; fi
    _roost_hostname
    if _roost_pid_dead "$_roost_p" "$_roost_st" "$_roost_host"; then
      # The same UPDATE and event as Roost.mark_dead.
      _roost_dead="${_roost_dead}UPDATE agents SET dead_at = @now, pid = NULL, pid_start = NULL WHERE id = '$_roost_a' AND pid IS $_roost_p;
INSERT INTO emit(agent, kind, target, body, at) SELECT @me, 'agent.dead', '$_roost_a', json_object('pid', $_roost_p), @now WHERE changes() > 0;
"
    fi
  done
  unset _roost_t _roost_l _roost_a _roost_p _roost_st _roost_o2
  if [ -z "$_roost_dead" ] && [ "$_roost_due" != 1 ]; then
    _roost_err "$_roost_cmd" "$_roost_msg"
    unset _roost_msg _roost_dead _roost_due _roost_tid _roost_lease _roost_dry _roost_v
    return "$_roost_rc"
  fi
  _roost_claim_script "$_roost_dead" slow
  unset _roost_msg _roost_dead _roost_due _roost_tid _roost_lease _roost_dry _roost_v
  _roost_run
}

# _roost_task_id ARG: set _roost_r to the number of task id ARG (T-42, t-42
# or 42); 64 with a message when malformed.
_roost_task_id() {
  _roost_r=${1#[Tt]-}
  if _roost_uint "$_roost_r"; then return 0; fi
  _roost_lit "$1"
  _roost_usage "bad task id $_roost_r (want T-42 or 42)"
}

# _roost_task_read FILE: append a `.read` of a shared SQL file from
# python/roost/schema (the CLI reads it itself: no extra process).
_roost_task_read() {
  _roost_s="${_roost_s}.read \"$_roost_schema/$1\"
"
}

# _roost_claim_script DEAD-SQL [slow]: the claim's one transaction. The
# first try only detects due upkeep (tasks_due.sql: cheap, nothing to
# compile that acts) and reports it with the suspect holders when nothing
# was taken; the slow try records DEAD-SQL's deaths, does the upkeep
# (tasks_act.sql) and claims.
_roost_claim_script() {
  _roost_begin
  _roost_need_me
  _roost_hostname
  _roost_lit "$_roost_host"
  _roost_s="${_roost_s}INSERT INTO temp.sqlite_parameters VALUES ('@want', $_roost_tid), ('@lease', $_roost_lease), ('@host', $_roost_r);
$1"
  _roost_task_read tasks_notice.sql
  _roost_task_read tasks_dead.sql
  _roost_state
  _roost_task_read tasks_due.sql
  [ -n "${2:-}" ] && _roost_task_read tasks_act.sql
  _roost_task_read tasks_claim.sql
  if [ -z "${2:-}" ]; then
    _roost_s="${_roost_s}SELECT '?' || (SELECT v FROM roost_ctx WHERE k = 'due') || char(9) || rc || char(9) || msg FROM roost_err
 WHERE (SELECT v FROM roost_ctx WHERE k = 'due') OR EXISTS (SELECT 1 FROM roost_ctx WHERE k GLOB 'sus:*') LIMIT 1;
SELECT '?' || substr(k, 5) || char(9) || v FROM roost_ctx WHERE k GLOB 'sus:*';
DELETE FROM roost_err WHERE (SELECT v FROM roost_ctx WHERE k = 'due') OR EXISTS (SELECT 1 FROM roost_ctx WHERE k GLOB 'sus:*');
"
  fi
  if [ -n "$_roost_opt_json" ]; then
    _roost_task_read tasks_json.sql
    _roost_s="${_roost_s}SELECT json_set(j.json, '\$.reclaimed_from', (SELECT v FROM roost_ctx WHERE k = 'prev'),
                                    '\$.reclaimed_why', (SELECT v FROM roost_ctx WHERE k = 'why'))
  FROM task_json j WHERE j.id = coalesce((SELECT v FROM roost_ctx WHERE k = 'task'), (SELECT v FROM roost_ctx WHERE k = 'own'));
"
  elif [ -z "$_roost_opt_quiet" ]; then
    _roost_v='claimed'
    [ -n "$_roost_dry" ] && _roost_v='would claim'
    _roost_clean "replace(replace(t.title, char(10), ' '), char(9), ' ')"
    _roost_s="${_roost_s}SELECT CASE WHEN t.id = (SELECT v FROM roost_ctx WHERE k = 'own') THEN 'T-' || t.id || ' is already yours: '
            ELSE '$_roost_v T-' || t.id || ': ' END || $_roost_r
       || coalesce(' (reclaimed from ' || (SELECT v FROM roost_ctx WHERE k = 'prev') || ', '
                   || (SELECT v FROM roost_ctx WHERE k = 'why') || ')', '')
  FROM tasks t WHERE t.id = coalesce((SELECT v FROM roost_ctx WHERE k = 'task'), (SELECT v FROM roost_ctx WHERE k = 'own'));
"
  fi
  if [ -n "$_roost_dry" ]; then
    # Report the status, then undo everything (roost_err is a temp table:
    # the rollback would empty it, so it is read first).
    _roost_status
    _roost_s="${_roost_s}ROLLBACK;
"
  else
    _roost_end
  fi
}
