#!/usr/bin/env bash
# Official clients as judges of live deliveries: the emulator fires its signed phone-number
# webhook at receivers that verify every request with HubSpot's own helpers —
# hubspot.utils.signature.Signature.is_valid (hubspot-api-client 12.0.0, python_signature_receiver.py)
# and Signature.isValid (@hubspot/api-client 14.0.1, node_signature_receiver.mjs) — and fails
# unless both accept the legacy signature (v1 and v2, one run each) and v3.
#
# Usage: tests/official-clients/signature_suite.sh [EMULATOR_BINARY [PYTHON]]
#   EMULATOR_BINARY defaults to target/release/hubspot-emulator under the repo root; PYTHON to
#   .venv/bin/python here (run.sh installs the clients and passes both).
#
# For each receiver:
#   v1, v2        a fixture app with that legacy version whose channel connection points at the
#                 receiver (with an escaped query: the URL is signed exactly as registered);
#                 POST /_emulator/fire must pass and the receiver must log both signatures valid
#   wrong secret  the emulator signs with another secret: the receiver must answer 401 and the
#                 verdict fail with an `http-status` finding (proves the receivers verify)
#   direct        requests signed here, without the emulator: accepted as signed, rejected with
#                 a tampered body or a timestamp older than five minutes
#   probe         the receiver started with VERIFY=v3 (only X-HubSpot-Signature-v3 and its
#                 timestamp, checked by the helper as HubSpot recommends apps do), attacked with
#                 `hubspot-emulator probe --burst 20 --format json`: it must exit 0 with outcome
#                 pass, every must-reject forgery (wrong-secret … legacy-only) rejected, the
#                 future-timestamp probe accepted with a warning (the helpers only check that the
#                 timestamp is not older than five minutes) and all 20 burst deliveries answered
#                 2xx; prints one `#` line with every probe's status and outcome
#   probe wrong secret  the same receiver probed with another --client-secret: exit 1 with a
#                 `valid-delivery-rejected` finding (proves the probe verdict can fail)
# Prints one line per check and ends with `N passed, N failed`; exits 1 on any failure.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# shellcheck source=SCRIPTDIR/../support/emulator.sh
. "$HERE/../support/emulator.sh"
emulator_binary "$@"
PYTHON="${2:-$HERE/.venv/bin/python}"

APP_ID=1234567
PORTAL_ID=62515
USER_ID=101
# The path and query the fixture registers: `%2F` must reach the helpers undecoded.
HOOK_PATH='/hubspot/phone-numbers?tenant=a%2Fb&x=1'

WORK="$(mktemp -d)"
PIDS=()
# Stops the emulator and every receiver.
stop_all() {
  local pid
  stop_emulator
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
}
trap 'stop_all; rm -rf "$WORK"' EXIT

passed=0
failed=0
check() { # NAME OK(0|1) [DETAIL]
  if [ "$2" = 0 ]; then
    passed=$((passed + 1))
    echo "PASS $1"
  else
    failed=$((failed + 1))
    echo "FAIL $1${3:+: $3}"
  fi
}

# Starts `CMD...` (a receiver) with stdout in $WORK/NAME.out and stderr in $WORK/NAME.err and
# sets URL from the base URL on its first stdout line. Returns 1 (with the reason in URL_ERROR)
# if none comes.
start() {
  local name="$1"
  shift
  if ! start_with_url "$name" "$@"; then
    URL_ERROR="$STARTED_ERROR"
    return 1
  fi
  PIDS+=("$STARTED_PID")
  URL="$STARTED_URL"
}

start_receiver() { # NAME KIND SECRET [VERIFY]
  local verify="${4:-both}"
  case "$2" in
    python) VERIFY="$verify" CLIENT_SECRET="$3" start "$1" "$PYTHON" "$HERE/python_signature_receiver.py" ;;
    node) VERIFY="$verify" CLIENT_SECRET="$3" start "$1" node "$HERE/node_signature_receiver.mjs" ;;
  esac
}

# A fixture with the one app and user; its channel connection points at $1$HOOK_PATH.
write_fixture() { # FILE RECEIVER_URL SECRET LEGACY_VERSION
  python3 - "$@" "$APP_ID" "$PORTAL_ID" "$USER_ID" "$HOOK_PATH" <<'PY'
import json, sys
path, base, secret, version, app_id, portal_id, user_id, hook = sys.argv[1:]
fixture = {
    "apps": [{"name": "sig", "appId": int(app_id), "developerApiKey": "k", "clientSecret": secret,
              "signatureVersion": version,
              "channelConnection": {"url": base + hook, "isReady": True}}],
    "portals": [{"portalId": int(portal_id), "users": [{"userId": int(user_id)}]}],
}
with open(path, "w") as f:
    json.dump(fixture, f)
PY
}

# Starts the emulator on FIXTURE, fires once, writes the verdict to $WORK/NAME.verdict.json.
# Returns 1 (with the reason in FIRE_ERROR) if the emulator does not start or fire fails.
fire() { # NAME FIXTURE
  local name="$1" fixture="$2" code
  if ! start_emulator "$name" "$fixture"; then
    FIRE_ERROR="$EMULATOR_ERROR"
    return 1
  fi
  code="$(curl -s --max-time 30 -o "$WORK/$name.verdict.json" -w '%{http_code}' -X POST "$EMULATOR_URL/_emulator/fire" \
    -H 'Content-Type: application/json' \
    -d "{\"appId\":$APP_ID,\"portalId\":$PORTAL_ID,\"userId\":$USER_ID}")"
  if [ "$code" != 200 ]; then
    FIRE_ERROR="POST /_emulator/fire answered HTTP $code: $(head -c 600 "$WORK/$name.verdict.json" 2>/dev/null)"
    return 1
  fi
}

# Runs a python3 snippet that judges one thing; it prints why on failure and exits non-zero.
# Arguments after the snippet are sys.argv[1:].
judge() { # NAME SNIPPET ARGS...
  local name="$1" snippet="$2" detail rc
  shift 2
  detail="$(python3 -c "$snippet" "$@" 2>&1)"
  rc=$?
  check "$name" "$([ "$rc" = 0 ] && echo 0 || echo 1)" "$detail"
}

# The receiver log: one JSON object per line. Prepended to each snippet below.
READ_LOG="$(cat <<'PY'
import json, sys
def log_entries(path):
    entries = []
    for line in open(path):
        line = line.strip()
        if line.startswith("{"):
            entries.append(json.loads(line))
    return entries
def only_entry(path):
    entries = log_entries(path)
    if len(entries) != 1:
        sys.exit(f"the receiver logged {len(entries)} requests, expected 1: {open(path).read()[-800:]!r}")
    return entries[0]
def response_status(verdict):
    return ((verdict.get("delivery") or {}).get("response") or {}).get("status")
PY
)"

# argv: verdict receiver_log
VERDICT_PASSES="$READ_LOG
$(cat <<'PY'
verdict = json.load(open(sys.argv[1]))
status = response_status(verdict)
if verdict.get("outcome") != "pass" or status != 200:
    sys.exit(f"outcome {verdict.get('outcome')!r}, receiver status {status!r}, findings "
             f"{json.dumps(verdict.get('findings'))}; receiver log: {open(sys.argv[2]).read()[-800:]!r}")
PY
)"

# argv: verdict registered_url legacy_version
REQUEST_AS_REGISTERED="$READ_LOG
$(cat <<'PY'
verdict = json.load(open(sys.argv[1]))
url, version = sys.argv[2], sys.argv[3]
request = (verdict.get("delivery") or {}).get("request") or {}
headers = {name.lower(): value for name, value in request.get("headers") or []}
problems = []
if request.get("url") != url:
    problems.append(f"delivery.request.url {request.get('url')!r}, registered {url!r}")
if headers.get("x-hubspot-signature-version") != version:
    problems.append(f"X-HubSpot-Signature-Version {headers.get('x-hubspot-signature-version')!r},"
                    f" fixture {version!r}")
for name in ("x-hubspot-signature", "x-hubspot-signature-v3", "x-hubspot-request-timestamp"):
    if not headers.get(name):
        problems.append(f"no {name} header")
if problems:
    sys.exit("; ".join(problems))
PY
)"

# argv: receiver_log registered_url legacy_version
BOTH_VALID="$READ_LOG
$(cat <<'PY'
entry = only_entry(sys.argv[1])
url, version = sys.argv[2], sys.argv[3]
legacy, v3 = entry.get("legacy") or {}, entry.get("v3") or {}
problems = []
if entry.get("uri") != url:
    problems.append(f"verified uri {entry.get('uri')!r}, registered {url!r}")
if legacy.get("version") != version or legacy.get("valid") is not True:
    problems.append(f"legacy {legacy!r}, expected {version} valid")
if v3.get("valid") is not True:
    problems.append(f"v3 {v3!r}")
if problems:
    sys.exit("; ".join(problems))
PY
)"

# argv: verdict
VERDICT_HTTP_STATUS="$READ_LOG
$(cat <<'PY'
verdict = json.load(open(sys.argv[1]))
codes = [f.get("code") for f in verdict.get("findings") or []]
status = response_status(verdict)
if verdict.get("outcome") != "fail" or "http-status" not in codes or status != 401:
    sys.exit(f"outcome {verdict.get('outcome')!r}, finding codes {codes}, receiver status {status!r}")
PY
)"

# argv: receiver_log
BOTH_INVALID="$READ_LOG
$(cat <<'PY'
entry = only_entry(sys.argv[1])
legacy, v3 = entry.get("legacy") or {}, entry.get("v3") or {}
if entry.get("status") != 401 or legacy.get("valid") is not False or v3.get("valid") is not False:
    sys.exit(f"status {entry.get('status')!r}, legacy {legacy!r}, v3 {v3!r}")
PY
)"

# Signs a request with the conventions of docs/webhook.md, "Verifying signatures in your app"
# (the emulator's), sends it and checks the receiver's answer and log line.
# argv: base path secret version tamper(no|body) ts_offset_ms expected_status
#       expected_log(valid|invalid|stale) receiver_log
DIRECT="$READ_LOG
$(cat <<'PY'
import base64, hashlib, hmac, time, urllib.error, urllib.request
base, path, secret, version, tamper, offset, want_status, want_log, log_file = sys.argv[1:]
uri = base + path
body = '{"appId":1234567,"portalId":62515,"userId":101}'
ts = str(int(time.time() * 1000) + int(offset))
if version == "v1":
    legacy = hashlib.sha256((secret + body).encode()).hexdigest()
else:
    legacy = hashlib.sha256((secret + "POST" + uri + body).encode()).hexdigest()
v3 = base64.b64encode(hmac.new(secret.encode(), ("POST" + uri + body + ts).encode(),
                               hashlib.sha256).digest()).decode()
sent = body.replace("101", "102") if tamper == "body" else body
request = urllib.request.Request(uri, data=sent.encode(), method="POST", headers={
    "Content-Type": "application/json", "X-HubSpot-Signature": legacy,
    "X-HubSpot-Signature-Version": version, "X-HubSpot-Signature-v3": v3,
    "X-HubSpot-Request-Timestamp": ts})
try:
    with urllib.request.urlopen(request, timeout=10) as response:
        status, reply = response.status, response.read().decode()
except urllib.error.HTTPError as e:
    status, reply = e.code, e.read().decode()
entries = log_entries(log_file)
entry = entries[-1] if entries else {}
legacy_ok = (entry.get("legacy") or {}).get("valid")
v3_ok = (entry.get("v3") or {}).get("valid")
expected = {"valid": (True, True), "invalid": (False, False), "stale": (True, False)}[want_log]
if status != int(want_status) or (legacy_ok, v3_ok) != expected:
    sys.exit(f"HTTP {status} {reply[:300]!r}; logged legacy valid={legacy_ok}, v3 valid={v3_ok};"
             f" expected HTTP {want_status}, {want_log}")
if status == 200:
    numbers = json.loads(reply).get("phoneNumbers") or [{}]
    if numbers[0].get("e164PhoneNumber") != "+14155552671":
        sys.exit(f"unexpected 200 body {reply!r}")
PY
)"

# The probes every run must report; the ones after valid-delivery must be rejected (4xx).
PROBE_NAMES="$(cat <<'PY'
MUST_REJECT = ["wrong-secret", "tampered-body", "reformatted-body", "no-signature",
               "empty-signature", "v3-other-url", "stale-timestamp", "timestamp-in-seconds",
               "replayed-capture", "legacy-only"]
# HubSpot's helpers only check that a timestamp is not older than 300 s: one from the future
# passes, so the probe reports a warning, not a failure.
WARNING = "future-timestamp"
def probes(report):
    return {p.get("probe"): p for p in report.get("probes") or []}
def brief(p):
    return f"{p.get('probe')}: {p.get('status')} {p.get('outcome')}"
PY
)"

# argv: probe_report
PROBE_PASSES="$READ_LOG
$PROBE_NAMES
$(cat <<'PY'
report = json.load(open(sys.argv[1]))
by_name = probes(report)
problems = []
if report.get("outcome") != "pass":
    problems.append(f"outcome {report.get('outcome')!r}, findings {json.dumps(report.get('findings'))}")
valid = by_name.get("valid-delivery") or {}
if valid.get("outcome") != "passed":
    problems.append(f"valid-delivery {brief(valid)}")
for name in MUST_REJECT:
    if name not in by_name:
        problems.append(f"no {name} probe in the report")
for name, p in by_name.items():
    if p.get("expected") == "reject" and name != WARNING and p.get("outcome") != "passed":
        problems.append(brief(p))
if problems:
    sys.exit("; ".join(problems))
PY
)"

# argv: probe_report
PROBE_FUTURE_WARNS="$READ_LOG
$PROBE_NAMES
$(cat <<'PY'
report = json.load(open(sys.argv[1]))
p = probes(report).get(WARNING)
if p is None:
    sys.exit(f"no {WARNING} probe in the report")
if p.get("outcome") != "warning" or not p.get("accepted") or p.get("severity") != "warning":
    sys.exit(f"{brief(p)}, accepted {p.get('accepted')!r}, severity {p.get('severity')!r}:"
             f" {p.get('message')}")
PY
)"

# argv: probe_report deliveries
PROBE_BURST_OK="$READ_LOG
$(cat <<'PY'
report = json.load(open(sys.argv[1]))
want = int(sys.argv[2])
burst = report.get("burst") or {}
if burst.get("deliveries") != want or burst.get("ok") != want:
    sys.exit(f"burst deliveries {burst.get('deliveries')!r}, ok {burst.get('ok')!r}, errors"
             f" {burst.get('errors')!r}, missedTimeout {burst.get('missedTimeout')!r}, statuses"
             f" {burst.get('statuses')!r}; expected {want} ok")
PY
)"

# argv: probe_report
PROBE_VALID_REJECTED="$READ_LOG
$PROBE_NAMES
$(cat <<'PY'
report = json.load(open(sys.argv[1]))
codes = [f.get("code") for f in report.get("findings") or []]
valid = probes(report).get("valid-delivery") or {}
if report.get("outcome") != "fail" or "valid-delivery-rejected" not in codes or valid.get("status") != 401:
    sys.exit(f"outcome {report.get('outcome')!r}, finding codes {codes}, {brief(valid)}")
PY
)"

# argv: probe_report — one line: every probe's status and outcome, and the burst.
PROBE_TABLE="$READ_LOG
$PROBE_NAMES
$(cat <<'PY'
report = json.load(open(sys.argv[1]))
line = ", ".join(brief(p) for p in report.get("probes") or [])
burst = report.get("burst")
if burst:
    line += (f"; burst {burst.get('ok')}/{burst.get('deliveries')} ok, p50"
             f" {(burst.get('latencyMs') or {}).get('p50', 0):.0f} ms")
print(line)
PY
)"

new_secret() { python3 -c 'import uuid; print(uuid.uuid4())'; }

# Runs `hubspot-emulator probe` against URL and writes its JSON to FILE; sets PROBE_RC.
run_probe() { # URL SECRET FILE
  # The flags decide; ignore any probe settings from the caller's environment.
  env -u HUBSPOT_EMULATOR_STRICT -u HUBSPOT_EMULATOR_TIMEOUT_MS -u HUBSPOT_EMULATOR_CA_CERT \
    -u HUBSPOT_EMULATOR_BURST -u HUBSPOT_EMULATOR_FORMAT -u HUBSPOT_EMULATOR_CLIENT_SECRET \
    "$BIN" probe --url "$1" --client-secret "$2" --burst "$PROBE_BURST" --format json \
    >"$3" 2>"$3.err"
  PROBE_RC=$?
}

# One emulator delivery, with both signatures valid, to RECEIVER with legacy VERSION.
accepted_run() { # RECEIVER VERSION
  local kind="$1" version="$2" name="$1-$2" secret receiver url
  secret="$(new_secret)"
  if ! start_receiver "$name.receiver" "$kind" "$secret"; then
    check "$kind $version: receiver started" 1 "$URL_ERROR"
    stop_all
    return
  fi
  receiver="$URL"
  url="$receiver$HOOK_PATH"
  write_fixture "$WORK/$name.fixture.json" "$receiver" "$secret" "$version"
  if ! fire "$name" "$WORK/$name.fixture.json"; then
    check "$kind $version: emulator fired" 1 "$FIRE_ERROR"
    stop_all
    return
  fi
  local verdict="$WORK/$name.verdict.json" log="$WORK/$name.receiver.err"
  judge "$kind $version: fire verdict is pass (receiver answered 200)" "$VERDICT_PASSES" "$verdict" "$log"
  judge "$kind $version: delivery went to the URL as registered, X-HubSpot-Signature-Version $version" \
    "$REQUEST_AS_REGISTERED" "$verdict" "$url" "$version"
  judge "$kind $version: official helper accepts the $version and v3 signatures of $HOOK_PATH" \
    "$BOTH_VALID" "$log" "$url" "$version"
  stop_all
}

# The emulator signs with a secret the receiver does not know.
rejected_run() { # RECEIVER
  local kind="$1" name="$1-wrong-secret" receiver
  if ! start_receiver "$name.receiver" "$kind" "$(new_secret)"; then
    check "$kind wrong secret: receiver started" 1 "$URL_ERROR"
    stop_all
    return
  fi
  receiver="$URL"
  write_fixture "$WORK/$name.fixture.json" "$receiver" "$(new_secret)" v1
  if ! fire "$name" "$WORK/$name.fixture.json"; then
    check "$kind wrong secret: emulator fired" 1 "$FIRE_ERROR"
    stop_all
    return
  fi
  judge "$kind wrong secret: fire verdict is fail with an http-status finding (receiver answered 401)" \
    "$VERDICT_HTTP_STATUS" "$WORK/$name.verdict.json"
  judge "$kind wrong secret: official helper rejects both signatures" "$BOTH_INVALID" "$WORK/$name.receiver.err"
  stop_all
}

# Requests signed here: the receiver accepts what is signed right and rejects the rest.
direct_run() { # RECEIVER
  local kind="$1" name="$1-direct" secret receiver log
  secret="$(new_secret)"
  if ! start_receiver "$name.receiver" "$kind" "$secret"; then
    check "$kind direct: receiver started" 1 "$URL_ERROR"
    stop_all
    return
  fi
  receiver="$URL"
  log="$WORK/$name.receiver.err"
  judge "$kind direct: a request signed here (v2 + v3) is accepted" \
    "$DIRECT" "$receiver" "$HOOK_PATH" "$secret" v2 no 0 200 valid "$log"
  judge "$kind direct: a tampered body is rejected (401, both invalid)" \
    "$DIRECT" "$receiver" "$HOOK_PATH" "$secret" v1 body 0 401 invalid "$log"
  judge "$kind direct: a v3 timestamp six minutes old is rejected (401)" \
    "$DIRECT" "$receiver" "$HOOK_PATH" "$secret" v1 no -360000 401 stale "$log"
  stop_all
}

# `hubspot-emulator probe` against a receiver that verifies v3 only, as HubSpot recommends.
PROBE_BURST=20
probe_run() { # RECEIVER
  local kind="$1" name="$1-probe" secret receiver report
  secret="$(new_secret)"
  if ! start_receiver "$name.receiver" "$kind" "$secret" v3; then
    check "$kind probe: receiver (VERIFY=v3) started" 1 "$URL_ERROR"
    stop_all
    return
  fi
  receiver="$URL"
  report="$WORK/$name.json"
  run_probe "$receiver/hubspot/phone-numbers" "$secret" "$report"
  check "$kind probe (VERIFY=v3): exits 0" "$([ "$PROBE_RC" = 0 ] && echo 0 || echo 1)" \
    "exit $PROBE_RC; stderr: $(tail -c 600 "$report.err" | tr '\n' ' ')"
  echo "# $kind probe (VERIFY=v3): $(python3 -c "$PROBE_TABLE" "$report" 2>&1 | tail -c 1500)"
  judge "$kind probe (VERIFY=v3): outcome pass, every must-reject forgery rejected" \
    "$PROBE_PASSES" "$report"
  judge "$kind probe (VERIFY=v3): future-timestamp accepted as a warning (the helper has no future bound)" \
    "$PROBE_FUTURE_WARNS" "$report"
  judge "$kind probe (VERIFY=v3): burst of $PROBE_BURST concurrent deliveries all answered 2xx" \
    "$PROBE_BURST_OK" "$report" "$PROBE_BURST"

  # Negative control: the same receiver, probed with a secret it does not know.
  report="$WORK/$name-wrong-secret.json"
  run_probe "$receiver/hubspot/phone-numbers" "$(new_secret)" "$report"
  check "$kind probe wrong secret: exits 1" "$([ "$PROBE_RC" = 1 ] && echo 0 || echo 1)" \
    "exit $PROBE_RC; stderr: $(tail -c 600 "$report.err" | tr '\n' ' ')"
  judge "$kind probe wrong secret: outcome fail with a valid-delivery-rejected finding (receiver answered 401)" \
    "$PROBE_VALID_REJECTED" "$report"
  stop_all
}

echo "# signature receivers against $BIN"
for kind in python node; do
  accepted_run "$kind" v1
  accepted_run "$kind" v2
  rejected_run "$kind"
  direct_run "$kind"
  probe_run "$kind"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
