// One emulator for the whole test run, started before any test file: a global setup for Vitest
// (`globalSetup: ['./global-setup.mjs']`), for Jest through jest-global-setup.cjs and
// jest-global-teardown.cjs, and for node:test from a file's before/after (registration.test.mjs).
// The workers find it through HUBSPOT_EMULATOR_URL, which `connect()` reads; each test then takes
// a sandbox of its own.
import { start, URL_ENV } from 'hubspot-emulator';

export async function setup() {
  // The binary: $HUBSPOT_EMULATOR_BIN, else `hubspot-emulator` on PATH (`cargo install`).
  const emulator = await start();
  globalThis.__hubspotEmulator = emulator;
  process.env[URL_ENV] = emulator.baseUrl; // inherited by the workers started after this
  return teardown; // Vitest calls what setup returns once the run is over
}

export async function teardown() {
  await globalThis.__hubspotEmulator?.close();
  delete globalThis.__hubspotEmulator;
}
