#!/usr/bin/env bash
# The course's set-up and its two main commands.
#   bash course.sh run [--quick]   set up .venv, run every notebook headless into outputs/
#   bash course.sh test [args]     set up .venv with the test tools, run the whole test suite
#   bash course.sh lab             open JupyterLab on notebooks/
# Environment: PYTHON (default python3) picks the interpreter, VENV (default .venv) the folder.
# GANLIB_GPU=1 installs TensorFlow's CUDA build instead of the CPU one (Linux x86_64 with an
# NVIDIA GPU), GANLIB_GPU=0 goes back; the choice is remembered in the environment.
# The browser tests need Chromium: as root with apt-get, `test` installs Debian's chromium
# once (set GANLIB_CHROMIUM=/path/to/chromium to use another one; without any they are skipped).
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
#: Free space the packages need, in MB (the CUDA build adds about 4 GB).
NEEDED_MB=3000
NEEDED_GPU_MB=8000

fail() {
  echo "error: $*" >&2
  exit 2
}

check_python() {
  if ! command -v "$PYTHON" >/dev/null; then
    fail "$PYTHON not found. Install Python 3.10 to 3.13, or set PYTHON=/path/to/python."
  fi
  if ! "$PYTHON" -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] <= (3, 13)))'; then
    fail "$("$PYTHON" -c 'import sys; print("Python %d.%d" % sys.version_info[:2])') is not" \
      "supported by TensorFlow here; use Python 3.10 to 3.13 (set PYTHON=python3.11, for example)."
  fi
}

# True when $VENV holds the distribution $1.
has() {
  [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -m pip show -q "$1" >/dev/null 2>&1
}

# Prints cpu or gpu: GANLIB_GPU if set, else the choice remembered in $VENV, else cpu (or gpu
# for an environment switched by hand, before the choice was remembered: tensorflow in place
# of tensorflow-cpu on Linux x86_64).
tensorflow_choice() {
  case "${GANLIB_GPU:-}" in
    1) echo gpu ;;
    0) echo cpu ;;
    "")
      if [ -f "$VENV/.tensorflow" ]; then
        cat "$VENV/.tensorflow"
      elif [ "$(uname -sm)" = "Linux x86_64" ] && has tensorflow && ! has tensorflow-cpu; then
        echo gpu
      else
        echo cpu
      fi ;;
    *) fail "GANLIB_GPU must be 1 (TensorFlow's CUDA build) or 0 (the CPU build)," \
         "got '$GANLIB_GPU'." ;;
  esac
}

# TensorFlow publishes wheels for these platforms only; say so before any download.
check_platform() {
  local choice=$1 platform
  platform=$("$PYTHON" -c 'import platform, sys; print(sys.platform, platform.machine().lower())')
  case "$platform" in
    "linux x86_64" | "linux aarch64" | "linux arm64" | "darwin arm64") ;;
    "darwin x86_64")
      fail "TensorFlow publishes no wheel for Intel Macs since version 2.16, so the course" \
        "cannot be installed here. Open it on Colab or Binder instead (links in README.md)." ;;
    win32* | cygwin* | msys*)
      fail "on Windows, run this script in WSL (Linux); or open the course on Colab or" \
        "Binder (links in README.md)." ;;
    *)
      fail "TensorFlow publishes no wheel for $platform; the course installs on Linux" \
        "(x86_64 or aarch64) and on macOS with Apple silicon. Open it on Colab or Binder" \
        "instead (links in README.md)." ;;
  esac
  if [ "$choice" = gpu ] && [ "$platform" != "linux x86_64" ]; then
    fail "GANLIB_GPU=1 asks for TensorFlow's CUDA build, which exists for Linux x86_64" \
      "only, not for $platform. Run GANLIB_GPU=0 bash course.sh ... to use the CPU build" \
      "(on a Mac, .venv/bin/pip install tensorflow-metal adds the Apple GPU)."
  fi
}

check_space() {
  local needed=$1 free
  free=$(df -Pm "$(dirname "$VENV")" 2>/dev/null | awk 'NR == 2 {print $4}')
  if [ -n "$free" ] && [ "$free" -lt "$needed" ]; then
    fail "the packages need about $needed MB in $(dirname "$VENV"), but only $free MB are" \
      "free. Free some space, or set VENV=/path/on/another/disk/.venv."
  fi
}

# Installs the course (and with $1=test its test tools) at the versions of constraints.txt;
# again only when pyproject.toml, constraints.txt or the TensorFlow choice changed.
setup() {
  local level=${1:-course} choice stamp keep other options=()
  check_python
  choice=$(tensorflow_choice)
  check_platform "$choice"
  stamp="$VENV/.installed-$(cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)-$choice"
  if [ -f "$stamp-test" ] || { [ "$level" = course ] && [ -f "$stamp-course" ]; }; then
    return 0
  fi
  check_space "$([ "$choice" = gpu ] && echo "$NEEDED_GPU_MB" || echo "$NEEDED_MB")"
  if [ ! -x "$VENV/bin/python" ]; then
    echo "Creating the environment in $VENV ..."
    "$PYTHON" -m venv "$VENV"
  fi
  echo "Installing the course's packages (about 2 GB, a minute or two; TensorFlow: $choice) ..."
  local pip=("$VENV/bin/python" -m pip --quiet)
  "${pip[@]}" install --upgrade pip
  "${pip[@]}" install --no-deps -e .
  [ "$level" = test ] && options=(--extra test)
  [ "$choice" = gpu ] && options+=(--gpu)
  "$VENV/bin/python" -m coursekit.install ${options[@]+"${options[@]}"} \
    >"$VENV/requirements-here.txt"
  keep=$(grep -o '^tensorflow[-a-z]*' "$VENV/requirements-here.txt")
  other=$([ "$keep" = tensorflow ] && echo tensorflow-cpu || echo tensorflow)
  if has "$other"; then
    # One TensorFlow package at a time: both write the same folder, so the one kept is
    # installed again after the other one is removed.
    echo "Replacing $other by $keep ..."
    "${pip[@]}" uninstall -y "$other"
    "${pip[@]}" install --force-reinstall --no-deps -c constraints.txt \
      "$(grep "^$keep" "$VENV/requirements-here.txt")"
  fi
  "${pip[@]}" install -c constraints.txt -r "$VENV/requirements-here.txt"
  echo "$choice" >"$VENV/.tensorflow"
  rm -f "$VENV"/.installed-*
  touch "$stamp-$level"
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
    setup course
    exec "$VENV/bin/python" -m coursekit run "$@"
    ;;
  test)
    setup test
    browser_setup
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  lab)
    setup course
    exec "$VENV/bin/jupyter" lab notebooks/ "$@"
    ;;
  *)
    sed -n '2,8p' "$0"
    exit 1
    ;;
esac
