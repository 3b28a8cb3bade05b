// Official Node client as judge of recordings: @hubspot/api-client 14.0.1's
// recordingSettingsApi registers the recording URL with the developer key and calls markAsReady
// (POST /crm/v3/extensions/calling/recordings/ready) with the app's access token, which its
// response processor accepts only as a 204. The call is logged with the client's calls API.
// The suite is also the app: an HTTP server answers HubSpot's GET of the recording URL with
// {"authenticatedUrl"} and serves a two-channel WAV honouring Range, checking every request the
// emulator sends with the client's own Signature helper. The verdict of the play markAsReady
// triggers is read from the control API.
//
// Environment:
//   HUBSPOT_API_BASE_URL       emulator base URL, e.g. http://127.0.0.1:8080
//   HUBSPOT_APP_ID             the app (nothing registered yet)
//   HUBSPOT_DEVELOPER_API_KEY  its developer API key
//   HUBSPOT_ACCESS_TOKEN       its access token
//   HUBSPOT_CLIENT_SECRET      its client secret (default: the embedded fixture's)
//
// Prints one line per check and ends with `N passed, N failed`; exits 1 on any failure.

import http from 'node:http';
import { createRequire } from 'node:module';
import { serveRecording, twoChannelWav } from '../support/recording.mjs';
import { callOk, check, runSuite, show } from './checks.mjs';

const require = createRequire(import.meta.url);
const { Client, Signature } = require('@hubspot/api-client');

const BASE_URL = process.env.HUBSPOT_API_BASE_URL.replace(/\/+$/, '');
const APP_ID = Number(process.env.HUBSPOT_APP_ID);
const DEV_KEY = process.env.HUBSPOT_DEVELOPER_API_KEY;
const TOKEN = process.env.HUBSPOT_ACCESS_TOKEN;
const CLIENT_SECRET = process.env.HUBSPOT_CLIENT_SECRET ?? 'demo-client-secret';

const keyClient = new Client({ developerApiKey: DEV_KEY, basePath: BASE_URL });
const tokenClient = new Client({ accessToken: TOKEN, basePath: BASE_URL });

const AUDIO = twoChannelWav();
const seen = []; // { path, valid, range } of every request the emulator sent

const app = http.createServer((req, res) => {
  const url = `http://${req.headers.host}${req.url}`;
  let valid;
  try {
    valid = Signature.isValid({
      signatureVersion: 'v3',
      signature: req.headers['x-hubspot-signature-v3'],
      method: 'GET',
      clientSecret: CLIENT_SECRET,
      requestBody: '',
      url,
      timestamp: Number(req.headers['x-hubspot-request-timestamp']),
    });
  } catch (e) {
    valid = `rejected: ${e?.message}`;
  }
  seen.push({ path: req.url, valid, range: req.headers.range });
  if (!serveRecording(req, res, AUDIO)) {
    res.writeHead(404);
    res.end();
  }
});

const control = async (path) => (await fetch(`${BASE_URL}/_emulator${path}`)).json();

async function suite() {
  await new Promise((resolve) => app.listen(0, '127.0.0.1', resolve));
  const appUrl = `http://127.0.0.1:${app.address().port}`;

  await callOk('register the recording URL with the developer key', () =>
    keyClient.crm.extensions.calling.recordingSettingsApi.registerUrlFormat(APP_ID, {
      urlToRetrieveAuthedRecording: `${appUrl}/recordings/%s`,
    }));
  const call = await callOk('log the call with the calls API', () => tokenClient.crm.objects.calls.basicApi.create({
    properties: {
      hs_timestamp: '2026-01-01T10:00:00Z',
      hs_call_duration: '1000',
      hs_call_external_id: 'node-call-1',
      hs_call_external_account_id: 'node-account',
      hs_call_app_id: String(APP_ID),
      hs_call_source: 'INTEGRATIONS_PLATFORM',
    },
    associations: [],
  }));
  if (!check('the call has an id', Boolean(call?.id), show(call))) return;
  const engagementId = Number(call.id);

  const readyApi = tokenClient.crm.extensions.calling.recordingSettingsApi;
  const answer = await callOk('markAsReady with the access token (accepted only as a 204)', () =>
    readyApi.markAsReady({ engagementId }));
  check('markAsReady resolves with nothing', answer === undefined, show(answer));

  const deadline = Date.now() + 20000;
  let page = await control('/recordings');
  while (page.total < 1 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    page = await control('/recordings');
  }
  if (!check('the recording was played after the 204', page.total === 1, show(page).slice(0, 500))) return;
  const verdict = page.entries[0];
  check('its verdict passes', verdict.outcome === 'pass', show(verdict.findings));
  check('it was triggered by recordings/ready', verdict.trigger === 'recordings-ready', verdict.trigger);
  check('the audio is a two-channel WAV', verdict.audio?.container === 'wav' && verdict.audio?.channels === 2,
    show(verdict.audio));
  check('the emulator asked the recording URL with %s replaced and the query appended',
    seen.some((r) => r.path === `/recordings/node-call-1?appId=${APP_ID}&externalAccountId=node-account`), show(seen));
  check("the client's Signature helper accepts every request's v3 signature",
    seen.length === 3 && seen.every((r) => r.valid === true), show(seen));
  check('the audio was asked with Range',
    show(seen.slice(1).map((r) => r.range)) === show(['bytes=0-', `bytes=${Math.floor(AUDIO.length / 2)}-`]), show(seen));

  try {
    await readyApi.markAsReady({ engagementId: 424242 });
    check('an unknown call -> ApiException 404', false, 'resolved');
  } catch (e) {
    check('an unknown call -> ApiException 404', e?.code === 404, `code=${e?.code} ${e?.message}`);
  }
  try {
    await keyClient.crm.extensions.calling.recordingSettingsApi.markAsReady({ engagementId });
    check('markAsReady with only the developer key -> ApiException 401', false, 'resolved');
  } catch (e) {
    check('markAsReady with only the developer key -> ApiException 401', e?.code === 401, `code=${e?.code} ${e?.message}`);
  }
  app.close();
}

runSuite(suite);
