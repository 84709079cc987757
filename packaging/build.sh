#!/usr/bin/env bash
# Builds the desktop bundle dist/ContactBridge/ (run it: dist/ContactBridge/contactbridge).
#   bash packaging/build.sh
# Needs the project's .venv (bash packaging/setup.sh); installs the `package` extra
# (PyInstaller) into it when missing. Works offline once PyInstaller is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

PY=.venv/bin/python
if [ ! -x "$PY" ]; then
  echo "No .venv here: run 'bash packaging/setup.sh' first." >&2
  exit 2
fi
if [ "$(uname -s)" = Linux ] && ! command -v objdump >/dev/null; then
  echo "PyInstaller needs objdump and objcopy: install binutils (sudo apt-get install" \
    "binutils), or run 'bash packaging/setup.sh bundle', which does." >&2
  exit 2
fi
if ! "$PY" -c 'import PyInstaller' 2>/dev/null; then
  say "Installing PyInstaller (the 'package' extra) into .venv"
  "$PY" -m pip install -q --disable-pip-version-check -e '.[package]'
fi

say "Building dist/ContactBridge with PyInstaller $("$PY" -m PyInstaller --version)"
start=$(date +%s)
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build packaging/contactbridge.spec
seconds=$(( $(date +%s) - start ))

exe=dist/ContactBridge/contactbridge
[ -x "$exe" ] || exe="$exe.exe"
say "Built $exe in ${seconds}s; bundle size $(du -sh dist/ContactBridge | cut -f1)"
