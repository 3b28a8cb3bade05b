// The hubspot-emulator dashboard: plain JavaScript, no build step, no dependencies, no network
// but this origin's control API (/_emulator/…). Replies from apps are untrusted, so the DOM is
// only ever built with createElement/textContent (never innerHTML, never eval); the CSP forbids
// inline code and other origins on top of that.
'use strict';

const API = '/_emulator';
const TOKEN_KEY = 'hubspot-emulator.control-token'; // sessionStorage: this tab only
const POLL_MS = 1000;
const DELIVERY_LIMIT = 100;
const REQUEST_LIMIT = 200;
const NAME_LIMIT = 24; // HubSpot shows the first 24 characters of a friendlyName

const ui = {
  locked: false, // waiting for the control token: nothing is polled
  stateJson: '', // the last /state reply, so that sections re-render only when it changed
  data: { apps: [], portals: [] },
  offerKey: '', // "portal/user" + the last offer reply, for the same reason
  deliveries: new Map(), // journal id → its <details>; rows are never rebuilt (open state, focus)
  requests: new Map(), // sequence → its <tr>
  deliveriesLoaded: false, // the first page is not announced, only what arrives later
  own: new Set(), // deliveries this page made: the message line reports them already
  totals: { deliveries: 0, requests: 0 }, // a drop means a restarted emulator: ids start again
};

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
    setConnection('offline');
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
    throw new ApiError(response.status, (data && data.error) || `HTTP ${response.status}`);
  }
  setConnection($('live').checked ? 'live' : 'paused');
  return data;
}

const CONNECTION = {
  live: ['live', 'pass-text'],
  paused: ['paused', 'dim'],
  offline: ['offline — is the emulator still running?', 'fail-text'],
  locked: ['locked: control token needed', 'warn-text'],
};
function setConnection(kind) {
  const [text, className] = CONNECTION[kind];
  $('connection').textContent = text;
  $('connection').className = className;
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

function lock(reason, hadToken) {
  const first = !ui.locked;
  ui.locked = true;
  $('main').hidden = true;
  $('token-form').hidden = false;
  $('token-error').textContent = hadToken ? `Wrong token. ${reason}` : '';
  setConnection('locked');
  if (first) $('token-input').focus();
}

async function unlock(event) {
  event.preventDefault();
  const token = $('token-input').value.trim();
  if (!token) return;
  sessionStorage.setItem(TOKEN_KEY, token);
  ui.locked = false;
  ui.stateJson = '';
  ui.offerKey = '';
  try {
    await refreshAll();
  } catch {
    return; // still locked (wrong token) or offline: lock() or the status line says so
  }
  $('token-input').value = '';
  $('token-form').hidden = true;
  $('main').hidden = false;
  say('Token accepted.');
  $('helpdesk-heading').focus();
}

// ---- formatting ------------------------------------------------------------------------------

const OUTCOMES = {
  pass: ['PASS', 'pass'],
  fail: ['FAIL', 'fail'],
  'greyed-out': ['GREYED OUT', 'warn'],
  'not-registered': ['NOT REGISTERED', 'warn'],
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

function exchange(delivery) {
  const { request, response } = delivery;
  const reply = response
    ? [h('pre', { class: 'headers' }, headerLines(`HTTP ${response.status}`, response.headers)),
      h('pre', { class: 'body' }, response.body ? pretty(response.body) : '(empty body)'),
      h('p', { class: 'dim' }, `${response.bodyBytes} bytes in ${ms(delivery.latencyMs)}`
        + (response.bodyTruncated ? ' — body truncated' : ''))]
    : [h('p', { class: 'fail-text' }, `No reply (after ${ms(delivery.latencyMs)}; timeout ${delivery.timeoutMs} ms).`)];
  return h('div', { class: 'exchange' },
    h('section', { class: 'request', 'aria-label': 'Request' },
      h('h4', null, 'Request'),
      h('pre', { class: 'headers' }, headerLines(`${request.method} ${request.url}`, request.headers)),
      h('pre', { class: 'body' }, pretty(request.body))),
    h('section', { class: 'reply', 'aria-label': 'Reply' }, h('h4', null, 'Reply'), reply));
}

function summaryLine(verdict) {
  const d = verdict.delivery;
  const counts = ['error', 'warning', 'info']
    .map((s) => [s, verdict.findings.filter((f) => f.severity === s).length])
    .filter(([, n]) => n)
    .map(([s, n]) => h('span', { class: `${SEVERITIES[s]}-text` }, ` ${n} ${s}${n > 1 && s !== 'info' ? 's' : ''}`));
  return [
    badge(verdict.outcome),
    ` app ${verdict.appId} · portal ${verdict.portalId} · user ${verdict.userId}`,
    // The URL called, as the CLI's verdict line shows it: which endpoint answered is the first
    // thing to check, and it should not take opening the row.
    d ? [` · ${d.request.method} `, h('span', { class: 'url' }, breakable(d.request.url)), ' ',
      h('span', { class: 'nowrap' }, `→ ${d.response ? d.response.status : 'no reply'} in ${ms(d.latencyMs)}`)]
      : ' · nothing sent',
    counts,
    verdict.replayOf ? ` · replay of #${verdict.replayOf}` : '',
  ];
}

// ---- help desk -------------------------------------------------------------------------------

function selectedUser() {
  const portal = Number($('hd-portal').value);
  const user = Number($('hd-user').value);
  return portal && user ? { portal, user } : null;
}

// Fills the portal and user pickers from the state, keeping the current choice when it still exists.
function renderHelpdeskPickers() {
  const portals = ui.data.portals || [];
  const portalSelect = $('hd-portal');
  const keepPortal = portalSelect.value;
  portalSelect.replaceChildren(...portals.map((p) =>
    h('option', { value: String(p.portalId), selected: String(p.portalId) === keepPortal }, `portal ${p.portalId}`)));
  if (!portals.length) portalSelect.append(h('option', { value: '' }, '(no portals declared)'));
  renderUserPicker();
}

function renderUserPicker() {
  const portal = (ui.data.portals || []).find((p) => String(p.portalId) === $('hd-portal').value);
  const userSelect = $('hd-user');
  const keep = userSelect.value;
  const users = portal ? portal.users : [];
  userSelect.replaceChildren(...users.map((u) => h('option', { value: String(u.userId), selected: String(u.userId) === keep },
    `user ${u.userId}${u.supportsChannelConnection ? ' (flag on)' : ''}`)));
  if (!users.length) userSelect.append(h('option', { value: '' }, '(no users)'));
}

async function refreshOffer(force) {
  const who = selectedUser();
  if (!who) {
    render($('hd-apps'), h('li', { class: 'dim' }, 'Pick a portal and a user (declare one under Portals & users).'));
    render($('hd-not-offered'));
    $('hd-flag').textContent = '';
    return;
  }
  const offer = await latest('offer', `/portals/${who.portal}/users/${who.user}/apps`);
  if (!offer) return;
  const key = `${who.portal}/${who.user} ${JSON.stringify(offer)}`;
  if (!force && key === ui.offerKey) return;
  ui.offerKey = key;
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
  const who = selectedUser();
  if (!who) return;
  const result = $('hd-result');
  render(result, h('p', { class: 'dim', role: 'status' }, `Opening ${app.name}: POST to its channel connection URL…`));
  await act(async () => {
    const verdict = await api('POST', '/fire', { appId: app.appId, portalId: who.portal, userId: who.user, force });
    ui.own.add(verdict.id);
    const heading = h('h3', { id: 'hd-result-heading', tabindex: '-1' },
      `${app.name} · number picker for user ${verdict.userId} in portal ${verdict.portalId}`);
    const chosen = h('p', { id: 'hd-chosen', role: 'status', class: 'dim' }, 'No number selected.');
    render(result,
      heading,
      h('p', null, summaryLine(verdict), ` · `, h('a', { href: `#delivery-${verdict.id}`, onclick: () => openDelivery(verdict.id) }, `delivery #${verdict.id}`)),
      picker(verdict, {
        prefix: 'hd-number',
        onPick: (entry) => { chosen.textContent = `Selected ${entry.displayedName} (${entry.number}).`; },
      }),
      chosen,
      findingsTable(verdict.findings));
    heading.focus(); // like a dialog opening: the keyboard continues from the picker
    await refreshDeliveries();
  });
}

// ---- apps ------------------------------------------------------------------------------------

const SECRETS = { developerApiKey: 'developer API key', accessToken: 'access token', clientSecret: 'client secret' };
const SHOWN = new Set(['name', 'appId', 'settings', 'channelConnection', 'recording', ...Object.keys(SECRETS)]);

function renderApps() {
  const apps = ui.data.apps || [];
  render($('apps-list'), apps.length ? apps.map(appCard) : h('p', { class: 'dim' }, 'No apps declared.'));
  const fireApp = $('fire-app');
  const keep = fireApp.value;
  fireApp.replaceChildren(...apps.map((a) => h('option', { value: String(a.appId), selected: String(a.appId) === keep }, `${a.name} (${a.appId})`)));
}

function appCard(app) {
  // Credentials are never shown, only whether they are set; so is any other field whose name
  // looks like one, should the state grow such a field.
  const credentials = Object.entries(SECRETS).map(([key, label]) => `${label}: ${app[key] ? 'set' : 'not set'}`);
  const extra = Object.keys(app).filter((k) => !SHOWN.has(k)).map((k) => {
    const value = /key|token|secret|password/i.test(k) ? 'set' : JSON.stringify(app[k]);
    return `${k}: ${value}`;
  });
  const part = (title, record, names) => h('div', { class: 'part' }, h('h4', null, title),
    record ? fields(record, names) : h('p', { class: 'warn-text' }, 'not registered'));
  return h('article', { class: 'card', dataset: { appId: app.appId } },
    h('h3', null, `${app.name} `, h('span', { class: 'dim' }, `app ${app.appId}`)),
    h('p', { class: 'dim credentials' }, credentials.join(' · ')),
    extra.length ? h('p', { class: 'dim' }, extra.join(' · ')) : null,
    h('div', { class: 'parts' },
      part('Channel connection', app.channelConnection, ['url', 'isReady', 'createdAt', 'updatedAt']),
      part('Calling settings', app.settings, ['name', 'url', 'isReady', 'height', 'width', 'supportsCustomObjects',
        'supportsInboundCalling', 'usesCallingWindow', 'usesRemote', 'createdAt', 'updatedAt']),
      // HubSpot's recording settings carry no times; show them only if the state ever has them.
      part('Recording settings', app.recording, ['urlToRetrieveAuthedRecording',
        ...['createdAt', 'updatedAt'].filter((k) => app.recording && k in app.recording)])),
    h('button', {
      type: 'button', id: `reset-app-${app.appId}`,
      onclick: () => act(async () => { await api('POST', '/reset', { appId: app.appId }); say(`App ${app.appId} reset to its fixture.`); await refreshState(); }),
    }, `Reset app ${app.appId}`));
}

// ---- portals and users -----------------------------------------------------------------------

function renderUsers() {
  const portals = ui.data.portals || [];
  render($('users-list'), portals.length ? portals.map((p) => h('div', { class: 'portal' },
    h('h3', null, `Portal ${p.portalId}`),
    table('users', null, ['user', 'supportsChannelConnection', 'help desk'], p.users.map((u) => userRow(p.portalId, u)))))
    : h('p', { class: 'dim' }, 'No portals declared.'));
}

function userRow(portalId, user) {
  const id = `flag-${portalId}-${user.userId}`;
  const on = Boolean(user.supportsChannelConnection);
  return h('tr', { dataset: { portalId, userId: user.userId } },
    cell('user', String(user.userId)),
    cell('supportsChannelConnection',
      h('input', { type: 'checkbox', role: 'switch', id, checked: on, onchange: (e) => setFlag(portalId, user.userId, e.target) }),
      ' ',
      h('label', { for: id }, h('span', { class: 'vh' }, `supportsChannelConnection of user ${user.userId} in portal ${portalId}`),
        h('span', { 'aria-hidden': 'true', class: on ? 'pass-text' : 'dim' }, on ? 'on' : 'off'))),
    cell('help desk', h('button', { type: 'button', class: 'small', id: `view-${portalId}-${user.userId}`, onclick: () => viewAs(portalId, user.userId) },
      `Help desk as ${user.userId}`)));
}

async function setFlag(portalId, userId, box) {
  const wanted = box.checked;
  await act(async () => {
    try {
      await api('PUT', `/portals/${portalId}/users/${userId}`, { supportsChannelConnection: wanted });
    } catch (error) {
      box.checked = !wanted;
      throw error;
    }
    say(`supportsChannelConnection ${wanted ? 'on' : 'off'} for user ${userId} in portal ${portalId}.`);
    await refreshState();
  });
}

function viewAs(portalId, userId) {
  $('hd-portal').value = String(portalId);
  renderUserPicker();
  $('hd-user').value = String(userId);
  onPickUser();
  $('hd-portal').scrollIntoView();
  $('hd-user').focus();
}

function onPickUser() {
  render($('hd-result'));
  const who = selectedUser();
  if (who) {
    $('fire-portal').value = String(who.portal);
    $('fire-user').value = String(who.user);
  }
  act(() => refreshOffer(true));
}

// ---- journals --------------------------------------------------------------------------------

function deliveryItem(verdict) {
  const details = h('details', { class: 'delivery', id: `delivery-${verdict.id}`, dataset: { id: verdict.id, outcome: verdict.outcome } },
    h('summary', null, h('span', { class: 'id' }, `#${verdict.id}`), ' ', h('time', { datetime: verdict.time }, clock(verdict.time)), ' ', summaryLine(verdict)));
  // The body is built on first opening: most rows are never opened.
  details.addEventListener('toggle', () => {
    if (!details.open || details.querySelector('.delivery-body')) return;
    details.append(h('div', { class: 'delivery-body' },
      h('div', { class: 'row' },
        h('button', { type: 'button', id: `replay-${verdict.id}`, disabled: !verdict.delivery, onclick: () => replay(verdict.id) },
          `Replay #${verdict.id}`),
        h('span', { class: 'dim' }, `${verdict.time}`)),
      findingsTable(verdict.findings),
      picker(verdict, null),
      verdict.delivery ? exchange(verdict.delivery) : h('p', { class: 'dim' }, 'Nothing was sent.')));
  });
  return details;
}

function openDelivery(id) {
  const row = ui.deliveries.get(id);
  if (row) row.open = true;
}

async function replay(id) {
  await act(async () => {
    const verdict = await api('POST', `/deliveries/${id}/replay`, {});
    ui.own.add(verdict.id);
    say(`Replayed #${id} as #${verdict.id}: ${outcomeLabel(verdict.outcome)}.`);
    await refreshDeliveries();
  });
}

function forget(rows) {
  for (const row of rows.values()) row.remove();
  rows.clear();
}

// Adds only new rows (newest first) and drops evicted ones: rows already shown keep their
// open/closed state and the focus, whatever arrives.
async function refreshDeliveries() {
  const page = await latest('deliveries', `/deliveries?limit=${DELIVERY_LIMIT}`);
  if (!page) return;
  const list = $('deliveries-list');
  if (page.total < ui.totals.deliveries) forget(ui.deliveries);
  ui.totals.deliveries = page.total;
  const seen = new Set(page.entries.map((v) => v.id));
  for (const [id, row] of ui.deliveries) {
    if (!seen.has(id)) {
      row.remove();
      ui.deliveries.delete(id);
    }
  }
  const fresh = page.entries.filter((v) => !ui.deliveries.has(v.id));
  for (const verdict of fresh) { // oldest first, so each prepend puts the newest on top
    const row = deliveryItem(verdict);
    ui.deliveries.set(verdict.id, row);
    list.prepend(row);
  }
  const news = fresh.filter((v) => !ui.own.has(v.id));
  if (ui.deliveriesLoaded && news.length) {
    const v = news[news.length - 1];
    announce(news.length === 1
      ? `New delivery #${v.id}: ${outcomeLabel(v.outcome)}, app ${v.appId}, user ${v.userId}.`
      : `${news.length} new deliveries; the newest, #${v.id}, ${outcomeLabel(v.outcome)}.`);
  }
  ui.deliveriesLoaded = true;
  $('deliveries-count').textContent = page.entries.length
    ? `newest ${page.entries.length} of ${page.total} (keeps ${page.capacity}) · newest first`
    : `no deliveries yet (${page.total} ever) · fire one above or open an app in the help desk`;
}

async function refreshRequests() {
  const page = await latest('requests', `/requests?limit=${REQUEST_LIMIT}`);
  if (!page) return;
  if (page.total < ui.totals.requests) forget(ui.requests);
  ui.totals.requests = page.total;
  const seen = new Set(page.entries.map((r) => r.sequence));
  for (const [sequence, row] of ui.requests) {
    if (!seen.has(sequence)) {
      row.remove();
      ui.requests.delete(sequence);
    }
  }
  const body = $('requests-list');
  for (const r of page.entries.filter((e) => !ui.requests.has(e.sequence))) {
    const statusKind = r.status < 300 ? 'pass-text' : r.status < 500 ? 'warn-text' : 'fail-text';
    const row = h('tr', { dataset: { sequence: r.sequence } },
      h('td', null, String(r.sequence)),
      h('td', null, h('time', { datetime: r.time }, clock(r.time))),
      h('td', null, r.method),
      h('td', { class: 'path' }, breakable(r.path)),
      h('td', { class: statusKind }, String(r.status)),
      h('td', null, Number(r.latencyMs).toFixed(1)),
      h('td', null, r.appId === undefined ? '—' : String(r.appId)),
      h('td', null, r.auth),
      h('td', { class: 'dim' }, r.correlationId));
    ui.requests.set(r.sequence, row);
    body.prepend(row);
  }
  $('requests-count').textContent = page.entries.length
    ? `newest ${page.entries.length} of ${page.total} (keeps ${page.capacity}) · newest first`
    : `no API calls yet (${page.total} ever)`;
}

// ---- state and polling -----------------------------------------------------------------------

async function refreshState() {
  const data = await latest('state', '/state');
  if (!data) return;
  const json = JSON.stringify(data);
  if (json === ui.stateJson) return;
  ui.stateJson = json;
  ui.data = data;
  renderApps();
  renderUsers();
  renderHelpdesk();
}

function renderHelpdesk() {
  const before = `${$('hd-portal').value}/${$('hd-user').value}`;
  renderHelpdeskPickers();
  const after = `${$('hd-portal').value}/${$('hd-user').value}`;
  if (before !== after) onPickUser();
  else act(() => refreshOffer(false));
}

async function refreshAll() {
  await refreshState();
  await Promise.all([refreshDeliveries(), refreshRequests()]);
}

async function poll() {
  if (!ui.locked && $('live').checked && !document.hidden) {
    try {
      await refreshAll();
    } catch {
      // shown in the connection line; the next tick retries
    }
  }
  setTimeout(poll, POLL_MS);
}

function wire() {
  $('token-form').addEventListener('submit', unlock);
  $('hd-portal').addEventListener('change', () => { renderUserPicker(); onPickUser(); });
  $('hd-user').addEventListener('change', onPickUser);
  $('live').addEventListener('change', () => setConnection($('live').checked ? 'live' : 'paused'));
  $('reset-all').addEventListener('click', () => act(async () => {
    await api('POST', '/reset', {});
    render($('hd-result'));
    say('State reset to the fixtures.');
    await refreshAll();
  }));
  $('fire-form').addEventListener('submit', (event) => {
    event.preventDefault();
    act(async () => {
      const verdict = await api('POST', '/fire', {
        appId: Number($('fire-app').value), portalId: Number($('fire-portal').value),
        userId: Number($('fire-user').value), force: $('fire-force').checked,
      });
      ui.own.add(verdict.id);
      say(`Fired #${verdict.id}: ${outcomeLabel(verdict.outcome)}.`);
      await refreshDeliveries();
    });
  });
  $('add-user').addEventListener('submit', (event) => {
    event.preventDefault();
    act(async () => {
      const portal = Number($('add-portal').value);
      const user = Number($('add-user-id').value);
      await api('PUT', `/portals/${portal}/users/${user}`, { supportsChannelConnection: $('add-flag').checked });
      say(`User ${user} declared in portal ${portal}.`);
      await refreshState();
    });
  });
  $('clear-deliveries').addEventListener('click', () => act(async () => {
    await api('DELETE', '/deliveries');
    say('Delivery journal emptied.');
    await refreshDeliveries();
  }));
  $('clear-requests').addEventListener('click', () => act(async () => {
    await api('DELETE', '/requests');
    say('API request journal emptied.');
    await refreshRequests();
  }));
  $('helpdesk-heading').setAttribute('tabindex', '-1');
}

async function start() {
  wire();
  // Health needs no token: the version shows even before the token is entered.
  fetch(`${API}/health`, { cache: 'no-store' }).then((r) => r.json())
    .then((health) => { $('version').textContent = `v${health.version}`; }).catch(() => {});
  try {
    await refreshAll();
  } catch (error) {
    if (error.status !== 401) say(error.message, 'error');
  }
  setTimeout(poll, POLL_MS);
}

start();
