# shellcheck shell=sh
# Lease helpers off the path of a check (lock --check, and lock, unlock
# and renew of plain files), sourced by the stubs in leases.sh on first
# use: a glob argument, a refused path, a holder whose process is looked
# at. Same rules as core.sh: functions only, they return, never exit.

# _roost_lease_show TEXT: set _roost_r to TEXT quoted for a message, on
# one line, without control characters.
_roost_lease_show() {
  _roost_r=$1
  while :; do
    case $_roost_r in
      *[[:cntrl:]]*) _roost_r=${_roost_r%%[[:cntrl:]]*}${_roost_r#*[[:cntrl:]]} ;;
      *) break ;;
    esac
  done
  _roost_r="'$_roost_r'"
}

# _roost_lease_refuse ARG MSG: a usage error about a path argument (64).
_roost_lease_refuse() {
  _roost_lease_show "$1"
  _roost_err "$_roost_cmd" "$_roost_r $2"
  return 64
}

# _roost_lease_glob ARG: the rest of _roost_lease_key for a glob: the
# folders before the first component with a wildcard, then the rest.
_roost_lease_glob() {
  _roost_lx=${1%%[[*?]*}
  case $_roost_lx in
    */*) _roost_lx=${_roost_lx%/*}/ ;;
    *) _roost_lx= ;;
  esac
  _roost_lg=${1#"$_roost_lx"}
  _roost_lease_resolve "${_roost_lx:-.}" || return
  _roost_lease_rel "$1" "$_roost_r" || return
  _roost_lp=
  while [ -n "$_roost_r" ]; do
    case $_roost_r in
      [[*?]*) _roost_lp="${_roost_lp}[${_roost_r%"${_roost_r#?}"}]"; _roost_r=${_roost_r#?} ;;
      *[[*?]*) _roost_lx=${_roost_r%%[[*?]*}; _roost_lp=$_roost_lp$_roost_lx; _roost_r=${_roost_r#"$_roost_lx"} ;;
      *) _roost_lp=$_roost_lp$_roost_r; _roost_r= ;;
    esac
  done
  _roost_lp=${_roost_lp:+$_roost_lp/}
  _roost_lt=$_roost_lg
  while [ -n "$_roost_lt" ]; do
    case $_roost_lt in
      */*) _roost_lx=${_roost_lt%%/*} _roost_lt=${_roost_lt#*/} ;;
      *) _roost_lx=$_roost_lt _roost_lt= ;;
    esac
    case $_roost_lx in
      ''|.) continue ;;
      ..) _roost_lease_refuse "$1" "has '..' after a wildcard: spell the folder out before it"; return ;;
    esac
    # Every [ needs its ] in the same component: [abc], [^abc], []abc].
    _roost_lc=$_roost_lx
    while :; do
      case $_roost_lc in
        *\[*) _roost_lc=${_roost_lc#*\[} ;;
        *) break ;;
      esac
      _roost_lc=${_roost_lc#^}
      _roost_lc=${_roost_lc#\]}
      case $_roost_lc in
        *\]*) _roost_lc=${_roost_lc#*\]} ;;
        *) _roost_lease_refuse "$1" "has a [ without its ] (a class cannot hold '/')"; return ;;
      esac
    done
    _roost_lp=$_roost_lp$_roost_lx/
  done
  case $1 in */) _roost_lp=$_roost_lp'**/' ;; esac
  _roost_lk=glob _roost_r=${_roost_lp%/}
}

# _roost_lease_dead: for each suspect (a holder or an earlier waiter in the
# way whose process is on this host), check the process; set _roost_ldead
# to the SQL that records the dead ones (what roost.api mark_dead does, or
# dropping a dead waiter's request). Builtins only (_roost_pid_dead).
_roost_lease_dead() {
  _roost_ldead=
  _roost_lt=$_roost_lsus
  while [ -n "$_roost_lt" ]; do
    _roost_lx=${_roost_lt%%"$_roost_nl"*} _roost_lt=${_roost_lt#*"$_roost_nl"}
    # wait TAB holder TAB pid TAB start TAB host
    _roost_lw=${_roost_lx%%"$_roost_tab"*}; _roost_lx=${_roost_lx#*"$_roost_tab"}
    _roost_lh=${_roost_lx%%"$_roost_tab"*}; _roost_lx=${_roost_lx#*"$_roost_tab"}
    _roost_lp=${_roost_lx%%"$_roost_tab"*}; _roost_lx=${_roost_lx#*"$_roost_tab"}
    _roost_ls=${_roost_lx%%"$_roost_tab"*}; _roost_lx=${_roost_lx#*"$_roost_tab"}
    _roost_uint "$_roost_lp" || continue
    _roost_id_ok "$_roost_lh" || continue
    _roost_pid_dead "$_roost_lp" "$_roost_ls" "$_roost_lx" || continue
    _roost_lit "$_roost_ls"
    if [ -z "$_roost_lw" ]; then
      _roost_ldead="${_roost_ldead}UPDATE agents SET dead_at = @now, pid = NULL, pid_start = NULL
  WHERE id = '$_roost_lh' AND pid IS $_roost_lp AND pid_start IS $_roost_r;
INSERT INTO emit(agent, kind, target, body, at)
  SELECT coalesce(@me, 'operator'), 'agent.dead', '$_roost_lh', json_object('pid', $_roost_lp), @now WHERE changes() > 0;
"
    elif _roost_uint "$_roost_lw"; then
      _roost_ldead="${_roost_ldead}DELETE FROM lease_waits WHERE id = $_roost_lw AND pid IS $_roost_lp AND pid_start IS $_roost_r;
INSERT INTO emit(agent, kind, target, body, at, seen)
  SELECT coalesce(@me, 'operator'), 'lease.unqueue', '$_roost_lh',
         json_object('wait', $_roost_lw, 'why', 'its process died'), @now, (SELECT t FROM lease_clock)
   WHERE changes() > 0;
UPDATE lease_clock SET t = max(t, coalesce((SELECT t FROM clocks WHERE agent = coalesce(@me, 'operator')), 0));
"
    fi
  done
  unset _roost_lw _roost_lh _roost_lp _roost_ls
}
