// The calling widget, hosted, end to end in Debian's headless Chromium. Started by run.sh:
// `node e2e.mjs EMULATOR_BINARY DEMO_APP_BINARY`.
//
// It starts the emulator (a fixture with a CRM: contacts to call and to match callers against)
// and the demo app (which registers its widget), then, in the emulator's calling host page
// (/_emulator/ui/calling), drives an outbound and an inbound call through the demo widget (the
// inbound one twice: in a calling window, and embedded in the record page, where the page's move
// to the caller's record reloads the widget with the engagementId) and through HubSpot's own
// demo-minimal-js (its buttons, in the iframe). Each call's engagement is read back with HubSpot's
// official Node client (@hubspot/api-client 14.0.1); the journal of those sessions must hold no
// error finding. Each broken variant of the demo widget must produce its finding's code. It also
// checks the page's headers, the control token, and saves docs/screenshots/calling.png (a call in
// progress).
//
// One PASS/FAIL line per check, then `N passed, N failed`; exit 1 on any failure.

import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT, assert, check, control, launch, offLoopback, requireFrom, run, shoot, sleep, startChild,
  startEmulator, tempDir, until, watch,
} from '../support/browser.mjs';

const hubspot = requireFrom('official-clients')('@hubspot/api-client');

const BIN = process.argv[2];
const DEMO_APP = process.argv[3];
const SHOTS = process.env.SCREENSHOT_DIR || join(ROOT, 'docs', 'screenshots');

const APP_ID = 1234567;
const PORTAL = 62515;
const nonce = randomBytes(6).toString('hex');
const SECRETS = {
  developerApiKey: `widget-e2e-key-${nonce}`,
  accessToken: `widget-e2e-token-${nonce}`,
  clientSecret: `widget-e2e-secret-${nonce}`,
  controlToken: `widget-e2e-control-${nonce}`,
};
// The CRM: Ada is the page's first record (dialled); Grace calls in (her phone, then her mobile);
// "Demo Caller" has the number HubSpot's demo-minimal-js calls from.
const ADA = { id: '501', phone: '+1 617 555 0100' };
const GRACE = { id: '502', phone: '+1 212 555 0199', mobile: '+1 646 555 0142' };
const DEMO_CALLER = { id: '503', phone: '+1 888 482 7768' };
const CRM = {
  contacts: [
    { id: ADA.id, properties: { firstname: 'Ada', lastname: 'Lovelace', email: 'ada@example.com', phone: ADA.phone } },
    { id: GRACE.id, properties: { firstname: 'Grace', lastname: 'Hopper', email: 'grace@example.com', phone: GRACE.phone, mobilephone: GRACE.mobile } },
    { id: DEMO_CALLER.id, properties: { firstname: 'Demo', lastname: 'Caller', phone: DEMO_CALLER.phone } },
  ],
};
const CALL_PROPERTIES = ['hs_call_direction', 'hs_call_status', 'hs_call_duration', 'hs_call_body', 'hs_call_title',
  'hs_call_external_id', 'hs_call_from_number', 'hs_call_to_number', 'hs_call_source', 'hs_call_app_id', 'hubspot_owner_id'];
const IN_CALL_MS = 1200; // a call shorter than a second would be judged as a duration in seconds

let base = '';
let demo = '';
let context = null;
const problems = [];

// ---- the page -----------------------------------------------------------------------------------

async function openHost(query = '', { initialized = true } = {}) {
  const page = await context.newPage();
  // The page's own errors only: an app's console is the app's business.
  watch(page, problems, (url) => !url || url.startsWith(base));
  await page.goto(`${base}/_emulator/ui/calling${query}`);
  await until(() => page.evaluate(() => Boolean(calling.session)), 'the session', 8000);
  if (initialized) await logged(page, 'INITIALIZED', 'fromApp', 8000);
  return page;
}

const sessionId = (page) => page.evaluate(() => calling.session.sessionId);
const sessionIds = (page) => page.evaluate(() => [...calling.sessions]);
const widgetFrame = (page) => page.frameLocator('#hubspot-calling-extension-iframe');

// Waits for a message in the page's log (so the log shows it too) newer than the page's mark;
// resolves with its data. The mark keeps a second call on one page from finding the first
// call's message of the same type (e.g. its FINALIZE_ENGAGEMENT_SUCCEEDED) before its own.
const marks = new WeakMap();
async function logged(page, type, direction, ms = 6000) {
  const selector = `#log-list li[data-type="${type}"][data-direction="${direction}"]`;
  const id = await until(() => page.evaluate(([sel, since]) => {
    const ids = [...document.querySelectorAll(sel)].map((li) => Number(li.dataset.id)).filter((n) => n > since);
    return ids.length ? Math.max(...ids) : 0;
  }, [selector, marks.get(page) || 0]), `${direction} ${type} in the page's log`, ms);
  return (await entries()).find((e) => e.id === id);
}

// Marks what the page's log holds now: later logged() calls wait for newer messages only.
async function mark(page) {
  marks.set(page, await page.evaluate(() => Math.max(0, ...[...document.querySelectorAll('#log-list li[data-id]')]
    .map((li) => Number(li.dataset.id)).filter((n) => Number.isFinite(n)))));
}

// Every journal entry (oldest first).
async function entries() {
  const all = [];
  for (let after = 0; ;) {
    const page = (await control(base, 'GET', `/_emulator/sdk/messages?after=${after}&limit=100`)).body;
    all.push(...page.entries);
    if (page.entries.length < 100) return all;
    after = page.entries[page.entries.length - 1].id;
  }
}

// The findings of these sessions: on their messages and on the sessions themselves.
async function findingsOf(ids) {
  const mine = new Set(ids);
  const onMessages = (await entries()).filter((e) => mine.has(e.sessionId))
    .flatMap((e) => (e.findings || []).map((f) => ({ ...f, type: e.type })));
  const sessions = (await control(base, 'GET', '/_emulator/sdk/sessions')).body.sessions;
  const onSessions = sessions.filter((s) => mine.has(s.sessionId)).flatMap((s) => s.findings || []);
  return [...onMessages, ...onSessions];
}

// No error finding; the others (warnings, infos) are printed, for whoever reads the log.
async function noErrors(ids) {
  const all = await findingsOf(ids);
  const errors = all.filter((f) => f.severity === 'error');
  assert(!errors.length, `error findings: ${errors.map((f) => `${f.code} (${f.type || 'session'}) ${f.message}`).join(' | ')}`);
  const others = all.filter((f) => f.severity !== 'error').map((f) => `${f.severity} ${f.code} (${f.type || 'session'})`);
  if (others.length) console.log(`      also found: ${[...new Set(others)].join(', ')}`);
}

// The engagement as HubSpot's official Node client reads it.
async function engagement(id) {
  const client = new hubspot.Client({ accessToken: SECRETS.accessToken, basePath: base });
  return client.crm.objects.calls.basicApi.getById(String(id), CALL_PROPERTIES, undefined, ['contacts']);
}

function associatedWith(call, contactId) {
  const results = (call.associations && call.associations.contacts && call.associations.contacts.results) || [];
  return results.some((r) => String(r.id) === contactId);
}

async function setCallingWindow(usesCallingWindow) {
  const res = await fetch(`${base}/crm/v3/extensions/calling/${APP_ID}/settings?hapikey=${SECRETS.developerApiKey}`, {
    method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ usesCallingWindow }),
  });
  assert(res.status === 200, `PATCH settings answered ${res.status}`);
}

async function ring(from) {
  const res = await fetch(`${demo}/widget/ring`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ from }) });
  const body = await res.json();
  assert(res.status === 202 && body.delivered >= 1, `POST /widget/ring answered ${res.status} ${JSON.stringify(body)}`);
}

// ---- the run ------------------------------------------------------------------------------------

async function main() {
  const work = tempDir('widget-e2e-');
  const fixture = join(work, 'fixture.json');
  const app = { name: 'demo', appId: APP_ID, developerApiKey: SECRETS.developerApiKey, accessToken: SECRETS.accessToken, clientSecret: SECRETS.clientSecret };
  const portal = { portalId: PORTAL, users: [{ userId: 101, supportsChannelConnection: true }, { userId: 102 }], ...CRM };
  writeFileSync(fixture, JSON.stringify({ apps: [app], portals: [portal] }));
  const started = Date.now();
  base = (await startEmulator(BIN, fixture)).base;
  demo = (await startChild(DEMO_APP, [], {
    ...process.env, HUBSPOT_API_BASE_URL: base, HUBSPOT_APP_ID: String(APP_ID), HUBSPOT_DEVELOPER_API_KEY: SECRETS.developerApiKey,
    HUBSPOT_CLIENT_SECRET: SECRETS.clientSecret, DEMO_APP_PORT: '0', DEMO_APP_READY: 'true', DEMO_APP_LOG: 'warn',
  })).base;
  context = await launch({ viewport: { width: 1440, height: 900 } });

  await check('the page and the SDK are served with a strict policy; the SDK is the vendored 0.9.7', async () => {
    const page = await control(base, 'GET', '/_emulator/ui/calling');
    const policy = page.headers.get('content-security-policy') || '';
    for (const part of ["script-src 'self'", "frame-ancestors 'none'", 'frame-src http: https:', "connect-src 'self'"]) {
      assert(policy.includes(part), `the policy lacks ${part}: ${policy}`);
    }
    const sdk = await fetch(`${base}/_emulator/ui/vendor/calling-extensions-sdk.js`);
    const { createHash } = await import('node:crypto');
    const digest = createHash('sha256').update(Buffer.from(await sdk.arrayBuffer())).digest('hex');
    assert(digest === 'c4b51703e69579c2d2a9e6dd3dbc4748171c019eea70ecf696927e4755b9257a', `sha256 ${digest}`);
  });

  // ---- the demo widget ----------------------------------------------------------------------
  let page;
  let outboundId;
  await check('demo widget: the page hosts it at its registered size, handshake done, user logged in and available', async () => {
    page = await openHost();
    const iframe = page.locator('#hubspot-calling-extension-iframe');
    assert(await iframe.getAttribute('src') === `${demo}/widget`, `src ${await iframe.getAttribute('src')}`);
    assert(await iframe.getAttribute('width') === '400px' && await iframe.getAttribute('height') === '600px', 'not 400 × 600');
    const sync = await logged(page, 'SYNC', 'toApp');
    assert(sync.data.portalId === PORTAL && sync.data.userId === 101 && sync.data.iframeLocation === 'window', `SYNC ${JSON.stringify(sync.data)}`);
    await logged(page, 'SYNC_ACK', 'fromApp');
    await until(async () => (await page.locator('#status-logged-in').getAttribute('data-state')) === 'true', 'logged in shown');
    assert((await page.locator('#placement').innerText()).includes('Calling window'), 'the placement is not named');
    assert((await page.locator('#record-name').innerText()) === 'Ada Lovelace', 'the first contact is not shown');
  });

  await check('Minimize and Hide send VISIBILITY_CHANGED; the frame follows, the iframe is never removed', async () => {
    await page.click('#minimize');
    const minimized = await logged(page, 'VISIBILITY_CHANGED', 'toApp');
    assert(minimized.data.isMinimized === true && minimized.data.isHidden === false, JSON.stringify(minimized.data));
    await page.locator('#widget-frame.minimized').waitFor();
    assert(await page.getAttribute('#minimize', 'aria-pressed') === 'true', 'Minimize is not pressed');
    await page.click('#minimize');
    // The next click starts from the state this one set, once its command is back.
    await until(async () => (await page.locator('#log-list li[data-type="VISIBILITY_CHANGED"]').count()) === 2, 'the second command');
    await page.locator('#widget-frame:not(.minimized)').waitFor();
    await page.click('#hide');
    await page.locator('#widget-frame.hidden').waitFor({ state: 'attached' }); // display: none
    assert(await page.locator('#hubspot-calling-extension-iframe').count() === 1, 'the iframe was removed');
    await page.click('#hide');
    await page.locator('#widget-frame:not(.hidden)').waitFor();
    const sent = (await entries()).filter((e) => e.type === 'VISIBILITY_CHANGED').map((e) => `${e.data.isMinimized}/${e.data.isHidden}`);
    assert(sent.join(' ') === 'true/false false/false false/true false/false', `sent ${sent.join(' ')}`);
  });

  await check('the help-desk dialog on the page fires the webhook on opening the app and shows the number picker', async () => {
    await page.click('#open-helpdesk');
    const open = page.locator(`#hd-open-${APP_ID}`);
    await open.waitFor();
    await open.click();
    await page.locator('#hd-result tr.entry[data-index="0"][data-state="selectable"]').waitFor();
    const deliveries = (await control(base, 'GET', '/_emulator/deliveries')).body.entries;
    assert(deliveries.length === 1 && deliveries[0].outcome === 'pass', `deliveries ${JSON.stringify(deliveries.map((d) => d.outcome))}`);
    await page.click('#close-helpdesk');
    assert(!(await page.locator('#helpdesk-dialog').isVisible()), 'the dialog is still open');
  });

  await check('every control of the page has a label or a name', async () => {
    const unnamed = await page.evaluate(() => [...document.querySelectorAll('input, select, button, iframe')]
      .filter((el) => el.getClientRects().length)
      .filter((el) => {
        if (el.tagName === 'BUTTON') return !el.textContent.trim();
        if (el.tagName === 'IFRAME') return !el.title;
        return !(el.labels && el.labels.length) && !el.getAttribute('aria-label');
      })
      .map((el) => el.id || el.outerHTML.slice(0, 60)));
    assert(!unnamed.length, `unnamed: ${unnamed.join(', ')}`);
  });

  await check('a 375-px-wide window: the columns stack, the page does not scroll sideways (the widget scrolls in its frame)', async () => {
    const viewport = page.viewportSize();
    try {
      await page.setViewportSize({ width: 375, height: 740 });
      const [scrollWidth, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      assert(scrollWidth <= width, `the page is ${scrollWidth} px wide in a ${width} px window`);
    } finally {
      await page.setViewportSize(viewport);
    }
  });

  await check('demo widget, outbound: Call → DIAL_NUMBER → OUTGOING_CALL_STARTED → engagement created → answered', async () => {
    await page.click('#call-0');
    const dial = await logged(page, 'DIAL_NUMBER', 'toApp');
    assert(dial.data.phoneNumber && String(dial.data.objectId) === ADA.id, `DIAL_NUMBER ${JSON.stringify(dial.data)}`);
    const started = await logged(page, 'OUTGOING_CALL_STARTED', 'fromApp');
    assert(started.data.createEngagement === true, 'no createEngagement');
    outboundId = (await logged(page, 'CREATE_ENGAGEMENT_SUCCEEDED', 'toApp')).data.engagementId;
    await logged(page, 'CALL_ANSWERED', 'fromApp');
    await until(async () => (await widgetFrame(page).locator('#call').getAttribute('data-state')) === 'in-call', 'the widget in call');
  });

  await check('screenshot of the page with a call in progress saved (docs/screenshots/calling.png)', async () => {
    await sleep(IN_CALL_MS); // the widget's timer shows the call's length
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    await shoot(page, 'body', join(SHOTS, 'calling.png'));
  });

  await check('demo widget, outbound: Hang up → END_CALL → ended, completed, finalized; the widget hidden, not removed', async () => {
    await page.click('#hangup');
    await logged(page, 'END_CALL', 'toApp');
    await logged(page, 'CALL_ENDED', 'fromApp');
    const completed = await logged(page, 'CALL_COMPLETED', 'fromApp');
    assert(completed.data.engagementId === outboundId, 'CALL_COMPLETED names another engagement');
    await logged(page, 'UPDATE_ENGAGEMENT_SUCCEEDED', 'toApp');
    await logged(page, 'FINALIZE_ENGAGEMENT_SUCCEEDED', 'toApp');
    await until(async () => (await page.locator('#widget-frame.hidden').count()) === 1, 'the widget hidden');
    assert(await page.locator('#hubspot-calling-extension-iframe').count() === 1, 'the iframe was removed');
  });

  await check('demo widget, outbound: the official Node client reads the call as logged (OUTBOUND, COMPLETED, ms, Ada)', async () => {
    const call = await engagement(outboundId);
    const p = call.properties;
    assert(p.hs_call_direction === 'OUTBOUND' && p.hs_call_status === 'COMPLETED', `${p.hs_call_direction} ${p.hs_call_status}`);
    assert(Number(p.hs_call_duration) >= 1000 && Number(p.hs_call_duration) < 60000, `duration ${p.hs_call_duration}`);
    assert((p.hs_call_body || '').startsWith('Demo calling app: outbound call'), `body ${p.hs_call_body}`);
    assert(associatedWith(call, ADA.id), `not associated with contact ${ADA.id}: ${JSON.stringify(call.associations)}`);
    await noErrors(await sessionIds(page));
  });

  await check('demo widget, inbound in a calling window: POST /widget/ring → matched, engagement, the page shows the caller; the widget stays', async () => {
    const before = await sessionId(page);
    await mark(page); // the outbound call's messages of the same types are in the log already
    await ring(GRACE.phone);
    await logged(page, 'INCOMING_CALL', 'fromApp');
    const match = await logged(page, 'CALLER_ID_MATCH_SUCCEEDED', 'toApp');
    assert(match.data.callerIdMatches.some((m) => String(m.objectCoordinates.objectId) === GRACE.id), `matches ${JSON.stringify(match.data)}`);
    const inboundId = (await logged(page, 'CREATE_ENGAGEMENT_SUCCEEDED', 'toApp')).data.engagementId;
    await logged(page, 'NAVIGATE_TO_RECORD', 'fromApp');
    await until(async () => (await page.locator('#record-name').innerText()).includes('Grace'), 'the record of the caller');
    assert(await sessionId(page) === before, 'a calling window was reloaded');
    assert(await page.locator('#widget-frame.hidden').count() === 0, 'the widget is still hidden during a call');
    await logged(page, 'CALL_ANSWERED', 'fromApp');
    await sleep(IN_CALL_MS);
    await widgetFrame(page).locator('#hangup').click(); // the agent hangs up in the widget
    await logged(page, 'FINALIZE_ENGAGEMENT_SUCCEEDED', 'toApp');
    const call = await engagement(inboundId);
    assert(call.properties.hs_call_direction === 'INBOUND' && call.properties.hs_call_status === 'COMPLETED', JSON.stringify(call.properties));
    assert(associatedWith(call, GRACE.id), 'not associated with the caller');
    await noErrors(await sessionIds(page));
  });
  await page.close();

  await check('demo widget, inbound embedded in the record page: the move to the caller reloads it with the engagementId; it completes the call', async () => {
    await setCallingWindow(false);
    try {
      page = await openHost();
      const first = await sessionId(page);
      assert((await page.locator('#placement').innerText()).includes('Embedded'), 'the placement is not named');
      await ring(GRACE.mobile);
      const inboundId = (await logged(page, 'CREATE_ENGAGEMENT_SUCCEEDED', 'toApp')).data.engagementId;
      await logged(page, 'NAVIGATE_TO_RECORD', 'fromApp');
      const second = await until(async () => {
        const id = await sessionId(page);
        return id !== first && id;
      }, 'a new session');
      const sync = await until(async () => (await entries()).find((e) => e.sessionId === second && e.type === 'SYNC'), 'the new SYNC');
      assert(sync && sync.data.engagementId === inboundId, `the new SYNC lacks the engagementId: ${JSON.stringify(sync && sync.data)}`);
      const init = (await until(async () => (await entries()).find((e) => e.sessionId === second && e.type === 'INITIALIZED'), 'INITIALIZED again'));
      assert(init.data.engagementId === inboundId, 'the widget did not re-initialize with the engagementId');
      await until(async () => (await entries()).find((e) => e.sessionId === second && e.type === 'CALL_ANSWERED'), 'the call answered after the reload');
      await sleep(IN_CALL_MS);
      await page.click('#hangup');
      await until(async () => (await entries()).find((e) => e.sessionId === second && e.type === 'FINALIZE_ENGAGEMENT_SUCCEEDED'), 'finalized', 6000);
      const call = await engagement(inboundId);
      assert(call.properties.hs_call_direction === 'INBOUND' && call.properties.hs_call_status === 'COMPLETED', JSON.stringify(call.properties));
      assert(Number(call.properties.hs_call_duration) >= 1000, `duration ${call.properties.hs_call_duration}`);
      await noErrors([first, second]);
      await page.close();
    } finally {
      await setCallingWindow(true);
    }
  });

  // ---- HubSpot's demo-minimal-js ------------------------------------------------------------
  await check("HubSpot's demo-minimal-js, outbound (its buttons): logged in, dialled, started, answered, ended, completed — no error", async () => {
    page = await openHost(`?widgetUrl=${encodeURIComponent(`${demo}/demo-minimal-js/`)}`);
    const app = widgetFrame(page);
    await app.locator('#login').click();
    await logged(page, 'LOGGED_IN', 'fromApp');
    await page.click('#call-0');
    await logged(page, 'DIAL_NUMBER', 'toApp');
    await app.locator('#outgoingcall').click();
    const engagementId = (await logged(page, 'CREATE_ENGAGEMENT_SUCCEEDED', 'toApp')).data.engagementId;
    await app.locator('#answercall').click();
    await logged(page, 'CALL_ANSWERED', 'fromApp');
    await app.locator('#endcall').click();
    await logged(page, 'CALL_ENDED', 'fromApp');
    await app.locator('#completecall').click();
    await logged(page, 'UPDATE_ENGAGEMENT_SUCCEEDED', 'toApp');
    const call = await engagement(engagementId);
    assert(call.properties.hs_call_title === 'Demo call' && call.properties.hs_call_body === 'Resolved issue', JSON.stringify(call.properties));
    assert(call.properties.hs_call_direction === 'OUTBOUND', call.properties.hs_call_direction);
    await noErrors(await sessionIds(page));
  });

  await check("HubSpot's demo-minimal-js, inbound (its buttons): available, incoming, matched, record shown, answered, completed — no error", async () => {
    const app = widgetFrame(page);
    await mark(page); // the outbound call's messages of the same types are in the log already
    await app.locator('#useravailable').click();
    await logged(page, 'USER_AVAILABLE', 'fromApp');
    await app.locator('#incomingcall').click();
    await logged(page, 'INCOMING_CALL', 'fromApp');
    const engagementId = (await logged(page, 'CREATE_ENGAGEMENT_SUCCEEDED', 'toApp')).data.engagementId;
    await logged(page, 'NAVIGATE_TO_RECORD', 'fromApp');
    await until(async () => (await page.locator('#record-name').innerText()).includes('Demo Caller'), 'the caller\'s record');
    await app.locator('#answercall').click();
    await logged(page, 'CALL_ANSWERED', 'fromApp');
    await app.locator('#endcall').click();
    await app.locator('#completecall').click();
    await logged(page, 'UPDATE_ENGAGEMENT_SUCCEEDED', 'toApp');
    const call = await engagement(engagementId);
    assert(call.properties.hs_call_direction === 'INBOUND', call.properties.hs_call_direction);
    assert(associatedWith(call, DEMO_CALLER.id), 'not associated with the caller');
    await noErrors(await sessionIds(page));
  });
  await page.close();

  // ---- the broken variants ------------------------------------------------------------------
  // never-initialized needs limits.initializeWithinMs to pass: it stays open meanwhile.
  const lazy = await openHost('?widgetUrl=' + encodeURIComponent(`${demo}/widget?broken=never-initialized`), { initialized: false });
  const lazySession = await sessionId(lazy);
  const lazyOpened = Date.now();

  const broken = async (name, code, drive) => {
    await check(`broken widget ${name} → ${code}`, async () => {
      const p = await openHost(`?widgetUrl=${encodeURIComponent(`${demo}/widget?broken=${name}`)}`, { initialized: name !== 'raw-before-handshake' });
      const ids = await sessionIds(p);
      if (drive) await drive(p);
      if (name !== 'never-completes') {
        await until(async () => (await findingsOf(ids)).some((f) => f.code === code), `the finding ${code}`);
        // The page shows it, with its severity, on the message's row.
        const shown = p.locator(`#log-list li.entry .findings li[data-code="${code}"]`).first();
        await shown.waitFor();
        assert((await shown.locator('.sev').innerText()).length > 0, 'no severity shown');
      }
      await p.close();
      const findings = await until(async () => {
        const all = await findingsOf(ids);
        return all.some((f) => f.code === code) && all;
      }, `the finding ${code}`);
      const found = findings.find((f) => f.code === code);
      assert(found.message && found.severity, 'the finding has no message or severity');
    });
  };
  const dialAndAnswer = async (p) => {
    await p.click('#call-0');
    await logged(p, 'CALL_ANSWERED', 'fromApp');
  };
  await broken('raw-before-handshake', 'message-before-handshake', null);
  await broken('unknown-type', 'unknown-message-type', async (p) => {
    await p.click('#call-0');
    await logged(p, 'CALL_RINGING', 'fromApp');
  });
  await broken('mistyped-fields', 'field-mistyped', async (p) => {
    await p.click('#call-0');
    await logged(p, 'OUTGOING_CALL_STARTED', 'fromApp');
  });
  await broken('completed-without-engagement', 'call-completed-without-engagement', async (p) => {
    await dialAndAnswer(p);
    await sleep(IN_CALL_MS);
    await p.click('#hangup');
    await logged(p, 'CALL_COMPLETED', 'fromApp');
  });
  await broken('never-completes', 'call-never-completed', async (p) => {
    await dialAndAnswer(p);
    await p.click('#hangup');
    await logged(p, 'CALL_ENDED', 'fromApp');
  });
  await check('broken widget never-initialized → not-initialized (once limits.initializeWithinMs passed), shown above the log', async () => {
    const limit = await lazy.evaluate(() => calling.session.limits.initializeWithinMs);
    await sleep(Math.max(0, limit - (Date.now() - lazyOpened)));
    await until(async () => (await findingsOf([lazySession])).some((f) => f.code === 'not-initialized'), 'not-initialized', 5000);
    await until(async () => (await lazy.locator('#session-findings').innerText()).includes('not-initialized'), 'the session finding on the page');
  });
  await lazy.close();

  // ---- the control token --------------------------------------------------------------------
  const securedFixture = join(work, 'secured.json');
  writeFileSync(securedFixture, JSON.stringify({
    apps: [{ ...app, settings: { name: 'Demo calling app', url: `${demo}/widget`, width: 400, height: 600 } }],
    portals: [portal],
  }));
  const secured = (await startEmulator(BIN, securedFixture, ['--control-token', SECRETS.controlToken])).base;
  await check('with --control-token, the page asks for the token, then hosts the widget', async () => {
    const locked = await context.newPage(); // not watched: its first calls are refused (401), as they must be
    await locked.goto(`${secured}/_emulator/ui/calling`);
    await locked.locator('#token-form').waitFor({ state: 'visible' });
    assert(await locked.locator('#hubspot-calling-extension-iframe').count() === 0, 'a widget without the token');
    await locked.locator('#token-input').fill(SECRETS.controlToken);
    await locked.keyboard.press('Enter');
    await locked.locator('#hubspot-calling-extension-iframe').waitFor();
    await until(async () => {
      const res = await control(secured, 'GET', '/_emulator/sdk/messages', undefined, SECRETS.controlToken);
      return res.body.entries.some((e) => e.type === 'INITIALIZED');
    }, 'INITIALIZED journaled', 8000);
    await locked.close();
  });

  await check('no console errors, page errors or dialogs on the page, and no request off loopback', async () => {
    assert(!problems.length, problems.slice(0, 3).join(' | '));
    assert(!offLoopback.length, `requests left loopback: ${offLoopback.slice(0, 3).join(', ')}`);
  });
  console.log(`(the widget suite took ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

await run(main, 240000);
