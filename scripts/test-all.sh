#!/usr/bin/env bash
# The whole test suite, as CI runs it: lint and layer contracts, then every test on SQLite,
# then every test again on a real PostgreSQL server started here for the run.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export QT_QPA_PLATFORM=offscreen

echo "== ruff and import-linter"
$BIN/ruff check partsdesk tests
$BIN/lint-imports

echo "== tests on SQLite"
$BIN/python -m pytest "$@"

echo "== tests on PostgreSQL"
if [ -n "${PARTSDESK_TEST_PG:-}" ]; then
    $BIN/python -m pytest "$@"
else
    pgdir=$(mktemp -d /tmp/partsdesk-pg.XXXXXX)
    trap 'scripts/pg-server.sh stop "$pgdir"; rm -rf "$pgdir"' EXIT
    PARTSDESK_TEST_PG=$(scripts/pg-server.sh start "$pgdir")
    export PARTSDESK_TEST_PG
    $BIN/python -m pytest "$@"
fi
