// Official Node client as judge of the inbound-call API: @hubspot/api-client 14.0.1 generates
// AdvancedApi.crmV3ExtensionsCallingInboundCall but does not export it from
// client.crm.extensions.calling, so apps send it raw (client.apiRequest). Both ways are driven
// here: the generated request factory and response processor (which accept only a 200 and
// throw ApiException otherwise; its ObjectSerializer's type map lacks
// CompletedThirdPartyCallResponse, so the body comes back as parsed JSON, not a model
// instance), and client.apiRequest as an app writes it. The contacts and
// company to match are created first with the client's CRM APIs; the call it logs is found
// with the calls search on hs_call_external_id.
//
// Environment:
//   HUBSPOT_API_BASE_URL  emulator base URL, e.g. http://127.0.0.1:8080
//   HUBSPOT_ACCESS_TOKEN  an app's access token with crm.objects.contacts.write (the embedded
//                         default app's)
//
// Prints one line per check and ends with `N passed, N failed`; exits 1 on any failure.

import { createRequire } from 'node:module';
import { callOk, check, runSuite, show } from './checks.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('@hubspot/api-client');
const calling = require('@hubspot/api-client/lib/codegen/crm/extensions/calling/index.js');
const advanced = require('@hubspot/api-client/lib/codegen/crm/extensions/calling/apis/AdvancedApi.js');

const BASE_URL = process.env.HUBSPOT_API_BASE_URL.replace(/\/+$/, '');
const TOKEN = process.env.HUBSPOT_ACCESS_TOKEN;

const client = new Client({ accessToken: TOKEN, basePath: BASE_URL });

const request = (externalCallId, finalCallStatus) => ({
  externalCallId,
  createEngagement: true,
  finalCallStatus,
  fromNumber: { e164Number: '+14155552671', phoneNumberType: 'MOBILE' },
  toNumber: { e164Number: '+14155550100', phoneNumberType: 'FIXED_LINE' },
  potentialRecipientUserIds: [101],
  engagementProperties: { hs_call_title: 'Inbound support call' },
  durationSeconds: 95,
  callStartedTimestamp: '2026-01-01T10:00:00Z',
});

// The generated operation, as AdvancedApi's promise wrapper would run it.
async function generatedInboundCall(body) {
  const config = calling.createConfiguration({
    baseServer: new calling.ServerConfiguration(BASE_URL, {}),
    authMethods: { oauth2: { accessToken: TOKEN } },
  });
  const context = await new advanced.AdvancedApiRequestFactory(config).crmV3ExtensionsCallingInboundCall(body);
  const response = await config.httpApi.send(context).toPromise();
  return (await new advanced.AdvancedApiResponseProcessor().crmV3ExtensionsCallingInboundCallWithHttpInfo(response)).data;
}

async function suite() {
  const contact = await callOk('create the contact to match', () => client.crm.contacts.basicApi.create({
    properties: { firstname: 'Ada', lastname: 'Lovelace', email: 'ada@example.com', phone: '(415) 555-2671' },
    associations: [],
  }));
  const company = await callOk('create the company to match', () => client.crm.companies.basicApi.create({
    properties: { name: 'Acme', phone: '415.555.2671' },
    associations: [],
  }));
  if (!contact || !company) return;

  const generated = await callOk('generated crmV3ExtensionsCallingInboundCall',
    () => generatedInboundCall(request('node-call-1', 'RINGING')));
  if (check('generated: a 200 with callerIdMatches[]', Array.isArray(generated?.callerIdMatches),
    show(generated))) {
    const matches = generated.callerIdMatches ?? [];
    check('generated: the contact, then the company', show(matches.map((m) => [m.callerIdType, String(m.objectCoordinates?.objectId)]))
      === show([['CONTACT', contact.id], ['COMPANY', company.id]]), show(matches));
    check('generated: the contact\'s names and email', matches[0]?.firstName === 'Ada'
      && matches[0]?.lastName === 'Lovelace' && matches[0]?.email === 'ada@example.com', show(matches[0]));
    check('generated: objectTypeId 0-1 and 0-2', matches[0]?.objectCoordinates?.objectTypeId === '0-1'
      && matches[1]?.objectCoordinates?.objectTypeId === '0-2', show(matches));
    check('generated: the company\'s name', matches[1]?.name === 'Acme', show(matches[1]));
  }

  const raw = await callOk('client.apiRequest POST /crm/v3/extensions/calling/inbound-call',
    () => client.apiRequest({ method: 'POST', path: '/crm/v3/extensions/calling/inbound-call',
      body: request('node-call-1', 'COMPLETED') }));
  if (raw && check('apiRequest: 200', raw.status === 200, String(raw.status))) {
    const body = await raw.json();
    check('apiRequest: two matches and no engagement id', Object.keys(body).join() === 'callerIdMatches'
      && body.callerIdMatches.length === 2, show(body));
  }
  const dated = await callOk('client.apiRequest POST /crm/extensions/calling/2026-03/inbound-call',
    () => client.apiRequest({ method: 'POST', path: '/crm/extensions/calling/2026-03/inbound-call',
      body: { ...request('node-call-2', 'MISSED'), createEngagement: false } }));
  check('apiRequest (2026-03): 200', dated?.status === 200, String(dated?.status));

  const found = await callOk('search calls by hs_call_external_id', () => client.crm.objects.calls.searchApi.doSearch({
    filterGroups: [{ filters: [{ propertyName: 'hs_call_external_id', operator: 'EQ', value: 'node-call-1' }] }],
    properties: ['hs_call_status', 'hs_call_direction', 'hs_call_duration'],
    limit: 10,
    after: '0',
    sorts: [],
  }));
  if (found && check('one call for node-call-1, reported twice', found.total === 1, show(found))) {
    const props = found.results[0].properties;
    check('the call is the last report: COMPLETED, INBOUND, 95000 ms', props.hs_call_status === 'COMPLETED'
      && props.hs_call_direction === 'INBOUND' && props.hs_call_duration === '95000', show(props));
  }

  const bad = { ...request('node-call-3', 'COMPLETED') };
  delete bad.externalCallId;
  try {
    await generatedInboundCall(bad);
    check('generated: a missing externalCallId throws', false, 'resolved');
  } catch (e) {
    check('generated: a missing externalCallId -> ApiException 400', e instanceof calling.ApiException && e.code === 400,
      `${e?.constructor?.name} code=${e?.code}`);
    check('generated: errors[] names externalCallId', show(e?.body).includes('externalCallId'), show(e?.body));
  }
}

console.log(`# @hubspot/api-client inbound call against ${BASE_URL}`);
await runSuite(suite);
