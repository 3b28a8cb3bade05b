"""The Python helper and its pytest plugin, against the real binary ($HUBSPOT_EMULATOR_BIN), with
HubSpot's official Python client (hubspot-api-client) talking to sandboxes through their base
URLs. Run with ``pytest -n 2``: the tests then share one emulator across two workers."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import hubspot
import pytest
from hubspot.crm.extensions.calling import ChannelConnectionSettingsRequest
from hubspot.crm.extensions.calling.exceptions import NotFoundException

import hubspot_emulator
from hubspot_emulator import EmulatorError

APP_ID = 1234567


def channel_api(target):
    """HubSpot's own client for the channel connection, pointed at ``target``'s base URL."""
    client = hubspot.Client.create(api_key=target.app().developer_api_key, host=target.base_url)
    return client.crm.extensions.calling.channel_connection_settings_api


@pytest.mark.parametrize("n", range(8))
def test_each_test_sees_only_its_own_sandbox(hubspot_sandbox, note, n):
    note(hubspot_sandbox.base_url.split("/_sandbox/")[0], hubspot_sandbox.id)
    url = f"https://test-{n}.example/hubspot/phone-numbers"
    api = channel_api(hubspot_sandbox)
    with pytest.raises(NotFoundException):
        api.get_by_id(APP_ID)  # nothing another test registered
    api.create(APP_ID, ChannelConnectionSettingsRequest(url=url, is_ready=True))
    time.sleep(0.05)  # while the other worker writes its own
    assert api.get_by_id(APP_ID).url == url
    state = hubspot_sandbox.state()
    assert state["apps"][0]["channelConnection"]["url"] == url
    calls = [(e["method"], e["status"]) for e in hubspot_sandbox.requests()["entries"]]
    assert calls == [("GET", 404), ("POST", 200), ("GET", 200)]


def test_two_sandboxes_written_concurrently_then_one_deleted(hubspot_emulator, note):
    a, b = hubspot_emulator.sandbox(), hubspot_emulator.sandbox()
    note(hubspot_emulator.base_url, a.id)
    errors = []

    def write(sandbox, name):
        try:
            api = channel_api(sandbox)
            api.create(
                APP_ID, ChannelConnectionSettingsRequest(url=f"https://{name}.example/0", is_ready=False)
            )
            for i in range(1, 10):
                api.update(APP_ID, {"url": f"https://{name}.example/{i}", "isReady": i % 2 == 0})
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=pair) for pair in ((a, "a"), (b, "b"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [], [getattr(e, "body", e) for e in errors]
    assert channel_api(a).get_by_id(APP_ID).url == "https://a.example/9"
    assert channel_api(b).get_by_id(APP_ID).url == "https://b.example/9"
    assert "channelConnection" not in hubspot_emulator.state()["apps"][0]

    a.close()
    with pytest.raises(NotFoundException) as gone:
        channel_api(a).get_by_id(APP_ID)
    envelope = json.loads(gone.value.body)
    assert envelope["category"] == "OBJECT_NOT_FOUND" and a.id in envelope["message"]
    assert channel_api(b).get_by_id(APP_ID).url == "https://b.example/9"
    a.close()  # already gone: no error
    b.close()


class _PhoneNumbers(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps({"phoneNumbers": [{"e164PhoneNumber": "+14155552671", "friendlyName": "Main"}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *_):
        pass


@pytest.fixture
def phone_numbers_app():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _PhoneNumbers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hubspot/phone-numbers"
    server.shutdown()


def test_fire_deliveries_reset_and_state_act_on_the_sandbox(hubspot_emulator, hubspot_sandbox, note, phone_numbers_app):
    note(hubspot_emulator.base_url, hubspot_sandbox.id)
    channel_api(hubspot_sandbox).create(
        APP_ID, ChannelConnectionSettingsRequest(url=phone_numbers_app, is_ready=True)
    )
    verdict = hubspot_sandbox.fire(APP_ID, 62515, 101)
    assert verdict["outcome"] == "pass", verdict["findings"]
    assert len(hubspot_sandbox.deliveries()["entries"]) == 1
    with hubspot_emulator.sandbox() as other:
        assert other.deliveries()["entries"] == []
    assert hubspot_sandbox.reset() == {"reset": "all"}
    assert "channelConnection" not in hubspot_sandbox.state()["apps"][0]


@pytest.mark.hubspot_fixture(
    {"apps": [{"name": "mine", "appId": 777, "developerApiKey": "mine-key"}],
     "portals": [{"portalId": 5, "users": [{"userId": 1}]}]}
)
def test_a_marker_seeds_the_sandbox(hubspot_emulator, hubspot_sandbox, note):
    note(hubspot_emulator.base_url, hubspot_sandbox.id)
    assert hubspot_sandbox.app() == hubspot_emulator_app("mine", 777, "mine-key")
    listed = hubspot_emulator.sandboxes()["sandboxes"]
    assert hubspot_sandbox.id in [s["id"] for s in listed]
    with pytest.raises(EmulatorError) as refused:
        hubspot_sandbox.reset(app_id=42)
    assert refused.value.status == 404 and "app 42" in str(refused.value)


def hubspot_emulator_app(name, app_id, key):
    return hubspot_emulator.App(name=name, app_id=app_id, developer_api_key=key)


def test_start_ignores_stray_variables_and_reads_masked_credentials(monkeypatch):
    # With these reaching the binary, it would bind port 1 and read a fixture that is not there.
    monkeypatch.setenv("HUBSPOT_EMULATOR_PORT", "1")
    monkeypatch.setenv("HUBSPOT_EMULATOR_FIXTURE", "/nonexistent/fixture.json")
    fixture = {
        "apps": [{"name": "secret", "appId": 99, "developerApiKey": "k-123456789",
                  "accessToken": "t-123456789", "clientSecret": "s-123456789"}],
        "portals": [{"portalId": 1, "users": [{"userId": 2}]}],
    }
    with hubspot_emulator.start(fixture=fixture, control_token="ctl-token") as emulator:
        assert emulator.app("secret") == hubspot_emulator.App(
            "secret", 99, "k-123456789", "t-123456789", "s-123456789"
        )
        bare = hubspot_emulator.Emulator(emulator.base_url)  # without the control token
        with pytest.raises(EmulatorError) as refused:
            bare.state()
        assert refused.value.status == 401
        with emulator.sandbox() as sandbox:
            assert sandbox.app().app_id == 99
        attached = hubspot_emulator.connect(emulator.base_url, "ctl-token")
        attached.close()  # not its to stop
        assert emulator.process.poll() is None
    assert emulator.process.poll() is not None


def test_start_says_how_to_get_the_binary():
    with pytest.raises(FileNotFoundError, match="no executable at"):
        hubspot_emulator.start(binary="/nonexistent/hubspot-emulator")
