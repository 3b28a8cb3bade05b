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
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "run.sh: no browser at $CHROMIUM (apt-get install chromium)" >&2
  exit 2
fi
if ! command -v node >/dev/null; then
  echo "run.sh: node (>= 20) is needed" >&2
  exit 2
fi

PLAYWRIGHT_VERSION="$(node -p "require('$HERE/package.json').dependencies['playwright-core']")"
installed="$(node -p "try { require('$HERE/node_modules/playwright-core/package.json').version } catch { '' }")"
if [ "$installed" != "$PLAYWRIGHT_VERSION" ]; then
  echo "run.sh: installing playwright-core@$PLAYWRIGHT_VERSION"
  # playwright-core downloads no browser by itself; the variable makes sure of it.
  (cd "$HERE" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi

export SCREENSHOT_DIR="${SCREENSHOT_DIR:-$ROOT/docs/screenshots}"

# e2e.mjs stops its children and removes its temporary files itself, on failure and on
# SIGINT/SIGTERM too. For the cases it cannot (killed with SIGKILL, or stuck past the hard limit
# below) it lists the emulators still running in E2E_PIDFILE, and this script stops them and
# removes its TMPDIR (fixture, browser profile) once it is gone.
WORK="$(mktemp -d)"
PIDFILE="$WORK/children.pids"
: >"$PIDFILE"
# shellcheck disable=SC2317  # runs from the EXIT trap
reap() {
  while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done <"$PIDFILE"
  # An orphaned Chromium may still be writing its profile for a moment as it exits.
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    rm -rf "$WORK" 2>/dev/null && break
    sleep 0.5
  done
}
trap reap EXIT
TMPDIR="$WORK" E2E_PIDFILE="$PIDFILE" timeout --kill-after=10 300 node "$HERE/e2e.mjs" "$BIN" &
RUNNER=$!
trap 'kill -TERM "$RUNNER" 2>/dev/null || true' INT TERM
while true; do
  status=0
  wait "$RUNNER" || status=$?
  # A signal interrupts `wait`; the runner then goes on cleaning up, so wait for it again.
  if ! kill -0 "$RUNNER" 2>/dev/null; then break; fi
done
case "$status" in
  0 | 1 | 130) ;; # e2e.mjs reported itself
  124) echo "FAIL  the test ran past 300 s and was stopped" ;;
  *) echo "FAIL  e2e.mjs ended abnormally (status $status)" ;;
esac
exit "$status"
