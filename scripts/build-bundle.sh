#!/usr/bin/env bash
# Build the PartsDesk bundle (build_installer.spec) into dist/PartsDesk: a folder that runs on a PC
# without Python. Installs PyInstaller into the project's .venv first if it is missing (the `bundle`
# extra of pyproject.toml). Prints the bundle's size at the end. Check it with scripts/check-bundle.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

if [ ! -x $BIN/python ]; then
    echo "build-bundle: no .venv here; run 'make setup' first." >&2
    exit 1
fi
if ! $BIN/python -c 'import PyInstaller' 2>/dev/null; then
    echo "== installing PyInstaller into .venv"
    $BIN/pip install --quiet -e '.[bundle]'
fi
if ! command -v objdump >/dev/null; then
    echo "build-bundle: PyInstaller needs objdump (Debian package binutils)." >&2
    exit 1
fi

echo "== building dist/PartsDesk with PyInstaller"
rm -rf build/PartsDesk build/build_installer dist/PartsDesk
# Qt's offscreen platform: the hooks load Qt to find its plugins, and a CI box has no display.
QT_QPA_PLATFORM=offscreen $BIN/pyinstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build build_installer.spec

if [ ! -x dist/PartsDesk/partsdesk ] && [ ! -f dist/PartsDesk/partsdesk.exe ]; then
    echo "build-bundle: PyInstaller finished but dist/PartsDesk/partsdesk is missing." >&2
    exit 1
fi
echo "== bundle built: $(du -sh dist/PartsDesk | cut -f1) in dist/PartsDesk ($(find dist/PartsDesk -type f | wc -l) files)"
