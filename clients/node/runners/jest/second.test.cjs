// A Jest test file; with another beside it, Jest runs them in two workers (--maxWorkers=2).
const { connect } = require('hubspot-emulator');
const { registerInOwnSandbox } = require('../registration.cjs');

test('the second file registers its own URL in its own sandbox', async () =>
  registerInOwnSandbox(await connect(), 'jest', 'second-a'));
test('and again in a new sandbox, seeing nothing of the one before', async () =>
  registerInOwnSandbox(await connect(), 'jest', 'second-b'));
