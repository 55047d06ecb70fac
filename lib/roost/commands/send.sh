# shellcheck shell=sh
# Summary: Send a message to agents (aliases: ex, exchange)
# Usage: roost send [--reply-to ID] [--no-recv] [--quiet] [--json] TO MESSAGE...|-
#
# TO is an agent id, role:NAME, team:NAME, all, or a comma-separated list
# of these. all, role: and team: mean the agents registered now, except
# you; a named id is delivered even when it is yours. An address that
# matches no agent is refused (64) and nothing is stored.
#
# MESSAGE is the remaining arguments joined by spaces, or - to read the
# body from stdin byte-exact (up to msg_max_bytes, 1 MiB by default; see
# 'roost config'). Options may come anywhere before the message words end;
# put -- before a message that starts with a dash or contains --json,
# --quiet, --agent or --db.
#
# Before sending, your unread messages are printed (recv's format) and
# marked read, so a reply is never missed while talking. Then one line:
# sent #ID to TO (N recipients) at lamport TS[, in thread #T].
#
#   --reply-to ID  the message joins ID's thread; its Lamport timestamp is
#                  greater than ID's
#   --no-recv      do not show or mark your unread messages
#   --quiet        unread messages go to stderr; stdout is the id alone
#                  (with --json they are in "received")
#
# JSON: {"id", "ts", "at", "to", "thread", "reply_to", "recipients": [ID...],
# "received": [messages as in recv --json]}
#
# Exit codes: 0 sent; 2 --reply-to a message that is not yours; 64 bad
# arguments, no identity, an address matching no agent, an unknown
# message, a body over the cap or with a NUL byte; 75 busy; 78 database
# needs migrating or is not roost's.
. "$ROOST_HOME/lib/roost/messages.sh"

_roost_cmd_send() {
  _roost_reply= _roost_norecv= _roost_dest= _roost_hasdest= _roost_body= _roost_nw=0 _roost_dd=
  while [ "$#" -gt 0 ]; do
    if [ -z "$_roost_dd" ]; then
      case $1 in
        --reply-to)
          [ "$#" -ge 2 ] || { _roost_usage "--reply-to needs a message id"; return; }
          _roost_msg_idarg --reply-to "$2" || return
          _roost_reply=$_roost_r; shift 2; continue ;;
        --reply-to=*)
          _roost_msg_idarg --reply-to "${1#*=}" || return
          _roost_reply=$_roost_r; shift; continue ;;
        --no-recv) _roost_norecv=1; shift; continue ;;
        --) _roost_dd=1; shift; continue ;;
        -?*)
          _roost_lit "$1"
          _roost_usage "unknown option $_roost_r (put -- before a message that starts with a dash)"
          return ;;
      esac
    fi
    if [ -z "$_roost_hasdest" ]; then
      _roost_dest=$1 _roost_hasdest=1
    elif [ "$_roost_nw" -eq 0 ]; then
      _roost_body=$1 _roost_nw=1
    else
      _roost_body="$_roost_body $1" _roost_nw=$((_roost_nw + 1))
    fi
    shift
  done
  [ -n "$_roost_hasdest" ] || { _roost_usage "who to? give TO and a MESSAGE"; return; }
  [ "$_roost_nw" -gt 0 ] || { _roost_usage "no message: give the words, or - to read it from stdin"; return; }
  _roost_msg_to "$_roost_dest" || return
  _roost_tmp=
  if [ "$_roost_nw" -eq 1 ] && [ "$_roost_body" = - ]; then
    # The sqlite3 CLI's readfile() cannot read a pipe, so stdin is copied
    # to a private temporary file first (the only extra processes of a
    # send, and only with -).
    _roost_tmp=$(umask 077; command mktemp "${TMPDIR:-/tmp}/roost-send.XXXXXX") || {
      _roost_err "$_roost_cmd" "cannot make a temporary file for stdin"; return 1; }
    if ! command cat > "$_roost_tmp"; then
      command rm -f "$_roost_tmp"
      _roost_err "$_roost_cmd" "cannot read the message from stdin"; return 1
    fi
    _roost_lit "$_roost_tmp"
    _roost_body="CAST(readfile($_roost_r) AS TEXT)"
  else
    _roost_lit "$_roost_body"; _roost_body=$_roost_r
  fi
  _roost_begin
  _roost_need_me
  # The body is bound once as @body, however many statements use it.
  _roost_s="${_roost_s}INSERT INTO temp.sqlite_parameters VALUES ('@body', $_roost_body);
INSERT INTO roost_err SELECT 1, 'cannot read the message from stdin' WHERE @body IS NULL;
INSERT INTO roost_err SELECT 64, 'the message is ' || n || ' bytes, over the cap of ' || cap
    || ' (msg_max_bytes; see ''roost config'')'
  FROM (SELECT length(CAST(@body AS BLOB)) AS n,
               (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'msg_max_bytes') AS cap)
  WHERE n > cap;
INSERT INTO roost_err SELECT 64, 'the message contains a NUL byte: send text'
  WHERE instr(CAST(@body AS BLOB), x'00');
"
  [ -n "$_roost_reply" ] && _roost_msg_known "$_roost_reply"
  _roost_s="${_roost_s}INSERT INTO roost_err
  WITH t(k, v, a) AS (VALUES $_roost_to)
  SELECT 64, 'no agent matches ' || quote(a) || CASE WHEN k = 'id' THEN '' ELSE ' other than you' END
      || ' (see ''roost agents''): nothing was sent'
  FROM t WHERE NOT EXISTS (SELECT 1 FROM agents x WHERE $_roost_msg_match) LIMIT 1;
"
  _roost_stop
  _roost_t="got CROSS JOIN events e ON e.seq = got.msg CROSS JOIN messages m ON m.id = got.msg"
  if [ -z "$_roost_norecv" ]; then
    _roost_msg_take "ORDER BY msg"
    if [ -z "$_roost_opt_json" ]; then
      _roost_msg_render full "$_roost_t"
      _roost_s="$_roost_s$_roost_r"
      # --quiet: the rows above the char(30) line go to stderr (see below).
      [ -n "$_roost_opt_quiet" ] && _roost_s="${_roost_s}SELECT char(30);
"
    fi
  fi
  _roost_r=NULL
  [ -n "$_roost_reply" ] && _roost_r=$_roost_reply
  _roost_reply=$_roost_r
  _roost_lit "$_roost_dest"
  _roost_s="${_roost_s}INSERT INTO emit(agent, kind, target, body, at, seen)
  VALUES (@me, 'msg.send', $_roost_r, @body, @now, coalesce((SELECT ts FROM events WHERE seq = $_roost_reply), 0));
INSERT INTO temp.sqlite_parameters VALUES ('@msg', (SELECT max(seq) FROM events));
INSERT INTO messages(id, sender, thread, reply_to)
  VALUES (@msg, @me, coalesce((SELECT thread FROM messages WHERE id = $_roost_reply), @msg), $_roost_reply);
INSERT INTO deliveries(agent, msg, sender)
  WITH t(k, v, a) AS (VALUES $_roost_to)
  SELECT DISTINCT x.id, @msg, @me FROM agents x, t WHERE $_roost_msg_match;
INSERT INTO roost_ctx VALUES ('n', changes());
"
  if [ -n "$_roost_opt_json" ]; then
    _roost_r="'[]'"
    [ -z "$_roost_norecv" ] && _roost_r="(SELECT json_group_array($_roost_msg_jobj 'body', body))
      FROM (SELECT $_roost_msg_cols FROM $_roost_t ORDER BY e.seq))"
    _roost_s="${_roost_s}SELECT json_object('id', e.seq, 'ts', e.ts, 'at', e.at, 'to', e.target,
    'thread', m.thread, 'reply_to', m.reply_to,
    'recipients', json((SELECT json_group_array(x.id) FROM agents x CROSS JOIN deliveries d
                         WHERE d.agent = x.id AND d.msg = @msg ORDER BY x.id)),
    'received', json($_roost_r))
  FROM events e JOIN messages m ON m.id = e.seq WHERE e.seq = @msg;
"
  elif [ -n "$_roost_opt_quiet" ]; then
    _roost_s="${_roost_s}SELECT @msg;
"
  else
    _roost_s="${_roost_s}SELECT 'sent #' || e.seq || ' to ' || e.target || ' (' || n || ' recipient'
    || CASE WHEN n = 1 THEN '' ELSE 's' END || ') at lamport ' || e.ts
    || CASE WHEN m.reply_to IS NULL THEN '' ELSE ', in thread #' || m.thread END
  FROM events e JOIN messages m ON m.id = e.seq, (SELECT v AS n FROM roost_ctx WHERE k = 'n')
  WHERE e.seq = @msg;
"
  fi
  _roost_end
  if [ -n "$_roost_opt_quiet" ] && [ -z "$_roost_norecv" ] && [ -z "$_roost_opt_json" ]; then
    _roost_t=$(_roost_run; command printf 'x%s' "$?")
    _roost_rc=${_roost_t##*x}
    _roost_t=${_roost_t%x*}
    case $_roost_t in
      *"$_roost_msg_rs$_roost_nl"*)
        command printf '%s' "${_roost_t%%"$_roost_msg_rs$_roost_nl"*}" >&2
        _roost_t=${_roost_t#*"$_roost_msg_rs$_roost_nl"} ;;
    esac
    [ -n "$_roost_t" ] && command printf '%s' "$_roost_t"
  else
    _roost_run
    _roost_rc=$?
  fi
  [ -n "$_roost_tmp" ] && command rm -f "$_roost_tmp"
  unset _roost_reply _roost_norecv _roost_dest _roost_hasdest _roost_body _roost_nw _roost_dd _roost_to _roost_t _roost_tmp
  return "$_roost_rc"
}
