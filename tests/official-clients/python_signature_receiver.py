#!/usr/bin/env python3
"""Official Python client as judge of live deliveries: a phone-number webhook receiver that
verifies every request with hubspot-api-client 12.0.0's own helper,
hubspot.utils.signature.Signature.is_valid, before it answers.

With VERIFY=both (the default) it verifies each POST twice:
  legacy  `X-HubSpot-Signature`, version named by `X-HubSpot-Signature-Version` (v1 or v2)
  v3      `X-HubSpot-Signature-v3` with `X-HubSpot-Request-Timestamp`
With VERIFY=v3 it verifies only the v3 signature and its timestamp, as HubSpot recommends apps
do, and ignores the legacy headers: a request without `X-HubSpot-Signature-v3` or
`X-HubSpot-Request-Timestamp` is a 401 (the helper itself raises for a missing timestamp; a
missing signature is refused here before the helper is called, whose hmac.compare_digest
would raise TypeError on None).
Each check runs against the raw body decoded as UTF-8 and the URI `http://127.0.0.1:PORT` + the
request target exactly as received (path and query, nothing decoded). Every check valid: 200
with one phone number. Otherwise: 401 with a JSON body naming the failed checks.

Environment:
  CLIENT_SECRET  the app's client secret (required)
  VERIFY         `both` (default) or `v3`; anything else exits with status 2

Stdout: the base URL `http://127.0.0.1:PORT` on the first line, and nothing else.
Stderr: one JSON object per line and request, e.g.
  {"method": "POST", "uri": "http://127.0.0.1:PORT/x?y=1", "verify": "both", "legacy":
   {"version": "v1", "valid": true, "reason": ""}, "v3": {"version": "v3", "valid": true,
   "reason": ""}, "status": 200}
(with VERIFY=v3 there is no "legacy" member). Runs until killed.
"""

import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import metadata

from hubspot.exceptions import InvalidSignatureTimestampError, InvalidSignatureVersionError
from hubspot.utils.signature import Signature

CLIENT_SECRET = os.environ["CLIENT_SECRET"]
VERIFY = os.environ.get("VERIFY") or "both"
if VERIFY not in ("both", "v3"):
    sys.stderr.write(f"python_signature_receiver: VERIFY must be 'both' or 'v3', not {VERIFY!r}\n")
    sys.exit(2)
REPLY = {"phoneNumbers": [{"e164PhoneNumber": "+14155552671", "friendlyName": "Python verified"}]}
MAX_BODY = 1 << 20

log_lock = threading.Lock()


def log(entry):
    with log_lock:
        sys.stderr.write(json.dumps(entry) + "\n")
        sys.stderr.flush()


def verify(signature, version, body, uri, method, timestamp=None):
    """One call of the official helper, as {"version", "valid", "reason"}; never raises."""
    result = {"version": version, "valid": False, "reason": ""}
    if signature is None:
        result["reason"] = "signature header missing"
        return result
    if version is None:
        result["reason"] = "X-HubSpot-Signature-Version missing"
        return result
    try:
        # Keyword arguments: the positional order (signature, client_secret, request_body,
        # http_uri, http_method, signature_version, timestamp) is easy to get wrong.
        ok = Signature.is_valid(signature=signature, client_secret=CLIENT_SECRET,
                                request_body=body, http_uri=uri, http_method=method,
                                signature_version=version, timestamp=timestamp)
    except InvalidSignatureTimestampError:
        # v3 only: a missing, unparsable or older-than-300-s timestamp raises instead of
        # returning False.
        result["reason"] = f"timestamp rejected: {timestamp!r}"
        return result
    except InvalidSignatureVersionError:
        result["reason"] = f"unsupported signature version: {version!r}"
        return result
    result["valid"] = bool(ok)
    if not ok:
        result["reason"] = "signature mismatch"
    return result


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "python-signature-receiver"

    def log_message(self, format, *args):  # the JSON line in do_POST is the log
        pass

    def reply(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()  # CRLF after the chunk
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ValueError(f"body of {length} bytes is too large")
        return self.rfile.read(length)

    def do_POST(self):
        # self.path is the request target as sent: path and query, escapes untouched.
        uri = f"http://127.0.0.1:{self.server.server_address[1]}{self.path}"
        entry = {"method": self.command, "uri": uri}
        try:
            raw = self.read_body()
            body = raw.decode("utf-8")
        except (ValueError, UnicodeDecodeError) as e:
            entry.update(error=f"unreadable body: {e}", status=400)
            log(entry)
            self.close_connection = True
            self.reply(400, {"error": entry["error"]})
            return
        h = self.headers
        entry["verify"] = VERIFY
        checks = []
        if VERIFY == "both":
            entry["legacy"] = verify(h.get("X-HubSpot-Signature"),
                                     h.get("X-HubSpot-Signature-Version"), body, uri, self.command)
            checks.append("legacy")
        entry["v3"] = verify(h.get("X-HubSpot-Signature-v3"), "v3", body, uri, self.command,
                             h.get("X-HubSpot-Request-Timestamp"))
        checks.append("v3")
        failed = [f"{name} ({entry[name]['version']}): {entry[name]['reason']}"
                  for name in checks if not entry[name]["valid"]]
        entry["status"] = 401 if failed else 200
        log(entry)
        if failed:
            self.reply(401, {"error": "invalid signature", "failed": failed,
                             "verifiedUri": uri, "verifier": "hubspot-api-client "
                             + metadata.version("hubspot-api-client")})
        else:
            self.reply(200, REPLY)

    def not_allowed(self):
        log({"method": self.command, "uri": f"http://127.0.0.1:{self.server.server_address[1]}{self.path}",
             "status": 405})
        self.close_connection = True
        self.send_response(405)
        self.send_header("Allow", "POST")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_PUT = do_PATCH = do_DELETE = not_allowed


class Server(ThreadingHTTPServer):
    # socketserver's default listen backlog is 5: a burst of concurrent deliveries (probe
    # --burst) overflows it and the dropped connections wait for the kernel's 1 s SYN retry,
    # which would time the receiver, not the helper.
    request_queue_size = 128
    daemon_threads = True


def main():
    server = Server(("127.0.0.1", 0), Handler)
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
