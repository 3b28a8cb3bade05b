// Jest's globalTeardown (jest.config: globalTeardown: './jest-global-teardown.cjs').
module.exports = async () => {
  await (await import('./global-setup.mjs')).teardown();
};
