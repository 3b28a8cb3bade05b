"""hubspot-emulator for an app's tests: start the emulator binary once (:func:`start`) or attach to
one already running (:func:`connect`), and give each test its own sandbox (:meth:`Emulator.sandbox`),
whose ``base_url`` HubSpot's own Python client takes as its ``host``. Standard library only.

With pytest, the plugin (:mod:`hubspot_emulator.pytest_plugin`, registered by entry point) gives
the fixtures ``hubspot_emulator`` (one emulator per run, shared by pytest-xdist workers) and
``hubspot_sandbox`` (a sandbox per test).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

__all__ = [
    "App",
    "Emulator",
    "EmulatorError",
    "Sandbox",
    "Target",
    "connect",
    "find_binary",
    "start",
    "BINARY_ENV",
    "URL_ENV",
]

BINARY_NAME = "hubspot-emulator"
#: The environment variable that names the binary when none is given.
BINARY_ENV = "HUBSPOT_EMULATOR_BIN"
#: The environment variable :func:`connect` reads the base URL from.
URL_ENV = "HUBSPOT_EMULATOR_URL"
#: The environment variable :func:`connect` reads the control token from.
TOKEN_ENV = "HUBSPOT_EMULATOR_CONTROL_TOKEN"
#: Every variable the binary reads starts with this; the caller's are never passed on.
ENV_PREFIX = "HUBSPOT_EMULATOR_"

Fixture = Mapping[str, Any]


class EmulatorError(Exception):
    """A control-API call that did not succeed: the status and the emulator's ``{"error": …}``."""

    def __init__(self, message: str, status: int, body: Any) -> None:
        super().__init__(message)
        self.status = status
        self.body = body


@dataclass(frozen=True)
class App:
    """An app of the emulator's state, with the credentials a HubSpot client needs."""

    name: str
    app_id: int
    developer_api_key: Optional[str] = None
    access_token: Optional[str] = None
    client_secret: Optional[str] = None


def find_binary(given: Optional[str] = None) -> str:
    """The binary: ``given``, else ``$HUBSPOT_EMULATOR_BIN``, else ``hubspot-emulator`` on PATH."""
    named = given or os.environ.get(BINARY_ENV)
    if named:
        if not (os.path.isfile(named) and os.access(named, os.X_OK)):
            source = "the binary argument" if given else BINARY_ENV
            raise FileNotFoundError(f"hubspot-emulator: no executable at {named} (from {source})")
        return os.path.abspath(named)
    found = shutil.which(BINARY_NAME)
    if found:
        return found
    raise FileNotFoundError(
        "hubspot-emulator: the binary is not on PATH. Install it with `cargo install --path "
        "<checkout>` (or `cargo install --git <repository URL>`), or build it with `cargo build "
        f"--release` and pass binary='<checkout>/target/release/hubspot-emulator' or set {BINARY_ENV}."
    )


def clean_environment(extra: Mapping[str, str]) -> Dict[str, str]:
    """The caller's environment without a single ``HUBSPOT_EMULATOR_*`` variable, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    env["NO_COLOR"] = "1"
    env.update(extra)
    return env


class Target:
    """What the emulator and each sandbox can do, each against its own state."""

    def __init__(self, base_url: str, control_token: Optional[str] = None) -> None:
        #: Give this to HubSpot's client as ``host`` (no trailing slash).
        self.base_url = base_url.rstrip("/")
        self.control_token = control_token or None
        #: The apps of this state with their credentials (from ``GET /_emulator/state``).
        self.apps: List[App] = []

    def _control(self, method: str, path: str, body: Any = None) -> Any:
        headers = {}
        # Every control write says application/json, with a body or without (the emulator's rule).
        if method != "GET":
            headers["Content-Type"] = "application/json"
        if self.control_token:
            headers["Authorization"] = f"Bearer {self.control_token}"
        data = None if body is None else json.dumps(body).encode()
        url = f"{self.base_url}/_emulator{path}"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as error:
            text = error.read().decode(errors="replace")
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = text
            why = parsed.get("error") if isinstance(parsed, dict) else text
            raise EmulatorError(
                f"{method} /_emulator{path}: {error.code} {why}", error.code, parsed
            ) from None
        return json.loads(text) if text else None

    def load_apps(self) -> "Target":
        """Reads the apps and their credentials (the banner masks them) from the state."""
        self.apps = [
            App(
                name=app.get("name", ""),
                app_id=app["appId"],
                developer_api_key=app.get("developerApiKey"),
                access_token=app.get("accessToken"),
                client_secret=app.get("clientSecret"),
            )
            for app in self.state().get("apps", [])
        ]
        return self

    def app(self, name_or_id: Union[str, int, None] = None) -> App:
        """The app with this name or app id; the first one without an argument."""
        for app in self.apps:
            if name_or_id is None or name_or_id in (app.name, app.app_id):
                return app
        names = ", ".join(a.name for a in self.apps) or "none"
        raise LookupError(f"hubspot-emulator: no app {name_or_id!r}; the state has {names}")

    def fire(self, app_id: int, portal_id: int, user_id: int, **extra: Any) -> Dict[str, Any]:
        """``POST /_emulator/fire``: fires the phone-number webhook; the verdict."""
        body = {"appId": app_id, "portalId": portal_id, "userId": user_id, **extra}
        return self._control("POST", "/fire", body)

    def reset(self, app_id: Optional[int] = None) -> Dict[str, Any]:
        """``POST /_emulator/reset``: back to the seed (every app, or one)."""
        return self._control("POST", "/reset", None if app_id is None else {"appId": app_id})

    def state(self) -> Dict[str, Any]:
        """``GET /_emulator/state``: the whole state as a fixture document."""
        return self._control("GET", "/state")

    def deliveries(self, after: Optional[int] = None, limit: Optional[int] = None) -> Dict[str, Any]:
        """``GET /_emulator/deliveries``: a page of the delivery journal."""
        return self._control("GET", "/deliveries" + _query(after, limit))

    def requests(self, after: Optional[int] = None, limit: Optional[int] = None) -> Dict[str, Any]:
        """``GET /_emulator/requests``: a page of the API request journal."""
        return self._control("GET", "/requests" + _query(after, limit))


def _query(after: Optional[int], limit: Optional[int]) -> str:
    pairs = [(k, v) for k, v in (("after", after), ("limit", limit)) if v is not None]
    return "?" + urllib.parse.urlencode(pairs) if pairs else ""


class Sandbox(Target):
    """A sandbox: its own state under its own base URL; :meth:`close` deletes it."""

    def __init__(self, id: str, base_url: str, control_token: Optional[str], owner: "Emulator"):
        super().__init__(base_url, control_token)
        self.id = id
        self._owner = owner

    def close(self) -> None:
        """``DELETE /_emulator/sandboxes/{id}``; a sandbox already gone (expired) is no error."""
        try:
            self._owner._control("DELETE", f"/sandboxes/{urllib.parse.quote(self.id)}")
        except EmulatorError as error:
            if error.status != 404:
                raise

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()


class Emulator(Target):
    """An emulator: one :func:`start` spawned (it owns the process) or one :func:`connect` found."""

    def __init__(
        self,
        base_url: str,
        control_token: Optional[str] = None,
        process: "Optional[subprocess.Popen[bytes]]" = None,
        log_path: Optional[str] = None,
        workdir: Optional[str] = None,
    ) -> None:
        super().__init__(base_url, control_token)
        #: The process :func:`start` spawned; ``None`` after :func:`connect`.
        self.process = process
        #: Where the emulator's log (stderr) goes.
        self.log_path = log_path
        self._workdir = workdir

    def sandbox(self, fixture: Optional[Fixture] = None) -> Sandbox:
        """A new sandbox seeded with ``fixture``, or with the emulator's start-up fixture."""
        created = self._control("POST", "/sandboxes", fixture)
        sandbox = Sandbox(created["id"], created["baseUrl"], self.control_token, self)
        sandbox.load_apps()
        return sandbox

    def sandboxes(self) -> Dict[str, Any]:
        """``GET /_emulator/sandboxes``."""
        return self._control("GET", "/sandboxes")

    def close(self) -> None:
        """Stops the process :func:`start` spawned (SIGTERM, then SIGKILL after 5 s)."""
        process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process is not None and process.stdout:
            process.stdout.close()
        if self._workdir:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def __enter__(self) -> "Emulator":
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()


def start(
    fixture: Union[Fixture, str, "os.PathLike[str]", None] = None,
    port: int = 0,
    binary: Optional[str] = None,
    args: Sequence[str] = (),
    control_token: Optional[str] = None,
    log: str = "warn",
    start_timeout: float = 15.0,
    log_path: Optional[str] = None,
    detached: bool = False,
) -> Emulator:
    """Spawns ``hubspot-emulator serve``, reads its base URL from the first line it prints, and the
    apps' credentials from ``GET /_emulator/state``.

    ``fixture`` is a fixture mapping or a file path (the embedded demo fixture when ``None``);
    ``args`` are more ``serve`` flags; the emulator's log goes to ``log_path`` (a temporary file
    by default). ``detached`` starts it in its own session, so that it outlives the process that
    started it (the plugin's pytest-xdist mode; someone must :meth:`Emulator.close` it or kill it).
    """
    command = [find_binary(binary), "serve", "--port", str(port)]
    workdir = tempfile.mkdtemp(prefix="hubspot-emulator-")
    if fixture is not None:
        if isinstance(fixture, Mapping):
            path = os.path.join(workdir, "fixture.json")
            with open(path, "w", encoding="utf-8") as out:
                json.dump(fixture, out)
            fixture = path
        command += ["--fixture", os.fspath(fixture)]
    command += list(args)
    extra = {"HUBSPOT_EMULATOR_LOG": log}
    if control_token:
        extra["HUBSPOT_EMULATOR_CONTROL_TOKEN"] = control_token
    log_path = log_path or os.path.join(workdir, "emulator.log")
    with open(log_path, "ab") as log_file:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=log_file,
            env=clean_environment(extra),
            start_new_session=detached,
        )
    try:
        base_url = _first_line_url(process, start_timeout, log_path)
    except Exception:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    finally:
        if detached:
            # It has read its fixture and holds its log open: nothing here is needed any more,
            # and nobody who outlives this process would remove it.
            shutil.rmtree(workdir, ignore_errors=True)
    emulator = Emulator(base_url, control_token, process, log_path, None if detached else workdir)
    try:
        emulator.load_apps()
    except Exception:
        emulator.close()
        raise
    return emulator


def _first_line_url(process: "subprocess.Popen[bytes]", timeout: float, log_path: str) -> str:
    """The ``http://HOST:PORT`` on the first line the emulator prints."""
    import selectors

    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    line = b""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(left):
                break
            byte = os.read(process.stdout.fileno(), 1)
            if not byte:
                break
            line += byte
    words = [w for w in line.decode(errors="replace").split() if w.startswith("http://")]
    if not line.endswith(b"\n") or not words:
        process.kill()
        process.wait()
        with open(log_path, encoding="utf-8", errors="replace") as log:
            tail = log.read()[-4000:].strip()
        why = f"unexpected first line {line!r}" if line else "no base URL in time"
        raise RuntimeError(f"hubspot-emulator did not start: {why}\n{tail}".rstrip())
    return words[0]


def connect(base_url: Optional[str] = None, control_token: Optional[str] = None) -> Emulator:
    """Attaches to an emulator already running; ``base_url`` defaults to ``$HUBSPOT_EMULATOR_URL``."""
    base_url = base_url or os.environ.get(URL_ENV)
    if not base_url:
        raise ValueError(f"hubspot-emulator: connect() needs a base_url, or {URL_ENV} set")
    emulator = Emulator(base_url, control_token or os.environ.get(TOKEN_ENV))
    emulator.load_apps()
    return emulator
