#!/usr/bin/env bash
# The performance report: every benchmark of the project in one run, and one table of the
# figures, the ratios to their baselines and the targets beside them. Run by hand (or --quick
# in CI); a figure, never an assertion. Loopback only (127.0.0.1).
#
#   bash benches/report.sh            # full run: ~3.5 minutes after the build on 2 cores
#   bash benches/report.sh --quick    # a smoke pass of everything: ~25 s after the build
#
# It builds once (cargo build --release --bins --examples), then runs, one after the other:
#   - benches/api.sh          API GET/POST req/s vs the in-repo actix baseline (wrk), start-up,
#                             idle RSS and RSS after the load;
#   - bench_webhook           fire + judge deliveries/s vs a raw awc POST loop;
#   - bench_scenarios         what `hubspot-emulator run` costs: fixed cost, steps/s, per step;
#   - bench_memory            RSS over 200,000 deliveries (ring-buffer journals: flat after
#                             warm-up?), then over 40,000 with small journals (100 verdicts,
#                             1,000 calls) for what the default capacities weigh, and over
#                             30,000 with 100 KB replies, the delivery journal's worst case
#                             (64 KiB kept of each reply); these two not with --quick;
#   - bench_hostile           the worst case: hostile replies (55,550 findings, 10,000 numbers,
#                             past the body cap) fired 3,000 times, then listed and emptied:
#                             peak RSS against 128 MiB;
#   - bench_sandboxes         1,000 sandboxes created, written, read and deleted by 4 workers:
#                             create latency, life cycles/s, RSS growth against 2 MiB.
# and prints one table, the last thing on stdout: metric | value | baseline | ratio | target |
# met?. The targets are those of docs/performance.md.
#
# Each benchmark's own output (its table, its log on stderr) is kept in the work directory,
# named at the top of the output; --verbose shows it as it runs too (on stderr).
#
# Exit status: 0 when every benchmark ran (whatever the figures); 1 when one failed (it could
# not run, or its load met errors: a benchmark of failures is worthless); 2 with --strict when
# a target is missed; 64 bad usage.
#
# Options:
#   --quick        every benchmark in its smoke mode (api.sh --quick, bench_webhook --seconds 1,
#                  bench_scenarios --quick, bench_memory --quick, bench_hostile --quick,
#                  bench_sandboxes --quick): rough
#                  figures, for CI
#   --no-build     use the binaries as they are
#   --verbose      stream each benchmark's output to stderr as it runs
#   --strict       exit 2 when a target is missed
#   --work DIR     keep the benchmarks' outputs in DIR (default: a new /tmp/hubspot-emulator-report.*,
#                  kept)
#   --table-only   run nothing: print the table again from the outputs in --work DIR
# Environment:
#   CARGO_TARGET_DIR   where to build and find the release binaries (default ./target)

set -euo pipefail

QUICK=0 BUILD=1 VERBOSE=0 STRICT=0 WORK="" TABLE_ONLY=0
usage() { sed -n '2,/^$/{s/^# \{0,1\}//;p}' "$0"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --no-build) BUILD=0 ;;
    --verbose) VERBOSE=1 ;;
    --strict) STRICT=1 ;;
    --work) WORK=${2:?--work needs a directory}; shift ;;
    --table-only) TABLE_ONLY=1 BUILD=0 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "report.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
  esac
  shift
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -n "$WORK" ]; then
  mkdir -p "$WORK"; WORK=$(cd "$WORK" && pwd)
else
  WORK=$(mktemp -d /tmp/hubspot-emulator-report.XXXXXX)
fi
cd "$ROOT"
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
export CARGO_TARGET_DIR=$TARGET_DIR   # api.sh reads it too
RELEASE=$TARGET_DIR/release
export NO_COLOR=1

log() { printf '[report.sh] %s\n' "$*" >&2; }

# ---------------------------------------------------------------------------------- build

if [ "$BUILD" = 1 ]; then
  log "cargo build --release --bins --examples"
  cargo build --release --bins --examples >&2 || { log "FAIL: the build failed"; exit 1; }
fi
[ "$TABLE_ONLY" = 1 ] || for bin in hubspot-emulator examples/bench_baseline examples/bench_webhook examples/bench_scenarios examples/bench_memory examples/bench_hostile examples/bench_sandboxes; do
  [ -x "$RELEASE/$bin" ] || { log "FAIL: no $RELEASE/$bin (build first, or drop --no-build)"; exit 1; }
done

# ---------------------------------------------------------------------------------- machine

# Other work on the machine (a build, a test run) skews the figures: note how busy it was.
cpu_busy_pct() { # over 1 s, all CPUs
  local a b
  read -ra a </proc/stat; sleep 1; read -ra b </proc/stat
  local idle=$(( (b[4] + b[5]) - (a[4] + a[5]) )) total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$(( total + b[i] - a[i] )); done
  echo $(( total > 0 ? 100 * (total - idle) / total : 0 ))
}
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
if [ "$TABLE_ONLY" = 1 ]; then
  BUSY_BEFORE='?' LOAD_BEFORE='?' LOAD_AFTER='?' WHEN='?' COMMIT='?' DURATION='?'
  # shellcheck disable=SC1091  # written by the run, below
  if [ -f "$WORK/context" ]; then . "$WORK/context"; fi
else
  BUSY_BEFORE=$(cpu_busy_pct)
  LOAD_BEFORE=$(loadavg)
  WHEN=$(date -u '+%Y-%m-%d %H:%M UTC')
  COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' + local changes')"
fi
STARTED=$SECONDS
[ "$TABLE_ONLY" = 1 ] || log "work directory: $WORK (each benchmark's output); machine ${BUSY_BEFORE}% busy, load average $LOAD_BEFORE"
if [ "$TABLE_ONLY" = 0 ] && [ "$BUSY_BEFORE" -gt 10 ]; then
  log "WARNING: the machine is ${BUSY_BEFORE}% busy before the benchmarks; the figures will be noisy"
fi

# ---------------------------------------------------------------------------------- benchmarks

declare -A STATUS=() SECS=()
run_bench() { # NAME CMD... : stdout to WORK/NAME.txt, stderr to WORK/NAME.err
  local name=$1; shift
  local start=$SECONDS rc=0
  log "$name: $*"
  if [ "$VERBOSE" = 1 ]; then
    "$@" > >(tee "$WORK/$name.txt" >&2) 2> >(tee "$WORK/$name.err" >&2) || rc=$?
    wait  # for the tees
  else
    "$@" >"$WORK/$name.txt" 2>"$WORK/$name.err" || rc=$?
  fi
  SECS[$name]=$((SECONDS - start))
  if [ "$rc" = 0 ]; then
    STATUS[$name]=ok
    log "$name: done in ${SECS[$name]} s"
  else
    STATUS[$name]="FAILED (exit $rc)"
    log "$name: FAILED (exit $rc) after ${SECS[$name]} s; the end of its output:"
    tail -n 15 "$WORK/$name.txt" >&2 || true
    tail -n 15 "$WORK/$name.err" >&2 || true
  fi
}

if [ "$TABLE_ONLY" = 1 ]; then
  [ -f "$WORK/api.tsv" ] || { log "--table-only: no outputs in $WORK (give --work DIR)"; exit 64; }
  for name in api peers webhook webhook_1 scenarios memory memory_small memory_large hostile sandboxes; do
    if [ -f "$WORK/$name.txt" ]; then STATUS[$name]=ok; fi
  done
  if grep -q '^api.quick.1' "$WORK/api.tsv"; then QUICK=1; fi
elif [ "$QUICK" = 1 ]; then
  run_bench api bash benches/api.sh --no-build --quick --tsv "$WORK/api.tsv"
  run_bench peers bash benches/peers.sh --quick --tsv "$WORK/peers.tsv"
  # Exit 3: Prism could not be installed (no npm, no registry): said in the table, not a failure.
  if [ "${STATUS[peers]}" = "FAILED (exit 3)" ]; then STATUS[peers]=ok; fi
  run_bench webhook "$RELEASE/examples/bench_webhook" --seconds 1
  run_bench webhook_1 "$RELEASE/examples/bench_webhook" --seconds 1 --concurrency 1
  run_bench scenarios "$RELEASE/examples/bench_scenarios" --quick
  run_bench memory "$RELEASE/examples/bench_memory" --quick
  run_bench hostile "$RELEASE/examples/bench_hostile" --quick
  run_bench sandboxes "$RELEASE/examples/bench_sandboxes" --quick
else
  run_bench api bash benches/api.sh --no-build --tsv "$WORK/api.tsv"
  run_bench peers bash benches/peers.sh --tsv "$WORK/peers.tsv"
  # Exit 3: Prism could not be installed (no npm, no registry): said in the table, not a failure.
  if [ "${STATUS[peers]}" = "FAILED (exit 3)" ]; then STATUS[peers]=ok; fi
  run_bench webhook "$RELEASE/examples/bench_webhook" --seconds 6
  run_bench webhook_1 "$RELEASE/examples/bench_webhook" --seconds 6 --concurrency 1
  run_bench scenarios "$RELEASE/examples/bench_scenarios"
  run_bench memory "$RELEASE/examples/bench_memory"
  # The same with small journals: what the default capacities weigh.
  run_bench memory_small "$RELEASE/examples/bench_memory" --deliveries 40000 \
    --delivery-capacity 100 --journal-capacity 1000
  # The worst case of the delivery journal: replies past the 64 KiB it keeps of each.
  run_bench memory_large "$RELEASE/examples/bench_memory" --deliveries 30000 --api-per-fire 2 \
    --reply-padding 100000
  run_bench hostile "$RELEASE/examples/bench_hostile" --fires 3000
  run_bench sandboxes "$RELEASE/examples/bench_sandboxes"
fi
if [ "$TABLE_ONLY" = 0 ]; then
  LOAD_AFTER=$(loadavg) DURATION=$((SECONDS - STARTED))
  printf '%s=%q\n' BUSY_BEFORE "$BUSY_BEFORE" LOAD_BEFORE "$LOAD_BEFORE" LOAD_AFTER "$LOAD_AFTER" \
    WHEN "$WHEN" COMMIT "$COMMIT" DURATION "$DURATION" >"$WORK/context"
fi

# ---------------------------------------------------------------------------------- figures

declare -A V=()
for tsv in api peers; do
  if [ -f "$WORK/$tsv.tsv" ]; then
    while IFS=$'\t' read -r key value; do V[$key]=$value; done <"$WORK/$tsv.tsv"
  fi
done
for name in webhook webhook_1 scenarios memory memory_small memory_large hostile sandboxes; do
  [ -f "$WORK/$name.txt" ] || continue
  prefix=""
  case $name in memory_small) prefix=small. ;; memory_large) prefix=large. ;; webhook_1) prefix=c1. ;; esac
  while read -r tag key value _; do
    if [ "$tag" = RESULT ]; then V[$prefix$key]=$value; fi
  done <"$WORK/$name.txt"
done
get() { printf '%s' "${V[$1]:-}"; }

MISSED=()
# calc EXPR [VAR=VALUE...]: awk arithmetic; empty when a value is missing.
calc() {
  local expr=$1; shift
  local arg
  for arg in "$@"; do [ -n "${arg#*=}" ] || return 0; done
  local args=() a; for a in "$@"; do args+=(-v "$a"); done
  awk "${args[@]}" "BEGIN { printf \"%s\", ($expr) }"
}
fmt() { # DECIMALS VALUE: empty stays empty
  [ -n "$2" ] || return 0
  awk -v d="$1" -v v="$2" 'BEGIN { printf "%.*f", d, v }'
}
# with_commas VALUE: 12345 -> 12,345 (integers only)
with_commas() { [ -n "$1" ] || return 0; printf '%s' "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
ratio_pct() { calc 'b > 0 ? sprintf("%.1f %%", 100 * e / b) : "-"' "e=$1" "b=$2"; }
# judge VALUE higher|lower LIMIT METRIC: sets MET to yes, MISSED (and records it) or n/a when
# the value is missing. (Not in a $(...): the record must outlive it.)
MET=""
judge() {
  local value=$1 kind=$2 limit=$3 metric=$4
  if [ -z "$value" ]; then MET=n/a; return; fi
  if awk -v x="$value" -v l="$limit" -v k="$kind" 'BEGIN { exit !(k == "higher" ? x >= l : x <= l) }'; then
    MET=yes
  else
    MET=MISSED; MISSED+=("$metric")
  fi
}
ROWS=()
row() { ROWS+=("$(printf '%s\t' "$@")"); }   # METRIC VALUE BASELINE RATIO TARGET MET
section() { ROWS+=("$(printf '**%s**\t\t\t\t\t' "$1")"); }
na() { if [ -n "$1" ]; then printf '%s' "$1"; else printf 'n/a'; fi; }

# API (api.sh)
section "API: benches/api.sh, vs the bare actix handler of the same shape (benches/baseline.rs)"
api_row() { # KEY LABEL TARGET_PCT
  local em bl
  em=$(get "api.$1_rps.emulator") bl=$(get "api.$1_rps.baseline")
  judge "$(calc '100 * e / b' "e=$em" "b=$bl")" higher "$3" "API $2"
  row "$2 (req/s)" "$(na "$(with_commas "$(fmt 0 "$em")")")" "$(na "$(with_commas "$(fmt 0 "$bl")")")" "$(na "$(ratio_pct "$em" "$bl")")" ">= $3 % of baseline" "$MET"
}
api_row get "GET channel-connection" 90
api_row postdel "POST + DELETE channel-connection, one app" 85
api_row inbound "POST inbound-call" 80
api_row crmcreate "POST /crm/v3/objects/calls (create)" 80
api_row crmsearch "POST /crm/v3/objects/calls/search" 80
cpu=""
for key in get postdel inbound crmcreate crmsearch; do
  cpu+="${cpu:+ / }$(na "$(fmt 1 "$(get "api.${key}_cpu_us.emulator")")") vs $(na "$(fmt 1 "$(get "api.${key}_cpu_us.baseline")")")"
done
row "server CPU per request, emulator vs baseline, in the order above (us)" "$cpu" "" "" "-" ""
row "p99 latency GET / POST+DELETE (ms)" "$(na "$(fmt 2 "$(get api.get_p99_ms.emulator)")") / $(na "$(fmt 2 "$(get api.postdel_p99_ms.emulator)")")" "$(na "$(fmt 2 "$(get api.get_p99_ms.baseline)")") / $(na "$(fmt 2 "$(get api.postdel_p99_ms.baseline)")")" "" "-" ""
em=$(get api.startup_median_ms.emulator) bl=$(get api.startup_median_ms.baseline)
judge "$em" lower 10 "start-up"
row "start-up to the first 200, median (ms)" "$(na "$(fmt 1 "$em")")" "$(na "$(fmt 1 "$bl")")" "" "<= 10 ms" "$MET"
em=$(get api.idle_rss_mib.emulator) bl=$(get api.idle_rss_mib.baseline)
judge "$em" lower 10 "idle RSS"
row "idle RSS (MiB)" "$(na "$em")" "$(na "$bl")" "" "<= 10 MiB" "$MET"
# The idle RSS rests on start-up's functions lying together (build.rs, link/startup-order.sh):
# how many of those the file names the binary still has. A stale file lays them out less
# compactly; regenerate it with link/startup-order.sh.
order_found="" order_named=""
if [ -f link/startup-order.txt ] && [ -f "$RELEASE/hubspot-emulator" ] && command -v nm >/dev/null; then
  order_named=$(grep -vc '^#' link/startup-order.txt || true)
  order_found=$(comm -12 <(nm --defined-only "$RELEASE/hubspot-emulator" | awk '{print $3}' | sort -u) \
    <(grep -v '^#' link/startup-order.txt | sort -u) | wc -l)
fi
# Code changes rename some of those functions (LLVM's `.llvm.N` copies): at 91 % of them left,
# idle RSS read 9.0 MiB against 7.1 MiB regenerated. Say so above the table, not only in it.
STALE_LAYOUT=""
order_left=""
[ "${order_named:-0}" -eq 0 ] || order_left=$(( 100 * order_found / order_named ))
if [ -n "$order_left" ] && [ "$order_left" -lt 98 ]; then
  STALE_LAYOUT="link/startup-order.txt is stale: the binary has $order_left % of the functions it names, so start-up's code is spread out and idle RSS reads high; regenerate it (bash link/startup-order.sh) and commit it before publishing a run"
fi
row "start-up layout: functions of link/startup-order.txt the binary has" "$(na "$(with_commas "$order_found")") of $(na "$(with_commas "$order_named")")" "" "$(na "$(ratio_pct "$order_found" "$order_named")")" "-" ""
row "RSS after the GET load / after all the load (MiB)" "$(na "$(get api.rss_after_get_mib.emulator)") / $(na "$(get api.rss_after_load_mib.emulator)")" "- / $(na "$(get api.rss_after_load_mib.baseline)")" "" "-" ""

# Peers (peers.sh)
section "Peers: benches/peers.sh, the emulator vs Prism $(get peers.prism_version) mocking HubSpot's spec"
if [ -n "$(get peers.get_rps.prism)" ]; then
  ratio_x() { calc 'b > 0 ? sprintf("%.1fx", e / b) : "-"' "e=$1" "b=$2"; }
  em=$(get peers.get_rps.emulator) bl=$(get peers.get_rps.prism)
  judge "$(calc 'e / b' "e=$em" "b=$bl")" higher 1 "ahead of Prism (GET)"
  row "GET channel-connection (req/s), emulator vs Prism" "$(with_commas "$(fmt 0 "$em")")" "$(with_commas "$(fmt 0 "$bl")")" "$(na "$(ratio_x "$em" "$bl")")" "ahead (> 1x)" "$MET"
  em=$(get peers.inbound_rps.emulator) bl=$(get peers.inbound_rps.prism)
  judge "$(calc 'e / b' "e=$em" "b=$bl")" higher 1 "ahead of Prism (inbound-call)"
  row "POST inbound-call (req/s), emulator vs Prism" "$(with_commas "$(fmt 0 "$em")")" "$(with_commas "$(fmt 0 "$bl")")" "$(na "$(ratio_x "$em" "$bl")")" "ahead (> 1x)" "$MET"
  row "start-up to the first 200 of GET channel-connection (ms), emulator vs Prism" "$(get peers.startup_ms.emulator)" "$(get peers.startup_ms.prism)" "" "-" ""
  row "RSS after the first call / after the load (MiB), emulator vs Prism" "$(get peers.idle_rss_mib.emulator) / $(get peers.loaded_rss_mib.emulator)" "$(get peers.idle_rss_mib.prism) / $(get peers.loaded_rss_mib.prism)" "" "-" ""
else
  row "Prism (npm @stoplight/prism-cli)" "not run (see $WORK/peers.err)" "" "" "-" "n/a"
fi

# Webhook (bench_webhook, at 64 and at 1 concurrent)
section "Webhook: bench_webhook, vs a raw awc POST loop with the sender's connection policy"
for prefix in "" c1.; do
  limit=85; [ "$prefix" = c1. ] && limit=90
  em=$(get "${prefix}webhook.emulator_per_s") bl=$(get "${prefix}webhook.baseline_per_s")
  judge "$(get "${prefix}webhook.ratio_pct")" higher "$limit" "webhook at $(get "${prefix}webhook.concurrency")"
  row "fire + judge, $(na "$(get "${prefix}webhook.concurrency")") concurrent (deliveries/s)" "$(na "$(with_commas "$(fmt 0 "$em")")")" "$(na "$(with_commas "$(fmt 0 "$bl")")")" "$(na "$(ratio_pct "$em" "$bl")")" ">= $limit % of raw awc" "$MET"
  row "added cost per delivery at $(na "$(get "${prefix}webhook.concurrency")") concurrent (us)" "$(na "$(fmt 1 "$(get "${prefix}webhook.added_us")")")" "" "" "-" ""
done

# Scenarios (bench_scenarios)
steps=$(fmt 0 "$(get scenarios.steps)")
section "Scenarios: bench_scenarios"
row "fixed cost of a run: start, bind, stop (ms)" "$(na "$(fmt 1 "$(get scenarios.fixed_ms)")")" "" "" "-" ""
row "$(with_commas "$steps") fire steps: steps/s (beyond the fixed cost)" "$(na "$(with_commas "$(fmt 0 "$(get scenarios.steps_per_s)")")")" "" "" "-" ""
row "emulator overhead per step, after the first (us)" "$(na "$(fmt 1 "$(get scenarios.steady_overhead_us)")")" "" "" "-" ""
row "one-time cost of the first fire in a run (ms; the fire comes before the background load ends)" "$(na "$(fmt 1 "$(get scenarios.first_fire_ms)")")" "" "" "-" ""
em=$(get scenarios.serve_first_fire_extra_ms)
judge "$em" lower 5 "first fire"
row "serve: the first fire 300 ms after the app's first call, beyond a later fire (ms; median of 5 starts)" "$(na "$(fmt 2 "$em")")" "" "" "<= 5 ms (metadata loaded off the serving path)" "$MET"
em=$(get scenarios.ci_beyond_fixed_ms)
judge "$em" lower 1000 "scenario CI run"
row "small CI run, 3 steps, beyond the fixed cost (ms)" "$(na "$(fmt 1 "$em")")" "" "" "well under 1 s" "$MET"

# Memory (bench_memory)
n=$(get memory.deliveries)
section "Memory: bench_memory"
row "journal capacities (verdicts, API calls)" "$(na "$(get memory.delivery_capacity)"), $(na "$(with_commas "$(get memory.journal_capacity)")")" "" "" "-" ""
row "RSS after start (MiB)" "$(na "$(fmt 1 "$(get memory.rss_start_mib)")")" "" "" "-" ""
row "RSS after warm-up (journals turned over), $(with_commas "$(get memory.warmup_deliveries)") deliveries (MiB)" "$(na "$(fmt 1 "$(get memory.rss_warmup_mib)")")" "" "" "-" ""
row "RSS after $(with_commas "$n") deliveries (MiB)" "$(na "$(fmt 1 "$(get memory.rss_end_mib)")")" "" "" "-" ""
g=$(get memory.growth_mib) p=$(get memory.growth_pct) w=$(get memory.rss_warmup_mib)
growth=""
[ -n "$g" ] && growth="$(fmt 2 "$g" | sed 's/^[0-9]/+&/') MiB ($(fmt 1 "$p" | sed 's/^[0-9]/+&/') %)"
# flat: at most 1 MiB or 5 % of the warm-up figure, whichever is larger (as bench_memory says)
flat_limit=$(calc 'w * 0.05 > 1 ? w * 0.05 : 1' "w=$w")
judge "$g" lower "${flat_limit:-1}" "memory flat"
row "growth from warm-up to the end" "$(na "$growth")" "" "" "flat (<= 1 MiB or 5 %)" "$MET"
row "growth over the 2nd half after warm-up (bytes/delivery)" "$(na "$(fmt 1 "$(get memory.late_bytes_per_delivery)")")" "" "" "-" ""
if [ -n "$(get small.memory.rss_end_mib)" ]; then
  row "the same with journals of $(get small.memory.delivery_capacity) verdicts, $(with_commas "$(get small.memory.journal_capacity)") calls: RSS after $(with_commas "$(get small.memory.deliveries)") (MiB)" \
    "$(fmt 1 "$(get small.memory.rss_end_mib)")" "" "" "-" ""
fi
if [ -n "$(get large.memory.rss_end_mib)" ]; then
  row "default journals, 100 KB replies (64 KiB kept): RSS after $(with_commas "$(get large.memory.deliveries)") (MiB)" \
    "$(fmt 1 "$(get large.memory.rss_end_mib)")" "" "" "-" ""
fi
row "deliveries/s (each with $(calc 'a / d' "a=$(get memory.api_calls)" "d=$n") API call(s))" "$(na "$(with_commas "$(get memory.deliveries_per_s)")")" "" "" "-" ""

# The worst case (bench_hostile)
section "Memory, worst case: bench_hostile"
em=$(get hostile.peak_rss_mib)
judge "$em" lower 128 "hostile peak RSS"
row "peak RSS over $(with_commas "$(get hostile.fires)") hostile replies, listing and emptying (MiB)" "$(na "$em")" "" "" "<= 128 MiB" "$MET"
row "largest verdict (KiB)" "$(na "$(get hostile.largest_verdict_kib)")" "" "" "-" ""
row "GET /_emulator/deliveries, one page (MiB)" "$(na "$(get hostile.listing_mib)")" "" "" "<= 4 MiB" ""
row "RSS after DELETE /_emulator/deliveries (MiB)" "$(na "$(get hostile.after_clear_mib)")" "" "" "-" ""

# Sandboxes (bench_sandboxes)
section "Sandboxes: bench_sandboxes"
row "create a sandbox (POST /_emulator/sandboxes), median / p99 (ms)" "$(na "$(fmt 2 "$(get sandboxes.create_median_ms)")") / $(na "$(fmt 2 "$(get sandboxes.create_p99_ms)")")" "" "" "-" ""
row "life cycles/s (create, write, read, journal, delete; 4 workers)" "$(na "$(with_commas "$(fmt 0 "$(get sandboxes.cycles_per_s)")")")" "" "" "-" ""
em=$(get sandboxes.growth_mib)
judge "$(calc 'g < 0 ? -g : g' "g=$em")" lower 2 "sandbox memory"
row "memory per sandbox kept, with its channel connection ($(get sandboxes.held) kept; KiB)" "$(na "$(fmt 0 "$(get sandboxes.per_sandbox_kib)")")" "" "" "-" ""
row "memory per 10,000 CRM objects (contacts, batch/create; MiB)" "$(na "$(fmt 2 "$(get sandboxes.per_10k_crm_mib)")")" "" "" "-" ""
row "RSS after $(with_commas "$(get sandboxes.cycles)") created and deleted, vs after warm-up (MiB)" "$(na "$(fmt 1 "$(get sandboxes.rss_warm_mib)")") -> $(na "$(fmt 1 "$(get sandboxes.rss_end_mib)")")" "" "" "within 2 MiB" "$MET"

# ---------------------------------------------------------------------------------- table

FAILED=()
for name in "${!STATUS[@]}"; do
  [ "${STATUS[$name]}" = ok ] || FAILED+=("$name: ${STATUS[$name]:-not run}")
done

echo
if [ "$QUICK" = 1 ]; then
  echo "hubspot-emulator performance report (--quick smoke pass: the figures are rough)"
else
  echo "hubspot-emulator performance report"
fi
echo "$WHEN, $(nproc) CPUs, loopback; the benchmarks took ${DURATION:-?} s; commit $COMMIT"
echo "other work: machine ${BUSY_BEFORE}% busy before; load average $LOAD_BEFORE before, $LOAD_AFTER after;" \
  "during the API runs other work took at most $(na "$(get api.max_other_pct)") % of the CPU ($(na "$(get api.noisy_runs)") runs above 10 %)"
echo "each benchmark's output: $WORK/<name>.txt, its log <name>.err (api, peers, webhook, webhook_1, scenarios, memory$([ "$QUICK" = 1 ] || echo ', memory_small, memory_large'), hostile, sandboxes)"
for failure in "${FAILED[@]}"; do echo "FAILED: $failure (its figures are n/a)"; done
[ -z "$STALE_LAYOUT" ] || echo "note: $STALE_LAYOUT"
if [ ${#MISSED[@]} -gt 0 ]; then
  printf 'missed targets: %s' "${MISSED[0]}"
  for missed in "${MISSED[@]:1}"; do printf ', %s' "$missed"; done
  echo
fi
echo
# Markdown, padded: readable in a terminal, pasteable into docs/performance.md.
printf '%s\n' "${ROWS[@]}" | awk -F'\t' '
  { for (i = 1; i <= 6; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } }
  END {
    split("metric|value|baseline|ratio|target|met?", head, "|")
    for (i = 1; i <= 6; i++) if (length(head[i]) > w[i]) w[i] = length(head[i])
    line = "|"; for (i = 1; i <= 6; i++) line = line sprintf(" %-" w[i] "s |", head[i]); print line
    line = "|"; for (i = 1; i <= 6; i++) { d = ""; for (j = 0; j < w[i]; j++) d = d "-"; line = line " " d " |" } print line
    for (r = 1; r <= NR; r++) {
      line = "|"
      for (i = 1; i <= 6; i++) line = line sprintf(" %" (i == 1 || i == 5 ? "-" : "") w[i] "s |", cell[r, i])
      print line
    }
  }'

if [ ${#FAILED[@]} -gt 0 ]; then exit 1; fi
if [ "$STRICT" = 1 ] && [ ${#MISSED[@]} -gt 0 ]; then exit 2; fi
exit 0
