# shellcheck shell=sh
# Helpers of `roost hook` (lib/roost/commands/hook.sh). The decisions are
# SQL in python/roost/schema/hooks_*.sql, which Python (roost.hooks) runs too.
#
# The hot path (pre-tool, post-tool, prompt, stop) is one sqlite3 process:
# the hook's stdin (the payload) is handed to it as fd 3 and read with
# .import into a temp table, where the JSON functions take it apart. No
# cat, no jq, no Python. session-start and session-end run once per
# session and go to Python.

# The record separator (a literal byte): marks the answer in sqlite3's output.
_roost_hook_rs=''

# _roost_hook_event NAME: set _roost_hg (the generic event) and _roost_hvh
# (the vendor the name implies, or empty); 1 for an event roost ignores.
_roost_hook_event() {
  _roost_hvh=
  case $1 in
    session-start|SessionStart|sessionStart) _roost_hg=session-start ;;
    prompt|UserPromptSubmit) _roost_hg=prompt ;;
    userPromptSubmitted) _roost_hg=prompt _roost_hvh=copilot ;;
    BeforeAgent) _roost_hg=prompt _roost_hvh=gemini ;;
    beforeSubmitPrompt) _roost_hg=prompt _roost_hvh=cursor ;;
    pre-tool|PreToolUse|preToolUse) _roost_hg=pre-tool ;;
    BeforeTool) _roost_hg=pre-tool _roost_hvh=gemini ;;
    beforeShellExecution) _roost_hg=pre-tool _roost_hvh=cursor ;;
    post-tool|PostToolUse|postToolUse) _roost_hg=post-tool ;;
    AfterTool) _roost_hg=post-tool _roost_hvh=gemini ;;
    afterFileEdit|afterShellExecution) _roost_hg=post-tool _roost_hvh=cursor ;;
    stop|Stop) _roost_hg=stop ;;
    agentStop) _roost_hg=stop _roost_hvh=copilot ;;
    AfterAgent) _roost_hg=stop _roost_hvh=gemini ;;
    session-end|SessionEnd|sessionEnd) _roost_hg=session-end ;;
    *) _roost_hg=; return 1 ;;
  esac
  return 0
}

# _roost_hook_log MSG: append a line to hook.log next to the database (when
# that folder exists). Only roost's own words: never the payload or env.
_roost_hook_log() {
  _roost_hl=${_roost_db%/*}
  [ -d "$_roost_hl" ] || return 0
  _roost_ht=$(command date -u +%Y-%m-%dT%H:%M:%SZ 2>/dev/null) || _roost_ht=-
  command printf '%s %s %s %s: %s\n' "$_roost_ht" "${_roost_hg:-$_roost_hev}" "${_roost_hv:--}" \
    "${_roost_me:--}" "$1" >> "$_roost_hl/hook.log" 2>/dev/null || :
  unset _roost_hl _roost_ht
}

# _roost_hook_tree: set _roost_htree to the top of the working tree (the
# nearest ancestor of $PWD with a .git; ROOT when there is none): lease
# keys are relative to it.
_roost_hook_tree() {
  _roost_htree=${PWD%/}
  while [ ! -e "$_roost_htree/.git" ]; do
    if [ -z "$_roost_htree" ]; then _roost_htree=$_roost_root; break; fi
    _roost_htree=${_roost_htree%/*}
  done
  [ -n "$_roost_htree" ] || _roost_htree=/
}

# _roost_hook_python: the slow path (session-start, session-end), with the
# payload on stdin. Python keeps the time budget and the fail-open rules.
_roost_hook_python() {
  if ! command -v "$_roost_py" >/dev/null 2>&1; then
    _roost_hook_log "python3 not found: nothing done"
    return 0
  fi
  PYTHONPATH=$ROOST_HOME/python${PYTHONPATH:+:$PYTHONPATH} "$_roost_py" -c \
    'import sys; from roost.hooks import main; main(sys.argv[1:])' \
    "$_roost_hg" --evname "$_roost_hev" --vendor "$_roost_hv" --db "$_roost_db" \
    ${_roost_opt_agent:+--agent "$_roost_opt_agent"} || :
}

# _roost_hook_sql: the sqlite3 script for a hot-path event in _roost_s.
_roost_hook_sql() {
  _roost_timeout=${ROOST_HOOK_BUSY_MS:-1000}
  _roost_uint "$_roost_timeout" && [ "$_roost_timeout" -le 1500 ] || _roost_timeout=1000
  if [ -n "${ROOST_NOW:-}" ] && _roost_uint "$ROOST_NOW"; then
    _roost_now=$ROOST_NOW
  else
    _roost_now="CAST(strftime('%s','now') AS INTEGER)"
  fi
  _roost_hook_tree
  _roost_lit "$_roost_htree"; _roost_ht=$_roost_r
  _roost_lit "$PWD"; _roost_hp=$_roost_r
  _roost_he=NULL _roost_hc=NULL _roost_hgm=NULL
  if [ -n "${CLAUDE_CODE_SESSION_ID:-}" ]; then _roost_lit "$CLAUDE_CODE_SESSION_ID"; _roost_hc=$_roost_r; fi
  if [ -n "${GEMINI_SESSION_ID:-}" ]; then _roost_lit "$GEMINI_SESSION_ID"; _roost_hgm=$_roost_r; fi
  [ -n "${COPILOT_CLI:-}" ] && _roost_he=1
  _roost_lit "$_roost_hev"; _roost_hn=$_roost_r
  _roost_hvq=NULL _roost_hmq=NULL
  [ -n "$_roost_hv" ] && _roost_hvq="'$_roost_hv'"
  [ -n "$_roost_me" ] && _roost_hmq="'$_roost_me'"
  _roost_s=".timeout $_roost_timeout
$_roost_wal_keep.read \"$_roost_schema/connection.sql\"
.parameter init
INSERT INTO temp.sqlite_parameters VALUES ('@now', $_roost_now), ('@event', '$_roost_hg'),
  ('@evname', $_roost_hn), ('@vflag', $_roost_hvq), ('@agent', $_roost_hmq),
  ('@root', $_roost_ht), ('@pwd', $_roost_hp),
  ('@env_claude', $_roost_hc), ('@env_gemini', $_roost_hgm), ('@env_copilot', $_roost_he),
  ('@check', 1);
INSERT INTO roost_ctx VALUES ('now', @now);
INSERT INTO roost_err SELECT 0, CASE
  WHEN a != $_ROOST_APP_ID THEN 'not a roost database'
  WHEN v > $_ROOST_SCHEMA THEN 'database schema version ' || v || ' is newer than this roost ($_ROOST_SCHEMA)'
  ELSE 'database schema version ' || v || ' needs migrating to $_ROOST_SCHEMA' END || ': allowed'
  FROM (SELECT (SELECT application_id FROM pragma_application_id) AS a,
               (SELECT user_version FROM pragma_user_version) AS v)
  WHERE a != $_ROOST_APP_ID OR v != $_ROOST_SCHEMA;
SELECT char(31) || strftime('%Y-%m-%dT%H:%M:%SZ', 'now') || char(9) || '-' || char(9) || '-' || char(9) || char(9) || char(9) || msg
  FROM roost_err LIMIT 1;
INSERT INTO roost_err(rc) SELECT NULL FROM roost_err LIMIT 1;
CREATE TEMP TABLE hook_in(p);
.import --ascii /dev/fd/3 hook_in
"
  # Two parts. The quick one settles the common cases with small
  # statements; when it cannot (hook_gate.full), the script goes on to the
  # full check, else it stops right there (a NULL into roost_err), before
  # sqlite3 has compiled the big statements: compiling them costs more
  # than the rest.
  case $_roost_hg in
    pre-tool)
      _roost_hq="norm gate_pre deny take"
      _roost_hf="targets norm @leases pre @reset deny take" ;;
    post-tool)
      _roost_hq="norm gate_post post renew"
      _roost_hf="targets norm @reset post renew" ;;
    prompt|stop)
      _roost_hq="gate_$_roost_hg" _roost_hf="$_roost_hg msgs ${_roost_hg}_say" ;;
  esac
  _roost_hb="BEGIN IMMEDIATE;"
  [ "$_roost_hg" = pre-tool ] && _roost_hb="BEGIN;"
  # @me: the caller as the payload's session resolves it (the leases SQL
  # tells the caller's own leases from others' by it).
  _roost_s="${_roost_s}$_roost_hb
.read \"$_roost_schema/hooks_parse.sql\"
INSERT OR REPLACE INTO temp.sqlite_parameters SELECT '@me', me FROM hook;
"
  if [ -n "$_roost_hdbg" ]; then
    # --targets: every path the call writes, as lease keys (no decision).
    _roost_s="${_roost_s}.read \"$_roost_schema/hooks_targets.sql\"
.read \"$_roost_schema/hooks_norm.sql\"
SELECT char(30) || (SELECT json_group_array(json_object('kind', kind, 'key', key)) FROM (SELECT kind, key FROM hook_tgt ORDER BY kind, key));
COMMIT;
SELECT char(31);
"
    unset _roost_ht _roost_hp _roost_he _roost_hc _roost_hgm _roost_hn _roost_hvq _roost_hmq _roost_hq _roost_hf _roost_hb
    return 0
  fi
  # shellcheck disable=SC2086 # a list of step names, split on purpose
  _roost_hook_reads $_roost_hq
  # The WAL restart (see _roost_wal_keep) comes once, after the quick
  # part's answer, since that part usually ends the script; without a busy
  # wait, and a busy failure of it must not cut the full check short.
  _roost_s="${_roost_s}COMMIT;
.read \"$_roost_schema/hooks_answer.sql\"
.timeout 0
.bail off
"
  _roost_wal_restart
  _roost_s="${_roost_s}.bail on
.timeout $_roost_timeout
"
  if [ -n "$_roost_hf" ]; then
    _roost_s="${_roost_s}INSERT INTO roost_err(rc) SELECT NULL FROM hook_gate WHERE NOT full;
$_roost_hb
"
    # shellcheck disable=SC2086 # a list of step names, split on purpose
    _roost_hook_reads $_roost_hf @reset
    _roost_s="${_roost_s}COMMIT;
.read \"$_roost_schema/hooks_answer.sql\"
"
  fi
  unset _roost_ht _roost_hp _roost_he _roost_hc _roost_hgm _roost_hn _roost_hvq _roost_hmq _roost_hq _roost_hf _roost_hb
}

# _roost_hook_reads STEP...: add the steps of an event to the script: NAME
# is schema/hooks_NAME.sql; @leases the leases capability's own matching
# of hook_tgt; @reset ends the quick part's say (hook_gate.full = 0).
_roost_hook_reads() {
  for _roost_hy in "$@"; do
    case $_roost_hy in
      @leases) _roost_state; _roost_s="${_roost_s}.read \"$_roost_schema/leases_begin.sql\"
INSERT INTO lease_req(n, kind, key, shared) SELECT row_number() OVER (ORDER BY kind, key), kind, key, 0 FROM hook_tgt;
.read \"$_roost_schema/leases_match.sql\"
" ;;
      @reset) _roost_s="${_roost_s}UPDATE hook_gate SET full = 0;
" ;;
      *)
        [ "$_roost_hy" = gate_pre ] && _roost_state  # it reads agent_state
        _roost_s="${_roost_s}.read \"$_roost_schema/hooks_$_roost_hy.sql\"
" ;;
    esac
  done
  unset _roost_hy
}

# _roost_hook_run: run the script with the payload as fd 3; print the
# answer; log what the script reports (or why it failed).
_roost_hook_run() {
  [ -n "${ROOST_DUMP_SQL:-}" ] && command printf "%s\n" "$_roost_s" > "$ROOST_DUMP_SQL"
  if [ -S /dev/stdin ]; then
    # Node-based CLIs (Claude Code, Gemini CLI) hand hooks a socket, which
    # cannot be opened by path: cat turns it into a pipe sqlite3 reads as
    # fd 3. (The shell's read builtin takes a byte per system call: 0.5 ms
    # a KB, seconds for a Write of a few MB; cat costs about 1 ms, flat.)
    _roost_o=$(command cat | exec sqlite3 -batch -bail -init /dev/null "$_roost_db" 3<&0 2>&1 <<_ROOST_EOF_
$_roost_s
_ROOST_EOF_
)
  elif [ -e /dev/stdin ]; then
    _roost_o=$(exec sqlite3 -batch -bail -init /dev/null "$_roost_db" 3<&0 2>&1 <<_ROOST_EOF_
$_roost_s
_ROOST_EOF_
)
  else
    # stdin closed: an empty payload
    _roost_o=$(exec sqlite3 -batch -bail -init /dev/null "$_roost_db" 3</dev/null 2>&1 <<_ROOST_EOF_
$_roost_s
_ROOST_EOF_
)
  fi
  unset _roost_s
  case $_roost_o in
    *"$_roost_us"*) ;;
    *)
      # No status line: sqlite3 failed. Its first line names the cause
      # (busy, corrupt, ...); none of it comes from the payload.
      _roost_o=${_roost_o#"$_roost_nl"}
      _roost_o=${_roost_o%%"$_roost_nl"*}
      case $_roost_o in
        *'database is locked'*|*'database is busy'*) _roost_o="database busy for over ${_roost_timeout}ms" ;;
        '') _roost_o="sqlite3 failed without a message" ;;
      esac
      _roost_hook_log "internal error: $(command printf '%.200s' "${_roost_o#Error: }" | command tr -d '\000-\037'): allowed"
      unset _roost_o
      return 0 ;;
  esac
  # The status line: TAB-separated stamp, vendor, agent, blockers'
  # processes (pid,start,host ...), files to lease, then what to log.
  _roost_t=${_roost_o##*"$_roost_us"}
  _roost_t=${_roost_t%%"$_roost_nl"*}
  _roost_a=
  case $_roost_o in
    *"$_roost_hook_rs"*)
      _roost_a=${_roost_o#*"$_roost_hook_rs"}
      _roost_a=${_roost_a%%"$_roost_us"*}
      _roost_a=${_roost_a%"$_roost_nl"} ;;
  esac
  unset _roost_o
  _roost_hst=${_roost_t%%"$_roost_tab"*}; _roost_t=${_roost_t#*"$_roost_tab"}
  _roost_hv=${_roost_t%%"$_roost_tab"*}; _roost_t=${_roost_t#*"$_roost_tab"}
  _roost_me=${_roost_t%%"$_roost_tab"*}; _roost_t=${_roost_t#*"$_roost_tab"}
  _roost_hpids=${_roost_t%%"$_roost_tab"*}; _roost_t=${_roost_t#*"$_roost_tab"}
  _roost_htake=${_roost_t%%"$_roost_tab"*}; _roost_t=${_roost_t#*"$_roost_tab"}
  # shellcheck disable=SC2086 # one word per process, split on purpose
  if [ -n "$_roost_hpids" ] && [ -n "$_roost_a" ] && _roost_hook_all_dead $_roost_hpids; then
    # Every holder in the way is provably gone: their leases bind nobody.
    _roost_a= _roost_t="the holders' processes are gone: allowed (was: $_roost_t)"
  fi
  if [ -n "$_roost_htake" ] && [ -z "$_roost_a" ]; then
    # lease_on_edit (off by default): a second process, the lease command.
    # shellcheck disable=SC2086 # TTL and plain keys, split on purpose
    set -- $_roost_htake
    _roost_hx=$1; shift
    if (cd -- "$_roost_htree" && ROOST_AGENT= "$ROOST_HOME/bin/roost" --agent "$_roost_me" --db "$_roost_db" \
          lock --quiet --ttl "$_roost_hx" --reason "editing (lease_on_edit)" -- "$@") </dev/null >/dev/null 2>&1; then
      _roost_t="${_roost_t:+$_roost_t; }leased $* for ${_roost_hx}s (lease_on_edit)"
    else
      _roost_t="${_roost_t:+$_roost_t; }could not lease $* (lease_on_edit): allowed"
    fi
  fi
  [ -n "$_roost_a" ] && command printf '%s\n' "$_roost_a"
  if [ -n "$_roost_t" ] || [ -n "${ROOST_HOOK_TRACE:-}" ]; then
    _roost_hl=${_roost_db%/*}
    [ -d "$_roost_hl" ] && command printf '%s %s %s %s: %s\n' "$_roost_hst" "$_roost_hg" "$_roost_hv" "$_roost_me" \
      "${_roost_t:-allowed}" >> "$_roost_hl/hook.log" 2>/dev/null
  fi
  unset _roost_a _roost_t _roost_hst _roost_hpids _roost_htake _roost_hx _roost_hl
  return 0
}

# _roost_hook_all_dead PID,START,HOST...: 0 when every process listed is
# provably dead (no process per check: /proc is read by the shell).
_roost_hook_all_dead() {
  for _roost_hx in "$@"; do
    _roost_hy=${_roost_hx#*,}
    _roost_pid_dead "${_roost_hx%%,*}" "${_roost_hy%%,*}" "${_roost_hy#*,}" || return 1
  done
  return 0
}
