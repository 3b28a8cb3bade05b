"""The checks every Python suite here makes: one PASS/FAIL line per check, a call that must
succeed, and the closing `N passed, N failed` line with the exit status (1 on any failure).

Note the generated client returns None (no model) for any 2xx status it does not expect, e.g.
201 from a create; the suites' isinstance checks after each call catch that.
"""

import traceback


_counts = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    if ok:
        _counts["passed"] += 1
        print(f"PASS {name}")
    else:
        _counts["failed"] += 1
        print(f"FAIL {name}" + (f": {detail}" if detail else ""))
    return ok


def call_ok(name, fn):
    """A call that must succeed; an exception (the client's or its deserializer's) is a failure."""
    try:
        return fn()
    except Exception as e:  # a deserialisation error in the client is exactly what we judge
        status = getattr(e, "status", None)
        if status is not None:
            check(name, False, f"raised {type(e).__name__} status={status} body={getattr(e, 'body', None)!r}")
        else:
            check(name, False, f"raised {type(e).__name__}: {e}")
    return None


def run_suites(*suites):
    """Runs each suite, counting a crash as a failure; the exit status for sys.exit."""
    for suite in suites:
        try:
            suite()
        except Exception:  # a bug in a suite must still count, not hide the summary line
            check(f"{suite.__name__} ran to the end", False, traceback.format_exc().strip())
    print(f"{_counts['passed']} passed, {_counts['failed']} failed")
    return 1 if _counts["failed"] else 0
