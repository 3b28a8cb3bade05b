"""Sums up the schemathesis runs of tests/conformance/run.sh.

Usage: summarize.py RUN_DIR NAME [NAME ...]

For each NAME, RUN_DIR holds NAME.json (schemathesis's JSON report), NAME.ndjson (its event
stream: every test case with its checks) and NAME.journal.json (the emulator's own request
journal, GET /_emulator/requests) and NAME.rc (schemathesis's exit code). Prints the operations,
test cases and checks of each run, the statuses the emulator answered per operation, whether
every operation reached its success status, and a closing `conformance: N passed, N failed`
line; exits 0 only if nothing failed.
"""

from __future__ import annotations

import json
import os
import re
import time
import sys
from collections import Counter, defaultdict
from pathlib import Path

SUCCESS = {"GET": 200, "POST": 200, "PATCH": 200, "DELETE": 204}
OPERATIONS = [
    (method, resource)
    for resource in ("/settings", "/settings/channel-connection", "/settings/recording")
    for method in ("GET", "POST", "PATCH", "DELETE")
    if not (resource == "/settings/recording" and method == "DELETE")
]
API_PATH = re.compile(
    r"^/crm/(?:(?:v3/extensions/calling|extensions/calling/2026-03)/[^/?]*(/settings[^?]*)"
    r"|extensions/calling/v3(/connection-statuses[^?]*))"
)
# Required of a run that called them (the current v3 spec has them; the others do not).
STATUS_OPERATIONS = [
    ("GET", "/connection-statuses"),
    ("POST", "/connection-statuses/batch/read"),
    ("GET", "/connection-statuses/me"),
]
# Recordings (docs/recordings.md): recordings/ready and the transcripts, under either family.
RECORDING_PATH = re.compile(
    r"^/crm/(?:v3/extensions/calling|extensions/calling/2026-03)/(recordings/ready|transcripts)(/[^/?]+)?"
)
READY_OPERATIONS = [("POST", "/recordings/ready", 204)]
TRANSCRIPT_OPERATIONS = [
    ("POST", "/transcripts", 200),
    ("GET", "/transcripts/{id}", 200),
    ("DELETE", "/transcripts/{id}", 204),
]
# The CRM object APIs (docs/crm.md): /crm/v3/objects/{type}..., as `/{type}...` with `{id}`.
CRM_PATH = re.compile(r"^/crm/v3/objects/(calls|contacts|companies)(/[^?]*)?")
CRM_SUCCESS = {"": 201, "/batch/create": 201, "/batch/archive": 204}


def crm_operations(object_type: str) -> list[tuple[str, str, int]]:
    """Every CRM operation of a type with its full success status."""
    base = f"/{object_type}"
    return [
        ("GET", base, 200),
        ("POST", base, 201),
        ("GET", f"{base}/{{id}}", 200),
        ("PATCH", f"{base}/{{id}}", 200),
        ("DELETE", f"{base}/{{id}}", 204),
        *[("POST", f"{base}/batch/{op}", CRM_SUCCESS.get(f"/batch/{op}", 200))
          for op in ("create", "read", "update", "upsert", "archive")],
        ("POST", f"{base}/search", 200),
    ]


def resource_of(path: str) -> str:
    """The resource a journaled path belongs to: `/settings...`, `/connection-statuses...` or a
    CRM `/{type}...` (one segment after the type is an object id, `{id}`, unless it is `search`)."""
    recording = RECORDING_PATH.match(path)
    if recording:
        return f"/{recording.group(1)}" + ("/{id}" if recording.group(2) else "")
    crm = CRM_PATH.match(path)
    if crm:
        rest = (crm.group(2) or "").rstrip("/")
        segments = rest.strip("/").split("/") if rest else []
        if len(segments) == 1 and segments[0] != "search":
            rest = "/{id}"
        return f"/{crm.group(1)}{rest}"
    match = API_PATH.match(path)
    return (match.group(1) or match.group(2)) if match else path[:30]


def load_json(path: Path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def check_results(path: Path) -> Counter:
    """Counts the per-test-case check outcomes in the event stream."""
    counts: Counter = Counter()
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return counts
    for line in lines:
        event = json.loads(line)
        finished = event.get("ScenarioFinished")
        if not finished:
            continue
        recorder = finished.get("recorder") or {}
        for results in (recorder.get("checks") or {}).values():
            for result in results:
                counts[result["status"]] += 1
    return counts


def journal_statuses(journal) -> dict[tuple[str, str], Counter]:
    """Statuses per (method, resource) from the emulator's request journal."""
    statuses: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for entry in (journal or {}).get("entries", []):
        statuses[(entry["method"], resource_of(entry["path"]))][entry["status"]] += 1
    return statuses


def main() -> int:
    run_dir = Path(sys.argv[1])
    names = sys.argv[2:]
    total_passed = total_failed = 0
    total_operations = total_cases = total_requests = 0
    rows = []
    for name in names:
        report = load_json(run_dir / f"{name}.json")
        journal = load_json(run_dir / f"{name}.journal.json")
        try:
            rc = int((run_dir / f"{name}.rc").read_text().strip())
        except (OSError, ValueError):
            rc = 1
        checks = check_results(run_dir / f"{name}.ndjson")
        print(f"\n--- {name}: statuses the emulator answered (its request journal)")
        if report is None or journal is None:
            print(f"FAIL {name}: no schemathesis report or no request journal")
            total_failed += 1
            continue
        operations = report["operations"]["tested"]
        cases = report["test_cases"]["generated"]
        errored = len(report.get("errors", []))
        failed = checks.get("failure", 0) + errored
        passed = checks.get("success", 0)

        statuses = journal_statuses(journal)
        requests = journal.get("total", 0)
        if requests > journal.get("capacity", requests):
            print(f"note: the journal kept the newest {journal['capacity']} of {requests} requests")
        for (method, resource), counts in sorted(statuses.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            shown = "  ".join(f"{status}×{n}" for status, n in sorted(counts.items()))
            print(f"  {method:<7} {resource:<34} {shown}")
        server_errors = sum(n for counts in statuses.values() for s, n in counts.items() if s >= 500)
        if server_errors:
            print(f"FAIL {name}: the emulator answered {server_errors} requests with a 5xx")
            failed += 1
        # Each family of operations the run called must reach every success status.
        required = []
        if any(resource.startswith("/settings") for _, resource in statuses):
            required += [(m, r, SUCCESS[m]) for m, r in OPERATIONS]
        if any(resource.startswith("/connection-statuses") for _, resource in statuses):
            required += [(m, r, SUCCESS[m]) for m, r in STATUS_OPERATIONS]
        if any(resource == "/recordings/ready" for _, resource in statuses):
            required += READY_OPERATIONS
        if any(resource.startswith("/transcripts") for _, resource in statuses):
            required += TRANSCRIPT_OPERATIONS
        for object_type in ("calls", "contacts", "companies"):
            if any(resource.startswith(f"/{object_type}") for _, resource in statuses):
                required += crm_operations(object_type)
        missing = [
            f"{method} {resource}"
            for method, resource, success in required
            if statuses.get((method, resource), Counter())[success] == 0
        ]
        if missing:
            print(f"FAIL {name}: never reached the success status: {', '.join(missing)}")
            failed += len(missing)
        else:
            passed += len(required)
            print("  every operation answered its success status (200; DELETE 204; CRM creates 201) at least once")
        if rc != 0 and failed == 0:
            print(f"FAIL {name}: schemathesis exited {rc}")
            failed += 1
        rows.append((name, operations, cases, passed, failed, requests, report.get("running_time", 0.0)))
        total_passed += passed
        total_failed += failed
        total_operations += operations
        total_cases += cases
        total_requests += requests

    print("\n--- conformance summary")
    print(f"  {'run':<40} {'operations':>10} {'test cases':>10} {'checks ok':>10} {'failed':>7} {'requests':>9} {'seconds':>8}")
    for name, operations, cases, passed, failed, requests, seconds in rows:
        print(f"  {name:<40} {operations:>10} {cases:>10} {passed:>10} {failed:>7} {requests:>9} {seconds:>8.1f}")
    print(
        f"  {'total':<40} {total_operations:>10} {total_cases:>10} {total_passed:>10} {total_failed:>7} {total_requests:>9}"
    )
    started = os.environ.get("CONFORMANCE_STARTED")
    if started:
        print(f"  took {time.time() - float(started):.0f} s in all")
    print(f"conformance: {total_passed} passed, {total_failed} failed")
    return 0 if total_failed == 0 and len(rows) == len(names) else 1


if __name__ == "__main__":
    sys.exit(main())
