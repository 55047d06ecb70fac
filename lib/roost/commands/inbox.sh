# shellcheck shell=sh
# Summary: List your unread messages (headers only) without marking them read
# Usage: roost inbox [--limit N] [--json]
#
# One line per unread message, oldest first: #ID from SENDER (lamport TS,
# AGE ago): its first line, cut to 80 characters. Nothing is marked read,
# so it is cheap to put into an agent's context; 'roost recv' reads them.
#
#   --limit N  show at most N (default 20; 0 for all); a last line says
#              how many more there are
#
# JSON: {"unread": N, "messages": [{"id", "from", "to", "ts", "at",
# "thread", "reply_to", "bytes", "line"}]} ("line": the body's first line,
# at most 80 characters, byte-exact)
#
# Exit codes: 0 listed (also when there is nothing unread); 64 bad
# arguments or no identity; 75 busy; 78 database needs migrating or is not
# roost's.
. "$ROOST_HOME/lib/roost/messages.sh"

_roost_cmd_inbox() {
  _roost_lim=20
  while [ "$#" -gt 0 ]; do
    case $1 in
      --limit) [ "$#" -ge 2 ] || { _roost_usage "--limit needs a whole number"; return; }
        _roost_lim=$2; shift 2 ;;
      --limit=*) _roost_lim=${1#*=}; shift ;;
      *) _roost_noargs "$@" || return; break ;;
    esac
    _roost_uint "$_roost_lim" && [ "${#_roost_lim}" -le 9 ] || { _roost_usage "--limit needs a whole number"; return; }
  done
  [ "$_roost_lim" -eq 0 ] && _roost_lim=-1
  _roost_begin
  _roost_need_me
  # (the partial index of unread deliveries, named: see messages.sh)
  _roost_un="FROM deliveries INDEXED BY deliveries_unread WHERE agent = @me AND read_at IS NULL"
  _roost_t="FROM (SELECT msg $_roost_un ORDER BY msg LIMIT $_roost_lim) u
          CROSS JOIN events e ON e.seq = u.msg CROSS JOIN messages m ON m.id = u.msg"
  if [ -n "$_roost_opt_json" ]; then
    _roost_s="${_roost_s}SELECT json_object('unread', (SELECT count(*) $_roost_un),
    'messages', json_group_array($_roost_msg_jobj 'bytes', length(CAST(body AS BLOB)),
    'line', substr(body, 1, min(80, instr(body || char(10), char(10)) - 1)))))
  FROM (SELECT $_roost_msg_cols $_roost_t ORDER BY e.seq);
"
  elif [ -z "$_roost_opt_quiet" ]; then
    _roost_clean "substr(e.body, 1, instr(e.body || char(10), char(10)) - 1)"
    _roost_s="${_roost_s}SELECT CASE n WHEN 0 THEN 'no unread messages' WHEN 1 THEN '1 unread message:'
    ELSE n || ' unread messages:' END FROM (SELECT count(*) AS n $_roost_un);
SELECT '#' || id || ' from ' || sender || ' (lamport ' || ts || ', '
    || CASE WHEN d < 0 THEN 'in ' ELSE '' END
    || CASE WHEN abs(d) < 120 THEN abs(d) || 's' WHEN abs(d) < 7200 THEN (abs(d) / 60) || 'm'
            WHEN abs(d) < 172800 THEN (abs(d) / 3600) || 'h' ELSE (abs(d) / 86400) || 'd' END
    || CASE WHEN d < 0 THEN '' ELSE ' ago' END || ')'
    || CASE WHEN c = '' THEN '' ELSE ': ' || $_roost_msg_cut END
  FROM (SELECT $_roost_msg_cols, @now - e.at AS d, replace($_roost_r, char(9), ' ') AS c $_roost_t)
  ORDER BY id;
SELECT '(' || (n - $_roost_lim) || ' more: roost inbox --limit 0)'
  FROM (SELECT count(*) AS n $_roost_un) WHERE $_roost_lim > 0 AND n > $_roost_lim;
"
  fi
  unset _roost_lim _roost_t _roost_un
  _roost_end
  _roost_run
}
