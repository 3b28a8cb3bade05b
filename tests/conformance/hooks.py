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

   For the CRM object APIs (calls, contacts, companies: `crm_adjust`), the request side is
   adjusted to what a real portal accepts and the spec cannot know - its properties (the
   emulator's catalogs, src/crm/properties/*.json, with each value's type), its unique
   properties (`idProperty`), the objects an association can point at (the conformance
   fixture's), HubSpot's search limits - and to docs/crm.md's documented assumptions; on the
   response side only one thing changes: a requested property that is not set is `null`, as
   HubSpot documents. docs/crm.md, "Conformance", lists every adjustment with its reason.

2. Custom checks for what the spec cannot say: HubSpot's error envelope on every 4xx/5xx, the
   exact success statuses (the spec's `default` response makes `status_code_conformance` accept
   any status), HubSpot's correlation and rate-limit headers, and - once the run is over - that
   every operation actually reached its success status at least once.
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import schemathesis

# The operations under test: the settings, channel-connection and recording settings of an app,
# and the connection statuses (whose app is the access token's).
SETTINGS_PATH = re.compile(
    r"^/crm/(v3/extensions/calling|extensions/calling/2026-03)/\{appId\}/settings(/channel-connection|/recording)?$"
)
STATUS_PATH = re.compile(r"^/crm/extensions/calling/v3/connection-statuses(/batch/read|/me)?$")
# The CRM object APIs (docs/crm.md): basic, batch and search of calls, contacts and companies.
CRM_PATH = re.compile(
    r"^/crm/v3/objects/(calls|contacts|companies)"
    r"(/batch/(create|read|update|upsert|archive)|/search|/\{(callId|contactId|companyId)\})?$"
)

# Recordings (docs/recordings.md): `recordings/ready` in the calling-extension specs, the
# transcripts in HubSpot's separate Transcriptions specs; both path families.
READY_PATH = re.compile(r"^/crm/(v3/extensions/calling|extensions/calling/2026-03)/recordings/ready$")
TRANSCRIPT_PATH = re.compile(r"^/crm/(v3/extensions/calling|extensions/calling/2026-03)/transcripts(/\{transcriptId\})?$")

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
    crm_type = next((m.group(1) for m in map(CRM_PATH.match, raw_schema.get("paths", {})) if m), None)
    if crm_type is not None:
        crm_adjust(raw_schema, crm_type)
        return
    schemas = raw_schema.get("components", {}).get("schemas", {})
    recording_adjust(raw_schema)
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


# --- 1a. Recordings and transcripts, adjusted ----------------------------------------------------

# The calls `recordings/ready` and the transcripts name: the fixture's calls without an external
# id (so that a play after `recordings/ready` stops before any request: there is nothing to put
# in the recording URL's %s, and the run sends nothing anywhere).
def _calls_without_external_id():
    portal = FIXTURE["portals"][0]
    return [int(c["id"]) for c in portal.get("calls", []) if "hs_call_external_id" not in c["properties"]]


# The fixture's transcripts (on those calls): the first two are read, the others deleted, so a
# delete never takes the transcript a read looks for.
def _seeded_transcripts():
    return [t["id"] for t in FIXTURE["portals"][0].get("transcripts", [])]


# src/recording/transcript.rs's rules as patterns, white space spelt out as Rust's
# `char::is_whitespace` has it (hypothesis, which draws the strings, has its own idea of `\s`):
# a character that is not white space; an email of one `@`, a dotted domain and no white space
# or control character; a language tag with `-` or `_` between its parts.
WHITE_SPACE = r"\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NON_BLANK = rf"[^{WHITE_SPACE}]"
EMAIL_CHAR = rf"[^@{WHITE_SPACE}\x00-\x1f\x7f-\x9f]"
EMAIL_PATTERN = rf"^{EMAIL_CHAR}+@{EMAIL_CHAR}+\.{EMAIL_CHAR}+$"
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$"


def recording_adjust(raw_schema):
    """docs/recordings.md ("Conformance"): the request side of `recordings/ready` and the
    transcripts, adjusted to what the spec cannot know (a portal's calls and transcripts) and to
    the documented checks of a transcript; the responses are HubSpot's, unchanged."""
    paths = raw_schema.get("paths", {})
    hapikey_era = any(
        "developer_hapikey" in requirement
        for path, item in paths.items() if SETTINGS_PATH.match(path)
        for op in item.values() if isinstance(op, dict)
        for requirement in op.get("security", [])
    )
    if hapikey_era:
        # The hapikey-era spec's run tests its settings operations with the developer key;
        # `recordings/ready` (OAuth) is tested from the current specs.
        for path in [p for p in paths if READY_PATH.match(p)]:
            del paths[path]
        return
    schemas = raw_schema.get("components", {}).get("schemas", {})
    calls = _calls_without_external_id()
    if "MarkRecordingAsReadyRequest" in schemas:
        schemas["MarkRecordingAsReadyRequest"]["properties"]["engagementId"] = {"type": "integer", "enum": calls}
    if "TranscriptCreateRequest" in schemas:
        request = schemas["TranscriptCreateRequest"]["properties"]
        request["engagementId"] = {"type": "integer", "enum": calls}
        request["transcriptCreateUtterances"].update({"minItems": 1, "maxItems": 20})
        utterance = schemas["TranscriptCreateUtterance"]["properties"]
        for field in ("startTimeMillis", "endTimeMillis"):
            utterance[field] = {"type": "integer", "minimum": 0, "maximum": 2**63 - 1}
        utterance["text"] = {"type": "string", "minLength": 1, "maxLength": 10000, "pattern": NON_BLANK}
        # docs/fidelity.md: a JSON null counts as not given (the optional fields).
        utterance["languageCode"] = {"type": "string", "pattern": LANGUAGE_PATTERN, "nullable": True}
        speaker = schemas["Speaker"]["properties"]
        speaker["id"] = {"type": "string", "pattern": NON_BLANK}
        speaker["name"] = {"type": "string", "pattern": NON_BLANK}
        speaker["email"] = {"type": "string", "pattern": EMAIL_PATTERN, "nullable": True}
    seeded = _seeded_transcripts()
    for path, item in paths.items():
        if not (TRANSCRIPT_PATH.match(path) and path.endswith("{transcriptId}")):
            continue
        for method, op in item.items():
            for param in op.get("parameters", []) if isinstance(op, dict) else []:
                if param.get("name") == "transcriptId":
                    ids = seeded[:2] if method == "get" else seeded[2:]
                    param["schema"] = {"type": "string", "enum": ids}


@schemathesis.hook
def before_call(context, case, **kwargs):
    """What JSON Schema cannot say of a transcript (docs/recordings.md), made true of every
    generated one, whatever the phase: each utterance ends at or after its start (a later end is
    moved to the start), and one speaker id keeps one name (the first one given). Neither change
    makes a valid body invalid, nor an invalid one valid."""
    if not (TRANSCRIPT_PATH.match(case.operation.path) and case.method.upper() == "POST"):
        return
    utterances = case.body.get("transcriptCreateUtterances") if isinstance(case.body, dict) else None
    if not isinstance(utterances, list):
        return
    names = {}
    for u in utterances:
        if not isinstance(u, dict):
            continue
        start, end = u.get("startTimeMillis"), u.get("endTimeMillis")
        if type(start) is int and type(end) is int and end < start:
            u["endTimeMillis"] = start
        speaker = u.get("speaker")
        if isinstance(speaker, dict) and isinstance(speaker.get("id"), str) and "name" in speaker:
            speaker["name"] = names.setdefault(speaker["id"], speaker["name"])


# --- 1b. The CRM specs, adjusted -----------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = json.loads((Path(__file__).resolve().parent / "fixture.json").read_text())

# src/crm/associations.rs: the HubSpot-defined association types, from -> [(to, typeId)].
ASSOCIATION_TYPES = {
    "calls": [("contacts", 194), ("companies", 182)],
    "contacts": [("calls", 193), ("companies", 1), ("companies", 279)],
    "companies": [("calls", 181), ("contacts", 2), ("contacts", 280)],
}
ID_PATTERN = r"^([1-9][0-9]{0,17})?$"  # a GET list's `after`: the last id of the previous page
WS = "[ \t\n\r]*"
NUMBER_PATTERN = rf"^({WS}[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{{1,2}})?{WS})?$"
BOOL_PATTERN = rf"^({WS}([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]){WS})?$"
# src/crm/properties/values.rs: a time is within years 1 to 9999 (MIN_MILLIS, MAX_MILLIS).
MILLIS_PATTERN = r"^-?[0-9]{1,12}$"
MILLIS_MIN, MILLIS_MAX = -62_135_596_800_000, 253_402_300_799_999
NULL = {"enum": [None]}
SCALAR = [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]


def _catalog(object_type):
    """The type's properties: the emulator's vendored defaults and the fixture's custom ones."""
    data = json.loads((ROOT / "src/crm/properties" / f"{object_type}.json").read_text())
    properties = list(data["properties"])
    for portal in FIXTURE.get("portals", []):
        properties += portal.get("properties", {}).get(object_type, [])
    return properties


def _value_schema(prop, required=False):
    """What a write may send for `prop` (docs/crm.md, "Properties"): a string, or a JSON number or
    boolean read as text; null or "" clears (so neither fits a required property); typed
    properties take their type's text."""
    kind = prop.get("type", "string")
    if prop.get("readOnly"):
        kind = "string"  # ignored on write, whatever the value
    if kind == "number":
        branches = [{"type": "string", "pattern": NUMBER_PATTERN}, {"type": "number"}]
    elif kind == "bool":
        branches = [{"type": "string", "pattern": BOOL_PATTERN}, {"type": "boolean"}]
    elif kind in ("datetime", "date"):
        branches = [
            {"type": "string", "format": "date-time" if kind == "datetime" else "date"},
            {"type": "string", "pattern": MILLIS_PATTERN},
            {"type": "integer", "minimum": MILLIS_MIN, "maximum": MILLIS_MAX},
        ]
    elif kind == "enumeration" and prop.get("options"):
        branches = [{"type": "string", "enum": list(prop["options"])}]
    else:
        branches = copy.deepcopy(SCALAR)
    if not required:
        branches += [{"type": "string", "enum": [""]}, NULL]
    return {"anyOf": branches}


def _strict_properties(object_type, creating):
    """A create's or PATCH's `properties`: the type's properties only (an unknown one is HubSpot's
    400 PROPERTY_DOESNT_EXIST), each value of its type; a call is created with `hs_timestamp`."""
    required = ["hs_timestamp"] if creating and object_type == "calls" else []
    return {
        "type": "object",
        "properties": {p["name"]: _value_schema(p, p["name"] in required) for p in _catalog(object_type)},
        "additionalProperties": False,
        "required": required,
    }


def _unique_names(object_type):
    return ["hs_object_id"] + [p["name"] for p in _catalog(object_type) if p.get("unique")]


def _seeded_ids(object_type):
    return [str(o["id"]) for p in FIXTURE.get("portals", [])[:1] for o in p.get(object_type, []) if "id" in o]


def _strict_associations(object_type):
    """A create's associations: a HubSpot-defined type from this object type, to an object the
    fixture seeds (HubSpot refuses an unknown type or a missing object with a 400)."""
    branches = []
    for to, ids in {to: [i for t, i in ASSOCIATION_TYPES[object_type] if t == to] for to, _ in ASSOCIATION_TYPES[object_type]}.items():
        targets = _seeded_ids(to)
        if not targets:
            continue
        branches.append({
            "type": "object",
            "required": ["to", "types"],
            "properties": {
                "to": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string", "enum": targets}}},
                "types": {"type": "array", "minItems": 1, "items": {
                    "type": "object",
                    "required": ["associationCategory", "associationTypeId"],
                    "properties": {
                        "associationCategory": {"type": "string", "enum": ["HUBSPOT_DEFINED"]},
                        "associationTypeId": {"type": "integer", "enum": ids},
                    },
                }},
            },
        })
    return {"type": "array", "items": {"oneOf": branches}} if branches else {"type": "array", "maxItems": 0}


def _search_filter(object_type):
    """A search filter: a known property, and what its operator needs (docs/crm.md, "Search")."""
    names = [p["name"] for p in _catalog(object_type)]

    def branch(operators, required=(), extra=None):
        properties = {
            "propertyName": {"type": "string", "enum": names},
            "operator": {"type": "string", "enum": operators},
            "value": {"anyOf": SCALAR + [NULL]},
            "highValue": {"anyOf": SCALAR + [NULL]},
            "values": {"anyOf": [{"type": "array", "items": {"anyOf": SCALAR}}, NULL]},
        }
        for name in required:
            properties[name] = {"anyOf": SCALAR}
        properties.update(extra or {})
        return {"type": "object", "required": ["operator", "propertyName", *required],
                "properties": properties, "additionalProperties": False}

    return {"oneOf": [
        branch(["HAS_PROPERTY", "NOT_HAS_PROPERTY"]),
        branch(["BETWEEN"], ["value", "highValue"]),
        branch(["IN", "NOT_IN"], ["values"], {"values": {"type": "array", "minItems": 1, "items": {"anyOf": SCALAR}}}),
        branch(["EQ", "NEQ", "LT", "LTE", "GT", "GTE", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"], ["value"]),
    ]}


def crm_adjust(raw_schema, object_type):
    """HubSpot's CRM spec for `object_type`, adjusted as docs/crm.md ("Conformance") lists."""
    schemas = raw_schema["components"]["schemas"]
    any_value = {"anyOf": SCALAR + [NULL]}
    # Every property map's values: text, or a JSON number or boolean read as text, or null to
    # clear (docs/crm.md, "Properties"); an array or object value is a 400 for the request.
    for name in ("SimplePublicObjectBatchInput", "SimplePublicObjectBatchInputForCreate",
                 "SimplePublicObjectBatchInputUpsert", "SimplePublicObjectInput",
                 "SimplePublicObjectInputForCreate"):
        schema = schemas[name]
        schema.pop("example", None)
        schema["properties"]["properties"] = {"type": "object", "additionalProperties": any_value}
        # `objectWriteTraceId` is read as text; null = not given.
        if "objectWriteTraceId" in schema["properties"]:
            schema["properties"]["objectWriteTraceId"] = {"type": "string", "nullable": True}
        # HubSpot's guides create objects without `associations` (the contacts guide's example).
        if "associations" in schema.get("required", []):
            schema["required"].remove("associations")
    # The basic create and PATCH: only the type's properties, typed (HubSpot answers 400
    # PROPERTY_DOESNT_EXIST for an unknown one; a batch gives that input a 207 error instead,
    # docs/crm.md, so the batch inputs keep the open map). A create associates with the fixture's
    # objects by HubSpot-defined types.
    schemas["SimplePublicObjectInputForCreate"]["properties"]["properties"] = _strict_properties(object_type, True)
    schemas["SimplePublicObjectInputForCreate"]["properties"]["associations"] = _strict_associations(object_type)
    schemas["SimplePublicObjectInput"]["properties"]["properties"] = _strict_properties(object_type, False)
    # A batch create's association: typeId an int32 (an unknown one fails that input, 207).
    schemas["AssociationSpec"]["properties"]["associationTypeId"].pop("format", None)
    schemas["AssociationSpec"]["properties"]["associationTypeId"].update(
        {"minimum": -(2**31), "maximum": 2**31 - 1})
    # Ids: text, or a JSON number (docs/crm.md: "An id sent as a string or, as some clients do, a
    # number").
    for name in ("SimplePublicObjectId", "PublicObjectId"):
        schemas[name]["properties"]["id"] = {"anyOf": [{"type": "string"}, {"type": "number"}]}
    for name in ("SimplePublicObjectBatchInput", "SimplePublicObjectBatchInputUpsert"):
        schemas[name]["properties"]["id"] = {"anyOf": [{"type": "string"}, {"type": "number"}]}
        # idProperty: a unique property of the type (HubSpot: 400 "Unable to perform
        # update/upsert by non-unique ... property" for the whole batch).
        schemas[name]["properties"]["idProperty"] = {"enum": _unique_names(object_type) + [None]}
    # A batch read: HubSpot's guides send it without propertiesWithHistory (and properties).
    read = schemas["BatchReadInputSimplePublicObjectId"]
    read["required"] = ["inputs"]
    read["properties"]["idProperty"] = {"enum": _unique_names(object_type) + [None]}
    # The search (docs/crm.md, "Search"): every field optional (HubSpot's guides send only
    # filterGroups), unknown fields refused, at most 5 groups of at most 6 filters on known
    # properties, sorts on known properties, `limit` 0 to 200 (the spec's own description says
    # "up to 200"), `after` the offset HubSpot hands out (below 10,000).
    names = [p["name"] for p in _catalog(object_type)]
    search = schemas["PublicObjectSearchRequest"]
    search["required"] = []
    search["additionalProperties"] = False
    search["properties"]["limit"] = {"type": "integer", "minimum": 0, "maximum": 200, "nullable": True}
    search["properties"]["after"] = {"anyOf": [{"type": "string", "pattern": r"^[0-9]{0,4}$"},
                                               {"type": "integer", "minimum": 0, "maximum": 9999}, NULL]}
    search["properties"]["query"] = {"type": "string", "nullable": True}
    search["properties"]["sorts"]["items"] = {"anyOf": [
        {"type": "string", "enum": names + ["-" + n for n in names]},
        {"type": "object", "required": ["propertyName"], "additionalProperties": False, "properties": {
            "propertyName": {"type": "string", "enum": names},
            "direction": {"anyOf": [{"type": "string", "enum": ["ASCENDING", "DESCENDING"]}, NULL]},
        }},
    ]}
    search["properties"]["filterGroups"].update({"maxItems": 5})
    schemas["FilterGroup"]["additionalProperties"] = False
    schemas["FilterGroup"]["properties"]["filters"].update({"maxItems": 6})
    schemas["Filter"] = _search_filter(object_type)
    # Responses: a requested property that is not set is null, as HubSpot documents ("a
    # requested-but-unset property returns null"); the spec types every value a string.
    for name in ("SimplePublicObject", "SimplePublicObjectWithAssociations", "SimplePublicUpsertObject"):
        schemas[name]["properties"]["properties"]["additionalProperties"]["nullable"] = True

    for path, item in raw_schema["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict):
                continue
            for param in op.get("parameters", []):
                name = param.get("name")
                if name == "idProperty":
                    # A unique property of the type (docs/crm.md: else a 400 listing them); an
                    # empty query parameter counts as not given.
                    param["schema"] = {"type": "string", "enum": _unique_names(object_type) + [""]}
                elif name == "limit":
                    # docs/crm.md: a negative limit is a 400 (0 reads as 1, past 100 as 100).
                    param["schema"]["minimum"] = 0
                elif name == "after":
                    param["schema"]["pattern"] = ID_PATTERN

    # The oauth2 scheme as the http bearer scheme it is on the wire (as for the settings specs).
    schemes = raw_schema["components"]["securitySchemes"]
    schemes["oauth2"] = {"type": "http", "scheme": "bearer"}


MAX_SEARCH_FILTERS = 18  # src/crm/search/mod.rs: HubSpot's limit across all filterGroups


@schemathesis.hook
def filter_body(context, body):
    """A search body within HubSpot's 18 filters in all: 5 groups of up to 6 filters could hold 30,
    and JSON Schema cannot bound a sum; a body past it is drawn again (the emulator refuses it
    with 400 TOO_MANY_FILTERS, tests/api/crm_objects.rs)."""
    operation = getattr(context, "operation", None)
    if operation is None or not CRM_PATH.match(operation.path) or not operation.path.endswith("/search"):
        return True
    groups = body.get("filterGroups") if isinstance(body, dict) else None
    if not isinstance(groups, list):
        return True
    total = sum(len(g["filters"]) for g in groups if isinstance(g, dict) and isinstance(g.get("filters"), list))
    return total <= MAX_SEARCH_FILTERS



@schemathesis.hook
def filter_failure(context, failure, case, response):
    """Keeps every failure but one false `use_after_free` (ST301): after a CRM DELETE, a read with
    `archived=true` answers 200 with the object marked `"archived": true` - HubSpot's recycle bin,
    which `archived=true` reads (docs/crm.md, "Reads"; the spec's own `archived` parameter). A
    read without `archived=true` that finds a deleted object still fails."""
    if getattr(failure, "code", None) != "ST301" or not CRM_PATH.match(case.operation.path):
        return True
    archived = (case.query or {}).get("archived")
    if str(archived).lower() != "true":
        return True
    try:
        return json.loads(response.content).get("archived") is not True
    except (ValueError, AttributeError):
        return True


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
    # docs/recordings.md, a transcript's checks.
    "OUT_OF_RANGE", "OUT_OF_ORDER", "INVALID_EMAIL", "INVALID_LANGUAGE", "SPEAKER_RENAMED",
    "TOO_MANY", "TOO_LONG", "TRANSCRIPT_LIMIT",
}
# docs/crm.md, "Errors": the CRM's errors[].code values (on the CRM paths only).
CRM_DETAIL_CODES = {
    "PROPERTY_DOESNT_EXIST", "INVALID_PROPERTY_VALUE", "VALUE_TOO_LONG", "INVALID_NUMBER",
    "INVALID_BOOLEAN", "INVALID_DATETIME", "INVALID_DATE", "INVALID_OPTION", "REQUIRED",
    "INVALID_ASSOCIATION", "INVALID_ASSOCIATION_TYPE", "ASSOCIATED_OBJECT_NOT_FOUND",
    "INVALID_FILTER", "TOO_MANY_FILTERS", "TOO_MANY_FILTER_GROUPS", "INVALID_LIMIT", "INVALID_AFTER",
    "INVALID_ID_PROPERTY", "INVALID_QUERY_PARAMETER",
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
# The CRM's success statuses (the specs' and docs/crm.md's): a create is 201, a batch create 201,
# a batch archive 204; a batch answers 207 when some inputs failed.
CRM_SUCCESS = {
    ("POST", ""): (201,), ("POST", "/batch/create"): (201, 207), ("POST", "/batch/archive"): (204,),
    ("POST", "/batch/read"): (200, 207), ("POST", "/batch/update"): (200, 207),
    ("POST", "/batch/upsert"): (200, 207),
}


def _success_statuses(case):
    """The statuses the operation answers on success; the first is its full success."""
    method = case.method.upper()
    if READY_PATH.match(case.operation.path):
        return (204,)  # docs/recordings.md: recordings/ready answers 204, empty
    match = CRM_PATH.match(case.operation.path)
    if match:
        return CRM_SUCCESS.get((method, match.group(2) or ""), (SUCCESS_STATUS[method],))
    return (SUCCESS_STATUS.get(method),)


def _header(response, name):
    values = response.headers.get(name.lower())
    return values[0] if values else None


def _uuid4(value):
    try:
        return isinstance(value, str) and uuid.UUID(value).version == 4 and str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def _is_api_call(case):
    path = case.operation.path
    return bool(
        SETTINGS_PATH.match(path) or STATUS_PATH.match(path) or CRM_PATH.match(path)
        or READY_PATH.match(path) or TRANSCRIPT_PATH.match(path)
    )


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
                codes = DETAIL_CODES | (CRM_DETAIL_CODES if CRM_PATH.match(case.operation.path) else set())
                assert detail.get("code") in codes, f"errors[].code {detail.get('code')!r} is undocumented"
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
    """A 2xx is exactly the documented one: 200 for GET/POST/PATCH (a settings POST is not 201),
    204 for DELETE; on the CRM, 201 for a create, 204 for a batch archive, 207 for a partial batch."""
    status = response.status_code
    if not 200 <= status < 300:
        return None
    expected = _success_statuses(case)
    assert status in expected, f"{case.method.upper()} answered {status}; HubSpot answers {' or '.join(map(str, expected))}"
    if status == 204:
        assert response.content == b"", "204 with a body"
    return None


@schemathesis.check
def hubspot_headers(ctx, response, case):
    """Every API response: a correlation id and the rate-limit headers (daily ones on API-key calls only)."""
    if not _is_api_call(case):
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
        if response.status_code == _success_statuses(case)[0]:
            self.reached.add(label)
        return None

    def after_run(self, ctx):
        missing = sorted(self.tested - self.reached)
        assert not missing, "never answered its success status: " + ", ".join(missing)
