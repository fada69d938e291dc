#!/usr/bin/env bash
# Set up everything kgraph needs on a fresh machine, idempotently:
#   - a Python >= 3.11 virtual environment in .venv with kgraph and its test tools,
#   - Java (for the HermiT reasoner) if missing,
#   - with --browser: Debian's chromium for the browser tests (Playwright drives it; we never
#     download a browser build of our own).
# Re-running it is cheap: the pip step runs only when pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=0
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

log() { printf 'setup: %s\n' "$*" >&2; }

apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    log "apt-get is not available: install $* by hand"; return 1
  fi
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  if [ ! -f /tmp/.kgraph-apt-updated ]; then
    $sudo apt-get update -qq && touch /tmp/.kgraph-apt-updated
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  log "kgraph needs Python >= 3.11 (found: $("$PY" --version 2>&1)); set PYTHON=/path/to/python3.11"
  exit 1
fi

if ! command -v java >/dev/null 2>&1; then
  log "installing a Java runtime for the HermiT reasoner"
  apt_install default-jre-headless
fi

if [ ! -x .venv/bin/python ]; then
  log "creating .venv"
  "$PY" -m venv .venv
fi

stamp=.venv/.kgraph-installed
hash=$(cat pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$hash" ]; then
  log "installing kgraph and its dependencies into .venv"
  .venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v '^WARNING' || true
  .venv/bin/python -m pip install -q -e ".[test]" 2>&1 | grep -vE '^WARNING|BuildBackendWarning' || true
  .venv/bin/python -c 'import kgraph, pyoxigraph, rdflib, pyshacl, owlready2' \
    || { log "the Python install failed: see the pip output above"; exit 1; }
  echo "$hash" > "$stamp"
fi

if [ "$want_browser" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  log "installing Debian's chromium for the browser tests"
  apt_install chromium fonts-dejavu-core || { log "could not install chromium"; exit 1; }
fi
