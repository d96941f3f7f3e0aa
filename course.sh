#!/usr/bin/env bash
# The course's set-up and its two main commands.
#   bash course.sh run [--quick]   set up .venv, run every notebook headless into outputs/
#   bash course.sh test [args]     set up .venv if needed, run the whole test suite
#   bash course.sh lab             open JupyterLab on notebooks/
# Environment: PYTHON (default python3) picks the interpreter, VENV (default .venv) the folder.
# The browser tests need Chromium: as root with apt-get, `test` installs Debian's chromium
# once (set GANLIB_CHROMIUM=/path/to/chromium to use another one; without any they are skipped).
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}

setup() {
  if ! command -v "$PYTHON" >/dev/null; then
    echo "error: $PYTHON not found. Install Python 3.10 to 3.13, or set PYTHON=/path/to/python." >&2
    exit 2
  fi
  if ! "$PYTHON" -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] <= (3, 13)))'; then
    echo "error: $("$PYTHON" --version 2>&1) is not supported by TensorFlow here; use Python 3.10 to 3.13 (set PYTHON=python3.11, for example)." >&2
    exit 2
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    echo "Creating the environment in $VENV ..."
    "$PYTHON" -m venv "$VENV"
  fi
  local stamp
  stamp="$VENV/.installed-$(cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ]; then
    echo "Installing the course's packages (about 2 GB, a minute or two) ..."
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -r requirements.txt -e .
    rm -f "$VENV"/.installed-*
    touch "$stamp"
  fi
}

browser_setup() {
  # Debian's chromium for tests/test_browser.py (Playwright's own download is not used).
  if [ -x /usr/bin/chromium ] || [ -n "${GANLIB_CHROMIUM:-}" ] || [ "$(id -u)" != 0 ] \
      || ! command -v apt-get >/dev/null; then
    return 0
  fi
  echo "Installing Chromium for the browser tests (apt-get, once) ..."
  local log
  log=$(mktemp)
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
      >"$log" 2>&1; then
    echo "warning: apt-get could not install chromium, so the browser tests will be skipped:" >&2
    tail -n 5 "$log" >&2
  fi
  rm -f "$log"
}

command=${1:-help}
[ $# -gt 0 ] && shift
case "$command" in
  run)
    setup
    exec "$VENV/bin/python" -m coursekit run "$@"
    ;;
  test)
    setup
    browser_setup
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  lab)
    setup
    exec "$VENV/bin/jupyter" lab notebooks/ "$@"
    ;;
  *)
    sed -n '2,6p' "$0"
    exit 1
    ;;
esac
