// Official Node client as judge: drives the emulator through @hubspot/api-client 14.0.1.
//
// The point is not to re-test the HTTP contract (the Rust tests do that) but to prove that the
// client that real integrations use accepts the emulator's answers: that it deserialises them
// into its own model classes and throws its own ApiException with the right status.
//
// Environment:
//   HUBSPOT_API_BASE_URL       emulator base URL, e.g. http://127.0.0.1:8080
//   HUBSPOT_APP_ID             app id whose settings are driven (must have nothing registered)
//   HUBSPOT_DEVELOPER_API_KEY  that app's developer API key
//
// Prints one line per check and ends with `N passed, N failed`; exits 1 on any failure.

import { createRequire } from 'node:module';
import { callOk, check, runSuite, show } from './checks.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('@hubspot/api-client');
// The package root exports Client (and Signature, a few constants and enums) but not the model
// and exception classes: those live in the generated module the discovery classes use, so
// import that same module to make instanceof meaningful.
const calling = require('@hubspot/api-client/lib/codegen/crm/extensions/calling/index.js');
const { ApiException, SettingsResponse, ChannelConnectionSettingsResponse, RecordingSettingsResponse } =
  calling;
const clientVersion = require('@hubspot/api-client/package.json').version;

const BASE_URL = process.env.HUBSPOT_API_BASE_URL.replace(/\/+$/, '');
const APP_ID = Number.parseInt(process.env.HUBSPOT_APP_ID, 10);
const DEV_KEY = process.env.HUBSPOT_DEVELOPER_API_KEY;

// `developerApiKey` becomes the `developer_hapikey` auth method (sent as `?hapikey=`) and
// `basePath` replaces https://api.hubapi.com for every generated API.
const makeClient = (developerApiKey) => new Client({ developerApiKey, basePath: BASE_URL });

const api = makeClient(DEV_KEY).crm.extensions.calling;
const badApi = makeClient(`not-the-${DEV_KEY}`).crm.extensions.calling;
const keylessApi = new Client({ basePath: BASE_URL }).crm.extensions.calling;

// A call that must throw the client's own ApiException with this status and error category.
async function callFails(name, fn, code, category) {
  let result;
  try {
    result = await fn();
  } catch (e) {
    check(`${name} -> ApiException ${code}`, e instanceof ApiException && e.code === code,
      `got ${e?.constructor?.name} code=${e?.code}: ${e?.message}`);
    // For error statuses the client parses the body as JSON (it must be, with a JSON content
    // type, or the client throws a plain Error instead of ApiException) into a plain object.
    check(`${name} -> error category ${category}`, e?.body?.category === category,
      `body=${show(e?.body)}`);
    return;
  }
  check(`${name} -> ApiException ${code}`, false, `did not throw; returned ${show(result)}`);
}

const isValidDate = (value) => value instanceof Date && !Number.isNaN(value.getTime());

function checkTimestamps(label, created, updated) {
  if (updated === undefined) {
    for (const field of ['createdAt', 'updatedAt']) {
      check(`${label}: create ${field} is a valid Date`, isValidDate(created[field]), show(created[field]));
    }
    return;
  }
  check(`${label}: update updatedAt is a valid Date`, isValidDate(updated.updatedAt), show(updated.updatedAt));
  check(`${label}: update kept createdAt`,
    isValidDate(updated.createdAt) && updated.createdAt.getTime() === created.createdAt?.getTime(),
    `${show(created.createdAt)} -> ${show(updated.createdAt)}`);
  check(`${label}: update did not move updatedAt backwards`,
    isValidDate(updated.updatedAt) && updated.updatedAt.getTime() >= created.updatedAt?.getTime(),
    `${show(created.updatedAt)} -> ${show(updated.updatedAt)}`);
}

// Compares two deserialised models field by field (Dates by instant).
function sameModel(a, b) {
  if (!a || !b || a.constructor !== b.constructor) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const [x, y] = [a[k], b[k]];
    if (x instanceof Date || y instanceof Date) {
      if (!(x instanceof Date && y instanceof Date && x.getTime() === y.getTime())) return false;
    } else if (x !== y) {
      return false;
    }
  }
  return true;
}

async function settingsSuite() {
  const label = 'settings';
  const settingsApi = api.settingsApi;
  await callFails(`${label}: GET before create`, () => settingsApi.getById(APP_ID), 404, 'OBJECT_NOT_FOUND');

  // Only name and url: the spec 14.0.1 was generated from requires just these two, so a client
  // may legitimately send nothing else and the server must fill the rest.
  const sent = { name: 'Judge Phone (node)', url: 'https://judge.example/node/calling' };
  const created = await callOk(`${label}: create`, () => settingsApi.create(APP_ID, sent));
  if (!check(`${label}: create returns SettingsResponse`, created instanceof SettingsResponse, show(created))) {
    return;
  }
  check(`${label}: create echoes name and url`, created.name === sent.name && created.url === sent.url,
    `${show(created.name)}, ${show(created.url)}`);
  check(`${label}: create fills integer height and width`,
    Number.isInteger(created.height) && Number.isInteger(created.width),
    `height=${show(created.height)} width=${show(created.width)}`);
  const flags = ['isReady', 'supportsCustomObjects', 'supportsInboundCalling', 'usesCallingWindow', 'usesRemote'];
  // Which defaults the server picks is its own documented assumption (usesCallingWindow is
  // opt-out in HubSpot's docs); the judge only insists they are real booleans and that an app
  // that never said it is ready is not made ready.
  check(`${label}: create fills every flag with a boolean`, flags.every((f) => typeof created[f] === 'boolean'),
    flags.map((f) => `${f}=${show(created[f])}`).join(', '));
  check(`${label}: create leaves isReady false when not sent`, created.isReady === false, show(created.isReady));
  checkTimestamps(label, created);

  const fetched = await callOk(`${label}: get`, () => settingsApi.getById(APP_ID));
  check(`${label}: get returns what create returned`, sameModel(fetched, created), show(fetched));

  await callFails(`${label}: GET with a bad developer key`, () => badApi.settingsApi.getById(APP_ID),
    401, 'INVALID_AUTHENTICATION');
  await callFails(`${label}: GET with no credentials`, () => keylessApi.settingsApi.getById(APP_ID),
    401, 'INVALID_AUTHENTICATION');

  // Height differs from whatever default the server picked, so the change is observable.
  const newHeight = created.height + 37;
  const updated = await callOk(`${label}: update`,
    () => settingsApi.update(APP_ID, { height: newHeight, isReady: true }));
  if (check(`${label}: update returns SettingsResponse`, updated instanceof SettingsResponse, show(updated))) {
    check(`${label}: update applied the given fields`, updated.height === newHeight && updated.isReady === true,
      `height=${show(updated.height)} isReady=${show(updated.isReady)}`);
    const untouched = ['name', 'url', 'width', 'supportsCustomObjects', 'supportsInboundCalling',
      'usesCallingWindow', 'usesRemote'];
    const changed = untouched.filter((f) => updated[f] !== created[f]);
    check(`${label}: update left the other fields alone`, changed.length === 0,
      changed.map((f) => `${f}: ${show(created[f])} -> ${show(updated[f])}`).join(', '));
    checkTimestamps(label, created, updated);
    const refetched = await callOk(`${label}: get after update`, () => settingsApi.getById(APP_ID));
    check(`${label}: update persisted`, sameModel(refetched, updated), show(refetched));
  }

  await callFails(`${label}: second create`, () => settingsApi.create(APP_ID, sent), 409, 'CONFLICT');

  const archived = await callOk(`${label}: archive`, () => settingsApi.archive(APP_ID));
  check(`${label}: archive resolves to undefined (204, no body)`, archived === undefined, show(archived));
  await callFails(`${label}: GET after archive`, () => settingsApi.getById(APP_ID), 404, 'OBJECT_NOT_FOUND');
  await callFails(`${label}: archive again`, () => settingsApi.archive(APP_ID), 404, 'OBJECT_NOT_FOUND');
}

async function channelConnectionSuite() {
  const label = 'channel-connection';
  const channelApi = api.channelConnectionSettingsApi;
  await callFails(`${label}: GET before create`, () => channelApi.getById(APP_ID), 404, 'OBJECT_NOT_FOUND');

  const sent = { url: 'https://judge.example/node/phone-numbers', isReady: false };
  const created = await callOk(`${label}: create`, () => channelApi.create(APP_ID, sent));
  if (!check(`${label}: create returns ChannelConnectionSettingsResponse`,
    created instanceof ChannelConnectionSettingsResponse, show(created))) {
    return;
  }
  check(`${label}: create echoes url and isReady`, created.url === sent.url && created.isReady === false,
    `${show(created.url)}, ${show(created.isReady)}`);
  checkTimestamps(label, created);

  const fetched = await callOk(`${label}: get`, () => channelApi.getById(APP_ID));
  check(`${label}: get returns what create returned`, sameModel(fetched, created), show(fetched));

  await callFails(`${label}: GET with a bad developer key`,
    () => badApi.channelConnectionSettingsApi.getById(APP_ID), 401, 'INVALID_AUTHENTICATION');

  const updated = await callOk(`${label}: update`, () => channelApi.update(APP_ID, { isReady: true }));
  if (check(`${label}: update returns ChannelConnectionSettingsResponse`,
    updated instanceof ChannelConnectionSettingsResponse, show(updated))) {
    check(`${label}: update set isReady`, updated.isReady === true, show(updated.isReady));
    check(`${label}: update left url alone`, updated.url === created.url, show(updated.url));
    checkTimestamps(label, created, updated);
    const refetched = await callOk(`${label}: get after update`, () => channelApi.getById(APP_ID));
    check(`${label}: update persisted`, sameModel(refetched, updated), show(refetched));
  }

  await callFails(`${label}: second create`, () => channelApi.create(APP_ID, sent), 409, 'CONFLICT');

  const archived = await callOk(`${label}: archive`, () => channelApi.archive(APP_ID));
  check(`${label}: archive resolves to undefined (204, no body)`, archived === undefined, show(archived));
  await callFails(`${label}: GET after archive`, () => channelApi.getById(APP_ID), 404, 'OBJECT_NOT_FOUND');
  await callFails(`${label}: archive again`, () => channelApi.archive(APP_ID), 404, 'OBJECT_NOT_FOUND');
}

async function recordingSuite() {
  // HubSpot has no DELETE for recording settings, so this suite leaves them registered;
  // run.sh gives each client suite a fresh emulator for that reason.
  const label = 'recording';
  const recordingApi = api.recordingSettingsApi;
  await callFails(`${label}: GET before create`, () => recordingApi.getUrlFormat(APP_ID), 404, 'OBJECT_NOT_FOUND');

  const sent = { urlToRetrieveAuthedRecording: 'https://judge.example/node/recordings/%s' };
  const created = await callOk(`${label}: create`, () => recordingApi.registerUrlFormat(APP_ID, sent));
  if (!check(`${label}: create returns RecordingSettingsResponse`, created instanceof RecordingSettingsResponse,
    show(created))) {
    return;
  }
  check(`${label}: create echoes urlToRetrieveAuthedRecording`,
    created.urlToRetrieveAuthedRecording === sent.urlToRetrieveAuthedRecording,
    show(created.urlToRetrieveAuthedRecording));

  const fetched = await callOk(`${label}: get`, () => recordingApi.getUrlFormat(APP_ID));
  check(`${label}: get returns what create returned`, sameModel(fetched, created), show(fetched));

  await callFails(`${label}: GET with a bad developer key`, () => badApi.recordingSettingsApi.getUrlFormat(APP_ID),
    401, 'INVALID_AUTHENTICATION');

  const newUrl = 'https://judge.example/node/recordings-v2/%s';
  const updated = await callOk(`${label}: update`,
    () => recordingApi.updateUrlFormat(APP_ID, { urlToRetrieveAuthedRecording: newUrl }));
  if (check(`${label}: update returns RecordingSettingsResponse`, updated instanceof RecordingSettingsResponse,
    show(updated))) {
    check(`${label}: update changed the url`, updated.urlToRetrieveAuthedRecording === newUrl,
      show(updated.urlToRetrieveAuthedRecording));
    const refetched = await callOk(`${label}: get after update`, () => recordingApi.getUrlFormat(APP_ID));
    check(`${label}: update persisted`, sameModel(refetched, updated), show(refetched));
  }

  await callFails(`${label}: second create`, () => recordingApi.registerUrlFormat(APP_ID, sent), 409, 'CONFLICT');
}

console.log(`# @hubspot/api-client ${clientVersion} against ${BASE_URL}, appId ${APP_ID}`);
await runSuite(async () => {
  for (const suite of [settingsSuite, channelConnectionSuite, recordingSuite]) {
    try {
      await suite();
    } catch (e) {
      // A bug in one suite must not keep the others from running.
      check(`${suite.name} ran to the end`, false, e?.stack ?? String(e));
    }
  }
});
