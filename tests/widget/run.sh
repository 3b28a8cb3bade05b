#!/usr/bin/env bash
# The calling widget, hosted, end to end in a real headless browser: the emulator's calling page
# (/_emulator/ui/calling) hosting the demo app's widget and HubSpot's demo-minimal-js, in Debian's
# /usr/bin/chromium driven by playwright-core; the calls are read back with HubSpot's official
# Node client. See e2e.mjs for the checks; it also writes docs/screenshots/calling.png.
#
# Usage: tests/widget/run.sh [EMULATOR_BINARY [DEMO_APP_BINARY]]
#   EMULATOR_BINARY defaults to target/release/hubspot-emulator under the repo root,
#   DEMO_APP_BINARY to examples/demo_app beside it (cargo build --release --examples).
# Environment:
#   CHROMIUM        the browser (default /usr/bin/chromium)
#   SCREENSHOT_DIR  where calling.png goes (default docs/screenshots under the repo root)
#
# The npm packages are the other suites' (tests/support/node-packages.sh): playwright-core in
# tests/dashboard, @hubspot/api-client in tests/official-clients; installed there on first use.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

# shellcheck source=SCRIPTDIR/../support/emulator.sh
. "$HERE/../support/emulator.sh"
emulator_binary "${1:-}"
DEMO_APP="${2:-$(dirname "$BIN")/examples/demo_app}"
case "$DEMO_APP" in /*) ;; *) DEMO_APP="$PWD/$DEMO_APP" ;; esac
if [ ! -x "$DEMO_APP" ]; then
  echo "run.sh: the demo app is not built at $DEMO_APP (cargo build --release --examples)" >&2
  exit 2
fi
# shellcheck source=SCRIPTDIR/../support/e2e-runner.sh
. "$HERE/../support/e2e-runner.sh"
require_browser_and_node

# shellcheck source=SCRIPTDIR/../support/node-packages.sh
. "$HERE/../support/node-packages.sh"
ensure_node_package "$ROOT/tests/dashboard" playwright-core
ensure_node_package "$ROOT/tests/official-clients" @hubspot/api-client

export SCREENSHOT_DIR="${SCREENSHOT_DIR:-$ROOT/docs/screenshots}"

status=0
run_node_e2e 300 "$HERE/e2e.mjs" "$BIN" "$DEMO_APP" || status=$?

# The example scenario that drives the widget (fixtures/examples/calling-widget.json) through the
# real binary's `run`, its openWidget step opening the real Chromium: it must pass under --strict
# with both scenarios in its JUnit report and no failure, and leave no browser behind.
echo "=== hubspot-emulator run fixtures/examples/calling-widget.json --strict (openWidget in $CHROMIUM)"
reports="$(mktemp -d)"
if CHROMIUM="$CHROMIUM" timeout 180 "$BIN" run "$ROOT/fixtures/examples/calling-widget.json" --strict \
  --junit "$reports/junit.xml" -- "$DEMO_APP" >"$reports/out.txt" 2>"$reports/err.txt" \
  && grep -q 'tests="10"' "$reports/junit.xml" && grep -q 'failures="0" errors="0"' "$reports/junit.xml" \
  && ! pgrep -f -- "--user-data-dir=.*hubspot-emulator" >/dev/null; then
  echo "PASS  the calling-widget example passes under --strict: $(tail -n 1 "$reports/out.txt")"
else
  echo "FAIL  the calling-widget example scenario (exit $?):" >&2
  tail -n 40 "$reports/out.txt" "$reports/err.txt" "$reports/junit.xml" >&2 || true
  status=1
fi
rm -rf "$reports"
exit "$status"
