// The hubspot-emulator dashboard: plain JavaScript, no build step, no dependencies, no network
// but this origin's control API (/_emulator/…). Replies from apps are untrusted, so the DOM is
// only ever built with createElement/textContent (never innerHTML, never eval); the CSP forbids
// inline code and other origins on top of that.
'use strict';

const POLL_MS = 1000;
const DELIVERY_LIMIT = 100;
const REQUEST_LIMIT = 200;
const CALL_LIMIT = 100; // inbound-call reports and call writes shown
const CRM_LIMIT = 100; // objects of each type the CRM view shows (the newest)

const ui = {
  stateJson: '', // the last /state reply, so that sections re-render only when it changed
  data: { apps: [], portals: [] },
  crmKey: '', // the last CRM page shown (it names its portal), for the same reason
  deliveriesLoaded: false, // the first page is not announced, only what arrives later
  own: new Set(), // deliveries this page made: the message line reports them already
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

// ---- help desk -------------------------------------------------------------------------------

function selectedUser() {
  const portal = Number($('hd-portal').value);
  const user = Number($('hd-user').value);
  return portal && user ? { portal, user } : null;
}

// Fills a portal picker from the state, keeping the current choice when it still exists.
function fillPortalPicker(select) {
  const portals = ui.data.portals || [];
  const keep = select.value;
  select.replaceChildren(...portals.map((p) =>
    h('option', { value: String(p.portalId), selected: String(p.portalId) === keep }, `portal ${p.portalId}`)));
  if (!portals.length) select.append(h('option', { value: '' }, '(no portals declared)'));
}

// Fills the portal and user pickers from the state, keeping the current choice when it still exists.
function renderHelpdeskPickers() {
  fillPortalPicker($('hd-portal'));
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

// The live journals: each view keeps its rows by the entry's key (rows are never rebuilt, so
// they keep their open state and the focus) and the journal's total (a drop means a restarted
// emulator: ids start again). Its elements are #NAME-list, #NAME-count and #clear-NAME.
function journal(name, label, limit, key, row, empty) {
  return { name, label, limit, key, row, empty, rows: new Map(), total: 0 };
}

const journals = {
  deliveries: journal('deliveries', 'Delivery journal', DELIVERY_LIMIT, (v) => v.id, deliveryItem,
    (total) => `no deliveries yet (${total} ever) · fire one above or open an app in the help desk`),
  'inbound-calls': journal('inbound-calls', 'Inbound-call journal', CALL_LIMIT, (r) => r.id, inboundCallItem,
    (total) => `no inbound calls yet (${total} ever) · apps send them to POST /crm/v3/extensions/calling/inbound-call`),
  'call-writes': journal('call-writes', 'Call-write journal', CALL_LIMIT, (r) => r.id, callWriteItem,
    (total) => `no calls written yet (${total} ever) · apps write them through /crm/v3/objects/calls`),
  requests: journal('requests', 'API request journal', REQUEST_LIMIT, (r) => r.sequence, requestRow,
    (total) => `no API calls yet (${total} ever)`),
};

// Fetches a journal's newest page and brings its view up to date: adds only new rows (newest
// first) and drops evicted ones, whatever arrives. The new entries (oldest first), or null when
// a newer fetch of the same journal overtook this one.
async function refreshJournal(view) {
  const page = await latest(view.name, `/${view.name}?limit=${view.limit}`);
  if (!page) return null;
  if (page.total < view.total) forget(view.rows);
  view.total = page.total;
  const seen = new Set(page.entries.map(view.key));
  for (const [key, row] of view.rows) {
    if (!seen.has(key)) {
      row.remove();
      view.rows.delete(key);
    }
  }
  const fresh = page.entries.filter((e) => !view.rows.has(view.key(e)));
  const list = $(`${view.name}-list`);
  for (const entry of fresh) { // oldest first, so each prepend puts the newest on top
    const row = view.row(entry);
    view.rows.set(view.key(entry), row);
    list.prepend(row);
  }
  $(`${view.name}-count`).textContent = page.entries.length
    ? `newest ${page.entries.length} of ${page.total} (keeps ${page.capacity}) · newest first`
    : view.empty(page.total);
  return fresh;
}

function forget(rows) {
  for (const row of rows.values()) row.remove();
  rows.clear();
}

// A journal entry that opens (Enter, a click) to show `body()`, built on first opening: most
// rows are never opened.
function expandable(props, summary, body) {
  const details = h('details', props, h('summary', null, summary));
  details.addEventListener('toggle', () => {
    if (!details.open || details.querySelector('.entry-body')) return;
    details.append(h('div', { class: 'entry-body' }, body()));
  });
  return details;
}

// "#12 10:00:00.000" at the start of a journal entry's line.
function entryHead(id, time) {
  return [h('span', { class: 'id' }, `#${id}`), ' ', h('time', { datetime: time }, clock(time))];
}

function deliveryItem(verdict) {
  return expandable({ class: 'delivery', id: `delivery-${verdict.id}`, dataset: { id: verdict.id, outcome: verdict.outcome } },
    [entryHead(verdict.id, verdict.time), ' ', summaryLine(verdict)],
    () => [
      h('div', { class: 'row' },
        h('button', { type: 'button', id: `replay-${verdict.id}`, disabled: !verdict.delivery, onclick: () => replay(verdict.id) },
          `Replay #${verdict.id}`),
        h('span', { class: 'dim' }, `${verdict.time}`)),
      findingsTable(verdict.findings),
      picker(verdict, null),
      verdict.delivery ? exchange(verdict.delivery) : h('p', { class: 'dim' }, 'Nothing was sent.')]);
}

function openDelivery(id) {
  const row = journals.deliveries.rows.get(id);
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

async function refreshDeliveries() {
  const fresh = await refreshJournal(journals.deliveries);
  if (!fresh) return;
  const news = fresh.filter((v) => !ui.own.has(v.id));
  if (ui.deliveriesLoaded && news.length) {
    const v = news[news.length - 1];
    announce(news.length === 1
      ? `New delivery #${v.id}: ${outcomeLabel(v.outcome)}, app ${v.appId}, user ${v.userId}.`
      : `${news.length} new deliveries; the newest, #${v.id}, ${outcomeLabel(v.outcome)}.`);
  }
  ui.deliveriesLoaded = true;
}

// A call judged as HubSpot would keep it: FAIL when HubSpot refused it or an error finding says
// the call loses its meaning, WARN when it is kept but shows something else than meant.
function callBadge(findings, status) {
  const has = (severity) => findings.some((f) => f.severity === severity);
  return badge(status >= 400 || has('error') ? 'fail' : has('warning') ? 'warn' : 'pass');
}

// The records HubSpot matched the caller to.
function callerMatches(report) {
  if (!report.callerIdMatches.length) {
    return h('p', { class: 'dim' }, `Caller ID: no contact or company has ${report.callerE164 || 'this number'}.`);
  }
  return table('matches', `Caller ID: ${report.callerE164} matched`, ['type', 'id', 'name'],
    report.callerIdMatches.map((m) => h('tr', null,
      cell('type', m.callerIdType.toLowerCase()),
      cell('id', String(m.objectCoordinates.objectId)),
      cell('name', m.callerIdType === 'CONTACT'
        ? [m.firstName, m.lastName].filter(Boolean).join(' ') || m.email || '—'
        : m.name || '—'))));
}

function inboundCallItem(report) {
  const written = report.engagementId ? ` · engagement ${report.engagement} #${report.engagementId}` : ' · no engagement';
  return expandable({ class: 'call-report', id: `inbound-call-${report.id}`, dataset: { id: report.id, status: report.status } },
    [entryHead(report.id, report.time), ' ', callBadge(report.findings, report.status),
      ` app ${report.appId} · portal ${report.portalId} · from ${report.request.fromNumber.e164Number} `,
      h('span', { class: 'nowrap' }, `→ ${report.status}`), written, findingCounts(report.findings)],
    () => [
      findingsTable(report.findings),
      callerMatches(report),
      exchangeView(
        [h('pre', { class: 'headers' }, `POST ${report.path}`), h('pre', { class: 'body' }, JSON.stringify(report.request, null, 2))],
        [h('pre', { class: 'headers' }, `HTTP ${report.status}`),
          report.error ? h('pre', { class: 'body fail-text' }, report.error)
            : h('p', null, report.engagementId ? `Call engagement ${report.engagementId} ${report.engagement}.` : 'No call engagement written (createEngagement is false).')])]);
}

function callWriteItem(report) {
  return expandable({ class: 'call-write', id: `call-write-${report.id}`, dataset: { id: report.id, callId: report.callId } },
    [entryHead(report.id, report.time), ' ', callBadge(report.findings, 200),
      ` app ${report.appId} · portal ${report.portalId} · `, h('span', { class: 'url' }, breakable(report.request)),
      ` · call #${report.callId}`, findingCounts(report.findings)],
    () => [
      findingsTable(report.findings),
      exchangeView([h('pre', { class: 'headers' }, report.request)],
        [h('p', { class: 'dim' }, `Call ${report.callId} as it stands after the write:`),
          h('pre', { class: 'body' }, JSON.stringify(report.properties, null, 2))])]);
}

function requestRow(r) {
  const statusKind = r.status < 300 ? 'pass-text' : r.status < 500 ? 'warn-text' : 'fail-text';
  return h('tr', { dataset: { sequence: r.sequence } },
    h('td', null, String(r.sequence)),
    h('td', null, h('time', { datetime: r.time }, clock(r.time))),
    h('td', null, r.method),
    h('td', { class: 'path' }, breakable(r.path)),
    h('td', { class: statusKind }, String(r.status)),
    h('td', null, Number(r.latencyMs).toFixed(1)),
    h('td', null, r.appId === undefined ? '—' : String(r.appId)),
    h('td', null, r.auth),
    h('td', { class: 'dim' }, r.correlationId));
}

// ---- the CRM ---------------------------------------------------------------------------------

const prop = (name) => (o) => o.properties[name] ?? '—';
const fullName = (o) => [o.properties.firstname, o.properties.lastname].filter(Boolean).join(' ') || '—';

// hs_timestamp as a reader wants it: Unix milliseconds or ISO-8601, shown as UTC.
function when(value) {
  if (value === undefined) return '—';
  const date = /^\d+$/.test(value) ? new Date(Number(value)) : new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString().replace('T', ' ').replace(/\.000Z$/, 'Z');
}

// hs_call_duration (milliseconds) as a reader says it: "1 min 35 s", or "95 ms" — which is how
// a duration sent in seconds gives itself away.
function duration(value) {
  if (value === undefined) return '—';
  const ms = Number(value);
  if (!/^\d+$/.test(value)) return value;
  if (ms < 1000) return `${ms} ms`;
  const seconds = Math.round(ms / 1000);
  const parts = [[Math.floor(seconds / 86400), 'd'], [Math.floor(seconds / 3600) % 24, 'h'],
    [Math.floor(seconds / 60) % 60, 'min'], [seconds % 60, 's']];
  // The two largest units are enough to read a length: "1099 d 12 h", "1 min 35 s".
  const first = parts.findIndex(([n]) => n);
  return parts.slice(first < 0 ? 3 : first, first < 0 ? 4 : first + 2).map(([n, unit]) => `${n} ${unit}`).join(' ');
}

// The contacts and companies a call is associated with, by name and id.
function associated(call) {
  const links = ['contacts', 'companies'].flatMap((type) => {
    const shown = call.associations[type] || [];
    const more = (call.associationCounts[type] || 0) - shown.length;
    return [...shown.map((a) => h('span', { class: 'assoc', dataset: { type, id: a.id } },
      a.name || (type === 'contacts' ? 'contact' : 'company'), ' ', h('span', { class: 'dim' }, `#${a.id}`))),
    more > 0 ? h('span', { class: 'assoc dim' }, `+${more} more ${type}`) : null];
  }).filter(Boolean);
  if (!links.length) return h('span', { class: 'dim' }, 'no contact or company');
  return links.flatMap((link, i) => (i ? [' · ', link] : [link]));
}

const CRM_TABLES = {
  contacts: ['Contacts', [['id', (o) => o.id], ['name', fullName], ['email', prop('email')], ['phone', prop('phone')],
    ['mobilephone', prop('mobilephone')], ['owner', prop('hubspot_owner_id')]]],
  companies: ['Companies', [['id', (o) => o.id], ['name', prop('name')], ['phone', prop('phone')], ['domain', prop('domain')]]],
  calls: ['Calls', [['id', (o) => o.id], ['time', (o) => when(o.properties.hs_timestamp)], ['direction', prop('hs_call_direction')],
    ['status', prop('hs_call_status')], ['duration', (o) => duration(o.properties.hs_call_duration)],
    ['from', prop('hs_call_from_number')], ['to', prop('hs_call_to_number')], ['external id', prop('hs_call_external_id')],
    ['owner', prop('hubspot_owner_id')]]],
};

function crmRows(type, object, columns) {
  const row = h('tr', { class: 'object', dataset: { id: object.id } }, columns.map(([label, show]) => cell(label, show(object))));
  if (type !== 'calls') return row;
  // Under each call, on a row of its own: what it is associated with, and its verdict, the
  // findings in the look of every other verdict (a table this wide has no room for them beside).
  return [row, h('tr', { class: 'call-details', dataset: { callId: object.id } },
    h('td', { colspan: columns.length, 'data-label': '' },
      h('p', { class: 'call-verdict' }, callBadge(object.findings, 200), findingCounts(object.findings),
        ' · associated with ', associated(object)),
      object.findings.length ? findingsTable(object.findings) : null))];
}

function crmPart(page, type) {
  const [title, columns] = CRM_TABLES[type];
  const objects = page[type] || [];
  const count = page.counts[type];
  const id = `crm-${type}`;
  return h('section', { class: 'crm-part', 'aria-labelledby': `${id}-heading` },
    h('h3', { id: `${id}-heading` }, `${title} `,
      h('span', { class: 'dim' }, objects.length < count ? `(newest ${objects.length} of ${count})` : `(${count})`)),
    objects.length
      ? h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-labelledby': `${id}-heading` },
        table(`crm ${id}`, null, columns.map(([label]) => label), objects.map((o) => crmRows(type, o, columns))))
      : h('p', { class: 'dim' }, `No ${type} in this portal.`));
}

async function refreshCrm(force) {
  const portal = $('crm-portal').value;
  if (!portal) {
    ui.crmKey = '';
    render($('crm-view'), h('p', { class: 'dim' }, 'No portal declared.'));
    return;
  }
  let page;
  try {
    page = await latest('crm', `/portals/${portal}/crm?limit=${CRM_LIMIT}`);
  } catch (error) {
    if (error.status === 401 || error.status === 0) throw error;
    ui.crmKey = '';
    render($('crm-view'), h('p', { class: 'fail-text' }, error.message));
    return;
  }
  if (!page || String(page.portalId) !== $('crm-portal').value) return;
  const key = JSON.stringify(page);
  if (!force && key === ui.crmKey) return;
  ui.crmKey = key;
  render($('crm-view'), ['contacts', 'companies', 'calls'].map((type) => crmPart(page, type)));
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
  fillPortalPicker($('crm-portal')); // refreshCrm follows in every refresh
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
  await Promise.all([refreshDeliveries(), refreshCrm(false),
    ...['inbound-calls', 'call-writes', 'requests'].map((name) => refreshJournal(journals[name]))]);
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
    ui.crmKey = '';
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
  for (const view of Object.values(journals)) {
    $(`clear-${view.name}`).addEventListener('click', () => act(async () => {
      await api('DELETE', `/${view.name}`);
      say(`${view.label} emptied.`);
      await refreshJournal(view);
    }));
  }
  $('crm-portal').addEventListener('change', () => act(() => refreshCrm(true)));
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
