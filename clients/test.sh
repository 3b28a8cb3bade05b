#!/usr/bin/env bash
# The test helpers and their examples under their own runners, against the emulator binary and
# with HubSpot's official clients inside the tests (installed once by
# tests/support/official-clients.sh, beside tests/official-clients, and reused here):
#   - clients/node: node:test runs test/ and examples/ (the examples' sandboxes concurrently);
#   - clients/node/runners: the README's recipes under the real runners, each on two workers that
#     share the one emulator its global setup started (examples/), each test in a sandbox of its
#     own: Jest (jest-global-setup.cjs), Vitest (global-setup.mjs); the run fails unless both
#     workers used that emulator and no two tests got the same sandbox (check-notes.mjs); and
#     `tsc --noEmit --strict` checks index.d.ts against the README's usage (types/usage.mts);
#   - clients/python: pytest -n 2 (pytest-xdist) runs tests/ and examples/ on two workers that
#     share one emulator, each test in a sandbox of its own; the run fails unless both workers
#     used the one emulator and no two tests got the same sandbox (tests/conftest.py).
#
# Usage: clients/test.sh [EMULATOR_BINARY]   (default target/release/hubspot-emulator)
# Installs pytest 9.2.0, pytest-xdist 3.8.0 and clients/python (editable) into the official
# clients' Python, and clients/node/runners/package.json's pins (Jest, Vitest, TypeScript) into
# clients/node/runners/node_modules, on first use.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/../tests/support/emulator.sh
. "$HERE/../tests/support/emulator.sh"
emulator_binary "$@"
# shellcheck source=SCRIPTDIR/../tests/support/official-clients.sh
. "$HERE/../tests/support/official-clients.sh"
official_clients
# shellcheck source=SCRIPTDIR/../tests/support/node-packages.sh
. "$HERE/../tests/support/node-packages.sh"

# pytest, xdist and the helper (editable: the plugin's entry point registered, the source read
# from here), installed where the official client is, unless already there.
if ! "$PYTHON" - "$HERE/python/src" <<'PY' 2>/dev/null; then
import sys
from importlib.metadata import version
import hubspot_emulator
assert version("pytest") == "9.2.0" and version("pytest-xdist") == "3.8.0"
assert hubspot_emulator.__file__.startswith(sys.argv[1])
PY
  echo "installing pytest 9.2.0, pytest-xdist 3.8.0 and clients/python"
  target=()
  if [ -n "${PYTHONPATH:-}" ]; then target=(--target "$PYTHONPATH"); fi
  "$PYTHON" -m pip install --quiet --disable-pip-version-check "${target[@]}" \
    pytest==9.2.0 pytest-xdist==3.8.0 -e "$HERE/python"
fi

export HUBSPOT_EMULATOR_BIN="$BIN" OFFICIAL_CLIENTS_DIR
status=0
notes="$(mktemp -d)"
trap 'rm -rf "$notes"' EXIT

echo "=== clients/node (node:test)"
(cd "$HERE/node" && node --test test/ examples/) || status=1

started=$SECONDS
runners="$HERE/node/runners"
for package in jest vitest typescript; do ensure_node_package "$runners" "$package"; done
echo "=== clients/node/runners: Jest (--maxWorkers=2)"
# A fresh cache directory: with the timings of an earlier run, Jest may run fast files in band.
mkdir "$notes/jest"
(cd "$runners" && HUBSPOT_EMULATOR_TEST_NOTES="$notes/jest" node_modules/.bin/jest --ci \
  --maxWorkers=2 --cacheDirectory="$notes/jest-cache" &&
  node check-notes.mjs "$notes/jest" jest 4) || status=1
echo "=== clients/node/runners: Vitest (--maxWorkers=2)"
mkdir "$notes/vitest"
(cd "$runners" && HUBSPOT_EMULATOR_TEST_NOTES="$notes/vitest" node_modules/.bin/vitest run \
  --maxWorkers=2 && node check-notes.mjs "$notes/vitest" vitest 4) || status=1
echo "=== clients/node/runners: tsc --noEmit --strict (index.d.ts against types/usage.mts)"
(cd "$runners" && node_modules/.bin/tsc --noEmit --strict -p types) || status=1
echo "clients/node/runners took $((SECONDS - started)) s"

echo "=== clients/python (pytest -n 2)"
mkdir "$notes/pytest"
(cd "$HERE/python" && HUBSPOT_EMULATOR_TEST_NOTES="$notes/pytest" \
  "$PYTHON" -m pytest -n 2 -p no:cacheprovider -q tests examples) || status=1

exit "$status"
