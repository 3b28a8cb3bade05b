// What every runner's test does once it has `connect()`ed to the one emulator the global setup
// started (each test file imports the helper as an app's tests would): take a sandbox, register a
// channel connection through HubSpot's official client (@hubspot/api-client) against the
// sandbox's base URL, and check that the sandbox holds this test's state only. It leaves a note
// (which process, which emulator, which sandbox) for check-notes.mjs, which fails the run unless
// every test used the same emulator, no two tests the same sandbox, and the tests ran in more than
// one worker process.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

// In your app: require('@hubspot/api-client'). Here the repository's copy (tests/official-clients,
// installed by tests/support/official-clients.sh) is reused rather than installed twice.
const officialDir = process.env.OFFICIAL_CLIENTS_DIR || path.join(__dirname, '../../../tests/official-clients');
const { Client } = require(path.join(officialDir, 'node_modules/@hubspot/api-client'));

/**
 * Registers `https://NAME.example/…` in a sandbox of `emulator` (what the test's `connect()`
 * returned) and checks what the sandbox and the emulator hold.
 */
async function registerInOwnSandbox(emulator, runner, name) {
  const sandbox = await emulator.sandbox();
  try {
    const { appId, developerApiKey } = sandbox.app();
    const hubspot = new Client({ developerApiKey, basePath: sandbox.baseUrl });
    const url = `https://${name}.example/hubspot/phone-numbers`;
    const settings = hubspot.crm.extensions.calling.channelConnectionSettingsApi;
    await settings.create(appId, { url, isReady: true });
    assert.equal((await settings.getById(appId)).url, url);

    // Only this test's registration and requests, though other tests run at the same time.
    const state = await sandbox.state();
    assert.equal(state.apps[0].channelConnection.url, url);
    const calls = (await sandbox.requests()).entries.map((e) => `${e.method} ${e.status}`);
    assert.deepEqual(calls, ['POST 200', 'GET 200']);
    // The emulator's own state (outside every sandbox) is untouched.
    assert.equal((await emulator.state()).apps[0].channelConnection, undefined);
    // The sandbox lives on the emulator this test connected to.
    assert.equal(new URL(sandbox.baseUrl).host, new URL(emulator.baseUrl).host);

    leaveNote(runner, name, emulator.baseUrl, sandbox.id);
  } finally {
    await sandbox.close();
  }
}

function leaveNote(runner, name, emulator, sandbox) {
  const dir = process.env.HUBSPOT_EMULATOR_TEST_NOTES;
  if (!dir) return; // run by hand: nothing to cross-check
  const note = { runner, test: name, pid: process.pid, emulator, sandbox };
  fs.writeFileSync(path.join(dir, `${runner}-${name}.json`), JSON.stringify(note));
}

module.exports = { registerInOwnSandbox };
