#!/bin/sh
# roost installer: POSIX sh, no root, no sudo, safe to pipe from curl (the
# whole script is a function called on the last line, so nothing runs
# until the file has been read completely).
#
#   curl -fsSL <url>/install.sh | sh
#   sh install.sh --from DIR      install from a local checkout
#   sh install.sh --uninstall     remove what it installed
#
# Installs the tree in ROOST_INSTALL_DIR, the Python core in its own
# virtual environment there, and a `roost` launcher in ROOST_BIN_DIR.
# Prints the PATH line to add; never edits profiles.
#
# Environment:
#   ROOST_INSTALL_DIR  where the tree goes (default $HOME/.local/share/roost):
#                      a new or empty directory, or one install.sh made
#   ROOST_BIN_DIR      where the launcher goes (default $HOME/.local/bin)
#   ROOST_PYTHON_BIN   the Python 3.9+ (with venv) that makes the virtual
#                      environment (default: python3, else python, on PATH)
#   ROOST_SOURCE       a git URL for the sources (default: --from, or the
#                      checkout this script is in)
# ROOST_HOME is never read: it names the tree roost runs from (a checkout,
# for developers and tests), not where to install.
#
# install.sh writes into, and --uninstall removes, only a directory that
# install.sh made: one holding its .roost-install marker and nothing it did
# not put there, and no .git. Any other directory is refused, unchanged.
#
# Exit codes: 0 done (or nothing to uninstall), 1 error, 2 refused (the
# directory is not one install.sh made; nothing changed), 64 usage,
# 69 a requirement is missing.

roost_install_main() {
  set -u
  dest=${ROOST_INSTALL_DIR:-$HOME/.local/share/roost}
  bindir=${ROOST_BIN_DIR:-$HOME/.local/bin}
  from= uninstall=
  while [ "$#" -gt 0 ]; do
    case $1 in
      --from) [ "$#" -ge 2 ] || { say "--from needs a directory"; return 64; }; from=$2; shift ;;
      --from=*) from=${1#--from=} ;;
      --uninstall) uninstall=1 ;;
      -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0" 2>/dev/null || say "see the comment at the top of install.sh"; return 0 ;;
      *) say "unknown option '$1'"; return 64 ;;
    esac
    shift
  done
  # The launcher names the tree by its absolute path.
  case $dest in /*) ;; *) dest=$(pwd)/$dest ;; esac
  case $bindir in /*) ;; *) bindir=$(pwd)/$bindir ;; esac
  while :; do case $dest in ?*/) dest=${dest%/} ;; *) break ;; esac; done
  if [ -e "$dest" ] || [ -L "$dest" ]; then
    [ -d "$dest" ] || { say "$dest is not a directory: left in place"; return 2; }
    # An empty directory is fine to install into; anything else must be ours.
    if [ -n "$uninstall" ] || [ -n "$(ls -A "$dest" 2>/dev/null)" ]; then
      roost_install_ours "$dest" || return 2
    fi
  fi

  if [ -n "$uninstall" ]; then
    q=$(printf '%s' "$dest" | sed "s/'/'\\\\''/g")
    removed=
    if [ -f "$bindir/roost" ] && grep -q 'roost launcher (install.sh)' "$bindir/roost" 2>/dev/null; then
      if grep -Fqx "ROOST_HOME='$q'" "$bindir/roost"; then
        rm -f "$bindir/roost" && removed=1
      else
        say "$bindir/roost runs another install: left in place"
      fi
    fi
    if [ -d "$dest" ]; then
      rm -rf "$dest" && removed=1
    fi
    if [ -n "$removed" ]; then
      say "uninstalled (your repositories' .roost/ databases are untouched)"
    else
      say "nothing to uninstall in $dest"
    fi
    return 0
  fi

  # Requirements first: nothing is written until they are met.
  command -v sqlite3 >/dev/null 2>&1 || { say "sqlite3 not found: install the sqlite3 command-line shell (3.37 or newer), e.g. apt-get install sqlite3"; return 69; }
  v=$(sqlite3 --version 2>/dev/null | { read -r a _ && printf '%s' "$a"; })
  case $v in
    3.[0-9].*|3.[12][0-9].*|3.3[0-6].*|'') say "sqlite3 $v is too old: roost needs 3.37 or newer"; return 69 ;;
  esac
  py=${ROOST_PYTHON_BIN:-}
  if [ -z "$py" ]; then
    for c in python3 python; do
      if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 9))' 2>/dev/null; then
        py=$(command -v "$c"); break
      fi
    done
  fi
  [ -n "$py" ] || { say "Python 3.9 or newer not found: install python3 (with venv)"; return 69; }
  "$py" -c 'import venv, ensurepip' 2>/dev/null || { say "$py cannot make virtual environments: install python3-venv"; return 69; }

  if [ -z "$from" ]; then
    case $0 in */install.sh|install.sh) d=$(cd "$(dirname "$0")" && pwd); [ -f "$d/bin/roost" ] && from=$d ;; esac
  fi
  tmp=
  if [ -z "$from" ]; then
    src=${ROOST_SOURCE:-}
    [ -n "$src" ] || { say "no source: run from a checkout, pass --from DIR, or set ROOST_SOURCE to a git URL"; return 64; }
    command -v git >/dev/null 2>&1 || { say "git not found (needed to fetch $src)"; return 69; }
    tmp=$(mktemp -d) || return 1
    git clone -q --depth 1 "$src" "$tmp/roost" || { rm -rf "$tmp"; say "could not fetch $src"; return 1; }
    from=$tmp/roost
  fi
  [ -f "$from/bin/roost" ] && [ -f "$from/lib/roost/core.sh" ] || { say "$from is not a roost source tree"; return 64; }
  from=$(cd "$from" && pwd)

  mkdir -p "$dest" "$bindir" || return 1
  # The marker goes in first, so that a failed install can be re-run or
  # uninstalled.
  printf 'installed by install.sh from %s\n' "$from" > "$dest/.roost-install" || return 1
  # Copy the tree (replacing an older copy of our own files, keeping the venv).
  for d in bin lib python skills; do
    rm -rf "${dest:?}/$d.new"
    cp -R "$from/$d" "$dest/$d.new" || return 1
    rm -rf "${dest:?}/$d"
    mv "$dest/$d.new" "$dest/$d"
  done
  cp "$from/pyproject.toml" "$from/README.md" "$dest/" 2>/dev/null || :
  find "$dest/python" -name '__pycache__' -type d -prune -exec rm -rf {} + 2>/dev/null || :
  if [ ! -x "$dest/venv/bin/python" ]; then
    "$py" -m venv "$dest/venv" || { say "could not create $dest/venv"; return 1; }
  fi
  "$dest/venv/bin/python" -m pip install -q --disable-pip-version-check 'click>=8.0' 'sqlite-utils>=3.30' \
    || { say "pip could not install click and sqlite-utils"; return 1; }
  # The core is imported from $dest/python (PYTHONPATH set by bin/roost);
  # byte-compiled now, as PYTHONDONTWRITEBYTECODE may forbid it later.
  "$dest/venv/bin/python" -m compileall -q "$dest/python/roost" >/dev/null || :

  q=$(printf '%s' "$dest" | sed "s/'/'\\\\''/g")
  {
    printf '#!/bin/sh\n# roost launcher (install.sh): runs the roost tree in %s\n' "$q"
    printf "ROOST_HOME='%s'\nROOST_PYTHON='%s/venv/bin/python'\nexport ROOST_HOME ROOST_PYTHON\n" "$q" "$q"
    # shellcheck disable=SC2016 # written literally into the launcher
    printf '. "$ROOST_HOME/bin/roost"\n'
  } > "$bindir/roost.new" && chmod 755 "$bindir/roost.new" && mv "$bindir/roost.new" "$bindir/roost" || return 1
  [ -n "$tmp" ] && rm -rf "$tmp"

  say "installed roost $("$bindir/roost" version 2>/dev/null | sed 's/^roost //')"
  say "  tree: $dest   launcher: $bindir/roost"
  case ":$PATH:" in
    *":$bindir:"*) ;;
    *) say "add roost to your PATH (this installer never edits your profile):"
       # shellcheck disable=SC2016 # the user expands $PATH, not us
       printf '  export PATH="%s:$PATH"\n' "$bindir" ;;
  esac
  say "then, in a repository: roost init && roost demo"
  return 0
}

# Is $1 a directory install.sh made? Says why not (and returns 2).
roost_install_ours() {
  if [ -e "$1/.git" ]; then
    say "$1 is a git checkout, not an install: left in place"; return 2
  fi
  if [ ! -f "$1/.roost-install" ]; then
    say "$1 was not made by install.sh (no .roost-install marker): left in place"; return 2
  fi
  extra=
  for f in "$1"/* "$1"/.[!.]* "$1"/..?*; do
    [ -e "$f" ] || [ -L "$f" ] || continue   # an unmatched pattern
    case ${f##*/} in
      .roost-install|bin|lib|python|skills|venv|pyproject.toml|README.md|bin.new|lib.new|python.new|skills.new) ;;
      *) extra="${extra:+$extra }${f##*/}" ;;
    esac
  done
  if [ -n "$extra" ]; then
    say "$1 holds files install.sh did not put there ($extra): left in place"; return 2
  fi
  return 0
}

say() { printf 'roost install: %s\n' "$*" >&2; }

roost_install_main "$@"
