#!/bin/sh
# roost installer: POSIX sh, no root, no sudo, safe to pipe from curl (the
# whole script is a function called on the last line, so nothing runs
# until the file has been read completely).
#
#   curl -fsSL <url>/install.sh | sh
#   sh install.sh --from DIR      install from a local checkout
#   sh install.sh --uninstall     remove what it installed
#
# Installs the tree under ${ROOST_HOME:-$HOME/.local/share/roost}, the
# Python core in its own virtual environment there, and a `roost` launcher
# in $HOME/.local/bin. Prints the PATH line to add; never edits profiles.
# Environment: ROOST_HOME, ROOST_BIN_DIR (default $HOME/.local/bin),
# ROOST_SOURCE (a git URL or tarball URL for the sources; default: --from or
# the directory this script is in when run from a checkout).

roost_install_main() {
  set -u
  home=${ROOST_HOME:-$HOME/.local/share/roost}
  bindir=${ROOST_BIN_DIR:-$HOME/.local/bin}
  from= uninstall=
  while [ "$#" -gt 0 ]; do
    case $1 in
      --from) [ "$#" -ge 2 ] || { say "--from needs a directory"; return 64; }; from=$2; shift ;;
      --from=*) from=${1#--from=} ;;
      --uninstall) uninstall=1 ;;
      -h|--help) sed -n '2,16p' "$0" 2>/dev/null || true; return 0 ;;
      *) say "unknown option '$1'"; return 64 ;;
    esac
    shift
  done

  if [ -n "$uninstall" ]; then
    if [ -f "$bindir/roost" ] && grep -q 'roost launcher (install.sh)' "$bindir/roost" 2>/dev/null; then
      rm -f "$bindir/roost"
    fi
    if [ -f "$home/.roost-install" ]; then
      rm -rf "$home"
    elif [ -e "$home" ]; then
      say "$home was not made by install.sh; left in place"
    fi
    say "uninstalled (your repositories' .roost/ databases are untouched)"
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

  mkdir -p "$home" "$bindir" || return 1
  # Copy the tree (replacing an older copy of our own files, keeping the venv).
  for d in bin lib python skills; do
    rm -rf "${home:?}/$d.new"
    cp -R "$from/$d" "$home/$d.new" || return 1
    rm -rf "${home:?}/$d"
    mv "$home/$d.new" "$home/$d"
  done
  cp "$from/pyproject.toml" "$from/README.md" "$home/" 2>/dev/null || :
  find "$home/python" -name '__pycache__' -type d -prune -exec rm -rf {} + 2>/dev/null || :
  if [ ! -x "$home/venv/bin/python" ]; then
    "$py" -m venv "$home/venv" || { say "could not create $home/venv"; return 1; }
  fi
  "$home/venv/bin/python" -m pip install -q --disable-pip-version-check 'click>=8.0' 'sqlite-utils>=3.30' \
    || { say "pip could not install click and sqlite-utils"; return 1; }
  # The core is imported from $home/python (PYTHONPATH set by bin/roost);
  # byte-compiled now, as PYTHONDONTWRITEBYTECODE may forbid it later.
  "$home/venv/bin/python" -m compileall -q "$home/python/roost" >/dev/null || :
  printf 'installed by install.sh from %s\n' "$from" > "$home/.roost-install"

  q=$(printf '%s' "$home" | sed "s/'/'\\\\''/g")
  {
    printf '#!/bin/sh\n# roost launcher (install.sh): runs the roost tree in %s\n' "$q"
    printf "ROOST_HOME='%s'\nROOST_PYTHON='%s/venv/bin/python'\nexport ROOST_HOME ROOST_PYTHON\n" "$q" "$q"
    # shellcheck disable=SC2016 # written literally into the launcher
    printf '. "$ROOST_HOME/bin/roost"\n'
  } > "$bindir/roost.new" && chmod 755 "$bindir/roost.new" && mv "$bindir/roost.new" "$bindir/roost" || return 1
  [ -n "$tmp" ] && rm -rf "$tmp"

  say "installed roost $("$bindir/roost" version 2>/dev/null | sed 's/^roost //')"
  say "  tree: $home   launcher: $bindir/roost"
  case ":$PATH:" in
    *":$bindir:"*) ;;
    *) say "add roost to your PATH (this installer never edits your profile):"
       # shellcheck disable=SC2016 # the user expands $PATH, not us
       printf '  export PATH="%s:$PATH"\n' "$bindir" ;;
  esac
  say "then, in a repository: roost init && roost demo"
  return 0
}

say() { printf 'roost install: %s\n' "$*" >&2; }

roost_install_main "$@"
