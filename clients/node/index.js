// hubspot-emulator for an app's test suite: start the emulator binary once (`start`), or attach to
// one already running (`connect`), and give each test or worker its own sandbox (`sandbox()`),
// whose base URL HubSpot's own clients take as their host. No dependencies beyond Node (>= 18:
// global fetch). Types: index.d.ts. Reference: README.md.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const BINARY_NAME = 'hubspot-emulator';
/** The environment variable that names the binary when no `binary` option is given. */
const BINARY_ENV = 'HUBSPOT_EMULATOR_BIN';
/** The environment variable `connect()` reads the base URL from (a global setup sets it). */
const URL_ENV = 'HUBSPOT_EMULATOR_URL';
/** The environment variable `connect()` reads the control token from, if the emulator has one. */
const TOKEN_ENV = 'HUBSPOT_EMULATOR_CONTROL_TOKEN';
/** Every variable the binary reads starts with this; the caller's are never passed on. */
const ENV_PREFIX = 'HUBSPOT_EMULATOR_';

/** A control-API call that did not succeed: the status and the emulator's `{"error": …}`. */
class EmulatorError extends Error {
  constructor(message, status, body) {
    super(message);
    this.name = 'EmulatorError';
    this.status = status;
    this.body = body;
  }
}

/** Where the binary is: the option, else $HUBSPOT_EMULATOR_BIN, else `hubspot-emulator` on PATH. */
function findBinary(given) {
  const named = given || process.env[BINARY_ENV];
  if (named) {
    if (!isExecutable(named)) {
      throw new Error(`hubspot-emulator: no executable at ${named} (from ${given ? 'the binary option' : BINARY_ENV})`);
    }
    return path.resolve(named);
  }
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, BINARY_NAME);
    if (isExecutable(candidate)) return candidate;
  }
  throw new Error(
    `hubspot-emulator: the binary is not on PATH. Install it with \`cargo install --path <checkout>\` ` +
    `(or \`cargo install --git <repository URL>\`), or build it with \`cargo build --release\` and pass ` +
    `{ binary: '<checkout>/target/release/hubspot-emulator' } or set ${BINARY_ENV}.`);
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The caller's environment without a single HUBSPOT_EMULATOR_* variable, plus `extra`. */
function cleanEnvironment(extra) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith(ENV_PREFIX)) env[key] = value;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Control-API calls against one base URL (the emulator's, or a sandbox's). */
class ControlClient {
  constructor(baseUrl, controlToken) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.controlToken = controlToken || undefined;
  }

  async request(method, controlPath, body) {
    const headers = {};
    // Every control write says application/json, with a body or without (the emulator's rule).
    if (method !== 'GET') headers['content-type'] = 'application/json';
    if (this.controlToken) headers.authorization = `Bearer ${this.controlToken}`;
    const response = await fetch(`${this.baseUrl}/_emulator${controlPath}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    if (!response.ok) {
      const why = (parsed && parsed.error) || text || response.statusText;
      throw new EmulatorError(`${method} /_emulator${controlPath}: ${response.status} ${why}`, response.status, parsed);
    }
    return parsed;
  }
}

/** The operations every target has, the emulator itself and each sandbox. */
class Target {
  constructor(baseUrl, controlToken) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.control = new ControlClient(this.baseUrl, controlToken);
    this.apps = [];
  }

  /** Reads the apps with their credentials (the banner masks them) from GET /_emulator/state. */
  async loadApps() {
    const state = await this.state();
    this.apps = (state.apps || []).map((app) => ({
      name: app.name,
      appId: app.appId,
      developerApiKey: app.developerApiKey,
      accessToken: app.accessToken,
      clientSecret: app.clientSecret,
    }));
    return this;
  }

  /** The app named `name` (or with that appId); the first one without an argument. */
  app(name) {
    const found = name === undefined
      ? this.apps[0]
      : this.apps.find((app) => app.name === name || app.appId === name);
    if (!found) throw new Error(`hubspot-emulator: no app ${JSON.stringify(name)}; the state has ${this.apps.map((a) => a.name).join(', ') || 'none'}`);
    return found;
  }

  /** POST /_emulator/fire: fires the phone-number webhook; resolves to the verdict. */
  fire(request) {
    return this.control.request('POST', '/fire', request);
  }

  /** POST /_emulator/reset: back to the seed (every app, or `{appId}` only). */
  reset(request) {
    return this.control.request('POST', '/reset', request);
  }

  /** GET /_emulator/state: the whole state as a fixture document. */
  state() {
    return this.control.request('GET', '/state');
  }

  /** GET /_emulator/deliveries: a page of the delivery journal (`{after, limit}`). */
  deliveries(query = {}) {
    return this.control.request('GET', `/deliveries${queryString(query)}`);
  }

  /** GET /_emulator/requests: a page of the API request journal (`{after, limit}`). */
  requests(query = {}) {
    return this.control.request('GET', `/requests${queryString(query)}`);
  }
}

function queryString(query) {
  const entries = Object.entries(query).filter(([, value]) => value !== undefined && value !== null);
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)]))}` : '';
}

/** A sandbox: its own state under its own base URL; `close()` deletes it. */
class Sandbox extends Target {
  constructor(id, baseUrl, controlToken, owner) {
    super(baseUrl, controlToken);
    this.id = id;
    this.owner = owner;
  }

  /** DELETE /_emulator/sandboxes/{id}; a sandbox already gone (expired) is no error. */
  async close() {
    try {
      await this.owner.control.request('DELETE', `/sandboxes/${encodeURIComponent(this.id)}`);
    } catch (error) {
      if (!(error instanceof EmulatorError && error.status === 404)) throw error;
    }
  }

  async [Symbol.asyncDispose || Symbol.for('Symbol.asyncDispose')]() {
    await this.close();
  }
}

/** An emulator: one `start()`ed here (it owns the process) or one `connect()`ed to. */
class Emulator extends Target {
  constructor(baseUrl, controlToken, child) {
    super(baseUrl, controlToken);
    this.child = child || null;
  }

  /** A new sandbox seeded with `fixture` (a fixture object), or the emulator's start-up fixture. */
  async sandbox(fixture) {
    const created = await this.control.request('POST', '/sandboxes', fixture);
    const sandbox = new Sandbox(created.id, created.baseUrl, this.control.controlToken, this);
    return sandbox.loadApps();
  }

  /** GET /_emulator/sandboxes. */
  sandboxes() {
    return this.control.request('GET', '/sandboxes');
  }

  /** Stops the process `start()` spawned (SIGTERM, then SIGKILL after 5 s); no-op after `connect()`. */
  async close() {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  async [Symbol.asyncDispose || Symbol.for('Symbol.asyncDispose')]() {
    await this.close();
  }
}

/**
 * Spawns the emulator (`serve --port 0` unless `port` is given), reads its base URL from the first
 * line of its output, and reads the apps' credentials from GET /_emulator/state.
 */
async function start(options = {}) {
  const binary = findBinary(options.binary);
  const args = ['serve', '--port', String(options.port ?? 0)];
  let fixtureDir = null;
  if (options.fixture !== undefined && options.fixture !== null) {
    let file = options.fixture;
    if (typeof file !== 'string') {
      fixtureDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hubspot-emulator-'));
      file = path.join(fixtureDir, 'fixture.json');
      fs.writeFileSync(file, JSON.stringify(options.fixture));
    }
    args.push('--fixture', file);
  }
  args.push(...(options.args || []));
  const extra = { HUBSPOT_EMULATOR_LOG: options.log || 'warn' };
  if (options.controlToken) extra.HUBSPOT_EMULATOR_CONTROL_TOKEN = options.controlToken;
  const child = spawn(binary, args, {
    env: cleanEnvironment(extra),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-8192); // the tail, for error messages
  });
  const stop = () => child.kill('SIGKILL');
  process.once('exit', stop); // never leave an emulator behind a crashed test run
  child.once('exit', () => {
    process.removeListener('exit', stop);
    if (fixtureDir) fs.rmSync(fixtureDir, { recursive: true, force: true });
  });
  const baseUrl = await firstLineUrl(child, options.startTimeoutMs ?? 15000, () => stderr);
  const emulator = new Emulator(baseUrl, options.controlToken, child);
  try {
    await emulator.loadApps();
  } catch (error) {
    await emulator.close();
    throw error;
  }
  return emulator;
}

/** The `http://HOST:PORT` on the first line the emulator prints (the rest is drained). */
function firstLineUrl(child, timeoutMs, stderr) {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let settled = false;
    const fail = (why) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`hubspot-emulator did not start: ${why}${stderr() ? `\n${stderr().trim()}` : ''}`));
    };
    const timer = setTimeout(() => fail(`no base URL within ${timeoutMs} ms`), timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      if (settled) return; // the rest of the banner: drained, never shown (it names credentials)
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      const match = buffered.slice(0, newline).match(/http:\/\/\S+/);
      if (!match) return fail(`unexpected first line ${JSON.stringify(buffered.slice(0, newline))}`);
      settled = true;
      clearTimeout(timer);
      resolve(match[0]);
    });
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code, signal) => fail(`it exited (${signal || `code ${code}`})`));
  });
}

/**
 * Attaches to an emulator already running (started by a global setup, say): `baseUrl` defaults to
 * $HUBSPOT_EMULATOR_URL, the control token to $HUBSPOT_EMULATOR_CONTROL_TOKEN.
 */
async function connect(options = {}) {
  const baseUrl = options.baseUrl || process.env[URL_ENV];
  if (!baseUrl) {
    throw new Error(`hubspot-emulator: connect() needs a baseUrl, or ${URL_ENV} set by the global setup`);
  }
  const emulator = new Emulator(baseUrl, options.controlToken || process.env[TOKEN_ENV]);
  return emulator.loadApps();
}

exports.start = start;
exports.connect = connect;
exports.findBinary = findBinary;
exports.EmulatorError = EmulatorError;
exports.BINARY_ENV = BINARY_ENV;
exports.URL_ENV = URL_ENV;
