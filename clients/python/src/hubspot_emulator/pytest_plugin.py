"""The pytest plugin (registered by the ``pytest11`` entry point): fixtures for an app's tests.

- ``hubspot_emulator`` (session): one emulator for the whole run. Under pytest-xdist the first
  worker that needs it starts it and the others attach to it, so every worker shares one
  process; the controller stops it when the run ends.
- ``hubspot_sandbox`` (function): a sandbox of its own for each test, deleted after it, so that
  no two tests — on one worker or on several — ever see each other's state. Mark a test with
  ``@pytest.mark.hubspot_fixture({...})`` to seed its sandbox with another fixture.

Options: ``--hubspot-emulator-bin PATH`` (or the ini key ``hubspot_emulator_bin``, or
``$HUBSPOT_EMULATOR_BIN``, or ``hubspot-emulator`` on PATH); ``--hubspot-emulator-fixture FILE``
(ini ``hubspot_emulator_fixture``) for the emulator's start-up fixture;
``--hubspot-emulator-arg ARG`` (repeatable) for more ``serve`` flags.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import tempfile
import time
from typing import Any, Iterator, Optional

import pytest

from . import Emulator, Sandbox, connect, start

_SHARED_DIR = "hubspot_emulator_dir"
_STARTED = "emulator.json"
# The process a worker started for the whole run: kept referenced (a dropped Popen of a running
# process warns), never waited for; the controller stops it.
_DETACHED: list = []


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("hubspot-emulator")
    group.addoption("--hubspot-emulator-bin", default=None, help="the hubspot-emulator binary")
    group.addoption(
        "--hubspot-emulator-fixture", default=None, help="the emulator's start-up fixture file"
    )
    group.addoption(
        "--hubspot-emulator-arg",
        action="append",
        default=[],
        help="another `serve` flag for the emulator (repeatable)",
    )
    parser.addini("hubspot_emulator_bin", "the hubspot-emulator binary", default=None)
    parser.addini("hubspot_emulator_fixture", "the emulator's start-up fixture file", default=None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "hubspot_fixture(fixture): seed this test's hubspot_sandbox with a fixture"
    )


def _setting(config: pytest.Config, name: str) -> Optional[str]:
    given = config.getoption(f"--hubspot-emulator-{name}")
    return given or config.getini(f"hubspot_emulator_{name}") or None


def _start(config: pytest.Config, **extra: Any) -> Emulator:
    return start(
        fixture=_setting(config, "fixture"),
        binary=_setting(config, "bin"),
        args=config.getoption("--hubspot-emulator-arg"),
        **extra,
    )


# --- pytest-xdist: the controller hands each worker one directory; the first worker that needs
# the emulator starts it there (under a lock), the others attach; the controller stops it.


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    config = node.config
    if not hasattr(config, "_hubspot_emulator_dir"):
        config._hubspot_emulator_dir = tempfile.mkdtemp(prefix="hubspot-emulator-xdist-")
    node.workerinput[_SHARED_DIR] = config._hubspot_emulator_dir


def pytest_unconfigure(config: pytest.Config) -> None:
    shared = getattr(config, "_hubspot_emulator_dir", None)
    if not shared:
        return
    started = os.path.join(shared, _STARTED)
    if os.path.exists(started):
        with open(started, encoding="utf-8") as file:
            pid = json.load(file)["pid"]
        _stop(pid)
    shutil.rmtree(shared, ignore_errors=True)


def _stop(pid: int, grace: float = 5.0) -> None:
    """SIGTERM, then waits for the process to be gone (SIGKILL after ``grace`` seconds), so that
    the run does not end with the emulator still serving. It is no child of the controller (a
    worker started it), so it cannot be waited for: its pid is polled."""
    try:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            time.sleep(0.02)
            os.kill(pid, 0)  # ProcessLookupError once it is gone
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _shared(config: pytest.Config, shared: str) -> Emulator:
    """The run's one emulator: started by the first worker to ask, attached to by the rest."""
    with open(os.path.join(shared, "lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        started = os.path.join(shared, _STARTED)
        if os.path.exists(started):
            with open(started, encoding="utf-8") as file:
                known = json.load(file)
            return connect(known["baseUrl"])
        emulator = _start(config, detached=True, log_path=os.path.join(shared, "emulator.log"))
        assert emulator.process is not None
        with open(started + ".tmp", "w", encoding="utf-8") as file:
            json.dump({"baseUrl": emulator.base_url, "pid": emulator.process.pid}, file)
        os.replace(started + ".tmp", started)
        # This worker does not own it any more: the controller stops it after the last worker.
        _DETACHED.append(emulator.process)
        emulator.process = None
        return emulator


@pytest.fixture(scope="session")
def hubspot_emulator(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """One emulator for the whole run (shared by pytest-xdist workers)."""
    config = request.config
    shared = getattr(config, "workerinput", {}).get(_SHARED_DIR)
    if shared:
        yield _shared(config, shared)
        return
    emulator = _start(config)
    try:
        yield emulator
    finally:
        emulator.close()


@pytest.fixture
def hubspot_sandbox(
    hubspot_emulator: Emulator, request: pytest.FixtureRequest
) -> Iterator[Sandbox]:
    """A sandbox of this test's own, deleted after it."""
    marker = request.node.get_closest_marker("hubspot_fixture")
    sandbox = hubspot_emulator.sandbox(marker.args[0] if marker else None)
    try:
        yield sandbox
    finally:
        sandbox.close()
