// What the emulator's pages share (the dashboard, app.js, and the calling host page,
// calling.js): DOM building, the control API and its token, how verdicts and findings look, and
// the help desk's channel-connection dialog. A classic script loaded before the page's own, so
// its top-level names are the pages' globals; plain JavaScript, no build step. Strings only ever
// become text nodes (never innerHTML, never eval); each page's CSP forbids inline code on top.
'use strict';

// The control API the page was served by: /_emulator, or a sandbox's /_sandbox/{id}/_emulator
// when it was opened under a sandbox's base URL (it then shows that sandbox only).
const API = location.pathname.replace(/\/ui(\/.*)?$/, '');
const TOKEN_KEY = 'hubspot-emulator.control-token'; // sessionStorage: this tab only, shared by the pages
const NAME_LIMIT = 24; // HubSpot shows the first 24 characters of a friendlyName

// What a page plugs into the shared code: how it shows the connection to the emulator, what
// it reloads once the token is accepted, who the help-desk user is and what follows a fire.
const hooks = {
  connection: (kind) => {}, // 'ok' | 'offline' | 'locked'
  reload: async () => {}, // everything the page shows, after the token is entered
  unlocked: () => {}, // where the focus goes then
  who: () => null, // the help-desk user: { portal, user } or null
  fired: async (verdict) => {}, // after the help desk fired the webhook
  deliveryLink: (id) => null, // a link to delivery `id` in the journal, or null
};
const gate = { locked: false }; // waiting for the control token: nothing is polled

const $ = (id) => document.getElementById(id);

// ---- DOM building: strings always become text nodes ----------------------------------------

function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (['checked', 'value', 'disabled', 'selected'].includes(key)) el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false) el.append(child); // text, not HTML
  }
  return el;
}

// Re-renders a container; focus inside it returns to the control with the same id, so a
// keyboard user is not thrown back to the top when the data changes under them.
function render(container, ...nodes) {
  const active = document.activeElement;
  const id = active && active !== document.body && container.contains(active) ? active.id : '';
  container.replaceChildren(...nodes.flat());
  if (id && $(id)) $(id).focus();
}

// A path or URL that wraps only where a reader expects it: a <wbr> after each `/`, `?` and `&`
// (but between the two slashes of `http://`), and each piece between them kept on one line (CSS
// .nowrap), so `/channel-connection` never splits inside a word, nor at its hyphen.
function breakable(path) {
  return String(path).split(/(?<=[/?&])(?!\/)/)
    .flatMap((part, i) => [i ? h('wbr') : null, h('span', { class: 'nowrap' }, part)]);
}

function say(text, kind) {
  const message = $('message');
  message.textContent = text;
  message.className = kind === 'error' ? 'fail-text' : '';
}

function announce(text) {
  $('announce').textContent = text;
}
// ---- the control API -------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers['X-Emulator-Token'] = token;
  // Every write says JSON, with a body or without: the control API refuses other writes, which
  // is what keeps pages on other origins from driving it.
  if (method !== 'GET') headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(API + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    hooks.connection('offline');
    throw new ApiError(0, 'The emulator cannot be reached: is it still running?');
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (response.status === 401) {
    lock((data && data.error) || 'The control API refused the call (401).', Boolean(token));
    throw new ApiError(401, 'The control token is missing or wrong.');
  }
  if (!response.ok) {
    // The control API answers {error}; HubSpot's envelope (which some of its endpoints share) {message}.
    throw new ApiError(response.status, (data && (data.error || data.message)) || `HTTP ${response.status}`);
  }
  hooks.connection('ok');
  return data;
}

// GETs for one kind of data; null when a newer GET of the same kind started meanwhile, so that
// a slow, older reply never overwrites a newer one (polls overlap with the buttons' refreshes).
const tickets = {};
async function latest(kind, path) {
  const ticket = (tickets[kind] = (tickets[kind] || 0) + 1);
  const data = await api('GET', path);
  return ticket === tickets[kind] ? data : null;
}

// Runs a button's action, reporting failure in the message line instead of throwing.
async function act(action) {
  try {
    await action();
  } catch (error) {
    if (error.status !== 401) say(error.message, 'error');
  }
}
// ---- the control token -----------------------------------------------------------------------

// The form the pages show when the emulator has --control-token (#token-form; its data-purpose
// says what the token is for), built once the page is parsed (this script is deferred).
function tokenForm() {
  const form = $('token-form');
  form.replaceChildren(
    h('h2', { id: 'token-heading' }, 'Control token required'),
    h('p', { id: 'token-help' }, 'This emulator was started with ', h('code', null, '--control-token'),
      `. Enter that token to ${form.dataset.purpose}; it is kept in this browser tab only (sessionStorage) and sent as `,
      h('code', null, 'X-Emulator-Token'), ' on every call.'),
    h('div', { class: 'row' },
      h('label', { for: 'token-input' }, 'Control token'),
      h('input', { id: 'token-input', type: 'password', autocomplete: 'off', spellcheck: 'false',
        'aria-describedby': 'token-help token-error', required: true }),
      h('button', { type: 'submit' }, 'Use token')),
    h('p', { id: 'token-error', class: 'fail-text' }));
}
tokenForm();

function lock(reason, hadToken) {
  const first = !gate.locked;
  gate.locked = true;
  $('main').hidden = true;
  $('token-form').hidden = false;
  $('token-error').textContent = hadToken ? `Wrong token. ${reason}` : '';
  hooks.connection('locked');
  if (first) $('token-input').focus();
}

async function unlock(event) {
  event.preventDefault();
  const token = $('token-input').value.trim();
  if (!token) return;
  sessionStorage.setItem(TOKEN_KEY, token);
  gate.locked = false;
  helpdesk.offerKey = '';
  try {
    await hooks.reload();
  } catch {
    return; // still locked (wrong token) or offline: lock() or the status line says so
  }
  $('token-input').value = '';
  $('token-form').hidden = true;
  $('main').hidden = false;
  say('Token accepted.');
  hooks.unlocked();
}

// ---- formatting ------------------------------------------------------------------------------

const OUTCOMES = {
  pass: ['PASS', 'pass'],
  fail: ['FAIL', 'fail'],
  'greyed-out': ['GREYED OUT', 'warn'],
  'not-registered': ['NOT REGISTERED', 'warn'],
  warn: ['WARN', 'warn'], // a call HubSpot keeps, but not as the app meant
};
const SEVERITIES = { error: 'fail', warning: 'warn', info: 'info' };

const outcomeLabel = (outcome) => (OUTCOMES[outcome] || [String(outcome).toUpperCase()])[0];

function badge(outcome) {
  const [label, kind] = OUTCOMES[outcome] || [String(outcome).toUpperCase(), 'info'];
  return h('span', { class: `badge ${kind}` }, label);
}

function severity(name) {
  return h('span', { class: `sev ${SEVERITIES[name] || 'info'}-text` }, name);
}

const clock = (iso) => (typeof iso === 'string' && iso.length >= 23 ? iso.slice(11, 23) : String(iso));
const ms = (value) => `${Number(value).toFixed(1)} ms`;
const chars = (text) => [...text].length; // Unicode scalar values, as the emulator counts them

function pretty(body) {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

// A definition list of a record's fields; "—" for missing ones.
function fields(record, names) {
  return h('dl', { class: 'fields' }, names.map((name) => [
    h('dt', null, name),
    h('dd', null, record[name] === undefined ? '—' : typeof record[name] === 'boolean'
      ? h('span', { class: record[name] ? 'pass-text' : 'warn-text' }, String(record[name]))
      : String(record[name])),
  ]));
}

// A table that collapses to labelled stacked rows in a narrow window (style.css, .stack).
function table(className, caption, columns, rows) {
  return h('table', { class: `stack ${className}` },
    caption && h('caption', null, caption),
    h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, rows));
}

function cell(label, ...content) {
  return h('td', { 'data-label': label }, content);
}

// ---- verdicts: findings, number picker, exchange --------------------------------------------

// Worst first, as the command line lists them (stable within a severity).
const SEVERITY_RANK = { error: 0, warning: 1, info: 2 };

function findingsTable(findings) {
  if (!findings.length) return h('p', { class: 'dim' }, 'No findings.');
  const worstFirst = findings
    .map((f, i) => [f, i])
    .sort(([a, i], [b, j]) => (SEVERITY_RANK[a.severity] ?? 3) - (SEVERITY_RANK[b.severity] ?? 3) || i - j)
    .map(([f]) => f);
  return table('findings', 'Findings', ['severity', 'code', 'pointer', 'message'], worstFirst.map((f) =>
    h('tr', null,
      cell('severity', severity(f.severity)),
      cell('code', h('code', null, f.code)),
      // A JSON pointer wraps at its slashes, like a path, never inside a key.
      cell('pointer', h('code', null, f.pointer ? breakable(f.pointer) : '(whole reply)')),
      cell('message', f.message))));
}

// Findings whose pointer is into phoneNumbers entry `index`.
function entryFindings(verdict, index) {
  const prefix = `/phoneNumbers/${index}`;
  return verdict.findings.filter((f) => f.pointer === prefix || f.pointer.startsWith(`${prefix}/`));
}

// The names as the app sent them, to say how much HubSpot cut (the picker has only the cut one).
function sentNames(verdict) {
  try {
    const reply = JSON.parse(verdict.delivery.response.body);
    return reply.phoneNumbers.map((e) => (e && typeof e.friendlyName === 'string' ? e.friendlyName : null));
  } catch {
    return [];
  }
}

// The number picker as HubSpot shows it. `choose` (help-desk view) makes each row a radio button;
// rows that cannot be picked are disabled, with the reason beside them.
function picker(verdict, choose) {
  if (!verdict.delivery) return h('p', { class: 'dim' }, 'Nothing was sent, so HubSpot shows no number picker.');
  if (!verdict.picker.length) return h('p', { class: 'warn-text' }, 'Number picker: (no numbers)');
  const names = sentNames(verdict);
  const rows = verdict.picker.map((entry, index) => {
    const notes = entryFindings(verdict, index);
    const invalid = !entry.selectable && !entry.extension
      || notes.some((f) => f.severity === 'error');
    const kind = entry.selectable ? 'selectable' : invalid ? 'invalid' : 'disabled';
    const id = choose ? `${choose.prefix}-${index}` : null;
    const why = choose ? `${id}-why` : null;
    const sent = names[index];
    const name = choose ? h('label', { for: id }, entry.displayedName) : entry.displayedName;
    return h('tr', { class: `entry ${kind}`, dataset: { index, state: kind } },
      choose && cell('pick', h('input', {
        type: 'radio', name: choose.prefix, id, value: String(index),
        disabled: !entry.selectable, 'aria-describedby': why, onchange: () => choose.onPick(entry),
      })),
      cell('#', String(index)),
      cell('name', h('span', { class: 'name' }, name)),
      cell('number', entry.number),
      cell('ext', entry.extension || ''),
      cell('selectable', h('span', { id: why, class: entry.selectable ? 'pass-text' : invalid ? 'fail-text' : 'warn-text' },
        entry.selectable ? (entry.reason ? `yes (${entry.reason})` : 'yes')
          : `${invalid ? 'invalid' : 'disabled'} — ${entry.reason || 'cannot be selected'}`)),
      cell('notes',
        sent !== null && sent !== undefined && chars(sent) > NAME_LIMIT
          && h('span', { class: 'note warn-text' }, `name cut from ${chars(sent)} characters`),
        notes.map((f) => h('span', { class: `note ${SEVERITIES[f.severity]}-text`, title: f.message }, f.code))));
  });
  const columns = ['#', 'name', 'number', 'ext', 'selectable', 'notes'];
  if (!choose) return table('picker', 'Number picker (what the help-desk user sees)', columns, rows);
  return h('fieldset', { class: 'picker-set' },
    h('legend', null, 'Number picker (what the help-desk user sees)'),
    table('picker', null, ['pick', ...columns], rows));
}

function headerLines(first, headers) {
  return [first, ...headers.map(([name, value]) => `${name}: ${value}`)].join('\n');
}

// A request beside its reply, each a list of nodes.
function exchangeView(request, reply) {
  return h('div', { class: 'exchange' },
    h('section', { class: 'request', 'aria-label': 'Request' }, h('h4', null, 'Request'), request),
    h('section', { class: 'reply', 'aria-label': 'Reply' }, h('h4', null, 'Reply'), reply));
}

function exchange(delivery) {
  const { request, response } = delivery;
  const reply = response
    ? [h('pre', { class: 'headers' }, headerLines(`HTTP ${response.status}`, response.headers)),
      h('pre', { class: 'body' }, response.body ? pretty(response.body) : '(empty body)'),
      h('p', { class: 'dim' }, `${response.bodyBytes} bytes in ${ms(delivery.latencyMs)}`
        + (response.bodyTruncated ? ' — body truncated' : ''))]
    : [h('p', { class: 'fail-text' }, `No reply (after ${ms(delivery.latencyMs)}; timeout ${delivery.timeoutMs} ms).`)];
  return exchangeView(
    [h('pre', { class: 'headers' }, headerLines(`${request.method} ${request.url}`, request.headers)),
      h('pre', { class: 'body' }, pretty(request.body))],
    reply);
}

// " 1 error 2 warnings" after a summary line: how many findings of each severity.
function findingCounts(findings) {
  return ['error', 'warning', 'info']
    .map((s) => [s, findings.filter((f) => f.severity === s).length])
    .filter(([, n]) => n)
    .map(([s, n]) => h('span', { class: `${SEVERITIES[s]}-text` }, ` ${n} ${s}${n > 1 && s !== 'info' ? 's' : ''}`));
}

function summaryLine(verdict) {
  const d = verdict.delivery;
  return [
    badge(verdict.outcome),
    ` app ${verdict.appId} · portal ${verdict.portalId} · user ${verdict.userId}`,
    // The URL called, as the CLI's verdict line shows it: which endpoint answered is the first
    // thing to check, and it should not take opening the row.
    d ? [` · ${d.request.method} `, h('span', { class: 'url' }, breakable(d.request.url)), ' ',
      h('span', { class: 'nowrap' }, `→ ${d.response ? d.response.status : 'no reply'} in ${ms(d.latencyMs)}`)]
      : ' · nothing sent',
    findingCounts(verdict.findings),
    verdict.replayOf ? ` · replay of #${verdict.replayOf}` : '',
  ];
}


// ---- help desk: the channel-connection dialog ------------------------------------------------

const helpdesk = { offerKey: '' }; // "portal/user" + the last offer reply: re-render only on change

// The apps HubSpot's dialog offers the user (#hd-apps, #hd-not-offered, #hd-flag).
async function refreshOffer(force) {
  const who = hooks.who();
  if (!who) {
    render($('hd-apps'), h('li', { class: 'dim' }, 'Pick a portal and a user (declare one under Portals & users).'));
    render($('hd-not-offered'));
    $('hd-flag').textContent = '';
    return;
  }
  const offer = await latest('offer', `/portals/${who.portal}/users/${who.user}/apps`);
  if (!offer) return;
  const key = `${who.portal}/${who.user} ${JSON.stringify(offer)}`;
  if (!force && key === helpdesk.offerKey) return;
  helpdesk.offerKey = key;
  const flag = offer.supportsChannelConnection;
  $('hd-flag').textContent = `user ${offer.userId} in portal ${offer.portalId}: supportsChannelConnection `
    + (flag === null ? 'not set (user not declared)' : flag ? 'on' : 'off');
  const offered = offer.apps.filter((a) => a.state !== 'not-offered');
  const missing = offer.apps.filter((a) => a.state === 'not-offered');
  render($('hd-apps'), offered.length ? offered.map(offerItem)
    : h('li', { class: 'dim' }, 'No app has a channel connection: the dialog is empty.'));
  render($('hd-not-offered'), missing.length ? missing.map(offerItem) : h('li', { class: 'dim' }, '(none)'));
}

function reasons(app, id) {
  return h('ul', { class: 'reasons', id }, app.reasons.map((r) =>
    h('li', { dataset: { code: r.code } }, severity(r.severity), ' ', h('code', null, r.code), ' ', r.message)));
}

function offerItem(app) {
  const why = `hd-why-${app.appId}`;
  const label = `${app.name} (app ${app.appId})`;
  const item = (...content) => h('li', { class: `offer ${app.state}`, dataset: { appId: app.appId, state: app.state } }, content);
  if (app.state === 'not-offered') {
    return item(h('span', { class: 'app-name' }, label), ' ', h('span', { class: 'state' }, 'not offered'), reasons(app, why));
  }
  const greyed = app.state === 'greyed-out';
  // A greyed-out app stays focusable (aria-disabled, not disabled) so that keyboard and screen
  // reader users can reach it and hear why it cannot be opened.
  return item(
    h('button', {
      type: 'button', id: `hd-open-${app.appId}`, class: 'app-button', 'aria-disabled': greyed ? 'true' : null,
      'aria-describedby': why,
      onclick: () => (greyed ? say(`${app.name} is greyed out: HubSpot would not open it for this user.`, 'error') : openApp(app, false)),
    }, label),
    ' ',
    h('span', { class: `state ${greyed ? 'warn-text' : 'pass-text'}` }, greyed ? 'greyed out' : 'selectable'),
    ` · isReady ${app.isReady}`,
    greyed && [' ', h('button', { type: 'button', id: `hd-force-${app.appId}`, class: 'small', onclick: () => openApp(app, true) }, 'Fire anyway (force)')],
    reasons(app, why));
}

// Opening an app in the dialog: HubSpot POSTs to the app, then shows the numbers it answered.
async function openApp(app, force) {
  const who = hooks.who();
  if (!who) return;
  const result = $('hd-result');
  render(result, h('p', { class: 'dim', role: 'status' }, `Opening ${app.name}: POST to its channel connection URL…`));
  await act(async () => {
    const verdict = await api('POST', '/fire', { appId: app.appId, portalId: who.portal, userId: who.user, force });
    const heading = h('h3', { id: 'hd-result-heading', tabindex: '-1' },
      `${app.name} · number picker for user ${verdict.userId} in portal ${verdict.portalId}`);
    const chosen = h('p', { id: 'hd-chosen', role: 'status', class: 'dim' }, 'No number selected.');
    const link = hooks.deliveryLink(verdict.id);
    render(result,
      heading,
      h('p', null, summaryLine(verdict), link && [' · ', link]),
      picker(verdict, {
        prefix: 'hd-number',
        onPick: (entry) => { chosen.textContent = `Selected ${entry.displayedName} (${entry.number}).`; },
      }),
      chosen,
      findingsTable(verdict.findings));
    heading.focus(); // like a dialog opening: the keyboard continues from the picker
    await hooks.fired(verdict);
  });
}
