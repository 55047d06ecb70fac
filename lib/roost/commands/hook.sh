# shellcheck shell=sh
# Summary: Answer an agent CLI's hook (Claude Code, Codex, Gemini CLI, Copilot CLI, Cursor)
# Usage: roost hook EVENT [--vendor claude|codex|gemini|copilot|cursor]
#
# Reads the hook's JSON payload on stdin and answers on stdout in the
# vendor's own protocol. `roost install` writes these commands into each
# vendor's hook configuration; people rarely run it by hand.
#
# EVENT is the vendor's event name as its configuration spells it
# (PreToolUse, BeforeTool, preToolUse, beforeShellExecution, Stop,
# AfterAgent, agentStop, ...) or roost's generic name:
#
#   session-start  bind the session to an agent (ROOST_AGENT, the agent
#                  already bound, or a new one with a generated name),
#                  record its process, add `roost prime` to the context
#   prompt         push unread messages into the context, marking them read
#   pre-tool       deny a tool call that would write a file another live
#                  agent holds a lease on (write tools, apply_patch, and
#                  shell commands: > >> tee sed -i mv cp ln rm touch
#                  truncate dd git checkout -- / git restore)
#   post-tool      log which files the agent changed; renew its leases
#   stop           block the first stop while a message addressed to the
#                  agent by name is unread (never when a stop hook is
#                  already active)
#   session-end    mark the session ended (optionally release its leases)
#
# The vendor is --vendor, else worked out from the event name, the payload
# and the environment. The agent is --agent / ROOST_AGENT, else the agent
# bound to the payload's session id.
#
# Fails open: a missing database, a malformed payload, an internal error or
# a busy database allows the action, prints nothing and adds a line to
# hook.log next to the database (never the payload or the environment).
# ROOST_HOOK_TRACE=1 logs every call.
#
# Exit codes: 0 always once EVENT is given (a denial is JSON on stdout, not
# an exit code); 64 no EVENT.
_roost_cmd_hook() {
  _roost_hev= _roost_hv= _roost_hdbg=
  while [ "$#" -gt 0 ]; do
    case $1 in
      --vendor) [ "$#" -ge 2 ] || { _roost_usage "--vendor needs a value"; return; }; _roost_hv=$2; shift 2 ;;
      --vendor=*) _roost_hv=${1#--vendor=}; shift ;;
      --targets) _roost_hdbg=targets; shift ;;
      --) shift ;;
      -*) _roost_lit "$1"; _roost_usage "unknown option $_roost_r"; return ;;
      *)
        if [ -n "$_roost_hev" ]; then _roost_lit "$1"; _roost_usage "unexpected argument $_roost_r"; return; fi
        _roost_hev=$1; shift ;;
    esac
  done
  [ -n "$_roost_hev" ] || { _roost_usage "which event? (e.g. roost hook pre-tool)"; return; }
  case $_roost_hv in
    ''|claude|codex|gemini|copilot|cursor) ;;
    *) _roost_hv= ;;  # an unknown vendor is worked out as if none were given
  esac
  . "$ROOST_HOME/lib/roost/hook.sh"
  _roost_hook_event "$_roost_hev" || return 0
  [ -n "$_roost_hv" ] || _roost_hv=$_roost_hvh
  if [ -n "$_roost_bad_id" ]; then
    _roost_me=
    _roost_hook_log "bad agent id from $_roost_me_how (want [A-Za-z0-9][A-Za-z0-9._-]{0,63}): nothing done, allowed"
    return 0
  fi
  if [ ! -f "$_roost_db" ]; then
    _roost_hook_log "no roost database at $_roost_db: allowed"
    return 0
  fi
  case $_roost_hg in
    session-start|session-end)
      _roost_hook_python
      return 0 ;;
  esac
  _roost_hook_sql
  _roost_hook_run
  return 0
}
