// What the browser end-to-end tests share (tests/dashboard/e2e.mjs, tests/widget/e2e.mjs): one
// PASS/FAIL line per check and the closing `N passed, N failed`; children (emulators, apps) that
// are always stopped, listed in E2E_PIDFILE for run.sh should this process die; Debian's headless
// Chromium through playwright-core (installed in tests/dashboard/node_modules, never a downloaded
// browser) that may only reach loopback; the control API from the test itself.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(HERE, '..', '..');
// Each npm package lives in the one suite that pins it (tests/support/node-packages.sh).
export const requireFrom = (suite) => createRequire(join(ROOT, 'tests', suite, 'package.json'));
const { chromium } = requireFrom('dashboard')('playwright-core');

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const PIDFILE = process.env.E2E_PIDFILE || '';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// ---- checks ----------------------------------------------------------------------------------

export const results = { passed: 0, failed: 0 };

export async function check(name, body) {
  try {
    await body();
    results.passed += 1;
    console.log(`PASS  ${name}`);
  } catch (error) {
    results.failed += 1;
    console.log(`FAIL  ${name}: ${String(error && error.message || error).split('\n')[0]}`);
  }
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

export async function until(probe, what, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    let last;
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? ` (${last.message})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- children: always stopped ----------------------------------------------------------------

const children = new Set();
const temps = [];
const cleanups = [];
let context = null;

function listChildren() {
  if (PIDFILE) writeFileSync(PIDFILE, [...children].map((c) => `${c.pid}\n`).join(''));
}

process.on('exit', () => {
  for (const child of children) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
});

export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

// Something else to undo at the end (a server the test started in-process …).
export function onCleanup(action) {
  cleanups.push(action);
}

export async function stopChild(child) {
  if (child.exitCode === null && child.signalCode === null) {
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(timer);
  }
  children.delete(child);
  listChildren();
}

export async function cleanup() {
  if (context) {
    const closing = context.close().catch(() => {});
    context = null;
    await Promise.race([closing, sleep(5000)]);
  }
  await Promise.all([...children].map(stopChild));
  for (const action of cleanups.splice(0)) await action();
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
}

// Starts a program and waits for the first line of its stdout; resolves with the child, that
// line and the first loopback http URL on it.
export async function startChild(command, args, env) {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  listChildren();
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr = (stderr + chunk).slice(-20000); });
  const lines = createInterface({ input: child.stdout }); // keeps draining stdout
  const first = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command}: no first stdout line within 30 s; stderr: ${stderr}`)), 30000);
    lines.once('line', (line) => { clearTimeout(timer); resolve(line); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${command} exited (${code}): ${stderr}`)); });
  });
  const base = (first.match(/http:\/\/127\.0\.0\.1:\d+/) || [])[0];
  if (!base) throw new Error(`${command}: no loopback base URL on the first line: ${first}`);
  return { child, base, first, stderr: () => stderr };
}

// The emulator on a free loopback port, with its environment's HUBSPOT_EMULATOR_* cleared.
export function startEmulator(bin, fixture, extra = []) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('HUBSPOT_EMULATOR_')) delete env[key];
  return startChild(bin, ['serve', '--host', '127.0.0.1', '--port', '0', '--fixture', fixture, ...extra], env);
}

// The control API from the test itself (to set up and to verify what the page did).
export async function control(base, method, path, body, token) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers['X-Emulator-Token'] = token;
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

// ---- the browser -----------------------------------------------------------------------------

export const offLoopback = [];

// A persistent context on Debian's Chromium that may only reach loopback; `route` may serve a
// request itself (return true) before it goes on.
export async function launch({ viewport = { width: 1100, height: 900 }, route } = {}) {
  const profile = tempDir('browser-e2e-profile-');
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport,
    deviceScaleFactor: 1,
  });
  context.setDefaultTimeout(5000);
  await context.route('**/*', async (request) => {
    const url = new URL(request.request().url());
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
      offLoopback.push(url.href);
      return request.abort();
    }
    if (route && await route(request, url)) return undefined;
    return request.continue();
  });
  return context;
}

// Console errors, page errors and dialogs go to `problems`; `frameFilter` may keep a frame's
// console out (an app's own logging is not the page's problem).
export function watch(page, problems, frameFilter = () => true) {
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const frame = m.location && m.location().url;
    if (frameFilter(frame || '')) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss().catch(() => {}); });
}

// A section's screenshot with a margin of page background around it.
export async function shoot(page, selector, file) {
  mkdirSync(dirname(file), { recursive: true });
  // In page coordinates (a full-page clip), not the viewport's: the section may be scrolled to.
  const box = await page.locator(selector).evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { x: r.x + window.scrollX, y: r.y + window.scrollY, width: r.width, height: r.height };
  });
  await page.screenshot({ path: file, fullPage: true,
    clip: { x: Math.max(0, box.x - 12), y: Math.max(0, box.y - 12), width: box.width + 24, height: box.height + 24 } });
  assert(statSync(file).size > 5000, 'the PNG is suspiciously small');
}

// ---- the run ---------------------------------------------------------------------------------

// Runs `main` with a watchdog of `limitMs`, cleans up whatever happens (SIGINT, SIGTERM too),
// prints `N passed, N failed` and exits 1 on any failure.
export async function run(main, limitMs) {
  const finish = async (code) => {
    await cleanup();
    console.log(`${results.passed} passed, ${results.failed} failed`);
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, async () => {
      console.log(`FAIL  interrupted by ${signal}`);
      results.failed += 1;
      await finish(130);
    });
  }
  const watchdog = setTimeout(async () => {
    console.log(`FAIL  the run took longer than ${limitMs / 1000} s`);
    results.failed += 1;
    await finish(1);
  }, limitMs);
  try {
    await main();
  } catch (error) {
    results.failed += 1;
    console.log(`FAIL  setting up: ${error && error.stack || error}`);
  } finally {
    clearTimeout(watchdog);
  }
  await finish(results.failed ? 1 : 0);
}
