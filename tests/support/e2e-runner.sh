# shellcheck shell=bash
# Sourced by the browser suites' run.sh (tests/dashboard, tests/widget):
#
#   require_browser_and_node
#       exits the script with status 2 unless CHROMIUM (exported; default /usr/bin/chromium) is
#       executable and node is on PATH.
#   run_node_e2e SECONDS SCRIPT ARGS...
#       runs `node SCRIPT ARGS...` with a hard limit of SECONDS, in a temporary TMPDIR, and
#       returns its status. The script stops its children and removes its temporary files itself
#       (tests/support/browser.mjs), on failure and on SIGINT/SIGTERM too; for the cases it
#       cannot (killed with SIGKILL, or stuck past the limit) it lists the processes still running
#       in E2E_PIDFILE, and this stops them and removes the TMPDIR (fixtures, browser profile).
#       Statuses: 0 passed, 1 failed, 130 interrupted (the script reported itself), 124 past the limit.

require_browser_and_node() {
  export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
  if [ ! -x "$CHROMIUM" ]; then
    echo "$(basename "$0"): no browser at $CHROMIUM (apt-get install chromium)" >&2
    exit 2
  fi
  if ! command -v node >/dev/null; then
    echo "$(basename "$0"): node (>= 20) is needed" >&2
    exit 2
  fi
}

run_node_e2e() {
  local limit="$1" script="$2" status=0 runner
  shift 2
  E2E_WORK="$(mktemp -d)"
  E2E_PIDS="$E2E_WORK/children.pids"
  : >"$E2E_PIDS"
  trap _e2e_reap EXIT
  TMPDIR="$E2E_WORK" E2E_PIDFILE="$E2E_PIDS" timeout --kill-after=10 "$limit" node "$script" "$@" &
  runner=$!
  # shellcheck disable=SC2064  # the runner's pid now
  trap "kill -TERM $runner 2>/dev/null || true" INT TERM
  while true; do
    status=0
    wait "$runner" || status=$?
    # A signal interrupts `wait`; the runner then goes on cleaning up, so wait for it again.
    if ! kill -0 "$runner" 2>/dev/null; then break; fi
  done
  case "$status" in
    0 | 1 | 130) ;; # the script reported itself
    124) echo "FAIL  the test ran past $limit s and was stopped" ;;
    *) echo "FAIL  $(basename "$script") ended abnormally (status $status)" ;;
  esac
  return "$status"
}

# shellcheck disable=SC2317  # runs from the EXIT trap
_e2e_reap() {
  while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done <"$E2E_PIDS"
  # An orphaned Chromium may still be writing its profile for a moment as it exits.
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    rm -rf "$E2E_WORK" 2>/dev/null && break
    sleep 0.5
  done
}
