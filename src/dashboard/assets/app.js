// The hubspot-emulator dashboard: plain JavaScript, no build step, no dependencies, no network
// but this origin's control API (/_emulator/…). Replies from apps are untrusted, so the DOM is
// only ever built with createElement/textContent (never innerHTML, never eval); the CSP forbids
// inline code and other origins on top of that.
'use strict';

const POLL_MS = 1000;
const DELIVERY_LIMIT = 100;
const REQUEST_LIMIT = 200;

const ui = {
  stateJson: '', // the last /state reply, so that sections re-render only when it changed
  data: { apps: [], portals: [] },
  deliveries: new Map(), // journal id → its <details>; rows are never rebuilt (open state, focus)
  requests: new Map(), // sequence → its <tr>
  deliveriesLoaded: false, // the first page is not announced, only what arrives later
  own: new Set(), // deliveries this page made: the message line reports them already
  totals: { deliveries: 0, requests: 0 }, // a drop means a restarted emulator: ids start again
};

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
  if (!gate.locked && $('live').checked && !document.hidden) {
    try {
      await refreshAll();
    } catch {
      // shown in the connection line; the next tick retries
    }
  }
  setTimeout(poll, POLL_MS);
}

// What shared.js asks of this page.
function plugIn() {
  hooks.connection = (kind) => setConnection(kind === 'ok' ? ($('live').checked ? 'live' : 'paused') : kind);
  hooks.reload = async () => {
    ui.stateJson = '';
    await refreshAll();
  };
  hooks.unlocked = () => $('helpdesk-heading').focus();
  hooks.who = selectedUser;
  hooks.fired = async (verdict) => {
    ui.own.add(verdict.id);
    await refreshDeliveries();
  };
  hooks.deliveryLink = (id) => h('a', { href: `#delivery-${id}`, onclick: () => openDelivery(id) }, `delivery #${id}`);
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
  plugIn();
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
