// Official Node client as judge of live deliveries: a phone-number webhook receiver that
// verifies every request with @hubspot/api-client 14.0.1's own helper, Signature.isValid,
// before it answers.
//
// With VERIFY=both (the default) it verifies each POST twice:
//   legacy  `X-HubSpot-Signature`, version named by `X-HubSpot-Signature-Version` (v1 or v2)
//   v3      `X-HubSpot-Signature-v3` with `X-HubSpot-Request-Timestamp`
// With VERIFY=v3 it verifies only the v3 signature and its timestamp, as HubSpot recommends apps
// do, and ignores the legacy headers: a request without `X-HubSpot-Signature-v3` or
// `X-HubSpot-Request-Timestamp` is a 401 (the helper itself throws for a missing timestamp; a
// missing signature is refused here before the helper is called, which would return false).
// Each check runs against the raw body decoded as UTF-8 and the URL `http://127.0.0.1:PORT` + the
// request target exactly as received (path and query, nothing decoded). Every check valid: 200
// with one phone number. Otherwise: 401 with a JSON body naming the failed checks.
//
// Environment:
//   CLIENT_SECRET  the app's client secret (required)
//   VERIFY         `both` (default) or `v3`; anything else exits with status 2
//
// Stdout: the base URL `http://127.0.0.1:PORT` on the first line, and nothing else.
// Stderr: one JSON object per line and request, e.g.
//   {"method":"POST","uri":"http://127.0.0.1:PORT/x?y=1","verify":"both","legacy":{"version":"v1",
//    "valid":true,"reason":""},"v3":{"version":"v3","valid":true,"reason":""},"status":200}
// (with VERIFY=v3 there is no "legacy" member). Runs until killed.

import http from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// The package root re-exports Signature (lib/index.js: `export { Signature } from
// './src/utils/signature'`), which is how integrations import it.
const { Signature } = require('@hubspot/api-client');
const clientVersion = require('@hubspot/api-client/package.json').version;

const CLIENT_SECRET = process.env.CLIENT_SECRET;
if (CLIENT_SECRET === undefined) {
  console.error('node_signature_receiver: CLIENT_SECRET is not set');
  process.exit(2);
}
const VERIFY = process.env.VERIFY || 'both';
if (VERIFY !== 'both' && VERIFY !== 'v3') {
  console.error(`node_signature_receiver: VERIFY must be 'both' or 'v3', not ${JSON.stringify(VERIFY)}`);
  process.exit(2);
}
const REPLY = { phoneNumbers: [{ e164PhoneNumber: '+14155552671', friendlyName: 'Node verified' }] };
const MAX_BODY = 1 << 20;

const log = (entry) => process.stderr.write(`${JSON.stringify(entry)}\n`);

// One call of the official helper, as {version, valid, reason}; never throws.
function verify({ signature, version, body, url, method, timestamp }) {
  const result = { version: version ?? null, valid: false, reason: '' };
  if (signature === undefined) {
    result.reason = 'signature header missing';
    return result;
  }
  if (version === undefined) {
    result.reason = 'X-HubSpot-Signature-Version missing';
    return result;
  }
  try {
    // ISignatureOptions declares `timestamp?: number`, so pass the header as a number, as a
    // typed integration would. (The helper only checks `timestamp === undefined` and
    // `Date.now() - timestamp > 300000`: NaN and future times pass that check.)
    const ok = Signature.isValid({
      signatureVersion: version,
      signature,
      method,
      clientSecret: CLIENT_SECRET,
      requestBody: body,
      url,
      ...(timestamp === undefined ? {} : { timestamp: Number(timestamp) }),
    });
    result.valid = ok === true;
    if (!result.valid) result.reason = 'signature mismatch';
  } catch (e) {
    // v3: a missing or too-old timestamp throws 'Timestamp is invalid, reject request';
    // an unknown version throws 'Not supported signature version: …'.
    result.reason = `rejected: ${e?.message ?? String(e)}`;
  }
  return result;
}

const server = http.createServer((req, res) => {
  const reply = (status, payload, extra = {}) => {
    const data = Buffer.from(payload === null ? '' : JSON.stringify(payload));
    res.writeHead(status, {
      ...(payload === null ? {} : { 'Content-Type': 'application/json' }),
      'Content-Length': data.length,
      ...extra,
    });
    res.end(data);
  };
  // req.url is the request target as sent: path and query, escapes untouched.
  const url = `http://127.0.0.1:${server.address().port}${req.url}`;
  if (req.method !== 'POST') {
    log({ method: req.method, uri: url, status: 405 });
    reply(405, null, { Allow: 'POST' });
    return;
  }
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size <= MAX_BODY) chunks.push(chunk);
  });
  req.on('end', () => {
    const entry = { method: req.method, uri: url };
    let body;
    try {
      if (size > MAX_BODY) throw new Error(`body of ${size} bytes is too large`);
      body = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
    } catch (e) {
      entry.error = `unreadable body: ${e.message}`;
      entry.status = 400;
      log(entry);
      reply(400, { error: entry.error });
      return;
    }
    const h = req.headers; // node lower-cases header names
    entry.verify = VERIFY;
    const checks = [];
    if (VERIFY === 'both') {
      entry.legacy = verify({
        signature: h['x-hubspot-signature'],
        version: h['x-hubspot-signature-version'],
        body,
        url,
        method: req.method,
      });
      checks.push('legacy');
    }
    entry.v3 = verify({
      signature: h['x-hubspot-signature-v3'],
      version: 'v3',
      body,
      url,
      method: req.method,
      timestamp: h['x-hubspot-request-timestamp'],
    });
    checks.push('v3');
    const failed = checks
      .filter((name) => !entry[name].valid)
      .map((name) => `${name} (${entry[name].version}): ${entry[name].reason}`);
    entry.status = failed.length ? 401 : 200;
    log(entry);
    if (failed.length) {
      reply(401, {
        error: 'invalid signature',
        failed,
        verifiedUri: url,
        verifier: `@hubspot/api-client ${clientVersion}`,
      });
    } else {
      reply(200, REPLY);
    }
  });
  req.on('error', (e) => {
    log({ method: req.method, uri: url, error: `request error: ${e.message}` });
  });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${server.address().port}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections?.();
    process.exit(0);
  });
}
