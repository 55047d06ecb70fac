# shellcheck shell=sh
# Summary: Print the whole thread a message belongs to, in order
# Usage: roost thread ID [--json]
#
# Prints every message of ID's thread (the first message and all replies,
# at any depth) in commit order, in recv's format, leaving read states as
# they are. Only the messages you sent or received are shown; the thread
# is refused if ID itself is not yours.
#
# JSON: {"thread", "messages": [{"id", "from", "to", "ts", "at", "thread",
# "reply_to", "body"}]}
#
# Exit codes: 0 printed; 2 message ID is not yours; 64 bad arguments, no
# identity or no such message; 75 busy; 78 database needs migrating or is
# not roost's.
. "$ROOST_HOME/lib/roost/messages.sh"

_roost_cmd_thread() {
  _roost_msg_oneid "" "$@" || return
  _roost_begin
  _roost_need_me
  _roost_msg_known "$_roost_id"
  _roost_stop
  _roost_t="messages m JOIN events e ON e.seq = m.id
  WHERE m.thread = (SELECT thread FROM messages WHERE id = $_roost_id)
    AND (m.sender = @me OR EXISTS (SELECT 1 FROM deliveries WHERE agent = @me AND msg = m.id))"
  if [ -n "$_roost_opt_json" ]; then
    _roost_s="${_roost_s}SELECT json_object('thread', (SELECT thread FROM messages WHERE id = $_roost_id),
    'messages', json((SELECT json_group_array($_roost_msg_jobj 'body', body))
      FROM (SELECT $_roost_msg_cols FROM $_roost_t ORDER BY e.seq))));
"
  else
    _roost_msg_render full "$_roost_t"
    _roost_s="$_roost_s$_roost_r"
  fi
  unset _roost_id _roost_flag _roost_t
  _roost_end
  _roost_run
}
