// The dashboard, end to end, in Debian's headless Chromium (playwright-core, no downloaded
// browser). Started by run.sh: `node e2e.mjs EMULATOR_BINARY`.
//
// It starts a receiver (the app's phone-number endpoint) and the emulator on loopback ports,
// then drives the page as a help-desk developer would: a user without the flag sees the app
// greyed out, the flag is switched on in the users list, the app opens, the webhook is fired and
// the number picker shows the 30-character name cut at 24 and the number with an extension
// disabled. Around that: the live journals, replay, reset, the control token, a 375-px window,
// keyboard use, contrast, labels, untrusted markup in replies; the CRM view (seeded contacts and
// companies, a call an app writes with its associations and findings) and the journals of
// inbound calls and call writes. It saves the screenshots of the README and docs/dashboard.md.
//
// One PASS/FAIL line per check, then `N passed, N failed`; exit 1 on any failure. Children (the
// emulators, the browser, the receiver) are stopped whatever happens.

import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  assert, check, control, launch, offLoopback, onCleanup, run, shoot, startEmulator as start,
  tempDir, until, watch as watchFor,
} from '../support/browser.mjs';
import { serveRecording, twoChannelWav } from '../support/recording.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const BIN = process.argv[2];
const SHOTS = process.env.SCREENSHOT_DIR || join(HERE, '..', '..', 'docs', 'screenshots');
const ASSETS = process.env.DASHBOARD_ASSET_DIR || '';

const APP_ID = 1234567;
const PORTAL = 62515;
const OTHER_APP_ID = 7654321; // declared, no channel connection: not offered
const DIALER_APP_ID = 5550001; // writes calls to the CRM and posts inbound calls, with its token
const RECORDER_APP_ID = 5550002; // logs a recorded call, its transcript; serves the recording
const LONG_NAME = 'Customer Support Line (London)'; // 30 characters: HubSpot shows 24
const NUMBERS = { phoneNumbers: [
  { e164PhoneNumber: '+14155552671', friendlyName: LONG_NAME },
  { e164PhoneNumber: '+442071838750', extension: '204', friendlyName: 'London office' },
] };
// A reply with markup in a name and a number that is not E.164: shown as text, marked invalid.
const MARKUP = '<img src=x onerror="window.__pwned=1">';
const HOSTILE = { phoneNumbers: [
  { e164PhoneNumber: '0207 183 8750', friendlyName: MARKUP },
  { e164PhoneNumber: '+14155552671', friendlyName: 'Support' },
] };
const nonce = randomBytes(6).toString('hex');
const SECRETS = {
  developerApiKey: `e2e-developer-key-${nonce}`,
  clientSecret: `e2e-client-secret-${nonce}`,
  accessToken: `e2e-access-token-${nonce}`,
  controlToken: `e2e-control-token-${nonce}`,
};

let context = null;
let receiver = null;

// ---- the receiver: the app's phone-number endpoint -------------------------------------------

const received = [];
const AUDIO = twoChannelWav(2); // the dialer's recordings (GET /recordings/…, /audio/…)
function startReceiver() {
  receiver = http.createServer((req, res) => {
    if (req.method === 'GET' && serveRecording(req, res, AUDIO)) return;
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      received.push({ path: req.url, headers: req.headers, body });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(req.url.startsWith('/hostile') ? HOSTILE : NUMBERS));
    });
  });
  onCleanup(() => {
    receiver.closeAllConnections();
    receiver.close();
  });
  return new Promise((resolve) => receiver.listen(0, '127.0.0.1', () => resolve(receiver.address().port)));
}

// ---- the emulator and the browser ---------------------------------------------------------------

const startEmulator = (fixture, extra = []) => start(BIN, fixture, extra);

const problems = []; // console errors, CSP violations, page errors, dialogs on the main page
const watch = (page) => watchFor(page, problems);

// Only loopback, ever (support/browser.mjs); and, for development, the assets from a directory
// (with the binary's own headers, so its Content-Security-Policy still applies).
async function launchDashboard() {
  context = await launch({
    route: async (route, url) => {
      const file = url.pathname.startsWith('/_emulator/ui/') ? url.pathname.slice(14) || 'index.html' : '';
      if (!ASSETS || !['index.html', 'app.js', 'shared.js', 'style.css'].includes(file)) return false;
      const upstream = await route.fetch();
      await route.fulfill({ response: upstream, body: readFileSync(join(ASSETS, file), 'utf8') });
      return true;
    },
  });
}

const text = (page, selector) => page.locator(selector).first().innerText();
const activeId = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);
const topDeliveryId = (page) => page.evaluate(() => {
  const first = document.querySelector('#deliveries-list details');
  return first ? Number(first.dataset.id) : 0;
});

// ---- the run ---------------------------------------------------------------------------------

async function main() {
  const port = await startReceiver();
  const numbersUrl = `http://127.0.0.1:${port}/hubspot/phone-numbers`;
  const work = tempDir('dashboard-e2e-');
  const fixture = join(work, 'fixture.json');
  writeFileSync(fixture, JSON.stringify({
    apps: [{
      name: 'demo', appId: APP_ID,
      developerApiKey: SECRETS.developerApiKey, clientSecret: SECRETS.clientSecret,
      settings: { name: 'Demo', url: 'https://example.com/calling' },
      channelConnection: { url: numbersUrl, isReady: false },
      recording: { urlToRetrieveAuthedRecording: 'https://example.com/recordings/%s' },
    }, { name: 'unregistered', appId: OTHER_APP_ID, developerApiKey: `${SECRETS.developerApiKey}-2` },
    { name: 'dialer', appId: DIALER_APP_ID, accessToken: SECRETS.accessToken, installedPortalId: PORTAL },
    { name: 'recorder', appId: RECORDER_APP_ID, accessToken: `${SECRETS.accessToken}-recorder`, installedPortalId: PORTAL,
      clientSecret: `${SECRETS.clientSecret}-recorder`,
      recording: { urlToRetrieveAuthedRecording: `http://127.0.0.1:${port}/recordings/%s` } }],
    portals: [{
      portalId: PORTAL, users: [{ userId: 101, supportsChannelConnection: true }, { userId: 102 }],
      contacts: [
        { id: '500', properties: { firstname: 'Ada', lastname: 'Lovelace', email: 'ada@example.com', phone: '+14155552671',
          mobilephone: '+14155550199', hubspot_owner_id: '101' } },
        { id: '501', properties: { firstname: 'Grace', lastname: 'Hopper', email: 'grace@example.com', phone: '+442071838750' } },
      ],
      companies: [{ id: '9001', properties: { name: 'Acme Corp', domain: 'acme.example', phone: '+14155550100' },
        associations: [{ toId: '500', associationTypeId: 2 }] }],
      calls: [{ id: '700', properties: { hs_timestamp: '2026-01-01T09:00:00Z', hs_call_title: 'Seeded call',
        hs_call_direction: 'INBOUND', hs_call_status: 'COMPLETED', hs_call_duration: '95000',
        hs_call_from_number: '+442071838750', hs_call_to_number: '+14155550100', hubspot_owner_id: '102' },
        associations: [{ toId: '501', associationTypeId: 194 }] }],
    }],
  }));
  const { base } = await startEmulator(fixture);
  const hapikey = `?hapikey=${SECRETS.developerApiKey}`;
  const channelPath = `/crm/v3/extensions/calling/${APP_ID}/settings/channel-connection`;

  await launchDashboard();
  const page = context.pages()[0] || await context.newPage();
  watch(page);

  await check('the root URL leads to /_emulator/ui/ and the page loads its data', async () => {
    await page.goto(`${base}/`);
    assert(page.url() === `${base}/_emulator/ui/`, `landed on ${page.url()}`);
    if (ASSETS) await page.reload(); // a redirect's target is not routed: load DASHBOARD_ASSET_DIR's
    await page.locator(`#apps-list .card[data-app-id="${APP_ID}"]`).waitFor();
    assert(await page.title() === 'hubspot-emulator dashboard', 'title');
  });

  await check('apps show calling settings, channel connection (URL, isReady, times), recording; credentials only as "set"', async () => {
    const state = (await control(base, 'GET', '/_emulator/state')).body.apps[0];
    const card = await text(page, `#apps-list .card[data-app-id="${APP_ID}"]`);
    for (const expected of [numbersUrl, state.channelConnection.createdAt, state.channelConnection.updatedAt,
      'https://example.com/calling', 'https://example.com/recordings/%s', 'usesCallingWindow',
      'developer API key: set', 'client secret: set', 'access token: not set']) {
      assert(card.includes(expected), `the app card lacks ${JSON.stringify(expected)}`);
    }
    assert(/isReady\s+false/.test(card), 'isReady false not shown');
    const html = await page.content();
    for (const secret of [SECRETS.developerApiKey, SECRETS.clientSecret]) {
      assert(!html.includes(secret), 'a credential value is in the page');
    }
  });

  await check('help desk: user 102 (no flag) sees the app greyed out, with the reason, and cannot open it', async () => {
    await page.selectOption('#hd-portal', String(PORTAL));
    await page.selectOption('#hd-user', '102');
    const item = page.locator(`#hd-apps li[data-app-id="${APP_ID}"][data-state="greyed-out"]`);
    await item.waitFor();
    assert(await page.getAttribute(`#hd-open-${APP_ID}`, 'aria-disabled') === 'true', 'not aria-disabled');
    const reason = item.locator('.reasons li[data-code="greyed-out"]');
    assert(await reason.isVisible(), 'the greyed-out reason is not shown');
    assert((await reason.innerText()).includes('greyed out'), 'the reason does not say why');
    const before = received.length;
    await page.locator(`#hd-open-${APP_ID}`).focus();
    await page.keyboard.press('Enter');
    await new Promise((r) => setTimeout(r, 300));
    assert(received.length === before, 'a greyed-out app was fired');
    assert((await text(page, '#message')).includes('greyed out'), 'no message on clicking a greyed-out app');
  });

  await check('an app without a channel connection is listed apart, as not offered, with the reason', async () => {
    const item = page.locator(`#hd-not-offered li[data-app-id="${OTHER_APP_ID}"][data-state="not-offered"]`);
    await item.waitFor();
    assert(await page.locator(`#hd-apps li[data-app-id="${OTHER_APP_ID}"]`).count() === 0, 'listed among the offered apps');
    assert(await item.locator('button').count() === 0, 'it can be opened');
    assert(await item.locator('.reasons li[data-code="not-registered"]').isVisible(), 'no reason');
  });

  await check("toggling user 102's flag in the users list (keyboard: Space) sets it, keeping the focus", async () => {
    const toggle = page.locator(`#flag-${PORTAL}-102`);
    assert(!(await toggle.isChecked()), 'the flag shows on before the toggle');
    await toggle.focus();
    await page.keyboard.press('Space');
    await until(async () => (await control(base, 'GET', `/_emulator/portals/${PORTAL}/users/102`)).body.supportsChannelConnection === true,
      'the emulator to have the flag');
    await until(async () => (await activeId(page)) === `flag-${PORTAL}-102` && await page.locator(`#flag-${PORTAL}-102`).isChecked(),
      'the re-rendered switch to be checked and focused');
  });

  await check('the help desk then shows the app selectable for user 102', async () => {
    await page.locator(`#hd-apps li[data-app-id="${APP_ID}"][data-state="selectable"]`).waitFor();
    assert(await page.getAttribute(`#hd-open-${APP_ID}`, 'aria-disabled') === null, 'still aria-disabled');
    assert(await page.locator('#hd-apps li [data-code="not-ready-flag-on"]').isVisible(), 'the not-ready-flag-on note is missing');
  });

  let helpdeskDelivery = 0;
  await check('opening it (Enter) fires the signed webhook for user 102 and shows the number picker', async () => {
    const before = received.length;
    await page.locator(`#hd-open-${APP_ID}`).focus();
    await page.keyboard.press('Enter');
    await page.locator('#hd-result table.picker tr.entry').first().waitFor();
    assert(received.length === before + 1, `the receiver got ${received.length - before} requests`);
    const last = received[received.length - 1];
    assert(JSON.parse(last.body).userId === 102 && last.headers['x-hubspot-signature-v3'], 'not a signed delivery for user 102');
    helpdeskDelivery = Number((await text(page, '#hd-result a[href^="#delivery-"]')).replace(/\D/g, ''));
    assert(await activeId(page) === 'hd-result-heading', 'focus did not move to the picker');
  });

  await check('the picker shows the 30-character name cut to exactly its first 24 characters', async () => {
    assert([...LONG_NAME].length === 30, 'the test name is not 30 characters');
    const row = page.locator('#hd-result tr.entry[data-index="0"]');
    const shown = await row.locator('.name').innerText();
    assert(shown === LONG_NAME.slice(0, 24), `shows ${JSON.stringify(shown)}`);
    assert(await row.getAttribute('data-state') === 'selectable', 'row 0 is not selectable');
    assert(await page.locator('#hd-number-0').isEnabled(), 'row 0 cannot be picked');
    assert((await row.innerText()).includes('name cut from 30 characters'), 'the cut is not pointed out');
  });

  await check('the number with an extension is shown disabled, with the reason', async () => {
    const row = page.locator('#hd-result tr.entry[data-index="1"]');
    assert(await row.getAttribute('data-state') === 'disabled', `row 1 is ${await row.getAttribute('data-state')}`);
    assert(await page.locator('#hd-number-1').isDisabled(), 'the radio button of row 1 is enabled');
    const shown = await row.innerText();
    assert(shown.includes('+442071838750') && shown.includes('204'), 'number or extension missing');
    assert(/disabled — .*extension/.test(shown), `no reason: ${shown}`);
  });

  await check('the picker is usable by keyboard (Space picks a number)', async () => {
    await page.locator('#hd-number-0').focus();
    await page.keyboard.press('Space');
    assert(await page.locator('#hd-number-0').isChecked(), 'not picked');
    assert((await text(page, '#hd-chosen')).includes('+14155552671'), 'the choice is not announced');
  });

  await check('screenshot of the help-desk view saved (docs/screenshots/help-desk.png)', async () => {
    await shoot(page, '#helpdesk', join(SHOTS, 'help-desk.png'));
  });

  await check('the delivery journal shows deliveries live, newest first, and announces them politely', async () => {
    await until(async () => (await topDeliveryId(page)) === helpdeskDelivery, `#${helpdeskDelivery} on top`);
    const fired = (await control(base, 'POST', '/_emulator/fire', { appId: APP_ID, portalId: PORTAL, userId: 101 })).body;
    await until(async () => (await topDeliveryId(page)) === fired.id, `#${fired.id} (fired behind the page's back) on top`);
    assert(await page.getAttribute('#announce', 'aria-live') === 'polite', 'no polite live region');
    await until(async () => (await text(page, '#announce')).includes(`#${fired.id}`), 'the announcement');
    const summary = await text(page, `#delivery-${fired.id} > summary`);
    assert(summary.includes('PASS') && summary.includes('user 101'), `summary: ${summary}`);
  });

  await check('a closed delivery row shows the URL called, method and status', async () => {
    const row = page.locator('#deliveries-list details').first();
    assert(!(await row.evaluate((d) => d.open)), 'the newest row is open');
    const summary = await row.locator('summary').innerText();
    assert(summary.includes(`POST ${numbersUrl} → 200`), `summary: ${summary}`);
    assert(await row.locator('summary .url').isVisible(), 'the URL is not visible');
  });

  await check('expanding a row (Enter) shows findings with severity and pointer, and the full request and reply', async () => {
    const row = page.locator(`#delivery-${helpdeskDelivery}`);
    await row.locator('summary').focus();
    await page.keyboard.press('Enter');
    await row.locator('.exchange').waitFor();
    const request = await row.locator('.request').innerText();
    for (const part of [`POST ${numbersUrl}`, 'X-HubSpot-Signature-v3:', 'X-HubSpot-Request-Timestamp:', '"userId": 102']) {
      assert(request.includes(part), `the request lacks ${part}`);
    }
    const reply = await row.locator('.reply').innerText();
    for (const part of ['HTTP 200', LONG_NAME, '+442071838750', '"extension": "204"']) {
      assert(reply.includes(part), `the reply lacks ${part}`);
    }
    const findings = await row.locator('table.findings').innerText();
    for (const part of ['warning', 'friendly-name-truncated', '/phoneNumbers/0/friendlyName', 'extension-not-selectable', '/phoneNumbers/1/extension']) {
      assert(findings.includes(part), `the findings lack ${part}`);
    }
    // Worst first, as the command line lists them; pointers wrap only at their slashes.
    const severities = await row.locator('table.findings tbody tr td:first-child').allInnerTexts();
    assert(severities.length >= 2, `the findings table has ${severities.length} rows`);
    const rank = { error: 0, warning: 1, info: 2 };
    const ranks = severities.map((s) => rank[s.trim()]);
    assert(ranks.every((r, i) => i === 0 || ranks[i - 1] <= r), `the findings are not worst first: ${severities}`);
    assert(await row.locator('table.findings code wbr').count() > 0, 'pointers have no <wbr> at their slashes');
  });

  await check('an open row stays open, and keeps the focus, while new deliveries arrive', async () => {
    const fired = (await control(base, 'POST', '/_emulator/fire', { appId: APP_ID, portalId: PORTAL, userId: 102 })).body;
    await until(async () => (await topDeliveryId(page)) === fired.id, 'the new delivery');
    await new Promise((r) => setTimeout(r, 1500)); // a poll or two more
    assert(await page.locator(`#delivery-${helpdeskDelivery}`).evaluate((d) => d.open), 'the row closed');
    assert(await page.evaluate(() => document.activeElement.tagName) === 'SUMMARY'
      && await page.evaluate(() => document.activeElement.parentElement.id) === `delivery-${helpdeskDelivery}`, 'the focus moved');
  });

  await check('screenshot of the journal with a row expanded saved (docs/screenshots/journal.png)', async () => {
    await page.evaluate(() => document.activeElement.blur());
    await shoot(page, '#deliveries', join(SHOTS, 'journal.png'));
  });

  await check('Replay makes a new delivery, marked as a replay of the row', async () => {
    const before = received.length;
    await page.click(`#replay-${helpdeskDelivery}`);
    await until(async () => (await text(page, '#deliveries-list details > summary')).includes(`replay of #${helpdeskDelivery}`), 'the replay on top');
    assert(received.length === before + 1, 'the receiver did not get the replay');
  });

  await check('the fire form works from the keyboard', async () => {
    const before = await topDeliveryId(page);
    await page.locator('#fire-user').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('101');
    await page.keyboard.press('Enter');
    await until(async () => (await topDeliveryId(page)) > before, 'a new delivery');
    const summary = await text(page, '#deliveries-list details > summary');
    assert(summary.includes('user 101') && summary.includes('PASS'), summary);
  });

  await check('the API request journal shows API calls live, newest first, credentials redacted', async () => {
    const res = await fetch(`${base}${channelPath}${hapikey}`);
    assert(res.status === 200, `the API answered ${res.status}`);
    await until(async () => (await text(page, '#requests-list tr')).includes(`${channelPath}?hapikey=REDACTED`), 'the call in the journal');
    const row = await text(page, '#requests-list tr');
    assert(row.includes('GET') && row.includes('200') && row.includes('hapikey'), row);
    assert(!(await page.content()).includes(SECRETS.developerApiKey), 'the key is in the page');
  });

  await check('API paths wrap only after /, ? and &, never inside a word (1280 and 800 px wide)', async () => {
    const viewport = page.viewportSize();
    try {
      for (const width of [1280, 800]) {
        await page.setViewportSize({ width, height: 900 });
        const cell = await page.locator('#requests-list tr td.path').first().evaluate((td) => {
          const style = getComputedStyle(td);
          const lineHeight = parseFloat(style.lineHeight);
          const parts = [...td.childNodes];
          const pieces = parts.filter((n) => n.nodeName !== 'WBR');
          // Each piece between two <wbr>s must sit on one line: the text of a piece split across
          // lines has client rects at more than one height (one per line it is on).
          const split = pieces.filter((n) => {
            const range = document.createRange();
            range.selectNodeContents(n);
            const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
            return lines.size > 1;
          }).map((n) => n.textContent);
          // A <wbr> after every / ? & (but a last character, or a / before another), and
          // nowhere else.
          const misplaced = parts.filter((n, i) => n.nodeName !== 'WBR'
            && (/[/?&](?!\/)./.test(n.textContent)
              || (i < parts.length - 1 && !(/[/?&]$/.test(n.textContent) && parts[i + 1].nodeName === 'WBR'))));
          return { text: td.textContent, lines: Math.round(td.getBoundingClientRect().height / lineHeight),
            split, misplaced: misplaced.length, wordBreak: style.wordBreak, overflowWrap: style.overflowWrap };
        });
        assert(cell.text.startsWith(channelPath), `the newest path is ${cell.text}`);
        assert(!cell.split.length, `${width} px: segments cut across lines: ${cell.split.join(' | ')}`);
        assert(!cell.misplaced, `${width} px: ${cell.misplaced} piece(s) without a <wbr> after / ? &`);
        assert(cell.wordBreak === 'normal' && cell.overflowWrap === 'normal', `${width} px: ${cell.wordBreak} / ${cell.overflowWrap}`);
        // At 800 px the path does not fit on one line: the check above then measured real wraps.
        if (width === 800) assert(cell.lines > 1, `800 px: the path is on ${cell.lines} line(s), nothing to measure`);
      }
    } finally {
      await page.setViewportSize(viewport); // the later checks expect the usual width
    }
  });

  // ---- the CRM and the call journals -------------------------------------------------------
  // A call in the CRM view: its row of values and the row under it (associations, findings).
  const callText = async (id) => (await page.locator(`#crm-view table.crm-calls tr.object[data-id="${id}"]`).innerText())
    + (await page.locator(`#crm-view table.crm-calls tr.call-details[data-call-id="${id}"]`).innerText());
  const asApp = (token) => (method, path, body) => fetch(`${base}${path}`, {
    method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  }).then(async (res) => ({ status: res.status, body: await res.json() }));
  const asDialer = asApp(SECRETS.accessToken);
  const asRecorder = asApp(`${SECRETS.accessToken}-recorder`);

  await check("the CRM view shows the picked portal's seeded contacts and companies", async () => {
    await page.selectOption('#crm-portal', String(PORTAL));
    const ada = page.locator('#crm-view table.crm-contacts tr[data-id="500"]');
    await ada.waitFor();
    const row = await ada.innerText();
    for (const part of ['Ada Lovelace', 'ada@example.com', '+14155552671', '+14155550199', '101']) {
      assert(row.includes(part), `the contact row lacks ${part}: ${row}`);
    }
    const company = await page.locator('#crm-view table.crm-companies tr[data-id="9001"]').innerText();
    for (const part of ['Acme Corp', 'acme.example', '+14155550100']) {
      assert(company.includes(part), `the company row lacks ${part}: ${company}`);
    }
    const seeded = await callText('700');
    for (const part of ['2026-01-01 09:00:00Z', 'INBOUND', 'COMPLETED', '1 min 35 s', 'Grace Hopper', '#501', 'PASS']) {
      assert(seeded.includes(part), `the seeded call lacks ${part}: ${seeded}`);
    }
  });

  let loggedCall = '';
  await check('a call an app writes shows in the CRM view with its contact and company and its findings, worst first', async () => {
    // Its duration in seconds, its recording over http: HubSpot keeps it, but not as meant.
    const written = await asDialer('POST', '/crm/v3/objects/calls', {
      properties: { hs_timestamp: '2026-01-01T10:00:00Z', hs_call_title: 'Support call', hs_call_direction: 'OUTBOUND',
        hs_call_status: 'COMPLETED', hs_call_duration: '95', hs_call_from_number: '+14155550100',
        hs_call_to_number: '+14155552671', hs_call_external_id: 'e2e-call-1', hubspot_owner_id: '101',
        hs_call_recording_url: 'http://dialer.example/recordings/e2e-call-1.mp3' },
      associations: [
        { to: { id: '500' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 194 }] },
        { to: { id: '9001' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 182 }] },
      ],
    });
    assert(written.status === 201, `the calls API answered ${written.status}: ${JSON.stringify(written.body)}`);
    loggedCall = written.body.id;
    await page.locator(`#crm-view table.crm-calls tr.object[data-id="${loggedCall}"]`).waitFor(); // live: polled
    const text = await callText(loggedCall);
    for (const part of ['OUTBOUND', '95 ms', 'e2e-call-1', 'Ada Lovelace', '#500', 'Acme Corp', '#9001', 'WARN', '2 warnings']) {
      assert(text.includes(part), `the call's rows lack ${part}: ${text}`);
    }
    const findings = page.locator(`#crm-view tr.call-details[data-call-id="${loggedCall}"] table.findings`);
    const shown = await findings.innerText();
    for (const part of ['warning', 'duration-looks-like-seconds', '/properties/hs_call_duration', 'send 95000',
      'recording-url-not-https']) {
      assert(shown.includes(part), `the findings lack ${part}: ${shown}`);
    }
    const severities = await findings.locator('tbody tr td:first-child').allInnerTexts();
    const rank = { error: 0, warning: 1, info: 2 };
    assert(severities.every((s, i) => i === 0 || rank[severities[i - 1].trim()] <= rank[s.trim()]), `not worst first: ${severities}`);
    assert(await page.locator('#crm-view tr.call-details[data-call-id="700"] table.findings').count() === 0, 'the seeded call shows findings');
    assert(!(await page.content()).includes(SECRETS.accessToken), 'the access token is in the page');
  });

  await check('the call-write journal shows the write, judged, and opens to its findings and the call written', async () => {
    const row = page.locator(`#call-writes-list details[data-call-id="${loggedCall}"]`);
    await row.waitFor();
    const summary = await row.locator('summary').innerText();
    assert(summary.includes('WARN') && summary.includes('POST /crm/v3/objects/calls') && summary.includes(`call #${loggedCall}`), summary);
    await row.locator('summary').click();
    assert((await row.locator('table.findings').innerText()).includes('duration-looks-like-seconds'), 'no findings');
    assert((await row.locator('.reply').innerText()).includes('"hs_call_external_id": "e2e-call-1"'), 'not the call written');
  });

  let inboundEngagement = '';
  await check('an inbound call posted to the API shows in the inbound-call journal: matches, request, reply, findings', async () => {
    const posted = await asDialer('POST', '/crm/v3/extensions/calling/inbound-call', {
      externalCallId: 'e2e-inbound-1', createEngagement: true, finalCallStatus: 'COMPLETED',
      // Not E.164 (an error: HubSpot may match no record; the emulator reads it leniently), and
      // no potential recipients (info).
      fromNumber: { e164Number: '(415) 555-2671', phoneNumberType: 'MOBILE' },
      toNumber: { e164Number: '+14155550100', phoneNumberType: 'FIXED_LINE' },
      potentialRecipientUserIds: [], engagementProperties: { hs_call_title: 'Inbound support call' },
      durationSeconds: 95, callStartedTimestamp: '2026-01-01T11:00:00Z', userId: 101,
    });
    assert(posted.status === 200, `the inbound-call API answered ${posted.status}: ${JSON.stringify(posted.body)}`);
    const row = page.locator('#inbound-calls-list details').first();
    await until(async () => (await row.locator('summary').innerText()).includes('(415) 555-2671'), 'the call on top of the journal');
    const summary = await row.locator('summary').innerText();
    assert(summary.includes('FAIL') && summary.includes('→ 200') && summary.includes('engagement created')
      && summary.includes('1 error'), summary);
    inboundEngagement = summary.match(/engagement created #(\d+)/)[1];
    await row.locator('summary').focus();
    await page.keyboard.press('Enter');
    await row.locator('.exchange').waitFor();
    const codes = await row.locator('table.findings tbody tr td[data-label="code"]').allInnerTexts();
    assert(codes.join(' ') === 'inbound-number-not-e164 no-potential-recipients', `not worst first: ${codes}`);
    assert((await row.locator('table.findings').innerText()).includes('/fromNumber/e164Number'), 'no pointer');
    const matches = await row.locator('table.matches').innerText();
    assert(matches.includes('500') && matches.includes('Ada Lovelace') && matches.includes('+14155552671'), `matches: ${matches}`);
    assert((await row.locator('.request').innerText()).includes('"externalCallId": "e2e-inbound-1"'), 'no request');
    assert((await row.locator('.reply').innerText()).includes('HTTP 200'), 'no reply');
  });

  await check('screenshot of the inbound-call journal with a row expanded saved (docs/screenshots/inbound-calls.png)', async () => {
    await page.evaluate(() => document.activeElement.blur());
    await shoot(page, '#inbound-calls', join(SHOTS, 'inbound-calls.png'));
  });

  await check('the engagement the inbound call wrote shows in the CRM view, associated with the caller', async () => {
    await page.locator(`#crm-view table.crm-calls tr.object[data-id="${inboundEngagement}"]`).waitFor();
    const text = await callText(inboundEngagement);
    assert(text.includes('Ada Lovelace') && text.includes('#500') && text.includes('INBOUND') && text.includes('1 min 35 s'), text);
  });

  await check('screenshot of the CRM view saved (docs/screenshots/crm.png)', async () => {
    await page.evaluate(() => document.activeElement.blur());
    await shoot(page, '#crm', join(SHOTS, 'crm.png'));
  });

  let recordedCall = '';
  await check("a call's transcript shows under it in the CRM view", async () => {
    const written = await asRecorder('POST', '/crm/v3/objects/calls', {
      properties: { hs_timestamp: '2026-01-01T12:00:00Z', hs_call_direction: 'INBOUND', hs_call_status: 'COMPLETED',
        hs_call_duration: '2000', hs_call_external_id: 'e2e-recorded-1', hs_call_external_account_id: 'e2e-account',
        hs_call_app_id: String(RECORDER_APP_ID), hs_call_source: 'INTEGRATIONS_PLATFORM' },
      associations: [{ to: { id: '500' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 194 }] }],
    });
    assert(written.status === 201, `the calls API answered ${written.status}: ${JSON.stringify(written.body)}`);
    recordedCall = written.body.id;
    const transcript = await asRecorder('POST', '/crm/v3/extensions/calling/transcripts', {
      engagementId: Number(recordedCall), transcriptCreateUtterances: [
        { speaker: { id: 'c', name: 'Ada Lovelace' }, text: 'My engine will not start.', startTimeMillis: 0, endTimeMillis: 900 },
        { speaker: { id: 'a', name: 'Support' }, text: 'Let us look at the punched cards.', startTimeMillis: 1000, endTimeMillis: 1900 },
      ],
    });
    assert(transcript.status === 200, `the transcripts API answered ${transcript.status}: ${JSON.stringify(transcript.body)}`);
    const shown = page.locator(`#crm-view tr.call-details[data-call-id="${recordedCall}"] .transcript`);
    await shown.waitFor(); // live: polled
    const lines = await shown.locator('.utterances li').allInnerTexts();
    assert(lines.length === 2 && lines[0].includes('0:00–0:00') && lines[0].includes('Ada Lovelace: My engine will not start.')
      && lines[1].includes('Support: Let us look at the punched cards.'), `the utterances: ${lines}`);
    assert((await shown.locator('h4').textContent()).includes(`Transcript #${transcript.body.id}`), 'no transcript id');
  });

  await check("Play recording plays a call's recording as HubSpot would, journals the verdict and plays the audio from the app", async () => {
    await page.click(`#crm-view tr.call-details[data-call-id="${recordedCall}"] button.play-recording`);
    const row = page.locator(`#recordings-list details[data-call-id="${recordedCall}"]`);
    await row.waitFor();
    await until(() => row.evaluate((el) => el.open), 'the verdict opened');
    const summary = await row.locator('summary').innerText();
    for (const part of ['PASS', `call #${recordedCall}`, `app ${RECORDER_APP_ID}`, 'control', 'WAV', '2 ch', '2.0 s', 'transcribable']) {
      assert(summary.includes(part), `the summary lacks ${part}: ${summary}`);
    }
    const steps = await row.locator('h4').allTextContents();
    assert(steps.includes('The recording URL') && steps.includes('The audio (first range)') && steps.includes('The audio (a seek)'),
      `the exchanges: ${steps}`);
    assert((await row.locator('.request').nth(1).innerText()).includes('Range: bytes=0-'), 'no range request');
    assert((await row.locator('.reply').nth(1).innerText()).includes('bytes of audio read; the emulator keeps none'), 'audio kept?');
    // The player fetches the audio straight from the app: the page's policy lets it, and
    // Chromium reads the WAV's length.
    const audio = row.locator('audio');
    assert((await audio.getAttribute('src')) === `http://127.0.0.1:${port}/audio/e2e-recorded-1`, await audio.getAttribute('src'));
    const duration = await audio.evaluate((el) => new Promise((resolve) => {
      el.addEventListener('loadedmetadata', () => resolve(el.duration), { once: true });
      el.addEventListener('error', () => resolve(`error ${el.error && el.error.code}`), { once: true });
      el.load();
    }));
    assert(Math.abs(duration - 2) < 0.01, `the browser could not play it: ${duration}`);
    assert(problems.length === 0, `the page reported: ${problems.join('; ')}`);
  });

  await check('screenshot of the recordings journal with a verdict open saved (docs/screenshots/recordings.png)', async () => {
    await page.evaluate(() => document.activeElement.blur());
    await shoot(page, '#recordings', join(SHOTS, 'recordings.png'));
  });

  await check("invalid entries are marked, and an app's markup is shown as text, never run", async () => {
    const patched = await fetch(`${base}${channelPath}${hapikey}`, {
      method: 'PATCH', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: `http://127.0.0.1:${port}/hostile` }),
    });
    assert(patched.status === 200, `PATCH answered ${patched.status}`);
    await until(async () => (await text(page, `#apps-list .card[data-app-id="${APP_ID}"]`)).includes('/hostile'), 'the new URL shown');
    await page.click(`#hd-open-${APP_ID}`);
    const row = page.locator('#hd-result tr.entry[data-index="0"]');
    await row.waitFor();
    assert(await row.getAttribute('data-state') === 'invalid', `row 0 is ${await row.getAttribute('data-state')}`);
    assert((await row.innerText()).includes('e164-syntax'), 'the finding is not on the row');
    assert(await page.locator('#hd-number-0').isDisabled(), 'an invalid number can be picked');
    assert((await row.locator('.name').innerText()) === MARKUP.slice(0, 24), 'the markup is not shown as text');
    assert(await page.locator('#hd-result img, #deliveries-list img').count() === 0, 'the markup became an element');
    assert(await page.evaluate(() => window.__pwned) === undefined, 'the markup ran');
    assert(await text(page, '#hd-result .badge') === 'FAIL', 'the outcome is not FAIL');
  });

  await check('Reset to fixtures restores the seed: the flag is off and the app greyed out again', async () => {
    await page.click('#reset-all');
    await until(async () => (await control(base, 'GET', `/_emulator/portals/${PORTAL}/users/102`)).body.supportsChannelConnection === false, 'the flag off');
    await page.locator(`#hd-apps li[data-app-id="${APP_ID}"][data-state="greyed-out"]`).waitFor();
    await until(async () => !(await page.locator(`#flag-${PORTAL}-102`).isChecked()), 'the switch off');
    assert((await text(page, `#apps-list .card[data-app-id="${APP_ID}"]`)).includes(numbersUrl), 'the URL was not reset');
  });

  await check('the key controls are reachable with Tab, with a visible focus', async () => {
    await page.evaluate(() => { document.activeElement.blur(); window.scrollTo(0, 0); });
    const wanted = new Set(['hd-portal', 'hd-user', `hd-open-${APP_ID}`, `hd-force-${APP_ID}`, `flag-${PORTAL}-101`,
      `flag-${PORTAL}-102`, 'fire-app', 'fire-button', 'reset-all', 'live', 'clear-deliveries', 'summary']);
    const invisible = [];
    const seq = [];
    for (let i = 0; i < 150 && wanted.size; i += 1) {
      await page.keyboard.press('Tab');
      const [id, outline] = await page.evaluate(() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return [el.tagName === 'SUMMARY' ? 'summary' : el.id, style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1];
      });
      seq.push(id);
      if (wanted.delete(id) && !outline) invisible.push(id);
    }
    assert(!wanted.size, `never reached: ${[...wanted].join(', ')} (the last stops: ${seq.slice(-12).join(' ')})`);
    assert(!invisible.length, `no visible focus on: ${invisible.join(', ')}`);
  });

  await check('every control has a label or a name', async () => {
    const unnamed = await page.evaluate(() => [...document.querySelectorAll('input, select, button, summary')]
      .filter((el) => el.getClientRects().length)
      .filter((el) => {
        if (el.tagName === 'BUTTON' || el.tagName === 'SUMMARY') return !el.textContent.trim();
        return !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby');
      })
      .map((el) => el.id || el.outerHTML.slice(0, 60)));
    assert(!unnamed.length, `unnamed: ${unnamed.join(', ')}`);
  });

  await check('text contrast is at least 4.5:1 (WCAG AA) for the body, badges, severities and greyed-out items', async () => {
    await page.locator('details.delivery').first().evaluate((d) => { d.open = true; });
    const low = await page.evaluate(() => {
      const rgb = (c) => (c.match(/[\d.]+/g) || []).slice(0, 3).map(Number);
      const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
        .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
      const background = (el) => {
        for (let e = el; e; e = e.parentElement) {
          const c = getComputedStyle(e).backgroundColor;
          if (!/rgba\(.*, 0\)$/.test(c) && c !== 'transparent') return rgb(c);
        }
        return [255, 255, 255];
      };
      const selectors = ['body p', '.dim', '.badge.pass', '.badge.fail', '.pass-text', '.warn-text', '.info-text',
        '.fail-text', '.app-button[aria-disabled="true"]', '.offer.not-offered', 'h2', 'th', 'summary', 'pre', 'button'];
      const out = [];
      for (const selector of selectors) {
        const el = document.querySelector(selector);
        if (!el) { out.push(`${selector}: none on the page`); continue; }
        const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(background(el))];
        const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        if (ratio < 4.5) out.push(`${selector}: ${ratio.toFixed(2)}`);
      }
      return out;
    });
    assert(!low.length, low.join('; '));
  });

  await check('a 375-px-wide window: no horizontal scrolling of the page, the help desk and journal usable', async () => {
    const narrow = await context.newPage();
    watch(narrow);
    await narrow.setViewportSize({ width: 375, height: 740 });
    await narrow.goto(`${base}/_emulator/ui/`);
    await narrow.selectOption('#hd-portal', String(PORTAL));
    await narrow.selectOption('#hd-user', '101');
    await narrow.locator(`#hd-apps li[data-app-id="${APP_ID}"][data-state="selectable"]`).waitFor();
    await narrow.click(`#hd-open-${APP_ID}`);
    await narrow.locator('#hd-result tr.entry[data-index="1"]').waitFor();
    await narrow.locator('details.delivery > summary').first().click();
    await narrow.locator('details.delivery .exchange').first().waitFor();
    const [scrollWidth, width] = await narrow.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert(scrollWidth <= width, `the page is ${scrollWidth} px wide in a ${width} px window`);
    const box = await narrow.locator('#hd-result tr.entry[data-index="1"]').boundingBox();
    assert(box && box.x >= 0 && box.x + box.width <= width, 'the picker row does not fit');
    assert((await narrow.locator('#hd-result tr.entry[data-index="0"] .name').innerText()) === LONG_NAME.slice(0, 24), 'the name');
    await narrow.close();
  });

  await check("a sandbox's base URL leads to a dashboard of that sandbox only", async () => {
    const sandbox = (await control(base, 'POST', '/_emulator/sandboxes')).body;
    const sandboxUrl = `http://127.0.0.1:${port}/sandboxed/phone-numbers`;
    const patched = await fetch(`${sandbox.baseUrl}${channelPath}${hapikey}`, {
      method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: sandboxUrl }),
    });
    assert(patched.status === 200, `PATCH in the sandbox: ${patched.status}`);
    const inside = await context.newPage();
    watch(inside);
    await inside.goto(`${sandbox.baseUrl}/`);
    assert(inside.url() === `${sandbox.baseUrl}/_emulator/ui/`, `landed on ${inside.url()}`);
    if (ASSETS) await inside.reload();
    const card = `#apps-list .card[data-app-id="${APP_ID}"]`;
    await inside.locator(card).waitFor();
    await until(async () => (await text(inside, card)).includes(sandboxUrl), "the sandbox's URL");
    assert(!(await text(inside, card)).includes(numbersUrl), "the emulator's own URL shows in the sandbox");
    assert(!(await text(page, card)).includes(sandboxUrl), "the sandbox's URL shows in the emulator's page");
    await inside.close();
    await control(base, 'DELETE', `/_emulator/sandboxes/${sandbox.id}`);
  });

  await check('no console errors, CSP violations or dialogs, and no request off loopback', async () => {
    assert(!problems.length, problems.slice(0, 3).join(' | '));
    assert(!offLoopback.length, `requests left loopback: ${offLoopback.slice(0, 3).join(', ')}`);
  });

  // ---- an emulator with --control-token -----------------------------------------------------
  const secured = await startEmulator(fixture, ['--control-token', SECRETS.controlToken]);
  const locked = await context.newPage();
  await check('with --control-token, the page loads without a token and asks for it in a labelled field', async () => {
    assert((await control(secured.base, 'GET', '/_emulator/state')).status === 401, 'the emulator does not require the token');
    await locked.goto(`${secured.base}/_emulator/ui/`);
    await locked.locator('#token-form').waitFor({ state: 'visible' });
    const label = await locked.locator('#token-input').evaluate((el) => el.labels[0] && el.labels[0].textContent);
    assert(label === 'Control token', `label: ${label}`);
    assert(await activeId(locked) === 'token-input', 'the field has no focus');
    assert(await locked.locator('#main').isHidden(), 'the data area shows without the token');
  });

  await check('a wrong token is refused with a message; the right one (Enter) loads everything', async () => {
    await locked.locator('#token-input').fill('not-the-token');
    await locked.keyboard.press('Enter');
    await until(async () => (await text(locked, '#token-error')).includes('Wrong token'), 'the refusal');
    await locked.locator('#token-input').fill(SECRETS.controlToken);
    await locked.keyboard.press('Enter');
    await locked.locator(`#apps-list .card[data-app-id="${APP_ID}"]`).waitFor();
    assert(await locked.locator('#token-form').isHidden(), 'the token form is still shown');
    assert(await locked.evaluate(() => sessionStorage.getItem('hubspot-emulator.control-token')) === SECRETS.controlToken, 'not in sessionStorage');
    assert(await locked.evaluate(() => localStorage.length) === 0, 'something went to localStorage');
  });

  await check('with the token, flags, firing and the journal work, and a reload keeps the token (sessionStorage)', async () => {
    await locked.reload();
    await locked.locator(`#apps-list .card[data-app-id="${APP_ID}"]`).waitFor();
    assert(await locked.locator('#token-form').isHidden(), 'asked again after a reload');
    await locked.selectOption('#hd-portal', String(PORTAL));
    await locked.selectOption('#hd-user', '102');
    await locked.locator(`#flag-${PORTAL}-102`).click();
    await locked.locator(`#hd-apps li[data-app-id="${APP_ID}"][data-state="selectable"]`).waitFor();
    await locked.click(`#hd-open-${APP_ID}`);
    await locked.locator('#hd-result tr.entry[data-index="1"][data-state="disabled"]').waitFor();
    await locked.locator('#deliveries-list details').first().waitFor();
    const flag = await control(secured.base, 'GET', `/_emulator/portals/${PORTAL}/users/102`, undefined, SECRETS.controlToken);
    assert(flag.body.supportsChannelConnection === true, 'the flag was not set');
  });
  await locked.close();
}

await run(main, 180000);
