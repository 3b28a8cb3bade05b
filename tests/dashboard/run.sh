#!/usr/bin/env bash
# The dashboard's end-to-end test in a real headless browser: Debian's /usr/bin/chromium driven
# by playwright-core (pinned in package.json / package-lock.json; playwright's own browsers are
# never downloaded). See e2e.mjs for the checks; it also writes docs/screenshots/*.png.
#
# Usage: tests/dashboard/run.sh [EMULATOR_BINARY]
#   EMULATOR_BINARY defaults to target/release/hubspot-emulator under the repo root.
# Environment:
#   CHROMIUM            the browser (default /usr/bin/chromium)
#   SCREENSHOT_DIR      where the PNGs go (default docs/screenshots under the repo root)
#   DASHBOARD_ASSET_DIR serve index.html/app.js/style.css from this directory instead of the
#                       binary's embedded copies (edit the assets and re-test without rebuilding)
#
# Installs playwright-core into node_modules/ here on first use, so it needs the npm registry
# the first time and nothing but loopback afterwards.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

# shellcheck source=SCRIPTDIR/../support/emulator.sh
. "$HERE/../support/emulator.sh"
emulator_binary "$@"
# shellcheck source=SCRIPTDIR/../support/e2e-runner.sh
. "$HERE/../support/e2e-runner.sh"
require_browser_and_node

# shellcheck source=SCRIPTDIR/../support/node-packages.sh
. "$HERE/../support/node-packages.sh"
# playwright-core downloads no browser by itself; ensure_node_package makes sure of it.
ensure_node_package "$HERE" playwright-core

export SCREENSHOT_DIR="${SCREENSHOT_DIR:-$ROOT/docs/screenshots}"

status=0
run_node_e2e 300 "$HERE/e2e.mjs" "$BIN" || status=$?
exit "$status"
