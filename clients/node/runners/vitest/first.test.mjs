// A Vitest test file; with another beside it, Vitest runs them in two workers (--maxWorkers=2).
import { test } from 'vitest';
import { connect } from 'hubspot-emulator';
import { registerInOwnSandbox } from '../registration.cjs';

test('the first file registers its own URL in its own sandbox', async () =>
  registerInOwnSandbox(await connect(), 'vitest', 'first-a'));
test('and again in a new sandbox, seeing nothing of the one before', async () =>
  registerInOwnSandbox(await connect(), 'vitest', 'first-b'));
