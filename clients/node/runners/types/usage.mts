// The README's usage, in TypeScript: `tsc --noEmit --strict -p types` (clients/test.sh) checks
// index.d.ts against it, so every export and every documented member of the returned objects is
// used here with the types a test would rely on. It is type-checked only, never run.
import { Client } from '@hubspot/api-client';
import {
  BINARY_ENV,
  connect,
  EmulatorError,
  findBinary,
  start,
  URL_ENV,
  type EmulatedApp,
  type Emulator,
  type Finding,
  type Fixture,
  type JournalPage,
  type Sandbox,
  type Verdict,
} from 'hubspot-emulator';

const binaryVariable: 'HUBSPOT_EMULATOR_BIN' = BINARY_ENV;
const urlVariable: 'HUBSPOT_EMULATOR_URL' = URL_ENV;
const binary: string = findBinary();

const emulator: Emulator = await start({
  fixture: { apps: [{ name: 'demo', appId: 1234567 }] },
  port: 0,
  binary,
  args: ['--max-sandboxes', '128'],
  controlToken: 'a-token',
  log: 'warn',
  startTimeoutMs: 15000,
});
await start({ fixture: 'fixtures/demo.json' }); // a fixture file's path
const attached: Emulator = await connect({ baseUrl: emulator.baseUrl, controlToken: 'a-token' });
await connect();

// The sandbox, and HubSpot's official client against it.
const sandbox: Sandbox = await emulator.sandbox();
await emulator.sandbox({ apps: [{ name: 'other', appId: 7 }] } satisfies Fixture);
const id: string = sandbox.id;
const { appId, developerApiKey }: EmulatedApp = sandbox.app();
const byName: EmulatedApp = sandbox.app('demo');
const byId: EmulatedApp = sandbox.app(appId);
const apps: EmulatedApp[] = sandbox.apps;
const secrets: Array<string | undefined> = [byName.accessToken, byId.clientSecret];
const hubspot = new Client({ developerApiKey, basePath: sandbox.baseUrl });
await hubspot.crm.extensions.calling.channelConnectionSettingsApi
  .create(appId, { url: 'http://127.0.0.1:3000/hubspot/phone-numbers', isReady: true });

// The verdict and the journals.
const verdict: Verdict = await sandbox.fire({ appId, portalId: 62515, userId: 101, timeoutMs: 2000 });
const outcome: string = verdict.outcome;
const findings: Finding[] = verdict.findings;
for (const { code, severity, pointer, message } of findings) {
  const fixHow: string = `${severity} ${code} at ${pointer ?? ''}: ${message}`;
  void fixHow;
}
const deliveries: JournalPage<Verdict> = await sandbox.deliveries({ after: 0, limit: 10 });
const next: number | null = deliveries.next;
const requests: JournalPage = await sandbox.requests();
await sandbox.requests({ after: requests.next ?? undefined });
const counts: number[] = [deliveries.total, deliveries.kept, deliveries.capacity, requests.entries.length];
const state: Fixture = await sandbox.state();
const resetOne: number | 'all' = (await sandbox.reset({ appId })).reset;
await sandbox.reset();

// The emulator's own state, and its sandboxes.
await emulator.fire({ appId, portalId: 62515, userId: 101 });
const listing = await emulator.sandboxes();
const sandboxIds: string[] = listing.sandboxes.map((s) => `${s.id} ${s.baseUrl} ${s.createdAt} ${s.idleMs} ${s.expiresInMs}`);
const limits: number[] = [listing.limit, listing.idleTimeoutMs];

// A failed control call.
try {
  await emulator.sandbox({ apps: 'not a list' });
} catch (error) {
  if (error instanceof EmulatorError) {
    const status: number = error.status;
    const body: unknown = error.body;
    const message: string = error.message;
    void [status, body, message];
  }
}

await sandbox.close();
await attached.close(); // nothing after connect()
{
  await using scoped = await emulator.sandbox(); // deleted at the end of the block
  await using another = await start();           // stopped at the end of the block
  void [scoped.id, another.baseUrl];
}
await emulator.close();

void [binaryVariable, urlVariable, id, apps, secrets, outcome, next, counts, state, resetOne, sandboxIds, limits];
