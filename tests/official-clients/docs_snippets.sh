#!/usr/bin/env bash
# The client snippets of docs/api.md ("Pointing clients at the emulator") run as written: the
# curl block registers the demo app, then the Python block (which must survive that registration)
# and the Node block (a CommonJS file) read it back through HubSpot's official clients. Only the
# base URL is swapped for the test emulator's. Run by run.sh as a suite (it sets
# HUBSPOT_API_BASE_URL and installs the clients); prints PASS/FAIL lines and `N passed, N failed`.
#
# Usage: docs_snippets.sh PYTHON   (a Python with hubspot-api-client; node_modules/ beside this)
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DOC="$HERE/../../docs/api.md"
PYTHON="$1"
BASE="${HUBSPOT_API_BASE_URL:?run.sh sets it}"
# What the curl block registers, and so what both clients must read back.
REGISTERED='http://127.0.0.1:3000/hubspot/phone-numbers'

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0

# block LANG: the first ```LANG block of the section, its base URL made the test emulator's.
block() {
  awk -v fence="\`\`\`$1" '
    /^## / { in_section = ($0 == "## Pointing clients at the emulator") }
    in_section && !open && $0 == fence { open = 1; next }
    open && $0 == "```" { exit }
    open { print }' "$DOC" | sed "s#http://127.0.0.1:4774#$BASE#g"
}

# check NAME FILE COMMAND...: runs the snippet in FILE; it passes when it exits 0 and prints the
# registered URL.
check() {
  local name="$1" file="$2"
  shift 2
  if [ ! -s "$file" ]; then
    echo "FAIL  $name: no such block in docs/api.md's \"Pointing clients at the emulator\""
    failed=$((failed + 1))
    return
  fi
  local output rc=0
  output="$("$@" "$file" 2>&1)" || rc=$?
  if [ "$rc" -eq 0 ] && [[ "$output" == *"$REGISTERED"* ]]; then
    echo "PASS  $name"
    passed=$((passed + 1))
  else
    echo "FAIL  $name (exit $rc): $(printf '%s' "$output" | tail -n 5)"
    failed=$((failed + 1))
  fi
}

block sh >"$WORK/curl.sh"
block python >"$WORK/snippet.py"
# CommonJS, as the docs say to save it; require() finds the client through NODE_PATH.
block js >"$WORK/settings.cjs"

check 'the curl snippet registers the app and reads it back' "$WORK/curl.sh" bash -e
check 'the Python snippet runs after the curl one (its 409 handled) and reads the app' \
  "$WORK/snippet.py" "$PYTHON"
check 'the Node snippet runs as a CommonJS file and reads the app' \
  "$WORK/settings.cjs" env NODE_PATH="$HERE/node_modules" node

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
