#!/usr/bin/env bash
# A plain-shell CI job for this repository, as written: build the emulator and the demo app
# (the target directory is the cache: keep it between runs), then run the help-desk scenarios
# against the demo app with `hubspot-emulator run`, writing a JUnit report for the CI to show.
# Exit status: `run`'s (0 passed, 1 a scenario failed, 2 fixture or usage, 3 infrastructure).
#
#   bash docs/ci/hubspot-contract.sh            # reports/hubspot-junit.xml
#
# docs/ci/github-actions.yml runs this same script on GitHub Actions; .ci/run runs it too.
# For your own app: replace the demo app after `--` by the command that starts yours, and the
# fixture by your scenarios (docs/scenarios.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
REPORTS="${REPORTS:-$PWD/reports}"
mkdir -p "$REPORTS"

cargo build --release --locked --bin hubspot-emulator --example demo_app

"$CARGO_TARGET_DIR/release/hubspot-emulator" run fixtures/examples/help-desk.json \
  --junit "$REPORTS/hubspot-junit.xml" --json "$REPORTS/hubspot-report.json" \
  -- "$CARGO_TARGET_DIR/release/examples/demo_app"
