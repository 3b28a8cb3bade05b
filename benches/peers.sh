#!/usr/bin/env bash
# The emulator beside a peer: Prism (`@stoplight/prism-cli` from npm), the usual mock server of an
# OpenAPI spec, mocking HubSpot's calling-extensions spec (the copy vendored for the conformance
# suite, tests/conformance/specs/v3-developer_hapikey-2026-04-08/callingExtensions.json, whose
# `{appId}` routes take `?hapikey=` as the emulator's do) on the same routes. Run by hand or by
# benches/report.sh; figures, never assertions. Loopback only (127.0.0.1).
#
#   bash benches/peers.sh [--quick] [--tsv FILE]
#
# It measures, in one run:
#   - start-up, process start to the first 200 of GET channel-connection, median of N runs each
#     (the emulator the same way, for the ratio);
#   - RSS after the first call (Prism: the node process and its children) and after the load;
#   - GET channel-connection and POST inbound-call req/s (wrk -t2 -c64), emulator vs Prism,
#     interleaved rounds, medians, the other server paused (SIGSTOP) during each measurement;
#     the ratio emulator / Prism.
# Prism runs with `--verboseLevel warn` (its default, info, writes a log line per check of
# every request; warn is the kinder setting for it) and answers what the spec gives it (no
# stored state: a GET answers its schema's example).
#
# Prism is installed once with npm (pinned: 5.14.2) into $BENCH_CACHE/prism (default
# ~/.cache/hubspot-emulator-bench); without npm or the registry the run says so and exits 3.
# Exit 1: a server did not start or answered anything but 2xx under load.
#
# Options:
#   --quick      1 s per measurement, 1 round, 1 start-up sample (the load servers')
#   --tsv FILE   also write the figures to FILE ("key<TAB>value": peers.prism_get_rps, ...)
# Environment: CARGO_TARGET_DIR (the release binary), EMULATOR_BIN, BENCH_CACHE.

set -euo pipefail

QUICK=0 TSV=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --tsv) TSV=${2:?--tsv needs a file}; shift ;;
    -h|--help) sed -n '2,/^$/{s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) echo "peers.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
  esac
  shift
done
case "$TSV" in ''|/*) ;; *) TSV=$PWD/$TSV ;; esac
DURATION=3 ROUNDS=3 WARMUP=1 STARTUP_RUNS=5
if [ "$QUICK" = 1 ]; then DURATION=1 ROUNDS=1 WARMUP=0 STARTUP_RUNS=1; fi
# The servers started for the load give the first start-up sample each; the loop below the rest.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
EMULATOR_BIN=${EMULATOR_BIN:-$TARGET_DIR/release/hubspot-emulator}
PRISM_VERSION=5.14.2
CACHE=${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hubspot-emulator-bench}
PRISM_DIR=$CACHE/prism-$PRISM_VERSION
PRISM=$PRISM_DIR/node_modules/.bin/prism
SPEC=tests/conformance/specs/v3-developer_hapikey-2026-04-08/callingExtensions.json
FIXTURE=benches/fixtures/bench.json
GET_PATH=/crm/v3/extensions/calling/1234567/settings/channel-connection?hapikey=bench-key
INBOUND_PATH=/crm/v3/extensions/calling/inbound-call
WORK=$(mktemp -d /tmp/hubspot-emulator-peers.XXXXXX)
PIDS=()

log() { printf '[peers.sh] %s\n' "$*" >&2; }
die() { printf '[peers.sh] FAIL: %s\n' "$*" >&2; exit 1; }
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  local pid
  # A server paused for the other's measurement would not act on the TERM until continued.
  for pid in "${PIDS[@]}"; do signal_tree CONT "$pid"; kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

[ -x "$EMULATOR_BIN" ] || die "no emulator binary at $EMULATOR_BIN (cargo build --release)"
command -v wrk >/dev/null || die "wrk is missing (apt-get install wrk)"
if [ ! -x "$PRISM" ]; then
  command -v npm >/dev/null || { log "npm is missing: Prism cannot be installed, no peer figures"; exit 3; }
  log "installing @stoplight/prism-cli@$PRISM_VERSION into $PRISM_DIR (once)"
  mkdir -p "$PRISM_DIR"
  (cd "$PRISM_DIR" && echo '{"private":true}' >package.json \
    && npm install --no-audit --no-fund --loglevel=error "@stoplight/prism-cli@$PRISM_VERSION" >&2) \
    || { log "npm install of @stoplight/prism-cli failed: no peer figures"; exit 3; }
fi

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }
# A process and its descendants (Prism's CLI may fork its server), one pid a line.
tree_pids() {
  local pids=("$1") i=0 kids
  while [ $i -lt ${#pids[@]} ]; do
    kids=$(cat /proc/"${pids[$i]}"/task/*/children 2>/dev/null || true)
    for k in $kids; do pids+=("$k"); done
    i=$((i + 1))
  done
  printf '%s\n' "${pids[@]}"
}
signal_tree() { local pid; for pid in $(tree_pids "$2"); do kill -"$1" "$pid" 2>/dev/null || true; done; }
# The RSS of a process and its descendants, in MiB.
tree_rss_mib() {
  local p total=0
  for p in $(tree_pids "$1"); do
    total=$((total + $(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0)))
  done
  awk -v kb="$total" 'BEGIN { printf "%.1f", kb / 1024 }'
}

STARTED_PID="" STARTED_MS=""
start() { # LABEL PORT CMD...: starts CMD, waits for GET channel-connection to answer 200
  local label=$1 port=$2; shift 2
  local t0; t0=$(now_ms)
  "$@" >"$WORK/$label.log" 2>&1 </dev/null &
  STARTED_PID=$!
  PIDS+=("$STARTED_PID")
  local deadline=$((SECONDS + 60))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$GET_PATH" || true)" = 200 ]; do
    kill -0 "$STARTED_PID" 2>/dev/null || { tail -20 "$WORK/$label.log" >&2; die "$label exited at start-up"; }
    [ $SECONDS -lt $deadline ] || die "$label did not answer 200 within 60 s"
    sleep 0.005
  done
  STARTED_MS=$(( $(now_ms) - t0 ))
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

emulator_cmd() { echo "$EMULATOR_BIN" serve --port "$1" --fixture "$FIXTURE"; }
prism_cmd() { echo "$PRISM" mock --host 127.0.0.1 --port "$1" --verboseLevel warn "$SPEC"; }

# ---------------------------------------------------------------------------------- start-up
declare -A STARTUP=([emulator]="" [prism]="")
log "start-up: $STARTUP_RUNS runs each, interleaved (to the first 200 of GET channel-connection)"
EMU_PORT=$(free_port)
# shellcheck disable=SC2046  # the command's words
start emulator "$EMU_PORT" $(emulator_cmd "$EMU_PORT"); EMU_PID=$STARTED_PID
STARTUP[emulator]+="$STARTED_MS "
PRISM_PORT=$(free_port)
# shellcheck disable=SC2046
start prism "$PRISM_PORT" $(prism_cmd "$PRISM_PORT"); PRISM_PID=$STARTED_PID
STARTUP[prism]+="$STARTED_MS "
for _ in $(seq 2 "$STARTUP_RUNS"); do
  for side in emulator prism; do
    port=$(free_port)
    # shellcheck disable=SC2046
    start "$side-startup" "$port" $("${side}_cmd" "$port")
    STARTUP[$side]+="$STARTED_MS "
    stop "$STARTED_PID"
  done
done
EMU_START=$(median <<<"${STARTUP[emulator]}") PRISM_START=$(median <<<"${STARTUP[prism]}")
log "     start-up median: emulator $EMU_START ms, Prism $PRISM_START ms"

# ---------------------------------------------------------------------------------- load
sleep 0.5
# "Idle" after one API call (the start-up check): the emulator has begun loading
# libphonenumber's metadata then (see inbound_call::phone::warm_up).
EMU_IDLE=$(tree_rss_mib "$EMU_PID") PRISM_IDLE=$(tree_rss_mib "$PRISM_PID")
log "     idle RSS: emulator $EMU_IDLE MiB, Prism $PRISM_IDLE MiB"

wrk_rps() { # URL LUA: req/s, after checking every response was 2xx
  local out="$WORK/wrk.txt"
  wrk -t2 -c64 -d"${DURATION}s" -s "$2" "$1" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed on $1"; }
  local result; result=$(grep '^BENCH_RESULT' "$out") || { cat "$out" >&2; die "no BENCH_RESULT"; }
  if ! grep -q ' non2xx=0 ' <<<"$result"; then cat "$out" >&2; die "non-2xx answers from $1"; fi
  awk '/^Requests\/sec:/ { print $2 }' "$out"
}
# While one side is measured the other is paused (SIGSTOP, its whole tree), so that work it
# still does after its own round (Prism answers its backlog and collects garbage for a while
# after wrk stops) is not taken from the side being measured.
declare -A RPS=()
for shape in get inbound; do
  for side in emulator prism; do RPS[$side-$shape]=""; done
  for round in $(seq 0 "$ROUNDS"); do
    for side in emulator prism; do
      if [ "$side" = emulator ]; then port=$EMU_PORT other=$PRISM_PID; else port=$PRISM_PORT other=$EMU_PID; fi
      signal_tree STOP "$other"
      if [ "$shape" = get ]; then
        rps=$(wrk_rps "http://127.0.0.1:$port$GET_PATH" benches/wrk/get.lua)
      else
        rps=$(wrk_rps "http://127.0.0.1:$port$INBOUND_PATH" benches/wrk/inbound_call.lua)
      fi
      signal_tree CONT "$other"
      # Round 0 warms both up (skipped with --quick).
      if [ "$round" -gt 0 ] || [ "$WARMUP" = 0 ]; then RPS[$side-$shape]+="$rps "; fi
      log "     $side $shape round $round: $rps req/s"
    done
    if [ "$round" = 0 ] && [ "$WARMUP" = 0 ]; then break; fi
  done
done
EMU_LOADED=$(tree_rss_mib "$EMU_PID") PRISM_LOADED=$(tree_rss_mib "$PRISM_PID")
for key in "${!RPS[@]}"; do RPS[$key]=$(median <<<"${RPS[$key]}"); done
ratio() { awk -v e="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? e / b : 0) }'; }

echo "the emulator beside Prism $PRISM_VERSION (mocking $SPEC), wrk -t2 -c64, ${DURATION}s x $ROUNDS rounds (median)"
printf '%-34s %12s %12s %10s\n' metric emulator prism "emu/prism"
printf '%-34s %12s %12s %9sx\n' "GET channel-connection (req/s)" "${RPS[emulator-get]}" "${RPS[prism-get]}" "$(ratio "${RPS[emulator-get]}" "${RPS[prism-get]}")"
printf '%-34s %12s %12s %9sx\n' "POST inbound-call (req/s)" "${RPS[emulator-inbound]}" "${RPS[prism-inbound]}" "$(ratio "${RPS[emulator-inbound]}" "${RPS[prism-inbound]}")"
printf '%-34s %12s %12s\n' "start-up to the first 200 (ms)" "$EMU_START" "$PRISM_START"
printf '%-34s %12s %12s\n' "RSS after the first call (MiB)" "$EMU_IDLE" "$PRISM_IDLE"
printf '%-34s %12s %12s\n' "RSS after the load (MiB)" "$EMU_LOADED" "$PRISM_LOADED"
if [ -n "$TSV" ]; then
  {
    printf 'peers.prism_version\t%s\n' "$PRISM_VERSION"
    printf 'peers.get_rps.emulator\t%s\n' "${RPS[emulator-get]}"
    printf 'peers.get_rps.prism\t%s\n' "${RPS[prism-get]}"
    printf 'peers.inbound_rps.emulator\t%s\n' "${RPS[emulator-inbound]}"
    printf 'peers.inbound_rps.prism\t%s\n' "${RPS[prism-inbound]}"
    printf 'peers.startup_ms.emulator\t%s\n' "$EMU_START"
    printf 'peers.startup_ms.prism\t%s\n' "$PRISM_START"
    printf 'peers.idle_rss_mib.emulator\t%s\n' "$EMU_IDLE"
    printf 'peers.idle_rss_mib.prism\t%s\n' "$PRISM_IDLE"
    printf 'peers.loaded_rss_mib.emulator\t%s\n' "$EMU_LOADED"
    printf 'peers.loaded_rss_mib.prism\t%s\n' "$PRISM_LOADED"
  } >"$TSV"
fi
