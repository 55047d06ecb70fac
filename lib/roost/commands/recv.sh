# shellcheck shell=sh
# Summary: Print your unread messages and mark them read
# Usage: roost recv [--from ID] [--limit N] [--summary] [--wait DURATION] [--json]
#
# Prints your unread messages in the order they were committed, each as a
# header line (#ID from SENDER to ADDRESS (lamport TS, thread #T, reply to
# #R)) and its body indented by two spaces, terminal control characters
# removed. Exactly the messages printed are marked read, in one
# transaction: several processes of one agent never get the same message.
# Receiving advances your Lamport clock past the messages' timestamps.
#
#   --from ID        only messages from ID; the others stay unread
#   --limit N        at most N messages (the oldest first)
#   --summary        cut each body to one line of 80 characters
#   --wait DURATION  block until a message arrives (90s, 15m, 2h, or
#                    seconds); wakes within a fraction of a second
#
# Nothing unread prints nothing (exit 0), unless --wait timed out (2).
#
# JSON: {"messages": [{"id", "from", "to", "ts", "at", "thread", "reply_to",
# "body"}]} ("summary" instead of "body" with --summary)
#
# Exit codes: 0 done (also when nothing was unread); 2 --wait passed with
# no message; 64 bad arguments or no identity; 69 python3 missing (--wait
# only); 75 busy; 78 database needs migrating or is not roost's.
. "$ROOST_HOME/lib/roost/messages.sh"

_roost_cmd_recv() {
  _roost_from= _roost_lim= _roost_sum= _roost_wait=
  while [ "$#" -gt 0 ]; do
    case $1 in
      --from|--limit|--wait)
        [ "$#" -ge 2 ] || { _roost_usage "$1 needs a value"; return; }
        _roost_o=$1 _roost_v=$2; shift 2 ;;
      --from=*|--limit=*|--wait=*) _roost_o=${1%%=*} _roost_v=${1#*=}; shift ;;
      --summary) _roost_sum=1; shift; continue ;;
      --) shift; _roost_noargs "$@" || return; break ;;
      *) _roost_noargs "$@" || return ;;
    esac
    case $_roost_o in
      --from)
        if ! _roost_id_ok "$_roost_v"; then
          _roost_lit "$_roost_v"; _roost_usage "--from needs an agent id, not $_roost_r"; return
        fi
        _roost_from=$_roost_v ;;
      --limit)
        _roost_uint "$_roost_v" && [ "${#_roost_v}" -le 9 ] || { _roost_usage "--limit needs a whole number"; return; }
        _roost_lim=$_roost_v ;;
      --wait) _roost_duration --wait "$_roost_v" || return; _roost_wait=$_roost_r ;;
    esac
  done
  unset _roost_o _roost_v
  _roost_w=
  [ -n "$_roost_from" ] && _roost_w="AND sender = '$_roost_from' "
  _roost_w="${_roost_w}ORDER BY msg"
  [ -n "$_roost_lim" ] && _roost_w="$_roost_w LIMIT $_roost_lim"
  _roost_begin
  _roost_need_me
  _roost_msg_take "$_roost_w"
  _roost_t=full
  [ -n "$_roost_sum" ] && _roost_t=summary
  [ -n "$_roost_opt_json" ] && _roost_t=json${_roost_sum:+-summary}
  _roost_msg_render "$_roost_t" "got CROSS JOIN events e ON e.seq = got.msg CROSS JOIN messages m ON m.id = got.msg"
  # --wait: this first look prints nothing (not even an empty JSON list)
  # when no message is there yet; the wait that follows prints it.
  [ -n "$_roost_wait" ] && _roost_r="SELECT * FROM (${_roost_r%;*}) WHERE EXISTS (SELECT 1 FROM got);
"
  _roost_s="$_roost_s$_roost_r"
  unset _roost_w
  if [ -z "$_roost_wait" ]; then
    unset _roost_from _roost_lim _roost_sum
    # The ids taken, after the messages (a line of their own behind a
    # record separator, which no rendered message contains): if printing
    # fails, they go back to the unread ones.
    _roost_s="${_roost_s}SELECT char(30) || json_group_array(msg) FROM got;
"
    _roost_end
    _roost_keep=1
    _roost_run
    _roost_rc=$? _roost_keep=
    _roost_t=${_roost_data##*"$_roost_msg_rs"}
    _roost_data=${_roost_data%"$_roost_msg_rs"*}
    [ -n "$_roost_msg" ] && _roost_err "$_roost_cmd" "$_roost_msg"
    if [ -n "$_roost_data" ] && ! command printf '%s' "$_roost_data" 2>/dev/null; then
      _roost_msg_giveback "${_roost_t%%"$_roost_nl"*}"
      _roost_rc=1
    fi
    unset _roost_data _roost_msg _roost_t
    return "$_roost_rc"
  fi
  # --wait: status 2 (and no message) when nothing was taken.
  _roost_s="${_roost_s}COMMIT;
SELECT char(31) || CASE WHEN EXISTS (SELECT 1 FROM temp.got) THEN '0' ELSE '2' END;
"
  _roost_run
  _roost_rc=$?
  if [ "$_roost_rc" -ne 2 ] || [ "$_roost_wait" -eq 0 ]; then
    # nothing within --wait 0: JSON says so as the Python wait does on a timeout
    [ "$_roost_rc" -eq 2 ] && [ -n "$_roost_opt_json" ] && command printf '{"messages":[]}\n'
    unset _roost_from _roost_lim _roost_sum _roost_wait
    return "$_roost_rc"
  fi
  # Nothing yet: a Python process waits, watching the database's change
  # counter (PRAGMA data_version) every 50 ms, a few microseconds of CPU
  # each, and receives when a message for us commits. A shell loop would
  # start a sqlite3 and a sleep process for every look instead.
  set -- recv --wait "$_roost_wait"
  [ -n "$_roost_from" ] && set -- "$@" --from "$_roost_from"
  [ -n "$_roost_lim" ] && set -- "$@" --limit "$_roost_lim"
  [ -n "$_roost_sum" ] && set -- "$@" --summary
  [ -n "$_roost_opt_json" ] && set -- "$@" --json
  [ -n "$_roost_opt_agent" ] && set -- "$@" --agent "$_roost_opt_agent"
  unset _roost_from _roost_lim _roost_sum _roost_wait
  _roost_msg_python "$@" --db "$_roost_db"
}
