#!/bin/sh
# Install the four agent CLIs that roost's end-to-end tests drive, at pinned
# versions, into a cache directory. Idempotent: a CLI already present at its
# pinned version is not reinstalled. Needs only npm and the npm registry;
# reads no standard input (safe under CI=true).
#
# Usage: tests/e2e/install_clis.sh [claude|codex|gemini|copilot ...]
# Prints one line per CLI: "NAME VERSION /abs/path/to/bin".
# Cache: ${ROOST_E2E_CACHE:-$HOME/.cache/roost-e2e}/<name>-<version>/
set -eu
# npm trusts only its bundled CAs; where the network goes through a proxy
# whose CA is in the system bundle, a bare environment (no
# NODE_EXTRA_CA_CERTS) fails with SELF_SIGNED_CERT_IN_CHAIN.
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -r /etc/ssl/certs/ca-certificates.crt ]; then
  NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
  export NODE_EXTRA_CA_CERTS
fi

CLAUDE_VERSION=2.1.197
CODEX_VERSION=0.169.0
GEMINI_VERSION=0.61.0
COPILOT_VERSION=1.0.102

CACHE="${ROOST_E2E_CACHE:-${HOME:-/root}/.cache/roost-e2e}"
mkdir -p "$CACHE"

if ! command -v npm >/dev/null 2>&1; then
    echo "install_clis.sh: npm not found on PATH" >&2
    exit 1
fi

# name -> "package version binary"
spec() {
    case "$1" in
        claude)  echo "@anthropic-ai/claude-code $CLAUDE_VERSION claude" ;;
        codex)   echo "@openai/codex $CODEX_VERSION codex" ;;
        gemini)  echo "@google/gemini-cli $GEMINI_VERSION gemini" ;;
        copilot) echo "@github/copilot $COPILOT_VERSION copilot" ;;
        *) echo "install_clis.sh: unknown CLI '$1'" >&2; return 1 ;;
    esac
}

installed_version() {
    # $1 prefix, $2 package; prints the installed version or nothing
    pj="$1/node_modules/$2/package.json"
    [ -f "$pj" ] || return 0
    node -e 'try{process.stdout.write(require(process.argv[1]).version)}catch(e){}' "$pj" 2>/dev/null || true
}

install_one() {
    name=$1
    set -- $(spec "$name")
    pkg=$1 ver=$2 bin=$3
    prefix="$CACHE/$name-$ver"
    binpath="$prefix/node_modules/.bin/$bin"
    have=$(installed_version "$prefix" "$pkg")
    if [ "$have" = "$ver" ] && [ -x "$binpath" ]; then
        echo "$name $ver $binpath"
        return 0
    fi
    echo "install_clis.sh: installing $pkg@$ver into $prefix" >&2
    mkdir -p "$prefix"
    # A private package.json keeps npm from walking up to a parent project.
    [ -f "$prefix/package.json" ] || printf '{"name":"roost-e2e-%s","private":true}\n' "$name" >"$prefix/package.json"
    CI=true npm_config_yes=true npm install --prefix "$prefix" \
        --no-audit --no-fund --no-update-notifier --loglevel=error \
        --save-exact "$pkg@$ver" </dev/null >&2
    have=$(installed_version "$prefix" "$pkg")
    if [ "$have" != "$ver" ] || [ ! -x "$binpath" ]; then
        echo "install_clis.sh: $pkg@$ver did not install (found '${have}')" >&2
        return 1
    fi
    echo "$name $ver $binpath"
}

if [ $# -eq 0 ]; then
    set -- claude codex gemini copilot
fi
for n in "$@"; do
    install_one "$n"
done
