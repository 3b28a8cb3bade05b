"""Checks that need the whole run: under ``pytest -n 2`` every worker must have shared one emulator
(one base URL) while each test had a sandbox of its own. Each test that uses the emulator notes
the base URL and its sandbox id in a directory the workers share; the controller reads them all
when the run ends and fails the run if they disagree."""

import json
import os

import pytest

NOTES_ENV = "HUBSPOT_EMULATOR_TEST_NOTES"


@pytest.fixture
def note(request, tmp_path_factory):
    """note(base_url, sandbox_id): records what this test used, for the end-of-run check."""
    root = os.environ.get(NOTES_ENV)

    def write(base_url, sandbox_id):
        if not root:
            return
        worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
        name = f"{worker}-{request.node.name}.json".replace("/", "_")
        with open(os.path.join(root, name), "w", encoding="utf-8") as file:
            json.dump({"worker": worker, "baseUrl": base_url, "sandbox": sandbox_id}, file)

    return write


def pytest_sessionfinish(session, exitstatus):
    root = os.environ.get(NOTES_ENV)
    if not root or hasattr(session.config, "workerinput") or not os.path.isdir(root):
        return
    notes = []
    for name in sorted(os.listdir(root)):
        with open(os.path.join(root, name), encoding="utf-8") as file:
            notes.append(json.load(file))
    workers = {n["worker"] for n in notes}
    emulators = {n["baseUrl"] for n in notes}
    sandboxes = [n["sandbox"] for n in notes]
    problems = []
    if session.config.getoption("numprocesses", None) and len(workers) < 2:
        problems.append(f"the tests ran on {sorted(workers)}, not on two workers")
    if len(emulators) != 1:
        problems.append(f"the workers used {len(emulators)} emulators, not one: {sorted(emulators)}")
    if len(set(sandboxes)) != len(sandboxes):
        problems.append("two tests were given the same sandbox")
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    reporter.ensure_newline()
    if problems:
        session.exitstatus = 1
        for problem in problems:
            reporter.write_line(f"FAILED run check: {problem}")
    else:
        reporter.write_line(
            f"run check: {len(notes)} tests on {len(workers)} worker(s) shared one emulator "
            f"({emulators.pop()}), each with its own sandbox"
        )
