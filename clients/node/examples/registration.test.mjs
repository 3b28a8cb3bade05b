// An app's own tests under node:test, each test with a sandbox of its own, run concurrently:
//   HUBSPOT_EMULATOR_BIN=target/release/hubspot-emulator node --test clients/node/examples/
// The emulator is started once (global-setup.mjs, as Jest and Vitest would), each test connects
// to it and takes a sandbox, HubSpot's client talks to the sandbox's base URL, and the sandbox is
// deleted at the end of the test.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { connect } from 'hubspot-emulator';
import { setup, teardown } from './global-setup.mjs';
import { registerChannelConnection } from './app.mjs';

// In your app: import { Client } from '@hubspot/api-client'. Here the repository's copy
// (tests/official-clients) is reused rather than installed twice.
const here = path.dirname(fileURLToPath(import.meta.url));
const officialDir = process.env.OFFICIAL_CLIENTS_DIR || path.join(here, '../../../tests/official-clients');
const { Client } = createRequire(path.join(officialDir, 'package.json'))('@hubspot/api-client');

before(setup);
after(teardown);

/** Runs `body` with a fresh sandbox and HubSpot's client pointed at it. */
async function withSandbox(body) {
  const emulator = await connect();
  const sandbox = await emulator.sandbox();
  try {
    const app = sandbox.app();
    const hubspot = new Client({ developerApiKey: app.developerApiKey, basePath: sandbox.baseUrl });
    await body({ sandbox, app, hubspot });
  } finally {
    await sandbox.close();
  }
}

describe('registration', { concurrency: true }, () => {
  for (const name of ['first', 'second', 'third']) {
    test(`the ${name} test registers its own URL and sees only it`, () =>
      withSandbox(async ({ sandbox, app, hubspot }) => {
        const url = `https://${name}.example/hubspot/phone-numbers`;
        await registerChannelConnection(hubspot, app.appId, url);
        await registerChannelConnection(hubspot, app.appId, url); // idempotent at start-up
        const state = await sandbox.state();
        assert.equal(state.apps[0].channelConnection.url, url);
        const calls = (await sandbox.requests()).entries.map((e) => `${e.method} ${e.status}`);
        assert.deepEqual(calls, ['POST 200', 'POST 409', 'PATCH 200']);
      }));
  }
});
