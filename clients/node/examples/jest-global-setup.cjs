// Jest's globalSetup (jest.config: globalSetup: './jest-global-setup.cjs').
module.exports = async () => {
  await (await import('./global-setup.mjs')).setup();
};
