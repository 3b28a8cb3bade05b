#!/usr/bin/env bash
# Official clients as judges: runs HubSpot's own Python (hubspot-api-client 12.0.0) and Node
# (@hubspot/api-client 14.0.1) clients against the emulator and fails if either rejects it:
# their API clients against the settings API, the CRM object APIs (calls, contacts,
# companies) and recordings (markAsReady and the play it triggers), their Signature helpers against the signed webhook deliveries the emulator fires
# (signature_suite.sh), and docs/api.md's client snippets as written (docs_snippets.sh).
#
# Usage: tests/official-clients/run.sh [EMULATOR_BINARY]
#   EMULATOR_BINARY defaults to target/release/hubspot-emulator under the repo root.
#
# Installs the clients on first use (a venv in .venv/, node_modules/ here), so it needs the
# Python and npm package registries the first time and nothing but loopback afterwards.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# shellcheck source=SCRIPTDIR/../support/emulator.sh
. "$HERE/../support/emulator.sh"
emulator_binary "$@"

# The embedded default fixture (fixtures/default.json): one app, nothing registered yet.
APP_ID=1234567
DEVELOPER_API_KEY=demo-developer-api-key
# Its access token (every scope, installed in the default portal 62515): the CRM suites use it.
ACCESS_TOKEN=demo-access-token

# --- Python and Node clients (installed once, shared with clients/test.sh) -----------------
# shellcheck source=SCRIPTDIR/../support/official-clients.sh
. "$HERE/../support/official-clients.sh"
official_clients

# --- Emulator ----------------------------------------------------------------------------
WORK="$(mktemp -d)"
trap 'stop_emulator; rm -rf "$WORK"' EXIT

total_passed=0
total_failed=0
status=0

# Runs one suite against a fresh emulator and adds its closing `N passed, N failed` line to the
# totals. A suite that dies before that line counts as one failure.
run_suite() {
  local name="$1"
  shift
  echo "=== $name"
  # A fresh emulator for each suite: recording settings cannot be deleted, so no suite can leave
  # the state exactly as it found it, and a fresh process is a stronger reset than the control
  # API. No fixture: the suites hard-code the embedded default's app.
  if ! start_emulator "$name"; then
    emulator_failure
    total_failed=$((total_failed + 1))
    status=1
    return
  fi
  local log="$WORK/$name.log" rc=0
  HUBSPOT_API_BASE_URL="$EMULATOR_URL" HUBSPOT_APP_ID="$APP_ID" \
    HUBSPOT_DEVELOPER_API_KEY="$DEVELOPER_API_KEY" HUBSPOT_ACCESS_TOKEN="$ACCESS_TOKEN" \
    "$@" 2>&1 | tee "$log" || rc=$?
  stop_emulator
  add_summary "$name" "$log" "$rc"
}

# Runs a suite that starts its own emulators (signature_suite.sh: one per fixture) and adds its
# summary line to the totals like run_suite.
run_standalone() {
  local name="$1"
  shift
  echo "=== $name"
  local log="$WORK/$name.log" rc=0
  "$@" 2>&1 | tee "$log" || rc=$?
  add_summary "$name" "$log" "$rc"
}

add_summary() {
  local name="$1" log="$2" rc="$3" summary
  summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1 || true)"
  if [ -n "$summary" ]; then
    total_passed=$((total_passed + ${summary%% passed*}))
    local f="${summary#*passed, }"
    total_failed=$((total_failed + ${f%% failed}))
  else
    echo "FAIL $name printed no summary line"
    total_failed=$((total_failed + 1))
  fi
  if [ "$rc" -ne 0 ] || [ -z "$summary" ]; then
    status=1
  fi
}

run_suite python "$PYTHON" "$HERE/python_client_suite.py"
run_suite node node "$HERE/node_client_suite.mjs"
# The CRM object APIs (calls, contacts, companies) through both clients' typed APIs.
run_suite python-crm "$PYTHON" "$HERE/python_crm_suite.py"
run_suite node-crm node "$HERE/node_crm_suite.mjs"
run_suite node-inbound-call node "$HERE/node_inbound_call_suite.mjs"
# Recordings: the settings with the developer key, markAsReady with the token, the play it
# triggers against the suite's own app, signatures checked by the clients' own helpers.
run_suite python-recordings "$PYTHON" "$HERE/python_recordings_suite.py"
run_suite node-recordings node "$HERE/node_recordings_suite.mjs"
# docs/api.md's curl, Python and Node snippets, run as a reader would run them.
run_suite docs-snippets "$HERE/docs_snippets.sh" "$PYTHON"
# Live deliveries: the emulator's signed webhook, verified by both clients' Signature helpers.
run_standalone signatures "$HERE/signature_suite.sh" "$BIN" "$PYTHON"

echo "=== official clients"
echo "$total_passed passed, $total_failed failed"
if [ "$total_failed" -ne 0 ]; then
  status=1
fi
exit "$status"
