#!/usr/bin/env python3
"""Official Python client as judge of recordings: hubspot-api-client 12.0.0's
RecordingSettingsApi registers the recording URL with the developer key and calls
`mark_as_ready` (POST /crm/v3/extensions/calling/recordings/ready) with the app's access token,
as the client sends it (Bearer, not the developer key). The call is logged with the client's own
calls API. The suite is also the app: a small HTTP server in a thread answers HubSpot's GET of
the recording URL with {"authenticatedUrl"} and serves a two-channel WAV honouring Range, and
checks every request the emulator sends it with the client's own Signature helper. The verdict
of the play that `mark_as_ready` triggers is read from the control API.

Environment:
  HUBSPOT_API_BASE_URL       emulator base URL, e.g. http://127.0.0.1:8080
  HUBSPOT_APP_ID             the app (nothing registered yet)
  HUBSPOT_DEVELOPER_API_KEY  its developer API key
  HUBSPOT_ACCESS_TOKEN       its access token
  HUBSPOT_CLIENT_SECRET      its client secret (default: the embedded fixture's)

Prints one line per check and ends with `N passed, N failed`; exits 1 on any failure.
"""

import io
import json
import os
import sys
import threading
import time
import urllib.request
import wave
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import hubspot
from checks import call_ok, check, run_suites
from hubspot.crm.extensions.calling import MarkRecordingAsReadyRequest, RecordingSettingsRequest
from hubspot.crm.extensions.calling.exceptions import (
    ApiException,
    NotFoundException,
    UnauthorizedException,
)
from hubspot.crm.objects.calls import SimplePublicObjectInputForCreate
from hubspot.utils.signature import Signature

BASE_URL = os.environ["HUBSPOT_API_BASE_URL"].rstrip("/")
APP_ID = int(os.environ["HUBSPOT_APP_ID"])
DEV_KEY = os.environ["HUBSPOT_DEVELOPER_API_KEY"]
TOKEN = os.environ["HUBSPOT_ACCESS_TOKEN"]
CLIENT_SECRET = os.environ.get("HUBSPOT_CLIENT_SECRET", "demo-client-secret")

key_client = hubspot.Client.create(api_key=DEV_KEY, host=BASE_URL)
token_client = hubspot.Client.create(access_token=TOKEN, host=BASE_URL)


def two_channel_wav():
    """One second of 8 kHz 16-bit stereo: the caller on channel 1, the recipient on channel 2."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(8000)
        frames = bytearray()
        for i in range(8000):
            left = 2000 if (i // 20) % 2 == 0 else -2000
            right = 2000 if (i // 13) % 2 == 0 else -2000
            frames += left.to_bytes(2, "little", signed=True) + right.to_bytes(2, "little", signed=True)
        w.writeframes(bytes(frames))
    return out.getvalue()


AUDIO = two_channel_wav()
seen = []  # (path, signature verdict, Range header) of every request the emulator sent


class App(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        url = f"http://{self.headers['Host']}{self.path}"
        try:
            valid = Signature.is_valid(signature=self.headers.get("X-HubSpot-Signature-v3"),
                                       client_secret=CLIENT_SECRET, request_body="",
                                       http_uri=url, http_method="GET", signature_version="v3",
                                       timestamp=self.headers.get("X-HubSpot-Request-Timestamp"))
        except Exception as e:  # the helper raises for a stale or missing timestamp
            valid = f"rejected: {e}"
        seen.append((self.path, valid, self.headers.get("Range")))
        if self.path.startswith("/recordings/"):
            call_id = self.path.split("?")[0].rsplit("/", 1)[1]
            host = self.headers["Host"]
            return self.send(200, "application/json",
                             json.dumps({"authenticatedUrl": f"http://{host}/audio/{call_id}"}).encode())
        start = int(self.headers.get("Range", "bytes=0-").split("=")[1].split("-")[0] or 0)
        body = AUDIO[start:]
        self.send(206, "audio/wav", body,
                  {"Content-Range": f"bytes {start}-{len(AUDIO) - 1}/{len(AUDIO)}", "Accept-Ranges": "bytes"})

    def send(self, status, content_type, body, extra=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


def control(path):
    with urllib.request.urlopen(f"{BASE_URL}/_emulator{path}", timeout=10) as response:
        return json.loads(response.read())


def recordings_suite():
    server = ThreadingHTTPServer(("127.0.0.1", 0), App)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app_url = f"http://127.0.0.1:{server.server_address[1]}"

    recording_api = key_client.crm.extensions.calling.recording_settings_api
    call_ok("register the recording URL with the developer key", lambda: recording_api.register_url_format(
        APP_ID, RecordingSettingsRequest(url_to_retrieve_authed_recording=f"{app_url}/recordings/%s")))

    call = call_ok("log the call with the calls API", lambda: token_client.crm.objects.calls.basic_api.create(
        SimplePublicObjectInputForCreate(properties={
            "hs_timestamp": "2026-01-01T10:00:00Z",
            "hs_call_duration": "1000",
            "hs_call_external_id": "py-call-1",
            "hs_call_external_account_id": "py-account",
            "hs_call_app_id": str(APP_ID),
            "hs_call_source": "INTEGRATIONS_PLATFORM",
        }, associations=[])))
    if not check("the call has an id", call is not None and bool(getattr(call, "id", None)), repr(call)):
        return
    engagement_id = int(call.id)

    ready_api = token_client.crm.extensions.calling.recording_settings_api
    answer = call_ok("mark_as_ready with the access token",
                     lambda: ready_api.mark_as_ready(MarkRecordingAsReadyRequest(engagement_id=engagement_id)))
    check("mark_as_ready returns None (204, no body)", answer is None, repr(answer))

    deadline = time.time() + 20
    page = control("/recordings")
    while page["total"] < 1 and time.time() < deadline:
        time.sleep(0.1)
        page = control("/recordings")
    if not check("the recording was played after the 204", page["total"] == 1, json.dumps(page)[:500]):
        return
    verdict = page["entries"][0]
    check("its verdict passes", verdict["outcome"] == "pass", json.dumps(verdict["findings"]))
    check("it was triggered by recordings/ready", verdict["trigger"] == "recordings-ready", verdict["trigger"])
    check("the audio is a two-channel WAV",
          (verdict.get("audio") or {}).get("container") == "wav" and verdict["audio"].get("channels") == 2,
          json.dumps(verdict.get("audio")))
    check("the emulator asked the recording URL with %s replaced and the query appended",
          any(path == f"/recordings/py-call-1?appId={APP_ID}&externalAccountId=py-account" for path, _, _ in seen),
          repr(seen))
    check("the client's Signature helper accepts every request's v3 signature",
          len(seen) == 3 and all(valid is True for _, valid, _ in seen), repr(seen))
    check("the audio was asked with Range", [r for _, _, r in seen[1:]] == ["bytes=0-", f"bytes={len(AUDIO) // 2}-"],
          repr(seen))

    try:
        ready_api.mark_as_ready(MarkRecordingAsReadyRequest(engagement_id=424242))
        check("an unknown call -> NotFoundException 404", False, "no exception")
    except ApiException as e:
        check("an unknown call -> NotFoundException 404", isinstance(e, NotFoundException) and e.status == 404,
              f"{type(e).__name__} {e.status} {e.body!r}")
    key_ready_api = key_client.crm.extensions.calling.recording_settings_api
    try:
        # The developer key is not what this endpoint takes: the client sends no token at all.
        key_ready_api.mark_as_ready(MarkRecordingAsReadyRequest(engagement_id=engagement_id))
        check("mark_as_ready without a token -> UnauthorizedException 401", False, "no exception")
    except ApiException as e:
        check("mark_as_ready without a token -> UnauthorizedException 401",
              isinstance(e, UnauthorizedException) and e.status == 401, f"{type(e).__name__} {e.status}")
    server.shutdown()


if __name__ == "__main__":
    sys.exit(run_suites(recordings_suite))
