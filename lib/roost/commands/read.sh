# shellcheck shell=sh
# Summary: Print one message in full and mark it read
# Usage: roost read ID [--raw] [--json]
#
# Prints message ID in recv's format (a header line, then the body
# indented by two spaces, terminal control characters removed) and, if you
# are a recipient who had not read it, marks it read for you (for you
# only) and advances your Lamport clock past it. Only its sender and its
# recipients may read it.
#
#   --raw   print the body alone, byte-exact: no header, nothing removed,
#           no newline added
#
# JSON: {"id", "from", "to", "ts", "at", "thread", "reply_to", "body"}
# (the body byte-exact)
#
# Exit codes: 0 printed; 2 the message is not yours (you neither sent nor
# received it); 64 bad arguments, no identity or no such message; 75
# busy; 78 database needs migrating or is not roost's.
. "$ROOST_HOME/lib/roost/messages.sh"

_roost_cmd_read() {
  _roost_msg_oneid --raw "$@" || return
  _roost_raw=$_roost_flag
  _roost_begin
  _roost_need_me
  _roost_msg_known "$_roost_id"
  _roost_stop
  _roost_msg_take "AND msg = $_roost_id"
  _roost_t="events e JOIN messages m ON m.id = e.seq WHERE e.seq = $_roost_id"
  if [ -n "$_roost_opt_json" ]; then
    _roost_s="${_roost_s}SELECT $_roost_msg_jobj 'body', body) FROM (SELECT $_roost_msg_cols FROM $_roost_t);
"
  elif [ -n "$_roost_raw" ]; then
    # No row separator after the body: it comes out exactly as stored.
    _roost_s="${_roost_s}.separator | ''
SELECT body FROM events WHERE seq = $_roost_id;
"
  else
    _roost_msg_render full "$_roost_t"
    _roost_s="$_roost_s$_roost_r"
  fi
  unset _roost_id _roost_flag _roost_raw _roost_t
  _roost_end
  _roost_run
}
