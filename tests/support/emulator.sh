# shellcheck shell=bash disable=SC2034  # BIN, EMULATOR_URL, ... are read by the scripts that source this
# Sourced by the test scripts that run the emulator binary (tests/official-clients/run.sh and
# signature_suite.sh, tests/conformance/run.sh, tests/dashboard/run.sh):
#
#   emulator_binary [EMULATOR_BINARY]
#       sets BIN to EMULATOR_BINARY (made absolute), by default target/release/hubspot-emulator
#       under the repo root; exits the script with status 2 if it is not an executable file.
#   start_with_url NAME CMD...
#       starts CMD in the background, stdout in $WORK/NAME.out and stderr in $WORK/NAME.err, and
#       waits (up to 30 s) for the first complete line of its stdout; sets STARTED_PID and
#       STARTED_URL, the first http://HOST:PORT on that line. If none comes it stops CMD, sets
#       STARTED_ERROR (one line: the first line it got and the tail of its stderr) and returns 1.
#   start_emulator NAME [FIXTURE [SERVE_ARGS...]]
#       start_with_url for `$BIN serve --port 0 [--fixture FIXTURE] SERVE_ARGS...` (no
#       --fixture when FIXTURE is empty: the embedded default), with HUBSPOT_EMULATOR_FIXTURE and
#       HUBSPOT_EMULATOR_HOST unset (the suites decide the fixture); then waits (up to 10 s) for
#       GET /_emulator/health to answer 200. Sets EMULATOR_PID and EMULATOR_URL; on failure stops
#       the emulator, sets EMULATOR_ERROR (one line) and returns 1.
#   emulator_failure
#       prints why start_emulator failed, to stderr: the first line the emulator printed (or that
#       /_emulator/health did not answer), then the emulator's stderr.
#   stop_emulator
#       stops the emulator start_emulator started (SIGTERM, then waits for it); safe to repeat.
#
# The caller sets WORK, a directory for the output files.

EMULATOR_SUPPORT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

emulator_binary() {
  BIN="${1:-$EMULATOR_SUPPORT_ROOT/target/release/hubspot-emulator}"
  case "$BIN" in /*) ;; *) BIN="$PWD/$BIN" ;; esac
  if [ ! -f "$BIN" ] || [ ! -x "$BIN" ]; then
    echo "$(basename "$0"): emulator binary not found or not executable: $BIN" >&2
    exit 2
  fi
}

start_with_url() {
  local name="$1" first="" pid
  shift
  local out="${WORK:?start_with_url needs WORK}/$name.out" err="$WORK/$name.err"
  : >"$out" # exists before the child opens it, so the poll below never reads a missing file
  : >"$err"
  "$@" >"$out" 2>"$err" &
  pid=$!
  STARTED_PID="$pid"
  STARTED_FIRST_LINE=""
  STARTED_URL=""
  STARTED_ERROR=""
  for _ in $(seq 1 600); do
    # Only a complete first line counts: a partial write could truncate the port.
    if [ "$(wc -l <"$out")" -ge 1 ]; then
      first="$(head -n 1 "$out")"
      break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  STARTED_FIRST_LINE="$first"
  STARTED_URL="$(printf '%s\n' "$first" | grep -oE 'http://[0-9.]+:[0-9]+' | head -n 1 || true)"
  if [ -z "$STARTED_URL" ]; then
    STARTED_ERROR="$name printed no base URL on its first stdout line (got '${first}'); stderr: $(tail -c 600 "$err" | tr '\n' ' ')"
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    return 1
  fi
}

# 0 if GET URL/_emulator/health answers 200 (bash's /dev/tcp: no curl needed).
emulator_healthy() { # URL
  local address="${1#http://}" fd line
  { exec {fd}<>"/dev/tcp/${address%:*}/${address##*:}"; } 2>/dev/null || return 1
  printf 'GET /_emulator/health HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$address" >&"$fd"
  IFS= read -r -t 5 line <&"$fd" || line=""
  exec {fd}>&-
  case "$line" in "HTTP/1.1 200 "*) return 0 ;; *) return 1 ;; esac
}

EMULATOR_PID=""
EMULATOR_URL=""
EMULATOR_NAME=""
EMULATOR_ERROR=""

start_emulator() {
  local name="$1" fixture="${2:-}"
  shift $(($# < 2 ? $# : 2))
  local serve=("$BIN" serve --port 0)
  if [ -n "$fixture" ]; then
    serve+=(--fixture "$fixture")
  fi
  EMULATOR_NAME="$name.emulator"
  EMULATOR_PID=""
  EMULATOR_URL=""
  EMULATOR_ERROR=""
  if ! start_with_url "$EMULATOR_NAME" env -u HUBSPOT_EMULATOR_FIXTURE -u HUBSPOT_EMULATOR_HOST \
    "${serve[@]}" "$@"; then
    EMULATOR_ERROR="$STARTED_ERROR"
    return 1
  fi
  EMULATOR_PID="$STARTED_PID"
  EMULATOR_URL="$STARTED_URL"
  local deadline=$((SECONDS + 10))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if emulator_healthy "$EMULATOR_URL"; then
      return 0
    fi
    sleep 0.1
  done
  EMULATOR_ERROR="$EMULATOR_NAME: GET $EMULATOR_URL/_emulator/health did not answer 200 within 10 s; stderr: $(tail -c 600 "$WORK/$EMULATOR_NAME.err" | tr '\n' ' ')"
  stop_emulator
  return 1
}

emulator_failure() {
  local script
  script="$(basename "$0")"
  if [ -z "$STARTED_URL" ]; then
    echo "$script: the emulator did not print its base URL on its first stdout line" >&2
    echo "--- first line: $STARTED_FIRST_LINE" >&2
  else
    echo "$script: the emulator at $STARTED_URL did not answer GET /_emulator/health with 200" >&2
  fi
  echo "--- stderr:" >&2
  cat "$WORK/$EMULATOR_NAME.err" >&2
}

stop_emulator() {
  if [ -n "$EMULATOR_PID" ]; then
    kill "$EMULATOR_PID" 2>/dev/null || true
    wait "$EMULATOR_PID" 2>/dev/null || true
    EMULATOR_PID=""
  fi
}
