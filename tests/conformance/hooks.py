"""Schemathesis hooks for the conformance run (tests/conformance/run.sh).

Two kinds of thing live here:

1. `before_load_schema` adjusts the *request* side of HubSpot's published spec to the emulator's
   documented assumptions (docs/fidelity.md, "Features and limitations"), so that schemathesis's
   positive/negative data checks judge real deviations rather than known, deliberate ones:
   unknown body fields refused, null = not given, SettingsRequest needing only `name` and `url`,
   `appId` >= 1, `height` and `width` >= 0, connection-status user ids positive int32s (as
   digits in a batch input) and a batch of 1 to 100 inputs. The *response* schemas, which `response_schema_conformance` validates against,
   are left exactly as HubSpot publishes them. It also describes the `oauth2` scheme as the http
   bearer scheme it is on the wire (so `ignored_auth` can probe it), and adds OpenAPI links
   (create -> read/update/delete of the same appId) so the stateful phase can chain calls.

2. Custom checks for what the spec cannot say: HubSpot's error envelope on every 4xx/5xx, the
   exact success statuses (the spec's `default` response makes `status_code_conformance` accept
   any status), HubSpot's correlation and rate-limit headers, and - once the run is over - that
   every operation actually reached its success status at least once.
"""

from __future__ import annotations

import json
import re
import uuid
from urllib.parse import parse_qs, urlsplit

import schemathesis

# The operations under test: the settings, channel-connection and recording settings of an app,
# and the connection statuses (whose app is the access token's).
SETTINGS_PATH = re.compile(
    r"^/crm/(v3/extensions/calling|extensions/calling/2026-03)/\{appId\}/settings(/channel-connection|/recording)?$"
)
STATUS_PATH = re.compile(r"^/crm/extensions/calling/v3/connection-statuses(/batch/read|/me)?$")

# docs/connection-statuses.md: a user id is a positive int32 (1 to 2147483647), written in a batch
# input as its digits (no sign, spaces or leading zeros).
USER_ID_PATTERN = (
    r"^([1-9][0-9]{0,8}|1[0-9]{9}|20[0-9]{8}|21[0-3][0-9]{7}|214[0-6][0-9]{6}|2147[0-3][0-9]{5}"
    r"|21474[0-7][0-9]{4}|214748[0-2][0-9]{3}|2147483[0-5][0-9]{2}|21474836[0-3][0-9]|214748364[0-7])$"
)

# --- 1. The spec, adjusted on the request side only ----------------------------------------------

# Request schemas whose required list the emulator relaxes. The current spec requires all nine
# SettingsRequest fields; the official clients (hubspot-api-client 12.0.0, @hubspot/api-client
# 14.0.1) and the 2024-11-08 spec require only `name` and `url`, and the emulator fills the rest
# with defaults (docs/fidelity.md, "Assumed").
RELAXED_REQUIRED = {"SettingsRequest": ["name", "url"]}


def _is_request_schema(name: str) -> bool:
    return name.endswith("Request") and "Settings" in name


@schemathesis.hook
def before_load_schema(context, raw_schema):
    schemas = raw_schema.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        if not _is_request_schema(name):
            continue
        # docs/fidelity.md, "Assumed": unknown fields are refused (400 UNKNOWN_FIELD).
        schema["additionalProperties"] = False
        if name in RELAXED_REQUIRED:
            schema["required"] = list(RELAXED_REQUIRED[name])
        required = set(schema.get("required", []))
        # docs/fidelity.md, "Assumed": a JSON null counts as "not given" - fine for an optional
        # field (every PATCH field), a 400 REQUIRED for a required one.
        for field, prop in schema.get("properties", {}).items():
            if field not in required:
                prop["nullable"] = True
            # docs/fidelity.md, "Assumed": the calling window's size is a number of pixels, 0 or more.
            if field in ("height", "width"):
                prop["minimum"] = 0

    # docs/connection-statuses.md: a batch read takes 1 to 100 inputs, each exactly {"id": "<user
    # id>"}; unknown keys are refused, as in the settings bodies.
    if "BatchInputPublicObjectId" in schemas:
        batch = schemas["BatchInputPublicObjectId"]
        batch["additionalProperties"] = False
        batch["properties"]["inputs"].update({"minItems": 1, "maxItems": 100})
    if "PublicObjectId" in schemas:
        schemas["PublicObjectId"]["additionalProperties"] = False
        schemas["PublicObjectId"]["properties"]["id"]["pattern"] = USER_ID_PATTERN

    # The current spec declares OAuth 2.0 (scopes developers-read / developers-write). On the wire
    # that is `Authorization: Bearer <access token>`; described as an http bearer scheme,
    # schemathesis's ignored_auth check can also send the calls without it and with a wrong
    # token (it skips oauth2 schemes) and require a 401.
    schemes = raw_schema.get("components", {}).get("securitySchemes", {})
    if schemes.get("oauth2", {}).get("type") == "oauth2":
        schemes["oauth2"] = {"type": "http", "scheme": "bearer"}

    paths = raw_schema.get("paths", {})
    for path, item in paths.items():
        if STATUS_PATH.match(path):
            for op in item.values():
                for param in op.get("parameters", []) if isinstance(op, dict) else []:
                    if param.get("name") == "userId" and param.get("in") == "query":
                        # docs/connection-statuses.md: user ids are positive; 0 and negatives are a 400.
                        param["schema"]["items"]["minimum"] = 1
            continue
        if not SETTINGS_PATH.match(path):
            continue
        ops = {m: o for m, o in item.items() if m in ("get", "post", "patch", "delete")}
        for op in ops.values():
            for param in op.get("parameters", []):
                if param.get("name") == "appId" and param.get("in") == "path":
                    # docs/fidelity.md: an appId is a positive int32; 0 and negatives are a 400 INVALID_APP_ID.
                    param["schema"]["minimum"] = 1
        _add_links(ops)


def _add_links(ops):
    """Links that keep `appId`: what a client does after creating, updating or deleting."""

    def link_to(method):
        return {
            "operationId": ops[method]["operationId"],
            "parameters": {"appId": "$request.path.appId"},
        }

    follow_ups = {
        "post": ["get", "patch", "delete"],
        "patch": ["get", "delete"],
        "get": ["patch", "delete"],
        "delete": ["get", "post"],
    }
    for method, op in ops.items():
        success = "204" if method == "delete" else "200"
        response = op.get("responses", {}).get(success)
        if response is None or "$ref" in response:
            continue
        links = response.setdefault("links", {})
        for target in follow_ups[method]:
            if target in ops and "operationId" in ops[target]:
                links[f"{method}-then-{target}"] = link_to(target)


# --- 2. Custom checks ----------------------------------------------------------------------------

# docs/api.md, "Errors": the category of each error status the emulator documents.
CATEGORY_BY_STATUS = {
    400: "VALIDATION_ERROR",
    401: "INVALID_AUTHENTICATION",
    403: "MISSING_SCOPES",
    404: "OBJECT_NOT_FOUND",
    405: "VALIDATION_ERROR",
    409: "CONFLICT",
    413: "VALIDATION_ERROR",
    415: "VALIDATION_ERROR",
}
DETAIL_CODES = {
    "REQUIRED", "INVALID_TYPE", "INVALID_INTEGER", "UNKNOWN_FIELD", "INVALID_APP_ID",
    # docs/connection-statuses.md, the batch read's size.
    "EMPTY_INPUTS", "TOO_MANY_INPUTS",
}
AUTH_MESSAGE = (
    "Authentication credentials not found. This API supports both API Key and OAuth 2.0 "
    "authentication and you can find more details at "
    "https://developers.hubspot.com/docs/methods/auth/oauth-overview"
)
RATE_HEADERS = (
    "x-hubspot-ratelimit-interval-milliseconds",
    "x-hubspot-ratelimit-max",
    "x-hubspot-ratelimit-remaining",
)
DAILY_HEADERS = ("x-hubspot-ratelimit-daily", "x-hubspot-ratelimit-daily-remaining")
SUCCESS_STATUS = {"GET": 200, "POST": 200, "PATCH": 200, "DELETE": 204}


def _header(response, name):
    values = response.headers.get(name.lower())
    return values[0] if values else None


def _uuid4(value):
    try:
        return isinstance(value, str) and uuid.UUID(value).version == 4 and str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def _is_settings_call(case):
    return bool(SETTINGS_PATH.match(case.operation.path) or STATUS_PATH.match(case.operation.path))


@schemathesis.check
def hubspot_error_envelope(ctx, response, case):
    """Every 4xx/5xx: HubSpot's JSON envelope, its category for the status, the correlation id."""
    status = response.status_code
    if status < 400:
        return None
    content_type = _header(response, "content-type") or ""
    assert content_type.replace(" ", "").lower() == "application/json;charset=utf-8", (
        f"error content type is {content_type!r}, not HubSpot's application/json;charset=utf-8"
    )
    try:
        body = json.loads(response.content)
    except ValueError as exc:
        raise AssertionError(f"error body is not JSON: {exc}") from None
    assert isinstance(body, dict), "error body is not a JSON object"
    assert body.get("status") == "error", f"`status` is {body.get('status')!r}, not \"error\""
    assert isinstance(body.get("message"), str) and body["message"], "`message` is not a non-empty string"
    correlation = body.get("correlationId")
    assert _uuid4(correlation), f"`correlationId` {correlation!r} is not a lower-case UUID v4"
    header = _header(response, "x-hubspot-correlation-id")
    assert header == correlation, f"x-hubspot-correlation-id {header!r} differs from the body's {correlation!r}"
    if status == 429:
        # HubSpot's 429 has no `category` (docs/api.md, the error table).
        assert body.get("errorType") == "RATE_LIMIT", "429 without errorType RATE_LIMIT"
        assert isinstance(body.get("policyName"), str), "429 without a policyName"
        return None
    expected = CATEGORY_BY_STATUS.get(status)
    assert expected is not None, f"status {status} is not one docs/api.md's error table documents"
    assert body.get("category") == expected, f"category {body.get('category')!r} for {status}, expected {expected!r}"
    errors = body.get("errors")
    if errors is not None:
        assert isinstance(errors, list) and errors, "`errors` is not a non-empty array"
        for detail in errors:
            assert isinstance(detail, dict) and isinstance(detail.get("message"), str), f"bad errors[] entry {detail!r}"
            if status == 400:
                assert isinstance(detail.get("in"), str), f"400 errors[] entry without `in`: {detail!r}"
                assert detail.get("code") in DETAIL_CODES, f"errors[].code {detail.get('code')!r} is undocumented"
    if status == 401:
        assert body["message"] == AUTH_MESSAGE, "401 without HubSpot's exact message"
        assert _header(response, "x-hubspot-auth-failure") == "401 Unauthorized", "401 without x-hubspot-auth-failure"
    if status == 405:
        assert _header(response, "allow"), "405 without an Allow header"
    if status == 413:
        assert body.get("subCategory") == "PAYLOAD_TOO_LARGE", "413 without subCategory PAYLOAD_TOO_LARGE"
    return None


@schemathesis.check
def hubspot_success_status(ctx, response, case):
    """A 2xx is exactly the documented one: 200 for GET/POST/PATCH (POST is not 201), 204 for DELETE."""
    status = response.status_code
    if not 200 <= status < 300:
        return None
    expected = SUCCESS_STATUS.get(case.method.upper())
    assert status == expected, f"{case.method.upper()} answered {status}; HubSpot answers {expected}"
    if status == 204:
        assert response.content == b"", "204 with a body"
    return None


@schemathesis.check
def hubspot_headers(ctx, response, case):
    """Every API response: a correlation id and the rate-limit headers (daily ones on API-key calls only)."""
    if not _is_settings_call(case):
        return None
    assert _uuid4(_header(response, "x-hubspot-correlation-id")), "no UUID x-hubspot-correlation-id header"
    for name in RATE_HEADERS:
        value = _header(response, name)
        assert value is not None and value.isdigit(), f"{name} is {value!r}, not a number"
    query = parse_qs(urlsplit(response.request.url).query, keep_blank_values=True)
    with_key = "hapikey" in query
    for name in DAILY_HEADERS:
        value = _header(response, name)
        if with_key:
            assert value is not None and value.isdigit(), f"API-key call without {name}"
        else:
            assert value is None, f"{name} on a call without an API key"
    return None


@schemathesis.check
class success_paths_reached:
    """After the run: every tested operation answered its documented success status at least once."""

    def __init__(self):
        self.tested = set()
        self.reached = set()

    def after_response(self, ctx, response, case):
        label = f"{case.operation.method.upper()} {case.operation.path}"
        if case.method.upper() != case.operation.method.upper():
            return None  # an unsupported-method probe, not the operation itself
        self.tested.add(label)
        if response.status_code == SUCCESS_STATUS.get(case.method.upper()):
            self.reached.add(label)
        return None

    def after_run(self, ctx):
        missing = sorted(self.tested - self.reached)
        assert not missing, "never answered its success status: " + ", ".join(missing)
