// The calling host page: HubSpot's side of the Calling Extensions SDK, in a page that stands in
// for a record page with the calling widget. A thin relay: the brain is the emulator.
//
// - It asks the control API for a host session (POST /_emulator/sdk/sessions): the app's widget
//   settings, the SYNC fields, the record shown, and an event-stream URL.
// - It hosts the app's iframe with HubSpot's own IFrameManager (the vendored SDK), subclassed as
//   HubSpot does it: its SYNC carries portalId, userId, ownerId, engagementId, iframeLocation and
//   usesCallingWindow, and the SYNC_ACK is captured.
// - Every message from the app is POSTed to …/messages; the answer's replies are sent to the app
//   in order and its actions applied (resize, hide/show, navigate, status, notice).
// - Commands (dial, hang up, visibility) arrive on the session's event stream, whoever sent them
//   (this page's buttons, the CLI, a scenario), and are sent to the app.
// - The message log polls the journal (GET /_emulator/sdk/messages?after=).
//
// Apps are untrusted: their data only ever becomes text nodes (shared.js's h()).
'use strict';

const T = window.Constants.messageType;
const LOG_POLL_MS = 500;
const LOG_LIMIT = 200;
const LOG_KEEP = 500; // rows kept on the page; older ones are dropped (the journal keeps its own)

const calling = {
  params: readParams(),
  session: null, // the current session: the answer of POST /sdk/sessions
  sessions: new Set(), // every session this page opened (the log shows their messages)
  host: null, // the HubSpotHost hosting the widget
  events: null, // the current session's EventSource
  ready: false, // the handshake is done: messages to the app are delivered
  pending: [], // commands that arrived before the handshake finished
  relay: Promise.resolve(), // the POSTs to the emulator, one after the other, in order
  lastEntry: 0, // the newest journal entry shown
  logTotal: 0,
  visibility: { isMinimized: false, isHidden: false },
  closedByHubSpot: false, // hidden after CALL_COMPLETED (the `hide` action), until `show`
  started: false,
};

// ---- the page's URL ----------------------------------------------------------------------------

// ?appId=&portalId=&userId=&widgetUrl= (all optional): ids are sent as numbers when they are
// whole numbers and as written otherwise, so that the emulator explains what is wrong with them.
function readParams() {
  const query = new URLSearchParams(location.search);
  const params = {};
  for (const name of ['appId', 'portalId', 'userId']) {
    const value = query.get(name);
    if (value !== null && value !== '') params[name] = /^\d+$/.test(value) ? Number(value) : value;
  }
  const widgetUrl = query.get('widgetUrl');
  if (widgetUrl) params.widgetUrl = widgetUrl;
  return params;
}

// The app, portal and user of the current session: what the command endpoints need.
function coordinates() {
  const s = calling.session;
  return { appId: s.appId, portalId: s.portalId, userId: s.userId };
}

// ---- hosting the widget: HubSpot's side of the SDK ---------------------------------------------

// IFrameManager as HubSpot uses it: the SDK's own host sends only `type` and `hostUrl` in its
// SYNC; HubSpot's carries the fields the app reads in onReady.
class HubSpotHost extends window.IFrameManager {
  sendSync() {
    const limit = (calling.session && calling.session.limits.syncAckWithinMs) || 30000;
    if (Date.now() - this.firstSyncSent > limit) {
      this.onMessageHandler({ type: T.SYNC_ACK_FAILED });
      return;
    }
    // Our own message id, so that the first SYNC of each handshake can be journaled with it; the
    // callback is registered as sendMessage would have (it registers none for a given id).
    const messageId = window.IFrameManager.createMessageId(this.instanceId);
    const sync = { type: T.SYNC, hostUrl: location.origin, ...this.syncFields, messageId };
    this.callbacks[messageId] = (ack) => this.acknowledged(ack);
    if (this.journaledHandshake !== this.firstSyncSent) {
      this.journaledHandshake = this.firstSyncSent;
      const { type, messageId: id, ...data } = sync;
      post('toApp', { type, data, messageId: id });
    }
    this.sendMessage(sync);
    // The app may load the SDK late: HubSpot repeats the SYNC until it is acknowledged.
    window.setTimeout(() => {
      if (this.iFrame && !this.isReady) this.sendSync();
    }, 100);
  }

  acknowledged(ack) {
    this.destinationHost = ack.iFrameUrl || this.destinationHost;
    this.debugMode = ack && ack.debugMode;
    const { type, messageId, ...data } = ack;
    relayFromApp({ type: type || T.SYNC_ACK, data, messageId });
    this.onReady();
  }
}

// Hosts the session's widget in #cti (replacing any earlier iframe).
function hostWidget(session) {
  calling.ready = false;
  calling.pending = [];
  const { widget } = session;
  const host = new HubSpotHost({
    debugMode: false,
    iFrameOptions: {
      src: widget.url,
      width: `${widget.width}px`,
      height: `${widget.height}px`,
      hostElementSelector: '#cti',
    },
    onMessageHandler: (message) => onAppMessage(host, message),
  });
  host.syncFields = session.sync;
  host.iFrame.title = `${widget.name} calling widget`;
  host.iFrame.addEventListener('load', () => {
    if (calling.host === host) post('host', { type: 'WIDGET_LOADED', data: { url: widget.url } });
  });
  calling.host = host;
  showSize(widget.width, widget.height);
  setWidgetState(`Loading ${widget.url} …`);
}

// Everything IFrameManager hands the host: READY (its own, after the SYNC_ACK), SYNC_ACK_FAILED
// (30 s without an acknowledgement, or the iframe failed to load), and every message of the app.
function onAppMessage(host, message) {
  if (host !== calling.host) return; // a widget already replaced
  if (message.type === T.READY) {
    calling.ready = true;
    setWidgetState('Handshake done (SYNC, SYNC_ACK).');
    for (const command of calling.pending.splice(0)) host.sendMessage(command);
    return;
  }
  if (message.type === T.SYNC_ACK_FAILED) {
    setWidgetState('The widget never acknowledged the SYNC: HubSpot gives up after 30 s.', 'error');
    post('host', { type: T.SYNC_ACK_FAILED });
    return;
  }
  if (message.type === T.INCOMING_CALL) reopen(); // a ringing call shows the widget
  relayFromApp({ type: message.type, data: message.data, messageId: message.messageId });
}

// A widget HubSpot closed after a call opens again for the next one (an assumption:
// docs/calling-widget.md).
function reopen() {
  if (!calling.closedByHubSpot) return;
  calling.closedByHubSpot = false;
  showFrame();
}

// A message from the app goes to the emulator, which journals and judges it and answers with
// HubSpot's replies (sent to the app in order) and what the page must do.
function relayFromApp(message) {
  const host = calling.host;
  post('fromApp', message, (answer) => {
    for (const reply of answer.replies || []) {
      if (calling.host === host) host.sendMessage({ type: reply.type, data: reply.data });
    }
    for (const action of answer.actions || []) applyAction(action);
  });
}

// POSTs to the session's message endpoint, one at a time in the order called: the emulator
// must see the SYNC before the SYNC_ACK, and each message before the next.
function post(direction, message, then) {
  const sessionId = calling.session.sessionId;
  calling.relay = calling.relay.then(async () => {
    try {
      const answer = await api('POST', `/sdk/sessions/${encodeURIComponent(sessionId)}/messages`, { direction, ...message });
      if (then && answer) then(answer);
    } catch (error) {
      if (error.status !== 401) say(`Relaying ${message.type}: ${error.message}`, 'error');
    }
    refreshLog(); // the journal has the message now
  });
  return calling.relay;
}

// ---- commands and actions --------------------------------------------------------------------------

// A command from the event stream: a message HubSpot sends the app (already journaled).
function onCommand(command) {
  if (command.type === T.VISIBILITY_CHANGED && command.data) showVisibility(command.data);
  if (command.type === T.DIAL_NUMBER) reopen(); // clicking a number opens the calling widget
  if (calling.ready) calling.host.sendMessage({ type: command.type, data: command.data });
  else calling.pending.push({ type: command.type, data: command.data });
  refreshLog();
}

function applyAction(action) {
  switch (action.kind) {
    case 'resize':
      calling.host.updateIFrameSize({ width: action.width, height: action.height });
      showSize(action.width, action.height);
      break;
    case 'hide': // after CALL_COMPLETED (unless hideWidget: false), or the user hid it
      calling.closedByHubSpot = true;
      showFrame();
      setWidgetState('HubSpot closed the widget (Show opens it again).');
      break;
    case 'show':
      calling.closedByHubSpot = false;
      showFrame();
      setWidgetState('');
      break;
    case 'navigate':
      act(() => navigate(action));
      break;
    case 'status':
      showStatus(action.loggedIn, action.available);
      break;
    case 'notice':
      say(action.message);
      break;
    default:
      say(`The emulator asked for an action this page does not know: ${action.kind}`, 'error');
  }
}

// NAVIGATE_TO_RECORD: the page shows the record. A widget embedded in the record page goes with
// the page: it is hosted anew, in a new session whose SYNC carries the engagementId. A calling
// window or a remote widget lives outside the record page and keeps its iframe (an assumption:
// docs/calling-widget.md).
async function navigate(action) {
  const record = action.record || { objectTypeId: action.objectTypeId, objectId: String(action.objectId) };
  showRecord(record);
  if (!embedded(calling.session.widget)) {
    say(`Navigated to ${recordLabel(record)}; the ${placement(calling.session.widget).name} stays open.`);
    return;
  }
  say(`Navigated to ${recordLabel(record)}; the embedded widget reloads with engagementId ${action.engagementId}.`);
  await openSession({
    engagementId: action.engagementId,
    record: { objectTypeId: action.objectTypeId, objectId: String(action.objectId) },
  });
}

// ---- sessions and their event streams ---------------------------------------------------------------

// Creates a session and hosts its widget; the new stream is open before the old one closes, so
// commands always have a page to go to (and the emulator can hand a call over).
async function openSession(extra) {
  const session = await api('POST', '/sdk/sessions', { ...calling.params, ...extra });
  const events = await connect(session);
  const old = { host: calling.host, events: calling.events };
  calling.session = session;
  calling.sessions.add(session.sessionId);
  calling.events = events;
  calling.closedByHubSpot = false;
  if (old.host) old.host.remove();
  if (old.events) old.events.close();
  setConnectionState('live');
  showSession(session);
  hostWidget(session);
}

// Opens the session's event stream; resolves once it is connected.
function connect(session) {
  return new Promise((resolve, reject) => {
    const events = new EventSource(session.events);
    let open = false;
    events.addEventListener('open', () => {
      if (!open) resolve(events);
      open = true;
      if (calling.events === events) setConnectionState('live');
    });
    events.addEventListener('error', () => {
      if (events.readyState === EventSource.CLOSED) {
        if (!open) reject(new ApiError(0, `The event stream of session ${session.sessionId} did not open.`));
        else if (calling.events === events) setConnectionState('closed');
      } else if (calling.events === events) {
        setConnectionState('reconnecting');
      }
    });
    events.addEventListener('command', (event) => {
      if (calling.events === events) onCommand(JSON.parse(event.data));
    });
    events.addEventListener('action', (event) => {
      if (calling.events === events) applyAction(JSON.parse(event.data));
    });
  });
}

// ---- what the page shows ------------------------------------------------------------------------

const CONNECTION_STATES = {
  live: ['connected', 'pass-text'],
  reconnecting: ['event stream lost: reconnecting…', 'warn-text'],
  closed: ['event stream closed: reload the page', 'fail-text'],
  offline: ['offline — is the emulator still running?', 'fail-text'],
  locked: ['locked: control token needed', 'warn-text'],
};
function setConnectionState(kind) {
  const [text, className] = CONNECTION_STATES[kind] || CONNECTION_STATES.live;
  $('connection').textContent = text;
  $('connection').className = className;
}

// Where HubSpot shows the widget, from the app's settings (usesRemote wins: the app is anchored
// in the navigation bar; then the calling window; else the widget sits in the record page).
function placement(widget) {
  if (widget.usesRemote) {
    return { name: 'remote widget', text: 'Remote (usesRemote: true): anchored in HubSpot\'s navigation bar; stays open across record pages.' };
  }
  if (widget.usesCallingWindow) {
    return { name: 'calling window', text: 'Calling window (usesCallingWindow: true): HubSpot\'s separate calling window; it keeps the call across record pages.' };
  }
  return { name: 'embedded widget', text: 'Embedded in the record page (usesCallingWindow: false): it reloads when the page moves to another record.' };
}
const embedded = (widget) => !widget.usesRemote && !widget.usesCallingWindow;

function showSession(session) {
  const { widget } = session;
  $('who').textContent = `${session.appName} (app ${session.appId}) · portal ${session.portalId} · user ${session.userId}`
    + ` · session ${session.sessionId}`;
  $('widget-heading').textContent = `${widget.name} · ${placement(widget).name}`;
  $('placement').textContent = `${placement(widget).text} iframeLocation "${session.sync.iframeLocation}".`
    + (widget.supportsInboundCalling ? '' : ' supportsInboundCalling is false: HubSpot would not route incoming calls to it.');
  showRecord(session.record);
  showFrame();
}

const OBJECT_TYPES = { '0-1': 'Contact', '0-2': 'Company' };
const recordLabel = (record) => `${OBJECT_TYPES[record.objectTypeId] || record.objectTypeId} ${record.name || `#${record.objectId}`}`;

// The record card: what HubSpot shows of the contact or company, its numbers with Call buttons.
function showRecord(record) {
  const card = $('record-card');
  if (!record) {
    render(card, h('p', { class: 'dim' }, 'No record: the portal has no contact. Dial a number below.'));
    return;
  }
  const phones = record.phones || [];
  render(card,
    h('p', { class: 'dim' }, `${OBJECT_TYPES[record.objectTypeId] || `object ${record.objectTypeId}`} · record ${record.objectId}`),
    h('h3', { id: 'record-name' }, record.name || '(no name)'),
    phones.length
      ? h('ul', { class: 'phones' }, phones.map((phone, i) => h('li', null,
        h('span', { class: 'dim' }, `${phone.property} `),
        h('span', { class: 'number' }, phone.value), ' ',
        h('button', { type: 'button', id: `call-${i}`, class: 'small', onclick: () => dial(phone.value, record) }, `Call ${phone.value}`))))
      : h('p', { class: 'dim' }, record.phones ? 'No phone number on this record.' : ''));
}

// The widget's frame as HubSpot would show it: minimized to its title bar, or hidden (closed
// after a call, or by the user); never removed, so that the app keeps running.
function showFrame() {
  const frame = $('widget-frame');
  const hidden = calling.visibility.isHidden || calling.closedByHubSpot;
  frame.classList.toggle('minimized', calling.visibility.isMinimized && !hidden);
  frame.classList.toggle('hidden', hidden);
  $('minimize').setAttribute('aria-pressed', String(calling.visibility.isMinimized));
  $('hide').setAttribute('aria-pressed', String(calling.visibility.isHidden));
  $('minimize').textContent = calling.visibility.isMinimized ? 'Restore' : 'Minimize';
  $('hide').textContent = calling.visibility.isHidden || calling.closedByHubSpot ? 'Show' : 'Hide';
}

function showVisibility(data) {
  calling.visibility = { isMinimized: Boolean(data.isMinimized), isHidden: Boolean(data.isHidden) };
  if (!data.isHidden) calling.closedByHubSpot = false;
  showFrame();
}

function showSize(width, height) {
  $('widget-size').textContent = `iframe ${width} × ${height} px (registered, or the app's last resize)`;
}

function setWidgetState(text, kind) {
  $('widget-state').textContent = text;
  $('widget-state').className = kind === 'error' ? 'fail-text' : 'dim';
}

function showStatus(loggedIn, available) {
  const chip = (id, label, value) => {
    const known = typeof value === 'boolean';
    $(id).textContent = `${label}: ${known ? (value ? 'yes' : 'no') : '?'}`;
    $(id).className = `chip ${known ? (value ? 'pass-text' : 'warn-text') : 'dim'}`;
    $(id).dataset.state = known ? String(value) : 'unknown';
  };
  if (loggedIn !== undefined) chip('status-logged-in', 'logged in', loggedIn);
  if (available !== undefined) chip('status-available', 'available', available);
}

// ---- the message log ------------------------------------------------------------------------------

const DIRECTIONS = { toApp: 'HubSpot → app', fromApp: 'app → HubSpot' };

function logRow(entry) {
  const findings = entry.findings || [];
  const worst = ['error', 'warning', 'info'].find((s) => findings.some((f) => f.severity === s));
  const data = entry.data === undefined || entry.data === null ? '' : dataLines(entry.data);
  return h('li', { class: `entry ${entry.direction}${worst ? ` has-${worst}` : ''}`, id: `entry-${entry.id}`,
    dataset: { id: entry.id, type: entry.type, direction: entry.direction, session: entry.sessionId } },
  h('div', { class: 'line' },
    h('span', { class: 'dir' }, DIRECTIONS[entry.direction] || entry.direction), ' ',
    h('code', { class: 'type' }, entry.type), ' ',
    h('span', { class: 'dim meta' }, h('time', { datetime: entry.time }, clock(entry.time)), ` #${entry.id} · ${entry.sessionId}`)),
  data && h('pre', { class: 'data' }, data),
  findings.length ? h('ul', { class: 'findings' }, findings.map((f) => h('li', { dataset: { code: f.code, severity: f.severity } },
    severity(f.severity), ' ', h('code', null, f.code), f.pointer ? [' ', h('code', { class: 'dim' }, f.pointer)] : null, ' ', f.message))) : null);
}

// A message's data as one `key: value` line per field (values as JSON), easier to scan than one
// long JSON line; other values as JSON.
function dataLines(data) {
  if (typeof data !== 'object' || Array.isArray(data)) return JSON.stringify(data);
  const keys = Object.keys(data);
  if (!keys.length) return '{}';
  return keys.map((key) => `${key}: ${JSON.stringify(data[key])}`).join('\n');
}

let logBusy = false;
let logAgain = false;
// Appends the journal's new entries of this page's sessions; one request at a time (a call made
// meanwhile asks for one more round).
async function refreshLog() {
  if (gate.locked || !calling.session) return;
  if (logBusy) {
    logAgain = true;
    return;
  }
  logBusy = true;
  try {
    do {
      logAgain = false;
      const page = await api('GET', `/sdk/messages?after=${calling.lastEntry}&limit=${LOG_LIMIT}`);
      const list = $('log-list');
      if (page.total < calling.logTotal) { // the emulator restarted or the journal was cleared
        list.replaceChildren();
        calling.lastEntry = 0;
      }
      calling.logTotal = page.total;
      const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
      for (const entry of page.entries) {
        calling.lastEntry = Math.max(calling.lastEntry, entry.id);
        if (calling.sessions.has(entry.sessionId)) list.append(logRow(entry));
      }
      while (list.children.length > LOG_KEEP) list.firstElementChild.remove();
      if (atBottom) list.scrollTop = list.scrollHeight;
      $('log-count').textContent = `${list.children.length} message(s) of this page · journal total ${page.total} (keeps ${page.capacity})`;
      if (page.entries.length === LOG_LIMIT) logAgain = true;
    } while (logAgain);
  } catch {
    // shown in the connection line; the next tick retries
  } finally {
    logBusy = false;
  }
}

// The session-level findings (not-initialized, handshake-failed, call-never-completed) and the
// user's status, from the sessions listing.
async function refreshSessions() {
  if (gate.locked || !calling.session) return;
  const listing = await latest('sessions', '/sdk/sessions');
  if (!listing) return;
  const mine = listing.sessions.filter((s) => calling.sessions.has(s.sessionId));
  const current = mine.find((s) => s.sessionId === calling.session.sessionId);
  if (current) showStatus(current.loggedIn, current.available);
  const findings = mine.flatMap((s) => (s.findings || []).map((f) => ({ ...f, sessionId: s.sessionId })));
  const key = JSON.stringify(findings);
  if (key === calling.sessionFindingsKey) return;
  calling.sessionFindingsKey = key;
  if (!findings.length) render($('session-findings'));
  else render($('session-findings'), h('div', { class: 'session-findings' }, h('h3', null, 'Session findings'), findingsTable(findings)));
}

async function poll() {
  if (!document.hidden) {
    await refreshLog();
    try {
      await refreshSessions();
    } catch {
      // the connection line says so
    }
  }
  setTimeout(poll, LOG_POLL_MS);
}

// ---- the buttons -------------------------------------------------------------------------------------

async function dial(number, record) {
  await act(async () => {
    const body = { ...coordinates(), toNumber: number };
    if (record && record.objectTypeId === '0-1') body.contactId = String(record.objectId);
    await api('POST', '/sdk/dial', body);
    say(`Dialling ${number}: DIAL_NUMBER sent to the app.`);
  });
}

function wire() {
  $('token-form').addEventListener('submit', unlock);
  $('dial-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const number = $('dial-number').value.trim();
    if (number) dial(number, null);
  });
  $('hangup').addEventListener('click', () => act(async () => {
    await api('POST', '/sdk/hangup', coordinates());
    say('Hang-up: END_CALL sent to the app.');
  }));
  $('minimize').addEventListener('click', () => setVisibility({ isMinimized: !calling.visibility.isMinimized }));
  $('hide').addEventListener('click', () => {
    if (calling.closedByHubSpot && !calling.visibility.isHidden) {
      calling.closedByHubSpot = false; // reopening a widget HubSpot closed after a call
      showFrame();
      return;
    }
    setVisibility({ isHidden: !calling.visibility.isHidden });
  });
  $('open-helpdesk').addEventListener('click', () => {
    $('helpdesk-dialog').showModal();
    $('helpdesk-heading').focus();
    act(() => refreshOffer(true));
  });
}

// The user minimizes or hides the widget: HubSpot tells the app (VISIBILITY_CHANGED); the frame
// changes when that command comes back on the event stream, as it does for the CLI's.
function setVisibility(change) {
  act(async () => {
    await api('POST', '/sdk/visibility', { ...coordinates(), ...calling.visibility, ...change });
  });
}

function plugIn() {
  hooks.connection = (kind) => {
    if (kind === 'ok') {
      if (['offline', 'locked'].includes($('connection').dataset.kind)) setConnectionState('live');
    } else setConnectionState(kind);
    $('connection').dataset.kind = kind;
  };
  hooks.reload = begin;
  hooks.unlocked = () => $('widget-heading').focus();
  hooks.who = () => (calling.session ? { portal: calling.session.portalId, user: calling.session.userId } : null);
  hooks.fired = async () => {};
  hooks.deliveryLink = (id) => h('a', { href: `./#delivery-${id}`, target: '_blank', rel: 'noopener' }, `delivery #${id} in the dashboard`);
}

// Opens the first session (again after the token was entered).
async function begin() {
  if (calling.started) return;
  try {
    await openSession({});
  } catch (error) {
    if (error.status === 401) throw error; // the token form is up; unlock() calls again
    say(error.message, 'error');
    setWidgetState('No widget: see the message above.', 'error');
    return;
  }
  calling.started = true;
  say(`Hosting ${calling.session.widget.url}.`);
  await refreshLog();
}

async function start() {
  plugIn();
  wire();
  fetch(`${API}/health`, { cache: 'no-store' }).then((r) => r.json())
    .then((health) => { $('version').textContent = `v${health.version}`; }).catch(() => {});
  await begin().catch(() => {}); // 401: the token form asks for the token
  setTimeout(poll, LOG_POLL_MS);
}

start();
