// Jest with the recipe of the helper's README: one emulator for the run, started by the global
// setup before the workers (which inherit HUBSPOT_EMULATOR_URL), stopped by the global teardown.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/jest'],
  globalSetup: '<rootDir>/../examples/jest-global-setup.cjs',
  globalTeardown: '<rootDir>/../examples/jest-global-teardown.cjs',
};
