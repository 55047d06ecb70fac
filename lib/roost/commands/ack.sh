# shellcheck shell=sh
# Summary: Acknowledge a message you received (its sender sees it in 'roost sent')
# Usage: roost ack ID [--json]
#
# Records that you acknowledge message ID (and marks it read for you).
# Acknowledging twice keeps the first time and says so. The sender sees
# who acknowledged with 'roost sent'.
#
# JSON: {"id", "from", "agent", "acked_at", "already"}
#
# Exit codes: 0 acknowledged (or already); 2 you are not a recipient of
# the message; 64 bad arguments, no identity or no such message; 75 busy;
# 78 database needs migrating or is not roost's.
. "$ROOST_HOME/lib/roost/messages.sh"

_roost_cmd_ack() {
  _roost_msg_oneid "" "$@" || return
  _roost_begin
  _roost_need_me
  _roost_s="${_roost_s}INSERT INTO roost_err SELECT 64, 'no message #$_roost_id (see ''roost inbox'')'
  WHERE NOT EXISTS (SELECT 1 FROM messages WHERE id = $_roost_id);
INSERT INTO roost_err SELECT 2, 'you are not a recipient of message #$_roost_id: only they acknowledge it'
  FROM messages WHERE id = $_roost_id AND NOT EXISTS (SELECT 1 FROM deliveries WHERE agent = @me AND msg = $_roost_id);
"
  _roost_stop
  _roost_msg_take "AND msg = $_roost_id"
  _roost_s="${_roost_s}INSERT INTO roost_ctx VALUES ('already', (SELECT acked_at IS NOT NULL FROM deliveries WHERE agent = @me AND msg = $_roost_id));
UPDATE deliveries SET acked_at = @now WHERE agent = @me AND msg = $_roost_id AND acked_at IS NULL;
INSERT INTO emit(agent, kind, target, body, at, seen)
  SELECT @me, 'msg.ack', agent, json_object('id', seq), @now, ts FROM events
  WHERE seq = $_roost_id AND NOT (SELECT v FROM roost_ctx WHERE k = 'already');
"
  _roost_t="FROM deliveries d JOIN events e ON e.seq = d.msg, roost_ctx x WHERE d.agent = @me AND d.msg = $_roost_id AND x.k = 'already'"
  if [ -n "$_roost_opt_json" ]; then
    _roost_s="${_roost_s}SELECT json_object('id', d.msg, 'from', e.agent, 'agent', d.agent, 'acked_at', d.acked_at,
    'already', json(CASE WHEN x.v THEN 'true' ELSE 'false' END)) $_roost_t;
"
  elif [ -z "$_roost_opt_quiet" ]; then
    _roost_s="${_roost_s}SELECT CASE WHEN x.v THEN 'already acknowledged' ELSE 'acknowledged' END
    || ' #' || d.msg || ' from ' || e.agent $_roost_t;
"
  fi
  unset _roost_id _roost_flag _roost_t
  _roost_end
  _roost_run
}
