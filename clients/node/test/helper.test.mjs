// The Node helper, under node:test, against the real binary ($HUBSPOT_EMULATOR_BIN), with HubSpot's
// official Node client (@hubspot/api-client, installed by tests/official-clients/run.sh; its
// directory in $OFFICIAL_CLIENTS_DIR) talking to sandboxes through their base URLs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

import { start, connect, EmulatorError } from '../index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const officialDir = process.env.OFFICIAL_CLIENTS_DIR || path.join(here, '../../../tests/official-clients');
const { Client } = createRequire(path.join(officialDir, 'package.json'))('@hubspot/api-client');

const APP_ID = 1234567;

/** HubSpot's own client, pointed at a base URL (the emulator's or a sandbox's). */
const hubspot = (target) =>
  new Client({ developerApiKey: target.app().developerApiKey, basePath: target.baseUrl });

/** A webhook receiver that answers one valid phone number. */
async function receiver() {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ phoneNumbers: [{ e164PhoneNumber: '+14155552671', friendlyName: 'Main' }] }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}/hubspot/phone-numbers` };
}

describe('start()', () => {
  let emulator;
  before(async () => {
    // Stray variables of the caller's environment must not reach the binary: with these, it
    // would bind port 1 and fail to read a fixture that does not exist.
    process.env.HUBSPOT_EMULATOR_PORT = '1';
    process.env.HUBSPOT_EMULATOR_FIXTURE = '/nonexistent/fixture.json';
    try {
      emulator = await start();
    } finally {
      delete process.env.HUBSPOT_EMULATOR_PORT;
      delete process.env.HUBSPOT_EMULATOR_FIXTURE;
    }
  });
  after(() => emulator?.close());

  test('reads the base URL from the first line and the credentials from the state', () => {
    assert.match(emulator.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(emulator.app().appId, APP_ID);
    assert.equal(emulator.app('demo').developerApiKey, 'demo-developer-api-key');
    assert.equal(emulator.app(APP_ID).clientSecret, 'demo-client-secret');
  });

  test('two sandboxes written concurrently by the official client never see each other', async () => {
    const [a, b] = await Promise.all([emulator.sandbox(), emulator.sandbox()]);
    assert.notEqual(a.id, b.id);
    assert.equal(a.baseUrl, `${emulator.baseUrl}/_sandbox/${a.id}`);
    const writes = [];
    for (let i = 0; i < 10; i += 1) {
      for (const [sandbox, name] of [[a, 'a'], [b, 'b']]) {
        const settings = hubspot(sandbox).crm.extensions.calling.channelConnectionSettingsApi;
        const body = { url: `https://${name}.example/${i}`, isReady: i % 2 === 0 };
        writes.push(i === 0 ? settings.create(APP_ID, body) : settings.update(APP_ID, body));
        if (i === 0) await writes.at(-1); // created before it is updated
      }
    }
    await Promise.all(writes);
    const urls = await Promise.all([a, b].map(async (sandbox) =>
      (await hubspot(sandbox).crm.extensions.calling.channelConnectionSettingsApi.getById(APP_ID)).url));
    assert.match(urls[0], /^https:\/\/a\.example\/\d$/);
    assert.match(urls[1], /^https:\/\/b\.example\/\d$/);
    // The emulator's own state saw none of it.
    const own = await emulator.state();
    assert.equal(own.apps[0].channelConnection, undefined);

    await a.close();
    await assert.rejects(
      hubspot(a).crm.extensions.calling.channelConnectionSettingsApi.getById(APP_ID),
      (error) => error.code === 404 && error.body.category === 'OBJECT_NOT_FOUND' && error.body.message.includes(a.id));
    const kept = await hubspot(b).crm.extensions.calling.channelConnectionSettingsApi.getById(APP_ID);
    assert.equal(kept.url, urls[1], 'deleting one sandbox leaves the other intact');
    await a.close(); // already gone: no error
    await b.close();
  });

  test('fire, deliveries, requests, reset and state act on the sandbox only', async () => {
    const app = await receiver();
    const sandbox = await emulator.sandbox();
    const other = await emulator.sandbox();
    try {
      await hubspot(sandbox).crm.extensions.calling.channelConnectionSettingsApi
        .create(APP_ID, { url: app.url, isReady: true });
      const verdict = await sandbox.fire({ appId: APP_ID, portalId: 62515, userId: 101 });
      assert.equal(verdict.outcome, 'pass', JSON.stringify(verdict.findings));
      assert.equal((await sandbox.deliveries()).entries.length, 1);
      assert.equal((await other.deliveries()).entries.length, 0);
      assert.equal((await emulator.deliveries()).entries.length, 0);
      assert.ok((await sandbox.requests({ limit: 10 })).entries.length >= 1);
      assert.equal((await sandbox.state()).apps[0].channelConnection.url, app.url);
      assert.deepEqual(await sandbox.reset(), { reset: 'all' });
      assert.equal((await sandbox.state()).apps[0].channelConnection, undefined);
    } finally {
      await Promise.all([sandbox.close(), other.close()]);
      app.server.close();
    }
  });

  test('a sandbox takes its own fixture, and its apps come with it', async () => {
    const sandbox = await emulator.sandbox({
      apps: [{ name: 'mine', appId: 777, developerApiKey: 'mine-key' }],
      portals: [{ portalId: 5, users: [{ userId: 1 }] }],
    });
    try {
      assert.deepEqual(sandbox.apps.map((a) => [a.name, a.appId, a.developerApiKey]), [['mine', 777, 'mine-key']]);
      const listed = await emulator.sandboxes();
      assert.ok(listed.sandboxes.some((s) => s.id === sandbox.id));
    } finally {
      await sandbox.close();
    }
  });

  test('connect() attaches to a running emulator; errors carry the status and message', async () => {
    const attached = await connect({ baseUrl: emulator.baseUrl });
    assert.equal(attached.app().appId, APP_ID);
    await attached.close(); // not ours to stop
    assert.equal((await emulator.state()).apps.length, 1, 'still running');
    await assert.rejects(attached.reset({ appId: 42 }),
      (error) => error instanceof EmulatorError && error.status === 404 && /app 42/.test(error.message));
  });
});

test('start() with a fixture object: credentials the banner masks come from the state', async () => {
  const emulator = await start({
    fixture: {
      apps: [{ name: 'secret', appId: 99, developerApiKey: 'k-123456789', accessToken: 't-123456789', clientSecret: 's-123456789' }],
      portals: [{ portalId: 1, users: [{ userId: 2 }] }],
    },
    controlToken: 'ctl-token',
  });
  try {
    assert.deepEqual(emulator.app('secret'), {
      name: 'secret', appId: 99, developerApiKey: 'k-123456789', accessToken: 't-123456789', clientSecret: 's-123456789',
    });
    // The control token is required, and the helper sends it.
    const bare = await fetch(`${emulator.baseUrl}/_emulator/state`);
    assert.equal(bare.status, 401);
    const sandbox = await emulator.sandbox();
    assert.equal(sandbox.app().appId, 99);
    await sandbox.close();
  } finally {
    await emulator.close();
  }
  assert.notEqual(emulator.child.exitCode ?? emulator.child.signalCode, null, 'the process is gone');
});

test('start() says how to get the binary when there is none', async () => {
  await assert.rejects(start({ binary: '/nonexistent/hubspot-emulator' }), /no executable at/);
});
