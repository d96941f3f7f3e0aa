#!/usr/bin/env bash
# The course's set-up and its two main commands.
#   bash course.sh run [--quick]   set up .venv, run every notebook headless into outputs/
#   bash course.sh test [args]     set up .venv if needed, run the whole test suite
#   bash course.sh lab             open JupyterLab on notebooks/
# Environment: PYTHON (default python3) picks the interpreter, VENV (default .venv) the folder.
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

command=${1:-help}
[ $# -gt 0 ] && shift
case "$command" in
  run)
    setup
    exec "$VENV/bin/python" -m ganlib.course run "$@"
    ;;
  test)
    setup
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
