// Official Node client as judge of the CRM object APIs: @hubspot/api-client 14.0.1's
// crm.objects.calls (basicApi, batchApi, searchApi), crm.contacts and crm.companies (basicApi,
// searchApi).
//
// The client parses only the exact documented status (create 201, archive 204, batch create
// 201|207, others 200|207) and throws otherwise, so a call that succeeds here was answered with
// HubSpot's code; each answer must also come back as the client's own model class.
//
// Environment:
//   HUBSPOT_API_BASE_URL  emulator base URL, e.g. http://127.0.0.1:8080
//   HUBSPOT_ACCESS_TOKEN  an app's access token with the CRM scopes (the embedded default app's)
//
// Prints one line per check and ends with `N passed, N failed`; exits 1 on any failure.

import { createRequire } from 'node:module';
import { callOk, check, runSuite, show } from './checks.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('@hubspot/api-client');
// The model and exception classes live in each generated module, not the package root.
const calls = require('@hubspot/api-client/lib/codegen/crm/objects/calls/index.js');
const contacts = require('@hubspot/api-client/lib/codegen/crm/contacts/index.js');
const companies = require('@hubspot/api-client/lib/codegen/crm/companies/index.js');

const BASE_URL = process.env.HUBSPOT_API_BASE_URL.replace(/\/+$/, '');
const TOKEN = process.env.HUBSPOT_ACCESS_TOKEN;

const client = new Client({ accessToken: TOKEN, basePath: BASE_URL });
const badClient = new Client({ accessToken: `not-the-${TOKEN}`, basePath: BASE_URL });
const callsApi = client.crm.objects.calls;

async function callFails(name, fn, exceptionClass, code, category) {
  let result;
  try {
    result = await fn();
  } catch (e) {
    check(`${name} -> ApiException ${code}`, e instanceof exceptionClass && e.code === code,
      `got ${e?.constructor?.name} code=${e?.code}: ${e?.message}`);
    check(`${name} -> error category ${category}`, e?.body?.category === category, `body=${show(e?.body)}`);
    return e?.body ?? {};
  }
  check(`${name} -> ApiException ${code}`, false, `did not throw; returned ${show(result)}`);
  return {};
}

const isModel = (name, value, cls) =>
  check(`${name} returns ${cls.name}`, value instanceof cls, `got ${value?.constructor?.name}: ${show(value)}`);
const isValidDate = (value) => value instanceof Date && !Number.isNaN(value.getTime());
const association = (id, associationTypeId) => ({
  to: { id },
  types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId }],
});

async function main() {
  // --- contacts and companies --------------------------------------------------------------
  const contact = await callOk('contacts create', () => client.crm.contacts.basicApi.create({
    properties: { email: 'ada@example.com', firstname: 'Ada', phone: '+15555550100' }, associations: [],
  }));
  isModel('contacts create (201)', contact, contacts.SimplePublicObject);
  const company = await callOk('companies create', () => client.crm.companies.basicApi.create({
    properties: { name: 'Acme', domain: 'acme.example' }, associations: [],
  }));
  isModel('companies create (201)', company, companies.SimplePublicObject);
  if (!contact || !company) return;
  const found = await callOk('contacts search', () => client.crm.contacts.searchApi.doSearch({
    filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'ada@example.com' }] }],
    properties: ['firstname'], limit: 10,
  }));
  if (isModel('contacts search', found, contacts.CollectionResponseWithTotalSimplePublicObjectForwardPaging)) {
    check('contacts search finds the contact',
      found.total === 1 && found.results[0].id === contact.id && found.results[0].properties.firstname === 'Ada', show(found));
  }
  const byEmail = await callOk('contacts getById with idProperty', () =>
    client.crm.contacts.basicApi.getById('ada@example.com', ['firstname'], undefined, undefined, false, 'email'));
  if (isModel('contacts getById', byEmail, contacts.SimplePublicObjectWithAssociations)) {
    check('contacts getById by email finds the contact', byEmail.id === contact.id, show(byEmail));
  }
  const companyHits = await callOk('companies search', () => client.crm.companies.searchApi.doSearch({
    filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'EQ', value: 'acme.example' }] }], limit: 1,
  }));
  if (isModel('companies search', companyHits, companies.CollectionResponseWithTotalSimplePublicObjectForwardPaging)) {
    check('companies search finds the company', companyHits.total === 1, show(companyHits));
  }

  // --- calls: basic ---------------------------------------------------------------------------
  const call = await callOk('calls create', () => callsApi.basicApi.create({
    properties: {
      hs_timestamp: '2026-11-27T17:30:00.000Z', hs_call_title: 'Support call',
      hs_call_direction: 'OUTBOUND', hs_call_duration: '61000',
    },
    associations: [association(contact.id, 194), association(company.id, 182)],
  }));
  if (!isModel('calls create (201)', call, calls.SimplePublicObject)) return;
  check('calls create: createdAt is a Date', isValidDate(call.createdAt), show(call.createdAt));
  const got = await callOk('calls getById', () => callsApi.basicApi.getById(
    call.id, ['hs_call_title', 'hs_call_body'], ['hs_call_title'], ['contacts', 'companies']));
  if (isModel('calls getById', got, calls.SimplePublicObjectWithAssociations)) {
    check('calls getById: unset property is null', got.properties.hs_call_body === null, show(got.properties));
    const linked = got.associations?.contacts;
    check('calls getById: associations typed', linked instanceof calls.CollectionResponseAssociatedId
      && linked.results[0].id === contact.id && linked.results[0].type === 'call_to_contact', show(got.associations));
    const history = got.propertiesWithHistory?.hs_call_title ?? [];
    check('calls getById: propertiesWithHistory typed',
      history.length === 1 && history[0] instanceof calls.ValueWithTimestamp && isValidDate(history[0].timestamp),
      show(history));
  }
  const updated = await callOk('calls update', () =>
    callsApi.basicApi.update(call.id, { properties: { hs_call_status: 'COMPLETED' } }));
  if (isModel('calls update', updated, calls.SimplePublicObject)) {
    check('calls update: the new status', updated.properties.hs_call_status === 'COMPLETED', show(updated));
  }
  for (let n = 0; n < 3; n += 1) {
    await callOk(`calls create #${n}`, () =>
      callsApi.basicApi.create({ properties: { hs_timestamp: String(1700000000000 + n) }, associations: [] }));
  }
  const first = await callOk('calls getPage', () => callsApi.basicApi.getPage(2, undefined, ['hs_timestamp']));
  if (isModel('calls getPage', first, calls.CollectionResponseSimplePublicObjectWithAssociationsForwardPaging)) {
    const after = first.paging?.next?.after;
    check('calls getPage: a next page', Boolean(after), show(first.paging));
    const second = await callOk('calls getPage after', () => callsApi.basicApi.getPage(2, after));
    if (second) {
      const ids = [...first.results, ...second.results].map((o) => o.id);
      check('calls getPage: pages do not overlap', new Set(ids).size === 4 && ids.length === 4, show(ids));
    }
  }

  // --- calls: batch and search ------------------------------------------------------------------
  const created = await callOk('calls batch create', () => callsApi.batchApi.create({ inputs: [
    { properties: { hs_timestamp: '1700000000000' }, associations: [] },
    { properties: { hs_timestamp: '1700000000001' }, associations: [] },
  ] }));
  if (isModel('calls batch create (201)', created, calls.BatchResponseSimplePublicObject)) {
    check('calls batch create: two results', created.results.length === 2);
  }
  const partial = await callOk('calls batch create with a bad input (207)', () => callsApi.batchApi.create({ inputs: [
    { properties: { hs_timestamp: '1700000000000' }, associations: [] },
    { properties: { no_such_property: 'x' }, associations: [] },
  ] }));
  if (isModel('calls batch create (207)', partial, calls.BatchResponseSimplePublicObjectWithErrors)) {
    check('calls batch create 207: one typed error', partial.numErrors === 1
      && partial.errors[0] instanceof calls.StandardError && partial.errors[0].category === 'VALIDATION_ERROR',
    show(partial.errors));
  }
  const read = await callOk('calls batch read', () => callsApi.batchApi.read({
    inputs: [{ id: call.id }], properties: ['hs_call_title'], propertiesWithHistory: [],
  }));
  if (isModel('calls batch read', read, calls.BatchResponseSimplePublicObject)) {
    check('calls batch read: the call', read.results[0]?.id === call.id, show(read));
  }
  const upsert = (title) => callsApi.batchApi.upsert({ inputs: [{
    id: 'ext-1', idProperty: 'hs_call_external_id', properties: { hs_timestamp: '1700000000000', hs_call_title: title },
  }] });
  const firstUpsert = await callOk('calls batch upsert (create)', () => upsert('first'));
  const secondUpsert = await callOk('calls batch upsert (update)', () => upsert('second'));
  if (isModel('calls batch upsert', firstUpsert, calls.BatchResponseSimplePublicUpsertObject) && secondUpsert) {
    check('calls batch upsert: new, then the same object', firstUpsert.results[0]._new === true
      && secondUpsert.results[0]._new === false && firstUpsert.results[0].id === secondUpsert.results[0].id,
    `${show(firstUpsert.results)} ${show(secondUpsert.results)}`);
  }
  const batchUpdated = await callOk('calls batch update', () => callsApi.batchApi.update({
    inputs: [{ id: call.id, properties: { hs_call_body: 'notes' } }],
  }));
  isModel('calls batch update', batchUpdated, calls.BatchResponseSimplePublicObject);
  const search = await callOk('calls search', () => callsApi.searchApi.doSearch({
    filterGroups: [{ filters: [{ propertyName: 'hs_call_external_id', operator: 'EQ', value: 'ext-1' }] }],
    sorts: ['hs_timestamp'], properties: ['hs_call_title'], limit: 10, after: '0',
  }));
  if (isModel('calls search', search, calls.CollectionResponseWithTotalSimplePublicObjectForwardPaging)) {
    check('calls search: the upserted call', search.total === 1 && search.results[0].properties.hs_call_title === 'second',
      show(search));
  }
  if (created) {
    const batchArchived = await callOk('calls batch archive (204)', async () => {
      await callsApi.batchApi.archive({ inputs: [{ id: created.results[0].id }] });
      return 'ok';
    });
    check('calls batch archive did not throw', batchArchived === 'ok');
  }
  const archived = await callOk('calls archive (204)', async () => { await callsApi.basicApi.archive(call.id); return 'ok'; });
  check('calls archive did not throw', archived === 'ok');

  // --- errors -------------------------------------------------------------------------------------
  await callFails('calls getById of an archived call', () => callsApi.basicApi.getById(call.id),
    calls.ApiException, 404, 'OBJECT_NOT_FOUND');
  const body = await callFails('calls create with an unknown property', () => callsApi.basicApi.create({
    properties: { hs_timestamp: '1700000000000', hs_call_tittle: 'x' }, associations: [],
  }), calls.ApiException, 400, 'VALIDATION_ERROR');
  check('unknown property: PROPERTY_DOESNT_EXIST naming the closest',
    body.errors?.[0]?.code === 'PROPERTY_DOESNT_EXIST' && String(body.message).includes('hs_call_title'), show(body));
  await callFails('calls getPage with a wrong token', () => badClient.crm.objects.calls.basicApi.getPage(),
    calls.ApiException, 401, 'INVALID_AUTHENTICATION');
}

await runSuite(main);
