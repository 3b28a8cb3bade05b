#!/usr/bin/env bash
# Conformance to HubSpot's published OpenAPI specs: runs schemathesis against a live emulator
# with HubSpot's own specs, vendored unmodified in specs/ here (source and blob ids in
# specs/README.md) - the current `v3` (OAuth: Authorization: Bearer), the hapikey-era
# `v3-developer_hapikey-2026-04-08` (?hapikey=) and the date-versioned `2026-03`
# (/crm/extensions/calling/2026-03/..., Bearer) - restricted to the settings,
# channel-connection and recording operations, and the three connection-statuses operations
# (/crm/extensions/calling/v3/connection-statuses..., in the current v3 spec only; the other
# calling operations, such as inbound-call, are not tested here) and recordings/ready. Three more
# runs test the CRM object APIs against HubSpot's CRM specs (crm-calls-v3, crm-contacts-v3,
# crm-companies-v3; Bearer with the fixture's access token): basic (list, create, read, update,
# archive), batch (create, read, update, upsert, archive) and search of calls, contacts and
# companies, with the fixture's seeded objects; hooks.py adjusts those specs to what a portal
# accepts (its properties, unique properties, objects; docs/crm.md, "Conformance"). Two runs test
# the third-party transcripts against HubSpot's Transcriptions specs (v3 and 2026-03), with the
# fixture's call and transcripts (docs/recordings.md, "Conformance").
#
# Required of every response: no 5xx, the spec's schema for its status, HubSpot's error envelope
# on every 4xx (hooks.py), the exact success statuses, HubSpot's headers; and every operation
# must reach its success status (200, DELETE 204; on the CRM a create and batch create 201, a batch
# archive 204) at least once. Prints the statuses the emulator
# answered, then `conformance: N passed, N failed`; exits 0 only if nothing failed.
#
# Usage: tests/conformance/run.sh [EMULATOR_BINARY]
#   EMULATOR_BINARY defaults to target/release/hubspot-emulator under the repo root.
# Environment: CONFORMANCE_MAX_EXAMPLES (default 100 per operation), CONFORMANCE_SEED
#   (default fixed, for reproducible runs), HUBSPOT_SPEC_DIR (default specs/ here; another
#   folder with the same layout, e.g. newer copies of the specs), CONFORMANCE_ONLY (run names
#   separated by spaces, e.g. "crm-calls crm-contacts": only those runs).
#
# Installs schemathesis on first use (a venv in .venv/, or .pydeps/ where python3 has no venv
# module), so it needs PyPI the first time and nothing but loopback afterwards.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# shellcheck source=SCRIPTDIR/../support/emulator.sh
. "$HERE/../support/emulator.sh"
emulator_binary "$@"

SPEC_DIR="${HUBSPOT_SPEC_DIR:-$HERE/specs}"
case "$SPEC_DIR" in /*) ;; *) SPEC_DIR="$PWD/$SPEC_DIR" ;; esac # schemathesis runs in $WORK
# name, spec file (relative to SPEC_DIR); each run gets a fresh emulator.
RUNS=(
  "v3-bearer v3/callingExtensions.json"
  "v3-developer_hapikey-2026-04-08 v3-developer_hapikey-2026-04-08/callingExtensions.json"
  "2026-03-bearer 2026-03/callingExtensions.json"
  "crm-calls crm-calls-v3/calls.json"
  "crm-contacts crm-contacts-v3/contacts.json"
  "crm-companies crm-companies-v3/companies.json"
  "transcripts-v3 crm-transcriptions-v3/transcriptions.json"
  "transcripts-2026-03 crm-transcriptions-2026-03/transcriptions.json"
)
if [ -n "${CONFORMANCE_ONLY:-}" ]; then # e.g. CONFORMANCE_ONLY="crm-calls crm-contacts"
  selected=()
  for run in "${RUNS[@]}"; do
    case " $CONFORMANCE_ONLY " in *" ${run%% *} "*) selected+=("$run") ;; esac
  done
  RUNS=("${selected[@]}")
fi
for run in "${RUNS[@]}"; do
  spec="$SPEC_DIR/${run#* }"
  if [ ! -f "$spec" ]; then
    echo "run.sh: HubSpot's spec not found: $spec (set HUBSPOT_SPEC_DIR)" >&2
    exit 2
  fi
done

SCHEMATHESIS_VERSION=4.32.5
MAX_EXAMPLES="${CONFORMANCE_MAX_EXAMPLES:-100}"
SEED="${CONFORMANCE_SEED:-20261127}"
FIXTURE="$HERE/fixture.json"
# The settings, channel-connection and recording operations, under either path family, and the
# connection statuses.
OPERATIONS_REGEX='^/crm/((v3/extensions/calling|extensions/calling/2026-03)/\{appId\}/settings(/channel-connection|/recording)?|extensions/calling/v3/connection-statuses(/batch/read|/me)?)$'
# The CRM object APIs (docs/crm.md): basic, batch and search of calls, contacts and companies
# (not contacts' merge and gdpr-delete, nor companies' merge, which the emulator does not serve).
# recordings/ready (both families; not in the hapikey-era run, hooks.py) and the transcripts
# (HubSpot's Transcriptions specs), docs/recordings.md.
OPERATIONS_REGEX+='|^/crm/(v3/extensions/calling|extensions/calling/2026-03)/(recordings/ready|transcripts(/\{transcriptId\})?)$'
OPERATIONS_REGEX+='|^/crm/v3/objects/(calls|contacts|companies)(/batch/(create|read|update|upsert|archive)|/search|/\{(callId|contactId|companyId)\})?$'

# --- schemathesis ------------------------------------------------------------------------
# shellcheck source=SCRIPTDIR/../support/python-env.sh
. "$HERE/../support/python-env.sh"
python_env "$HERE" schemathesis "$SCHEMATHESIS_VERSION" schemathesis.cli

# The fixture's credentials, for schemathesis.toml's auth blocks.
read -r HUBSPOT_ACCESS_TOKEN HUBSPOT_DEVELOPER_API_KEY < <("$PYTHON" -c "import json, sys; \
app = json.load(open(sys.argv[1]))['apps'][0]; print(app['accessToken'], app['developerApiKey'])" "$FIXTURE")
export HUBSPOT_ACCESS_TOKEN HUBSPOT_DEVELOPER_API_KEY
export SCHEMATHESIS_HOOKS="$HERE/hooks.py"

# --- Emulator ----------------------------------------------------------------------------
WORK="$(mktemp -d)"
trap 'stop_emulator; rm -rf "$WORK"' EXIT

# --- Runs --------------------------------------------------------------------------------
CONFORMANCE_STARTED="$(date +%s)"
export CONFORMANCE_STARTED
names=()
for run in "${RUNS[@]}"; do
  name="${run%% *}"
  spec="$SPEC_DIR/${run#* }"
  names+=("$name")
  echo "=== $name: schemathesis $SCHEMATHESIS_VERSION, ${spec#"$SPEC_DIR"/}, $MAX_EXAMPLES examples per operation, seed $SEED"
  # A fresh emulator with the conformance fixture (acceptAnyAppId: any generated appId is
  # provisioned on first use).
  if ! start_emulator "$name" "$FIXTURE"; then
    emulator_failure
    echo 1 >"$WORK/$name.rc"
    continue
  fi
  rc=0
  # One worker: the emulator's state is shared, and Python 3.11's parser is not thread-safe
  # (hypothesis parses lambda sources; two workers crash it now and then).
  (cd "$WORK" && "$PYTHON" -m schemathesis.cli --config-file "$HERE/schemathesis.toml" run "$spec" \
    --url "$EMULATOR_URL" \
    --include-path-regex "$OPERATIONS_REGEX" \
    --max-examples "$MAX_EXAMPLES" --seed "$SEED" --workers 1 \
    --continue-on-failure --no-color --request-timeout 10 \
    --report json,ndjson --report-json-path "$WORK/$name.json" \
    --report-ndjson-path "$WORK/$name.ndjson") || rc=$?
  echo "$rc" >"$WORK/$name.rc"
  # Every call and the status the emulator gave it, straight from the emulator.
  "$PYTHON" -c "import sys, urllib.request; \
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())" \
    "$EMULATOR_URL/_emulator/requests?limit=10000" >"$WORK/$name.journal.json" || true
  stop_emulator
done

status=0
"$PYTHON" "$HERE/summarize.py" "$WORK" "${names[@]}" || status=$?
exit "$status"
