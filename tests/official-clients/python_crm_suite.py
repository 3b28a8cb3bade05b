#!/usr/bin/env python3
"""Official Python client as judge of the CRM object APIs: hubspot-api-client 12.0.0's
crm.objects.calls (basic, batch, search), crm.contacts and crm.companies (basic, search).

It proves that the client real calling apps use gets its own typed models back (a create that
answered anything but 201 would silently return None) and raises its own exception classes.

Environment:
  HUBSPOT_API_BASE_URL  emulator base URL, e.g. http://127.0.0.1:8080
  HUBSPOT_ACCESS_TOKEN  an app's access token with the CRM scopes (the embedded default app's)

Prints one line per check and ends with `N passed, N failed`; exits 1 on any failure.
"""

import datetime
import json
import os
import sys

import hubspot
from checks import call_ok, check, run_suites
from hubspot.crm import companies as companies_models
from hubspot.crm import contacts as contacts_models
from hubspot.crm.objects import calls as calls_models
from hubspot.crm.objects.calls.exceptions import (
    ApiException,
    NotFoundException,
    UnauthorizedException,
)

BASE_URL = os.environ["HUBSPOT_API_BASE_URL"].rstrip("/")
TOKEN = os.environ["HUBSPOT_ACCESS_TOKEN"]

client = hubspot.Client.create(access_token=TOKEN, host=BASE_URL)
bad_client = hubspot.Client.create(access_token="not-the-" + TOKEN, host=BASE_URL)

# The discovery properties build a fresh API object on every access, so keep each one.
calls = client.crm.objects.calls
calls_basic, calls_batch, calls_search = calls.basic_api, calls.batch_api, calls.search_api
contacts_basic, contacts_search = client.crm.contacts.basic_api, client.crm.contacts.search_api
companies_basic, companies_search = client.crm.companies.basic_api, client.crm.companies.search_api

def call_fails(name, fn, status, exc_class, category):
    try:
        result = fn()
    except ApiException as e:
        check(f"{name} -> {exc_class.__name__} {status}",
              isinstance(e, exc_class) and e.status == status,
              f"got {type(e).__name__} status={e.status} body={e.body!r}")
        try:
            body = json.loads(e.body)
        except (TypeError, ValueError):
            body = {}
        check(f"{name} -> category {category}", body.get("category") == category, f"body={e.body!r}")
        return body
    except Exception as e:
        check(f"{name} -> {exc_class.__name__} {status}", False, f"raised {type(e).__name__}: {e}")
        return {}
    check(f"{name} -> {exc_class.__name__} {status}", False, f"did not raise; returned {result!r}")
    return {}


def is_model(name, value, cls):
    return check(f"{name} returns {cls.__name__}", isinstance(value, cls), f"got {value!r}")


def main():
    m = calls_models
    # --- contacts and companies: what calls associate with --------------------------------
    contact = call_ok("contacts create", lambda: contacts_basic.create(
        contacts_models.SimplePublicObjectInputForCreate(
            properties={"email": "ada@example.com", "firstname": "Ada", "phone": "+15555550100"},
            associations=[])))
    is_model("contacts create (201)", contact, contacts_models.SimplePublicObject)
    company = call_ok("companies create", lambda: companies_basic.create(
        companies_models.SimplePublicObjectInputForCreate(
            properties={"name": "Acme", "domain": "acme.example"}, associations=[])))
    is_model("companies create (201)", company, companies_models.SimplePublicObject)
    if contact is None or company is None:
        return
    found = call_ok("contacts search by email", lambda: contacts_search.do_search(
        contacts_models.PublicObjectSearchRequest(
            filter_groups=[contacts_models.FilterGroup(filters=[contacts_models.Filter(
                property_name="email", operator="EQ", value="ada@example.com")])],
            properties=["firstname"], limit=10)))
    if is_model("contacts search", found, contacts_models.CollectionResponseWithTotalSimplePublicObjectForwardPaging):
        check("contacts search finds the contact",
              found.total == 1 and found.results[0].id == contact.id
              and found.results[0].properties.get("firstname") == "Ada", repr(found))
    by_email = call_ok("contacts get_by_id with id_property=email", lambda: contacts_basic.get_by_id(
        "ada@example.com", id_property="email", properties=["firstname"]))
    if is_model("contacts get_by_id", by_email, contacts_models.SimplePublicObjectWithAssociations):
        check("contacts get_by_id by email finds the contact", by_email.id == contact.id, repr(by_email))
    companies = call_ok("companies search", lambda: companies_search.do_search(
        companies_models.PublicObjectSearchRequest(
            filter_groups=[companies_models.FilterGroup(filters=[companies_models.Filter(
                property_name="domain", operator="EQ", value="acme.example")])], limit=1)))
    if is_model("companies search", companies, companies_models.CollectionResponseWithTotalSimplePublicObjectForwardPaging):
        check("companies search finds the company", companies.total == 1, repr(companies))

    # --- calls: basic -------------------------------------------------------------------
    association = lambda to, type_id: m.PublicAssociationsForObject(
        to=m.PublicObjectId(id=to),
        types=[m.AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=type_id)])
    call = call_ok("calls create", lambda: calls_basic.create(m.SimplePublicObjectInputForCreate(
        properties={"hs_timestamp": "2026-11-27T17:30:00.000Z", "hs_call_title": "Support call",
                    "hs_call_direction": "OUTBOUND", "hs_call_duration": "61000"},
        associations=[association(contact.id, 194), association(company.id, 182)])))
    if not is_model("calls create (201, not None)", call, m.SimplePublicObject):
        return
    check("calls create: typed times", isinstance(call.created_at, datetime.datetime), repr(call.created_at))
    check("calls create: the title back", call.properties.get("hs_call_title") == "Support call", repr(call))
    got = call_ok("calls get_by_id", lambda: calls_basic.get_by_id(
        call.id, properties=["hs_call_title", "hs_call_body"], associations=["contacts", "companies"],
        properties_with_history=["hs_call_title"]))
    if is_model("calls get_by_id", got, m.SimplePublicObjectWithAssociations):
        check("calls get_by_id: unset property is None", "hs_call_body" in got.properties
              and got.properties["hs_call_body"] is None, repr(got.properties))
        contacts_assoc = (got.associations or {}).get("contacts")
        check("calls get_by_id: associations typed",
              isinstance(contacts_assoc, m.CollectionResponseAssociatedId)
              and contacts_assoc.results[0].id == contact.id
              and contacts_assoc.results[0].type == "call_to_contact", repr(got.associations))
        history = (got.properties_with_history or {}).get("hs_call_title") or []
        check("calls get_by_id: properties_with_history typed",
              len(history) == 1 and isinstance(history[0], m.ValueWithTimestamp)
              and history[0].value == "Support call", repr(history))
    updated = call_ok("calls update", lambda: calls_basic.update(
        call.id, m.SimplePublicObjectInput(properties={"hs_call_status": "COMPLETED"})))
    if is_model("calls update", updated, m.SimplePublicObject):
        check("calls update: the new status", updated.properties.get("hs_call_status") == "COMPLETED")
    for n in range(3):
        call_ok(f"calls create #{n}", lambda: calls_basic.create(m.SimplePublicObjectInputForCreate(
            properties={"hs_timestamp": str(1700000000000 + n)}, associations=[])))
    first = call_ok("calls get_page", lambda: calls_basic.get_page(limit=2, properties=["hs_timestamp"]))
    if is_model("calls get_page", first, m.CollectionResponseSimplePublicObjectWithAssociationsForwardPaging):
        after = first.paging and first.paging.next and first.paging.next.after
        check("calls get_page: a next page", bool(after), repr(first.paging))
        second = call_ok("calls get_page after", lambda: calls_basic.get_page(limit=2, after=after))
        if second is not None:
            ids = [o.id for o in first.results + second.results]
            check("calls get_page: pages do not overlap", len(ids) == len(set(ids)) == 4, repr(ids))

    # --- calls: batch and search ----------------------------------------------------------
    created = call_ok("calls batch create", lambda: calls_batch.create(
        m.BatchInputSimplePublicObjectBatchInputForCreate(inputs=[
            m.SimplePublicObjectBatchInputForCreate(properties={"hs_timestamp": "1700000000000"}, associations=[]),
            m.SimplePublicObjectBatchInputForCreate(properties={"hs_timestamp": "1700000000001"}, associations=[])])))
    if is_model("calls batch create (201)", created, m.BatchResponseSimplePublicObject):
        check("calls batch create: two results", len(created.results) == 2)
    partial = call_ok("calls batch create with a bad input", lambda: calls_batch.create(
        m.BatchInputSimplePublicObjectBatchInputForCreate(inputs=[
            m.SimplePublicObjectBatchInputForCreate(properties={"hs_timestamp": "1700000000000"}, associations=[]),
            m.SimplePublicObjectBatchInputForCreate(properties={"no_such_property": "x"}, associations=[])])))
    if is_model("calls batch create (207)", partial, m.BatchResponseSimplePublicObjectWithErrors):
        check("calls batch create 207: one error, typed", partial.num_errors == 1
              and isinstance(partial.errors[0], m.StandardError)
              and partial.errors[0].category == "VALIDATION_ERROR", repr(partial.errors))
    read = call_ok("calls batch read", lambda: calls_batch.read(m.BatchReadInputSimplePublicObjectId(
        inputs=[m.SimplePublicObjectId(id=call.id)], properties=["hs_call_title"], properties_with_history=[])))
    if is_model("calls batch read", read, m.BatchResponseSimplePublicObject):
        check("calls batch read: the call", read.results[0].id == call.id)
    upsert = lambda title: calls_batch.upsert(m.BatchInputSimplePublicObjectBatchInputUpsert(inputs=[
        m.SimplePublicObjectBatchInputUpsert(id="ext-1", id_property="hs_call_external_id",
                                              properties={"hs_timestamp": "1700000000000", "hs_call_title": title})]))
    first_upsert = call_ok("calls batch upsert (create)", lambda: upsert("first"))
    second_upsert = call_ok("calls batch upsert (update)", lambda: upsert("second"))
    if is_model("calls batch upsert", first_upsert, m.BatchResponseSimplePublicUpsertObject) and second_upsert:
        check("calls batch upsert: new, then the same object",
              first_upsert.results[0].new is True and second_upsert.results[0].new is False
              and first_upsert.results[0].id == second_upsert.results[0].id,
              f"{first_upsert.results} {second_upsert.results}")
    batch_updated = call_ok("calls batch update", lambda: calls_batch.update(m.BatchInputSimplePublicObjectBatchInput(
        inputs=[m.SimplePublicObjectBatchInput(id=call.id, properties={"hs_call_body": "notes"})])))
    is_model("calls batch update", batch_updated, m.BatchResponseSimplePublicObject)
    search = call_ok("calls search", lambda: calls_search.do_search(m.PublicObjectSearchRequest(
        filter_groups=[m.FilterGroup(filters=[m.Filter(property_name="hs_call_external_id", operator="EQ", value="ext-1")])],
        sorts=["hs_timestamp"], properties=["hs_call_title"], limit=10, after="0")))
    if is_model("calls search", search, m.CollectionResponseWithTotalSimplePublicObjectForwardPaging):
        check("calls search: the upserted call", search.total == 1
              and search.results[0].properties.get("hs_call_title") == "second", repr(search))
    archived = call_ok("calls batch archive", lambda: calls_batch.archive(
        m.BatchInputSimplePublicObjectId(inputs=[m.SimplePublicObjectId(id=created.results[0].id)])) or "ok")
    check("calls batch archive (204)", archived == "ok", repr(archived))
    result = call_ok("calls archive", lambda: calls_basic.archive(call.id) or "ok")
    check("calls archive (204)", result == "ok", repr(result))

    # --- errors ----------------------------------------------------------------------------
    call_fails("calls get_by_id of an archived call", lambda: calls_basic.get_by_id(call.id),
               404, NotFoundException, "OBJECT_NOT_FOUND")
    body = call_fails("calls create with an unknown property", lambda: calls_basic.create(
        m.SimplePublicObjectInputForCreate(properties={"hs_timestamp": "1700000000000", "hs_call_tittle": "x"},
                                           associations=[])), 400, ApiException, "VALIDATION_ERROR")
    check("unknown property: PROPERTY_DOESNT_EXIST naming the closest",
          (body.get("errors") or [{}])[0].get("code") == "PROPERTY_DOESNT_EXIST"
          and "hs_call_title" in body.get("message", ""), repr(body))
    call_fails("calls get_page with a wrong token", lambda: bad_client.crm.objects.calls.basic_api.get_page(),
               401, UnauthorizedException, "INVALID_AUTHENTICATION")


sys.exit(run_suites(main))
