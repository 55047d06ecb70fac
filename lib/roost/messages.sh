# shellcheck shell=sh
# Shared helpers of the message commands (send, broadcast, recv, inbox,
# read, ack, thread). Sourced by their command files; defines functions
# only. The SQL they build is mirrored in python/roost/messages.py, and
# the parity tests hold the two to the same output.

# The record separator (a literal byte): splits send --quiet's output, and
# marks recv's list of the ids it took.
_roost_msg_rs=''

# _roost_msg_idarg WHAT VALUE: set _roost_r to a message id given as N or
# #N; 64 with a message when malformed.
_roost_msg_idarg() {
  _roost_r=${2#\#}
  if ! _roost_uint "$_roost_r" || [ "${#_roost_r}" -gt 15 ]; then
    _roost_lit "$2"
    _roost_usage "$1 needs a message id (a number such as 12 or #12), not $_roost_r"
    return
  fi
  # No leading zeros: the id is pasted into SQL as a number literal.
  while :; do case $_roost_r in 0?*) _roost_r=${_roost_r#0} ;; *) break ;; esac; done
}

# _roost_msg_oneid FLAG ARGS...: the one message id that ack, read and
# thread take, and FLAG (when not empty) as an option: sets _roost_id (a
# number ready for SQL) and _roost_flag (1 when FLAG was given); 64 with
# a message otherwise.
_roost_msg_oneid() {
  _roost_fl=$1 _roost_id= _roost_flag=
  shift
  while [ "$#" -gt 0 ]; do
    case $1 in
      --) shift; [ -z "$_roost_id" ] && [ "$#" -gt 0 ] && { _roost_id=$1; shift; }
        _roost_noargs "$@" || return; break ;;
      *)
        if [ -n "$_roost_fl" ] && [ "$1" = "$_roost_fl" ]; then
          _roost_flag=1
        else
          [ -z "$_roost_id" ] || { _roost_noargs "$@"; return; }
          _roost_id=$1
        fi ;;
    esac
    shift
  done
  unset _roost_fl
  [ -n "$_roost_id" ] || { _roost_usage "which message? give its id"; return; }
  _roost_msg_idarg ID "$_roost_id" || return
  _roost_id=$_roost_r
}

# _roost_msg_name S: 0 when S is a well-formed role or team name.
_roost_msg_name() {
  case $1 in [A-Za-z0-9]*) ;; *) return 1 ;; esac
  case $1 in *[!A-Za-z0-9._-]*) return 1 ;; esac
  [ "${#1}" -le 64 ]
}

# _roost_msg_to TO: parse an address (agent id, role:NAME, team:NAME, all,
# or a comma-separated list of these) into _roost_to, an SQL VALUES list of
# (kind, name, element). 64 with a message when malformed.
_roost_msg_to() {
  _roost_to= _roost_rest=$1,
  while [ -n "$_roost_rest" ]; do
    _roost_el=${_roost_rest%%,*} _roost_rest=${_roost_rest#*,}
    case $_roost_el in
      all) _roost_v="('all', NULL, 'all')" ;;
      role:*|team:*)
        if ! _roost_msg_name "${_roost_el#*:}"; then
          _roost_lit "$_roost_el"
          _roost_usage "bad address $_roost_r: a ${_roost_el%%:*} name is [A-Za-z0-9][A-Za-z0-9._-]{0,63}"
          return
        fi
        _roost_v="('${_roost_el%%:*}', '${_roost_el#*:}', '$_roost_el')" ;;
      *)
        if ! _roost_id_ok "$_roost_el"; then
          _roost_lit "$_roost_el"
          [ -z "$_roost_el" ] && _roost_r="'' (an empty element)"
          _roost_usage "bad address $_roost_r: want an agent id, role:NAME, team:NAME or all, comma-separated"
          return
        fi
        _roost_v="('id', '$_roost_el', '$_roost_el')" ;;
    esac
    _roost_to="$_roost_to${_roost_to:+, }$_roost_v"
  done
  unset _roost_rest _roost_el _roost_v
}

# The recipients of an address: registered agents matched by an element
# of temp table `t(k, v, a)`; a group (all, role:, team:) leaves out the
# sender, a named id does not.
_roost_msg_match="CASE t.k WHEN 'id' THEN x.id = t.v
    WHEN 'all' THEN x.id != @me
    WHEN 'role' THEN x.role = t.v AND x.id != @me
    ELSE x.team = t.v AND x.id != @me END"

# _roost_msg_giveback JSON-IDS: output could not be written: the messages
# just taken go back to the caller's unread ones (a second sqlite3, on
# this failure path only), and the error says so.
_roost_msg_giveback() {
  _roost_lit "$1"
  _roost_t=$_roost_r
  _roost_begin
  _roost_s="${_roost_s}UPDATE deliveries SET read_at = NULL
 WHERE agent = @me AND read_at IS NOT NULL AND msg IN (SELECT value FROM json_each($_roost_t));
"
  _roost_end
  if _roost_run >/dev/null 2>&1; then
    _roost_err "$_roost_cmd" "could not write the messages: they are still unread"
  else
    _roost_err "$_roost_cmd" "could not write the messages, and could not mark them unread again: see them with 'roost thread ID'"
  fi
}

# The planner is told which way to go (INDEXED BY, CROSS JOIN): without
# statistics it would walk the caller's whole history in the primary key
# of deliveries, or scan all events, once these hold history.
# _roost_msg_take WHERE: mark the caller's unread messages matching WHERE
# (an SQL fragment over deliveries, e.g. "msg = 5", plus ORDER/LIMIT) as
# read, and keep their ids in temp.got. The receive rule is applied once
# for all of them: one msg.recv event whose clock passes the largest
# timestamp received. All inside the command's write transaction, so
# concurrent readers of one agent can never take the same message.
_roost_msg_take() {
  _roost_s="${_roost_s}CREATE TEMP TABLE got(msg INTEGER PRIMARY KEY);
INSERT INTO got SELECT msg FROM deliveries INDEXED BY deliveries_unread WHERE agent = @me AND read_at IS NULL $1;
UPDATE deliveries SET read_at = @now WHERE agent = @me AND msg IN got;
INSERT INTO emit(agent, kind, target, body, at, seen)
  SELECT @me, 'msg.recv', @me, (SELECT json_object('ids', json_group_array(msg)) FROM got), @now,
         (SELECT max(e.ts) FROM got CROSS JOIN events e ON e.seq = got.msg)
  WHERE EXISTS (SELECT 1 FROM got);
"
}

# _roost_msg_cols: SQL columns of a message from `e` (its event) and `m`.
_roost_msg_cols="e.seq AS id, e.agent AS sender, e.target AS target, e.ts AS ts, e.at AS at,
       m.thread AS thread, m.reply_to AS reply_to, e.body AS body"

# _roost_msg_render MODE FROM: set _roost_r to a SELECT printing messages
# (columns as in _roost_msg_cols, from the SQL FROM clause FROM) in commit
# order. MODE full: for people, a header line, then the body with terminal
# control characters removed and every line indented by two spaces (so no
# body line can pass for a header); summary: the body cut to one line of
# 80 characters; json: one object {"messages": [...]} with bodies
# byte-exact; json-summary: the same with "summary" for "body".
_roost_msg_render() {
  case $1 in
    json) _roost_r="json_object('messages', json_group_array($_roost_msg_jobj 'body', body)))" ;;
    json-summary) _roost_r="json_object('messages', json_group_array($_roost_msg_jobj 'summary', $_roost_msg_cut)))" ;;
    summary) _roost_r="$_roost_msg_head || CASE WHEN c = '' THEN '' ELSE char(10) || '  ' || $_roost_msg_cut END" ;;
    *) _roost_r="$_roost_msg_head || CASE WHEN c = '' THEN '' ELSE char(10) || '  ' ||
    replace(c, char(10), char(10) || '  ') END" ;;
  esac
  _roost_t=$_roost_r
  _roost_clean e.body
  case $1 in
    *summary) _roost_r="replace(replace($_roost_r, char(10), ' '), char(9), ' ')" ;;
    json) _roost_r=NULL ;;
    *) _roost_r="rtrim($_roost_r, char(10))" ;;
  esac
  case $1 in
    json*) _roost_r="SELECT $_roost_t
  FROM (SELECT $_roost_msg_cols, $_roost_r AS c FROM $2 ORDER BY e.seq);
" ;;
    *) _roost_r="SELECT $_roost_t
  FROM (SELECT $_roost_msg_cols, $_roost_r AS c FROM $2) ORDER BY id;
" ;;
  esac
  unset _roost_t
}
# _roost_msg_python ARGS...: the Python side of the message commands
# (python -m roost.messages), for the slow paths.
_roost_msg_python() {
  if ! command -v "$_roost_py" >/dev/null 2>&1; then
    _roost_err "$_roost_cmd" "python3 not found: install Python 3.9 or newer (or set ROOST_PYTHON)"
    return 69
  fi
  PYTHONPATH=$ROOST_HOME/python${PYTHONPATH:+:$PYTHONPATH} "$_roost_py" -m roost.messages "$@"
}
_roost_msg_jobj="json_object('id', id, 'from', sender, 'to', target, 'ts', ts, 'at', at,
    'thread', thread, 'reply_to', reply_to,"
_roost_msg_cut="CASE WHEN length(c) > 80 THEN substr(c, 1, 79) || '…' ELSE c END"
_roost_msg_head="'#' || id || ' from ' || sender || ' to ' || target || ' (lamport ' || ts
    || ', thread #' || thread || coalesce(', reply to #' || reply_to, '') || ')'"

# _roost_msg_known ID: refuse (64) an id that is no message, and (2) one
# the caller neither sent nor received.
_roost_msg_known() {
  _roost_s="${_roost_s}INSERT INTO roost_err SELECT 64, 'no message #$1 (see ''roost inbox'')'
  WHERE NOT EXISTS (SELECT 1 FROM messages WHERE id = $1);
INSERT INTO roost_err SELECT 2, 'message #$1 is not yours: only its sender and its recipients may see it'
  FROM messages WHERE id = $1 AND sender IS NOT @me
   AND NOT EXISTS (SELECT 1 FROM deliveries WHERE agent = @me AND msg = $1);
"
}
