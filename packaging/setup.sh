#!/usr/bin/env bash
# Sets ContactBridge up on a fresh Debian/Ubuntu machine, then opens the sandbox app or runs
# the whole test suite.
#   bash packaging/setup.sh app    set up, then open the app on the sandbox
#   bash packaging/setup.sh test   set up, then run the checks and every test, headless
#   bash packaging/setup.sh bundle set up, build dist/ContactBridge (PyInstaller), test it headless
#   bash packaging/setup.sh        set up only
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-setup}"
case "$mode" in
  app | test | bundle | setup) ;;
  *) echo "usage: bash packaging/setup.sh [app|test|bundle|setup]" >&2; exit 2 ;;
esac

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# Qt's system libraries and a font (without a font every label renders as boxes).
QT_LIBS="libgl1 libegl1 libglib2.0-0 libfontconfig1 libxkbcommon0 libdbus-1-3 fonts-dejavu-core"
# Real X11 windows (the app on a desktop, screenshots under Xvfb).
XCB_LIBS="libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0"
# The desktop bundle: PyInstaller reads and edits binaries with objdump and objcopy (it stops
# at once without them) and lists their libraries with ldd (libc-bin, always installed).
# tests/packaging runs the bundle headless (offscreen), so it needs no X server.
BUNDLE_TOOLS="binutils"

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    say "Please install these system packages: ${missing[*]}"
    return 0
  fi
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  say "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

PY="${PYTHON:-python3}"
"$PY" -c 'import sys; assert sys.version_info >= (3, 11), "ContactBridge needs Python 3.11+"'

pkgs=($QT_LIBS)
[ "$mode" = "app" ] && pkgs+=($XCB_LIBS)
[ "$mode" = "bundle" ] && pkgs+=($BUNDLE_TOOLS)
# Debian ships venv and ensurepip separately from python3.
if ! "$PY" -c 'import ensurepip, venv' 2>/dev/null; then
  pkgs+=("python3-venv")
fi
apt_install "${pkgs[@]}"

if [ ! -x .venv/bin/python ]; then
  say "Creating the virtual environment in .venv"
  "$PY" -m venv .venv
fi
say "Installing ContactBridge and its dependencies"
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

case "$mode" in
  app)
    say "Opening ContactBridge on the sandbox"
    exec .venv/bin/python main.py --sandbox
    ;;
  test)
    export QT_QPA_PLATFORM=offscreen CONTACTBRIDGE_KEYRING=memory
    say "ruff check";     .venv/bin/ruff check .
    say "import layers";  .venv/bin/lint-imports
    say "type check";     .venv/bin/mypy
    say "pytest"
    # One worker a core (pytest-xdist); a test file stays on one worker, so its tests run in
    # their order. Anything after "test" goes to pytest, e.g. "-n 0" for one process.
    set +e
    .venv/bin/python -m pytest -q -p no:randomly -n auto --dist loadfile "${@:2}"
    code=$?
    set -e
    # pytest's 5 means "no tests ran", which must never pass as green.
    [ $code -eq 5 ] && { echo "No tests were collected."; exit 1; }
    exit $code
    ;;
  bundle)
    bash packaging/build.sh
    say "Testing the bundle (tests/packaging)"
    export QT_QPA_PLATFORM=offscreen CONTACTBRIDGE_TEST_BUNDLE=dist/ContactBridge
    exec .venv/bin/python -m pytest -q -p no:randomly tests/packaging "${@:2}"
    ;;
  setup) say "Ready. Open the sandbox with: .venv/bin/python main.py --sandbox" ;;
esac
