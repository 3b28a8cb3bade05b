"""An app's own tests under pytest, each with a sandbox of its own (the plugin's ``hubspot_sandbox``
fixture), safe to run in parallel:

    pip install hubspot-emulator pytest-xdist   # from clients/python in this repository
    HUBSPOT_EMULATOR_BIN=target/release/hubspot-emulator pytest -n 4 clients/python/examples

HubSpot's own client talks to the sandbox's base URL instead of https://api.hubapi.com.
"""

import hubspot
import pytest
from hubspot.crm.extensions.calling import ChannelConnectionSettingsRequest
from hubspot.crm.extensions.calling.exceptions import ApiException


def register_channel_connection(client, app_id, url):
    """The app under test, in miniature: what a calling app does at start-up."""
    api = client.crm.extensions.calling.channel_connection_settings_api
    try:
        return api.create(app_id, ChannelConnectionSettingsRequest(url=url, is_ready=True))
    except ApiException as error:
        if error.status != 409:
            raise
        return api.update(app_id, {"url": url, "isReady": True})  # registered before: change it


@pytest.mark.parametrize("name", ["first", "second", "third", "fourth"])
def test_registration_is_idempotent_and_isolated(hubspot_sandbox, name):
    app = hubspot_sandbox.app()
    client = hubspot.Client.create(api_key=app.developer_api_key, host=hubspot_sandbox.base_url)
    url = f"https://{name}.example/hubspot/phone-numbers"
    register_channel_connection(client, app.app_id, url)
    register_channel_connection(client, app.app_id, url)
    assert hubspot_sandbox.state()["apps"][0]["channelConnection"]["url"] == url
    calls = [f"{e['method']} {e['status']}" for e in hubspot_sandbox.requests()["entries"]]
    assert calls == ["POST 200", "POST 409", "PATCH 200"]
