# shellcheck shell=sh
# Summary: Print who you are to roost, and how that was decided
# Usage: roost whoami [--json]
#
# The identity comes from --agent, else ROOST_AGENT, else the agent bound
# to this agent-CLI session (ROOST_SESSION, CLAUDE_CODE_SESSION_ID,
# GEMINI_SESSION_ID). Running it counts as being seen.
#
# JSON: {"agent", "how", "role", "team", "state", "db"}
#
# Exit codes: 0 known; 64 no identity or a bad id; 75 busy; 78 database
# needs migrating or is not roost's.
_roost_cmd_whoami() {
  _roost_noargs "$@" || return
  _roost_begin
  _roost_need_me
  _roost_lit "$_roost_me_how"; _roost_how=$_roost_r
  _roost_lit "$_roost_db"
  if [ -n "$_roost_opt_json" ]; then
    _roost_state
    _roost_s="${_roost_s}SELECT json_object('agent', id, 'how', $_roost_how, 'role', role, 'team', team, 'state', state, 'db', $_roost_r) FROM agent_state WHERE id = @me;
"
  elif [ -z "$_roost_opt_quiet" ]; then
    _roost_s="${_roost_s}SELECT id || ' (from ' || $_roost_how || ')' FROM agents WHERE id = @me;
"
  fi
  unset _roost_how
  _roost_end
  _roost_run
}
