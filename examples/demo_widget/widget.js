// The demo app's calling widget, on HubSpot's Calling Extensions SDK (CallingExtensions, from the
// vendored @hubspot/calling-extensions-sdk 0.9.7). It plays a calling app's side of both of
// HubSpot's sequences, as HubSpot documents them:
//
// Outbound: HubSpot sends DIAL_NUMBER (the user clicked a number) → OUTGOING_CALL_STARTED with
//   createEngagement → HubSpot creates the call (CREATE_ENGAGEMENT_SUCCEEDED) → the callee answers
//   (CALL_ANSWERED) → hang-up, here or in HubSpot (END_CALL) → CALL_ENDED → CALL_COMPLETED with the
//   engagement's properties → UPDATE_ENGAGEMENT_SUCCEEDED → FINALIZE_ENGAGEMENT.
// Inbound: the line rings (the Ring button, or POST /widget/ring pushed over GET /widget/events)
//   → INCOMING_CALL with createEngagement → CALLER_ID_MATCH_SUCCEEDED and CREATE_ENGAGEMENT_SUCCEEDED
//   → NAVIGATE_TO_RECORD to the caller's record. A widget embedded in the record page
//   (iframeLocation "widget") is then reloaded by HubSpot with the engagementId in its SYNC: it
//   restores the call (kept in sessionStorage by engagementId), re-INITIALIZEs with the
//   engagementId and goes on; a calling window is not reloaded and goes on at once. The agent
//   answers; hang-up, completion and finalization as above.
//
// `?broken=NAME` makes one classic mistake (VARIANTS below), so that the emulator's judge can be
// seen catching it. Everything else stays correct, so that the mistake's finding stands out.
'use strict';

const CallingExtensions = window.default;
const { messageType } = window.Constants;

const VARIANTS = {
  'never-initialized': 'never sends INITIALIZED after the handshake',
  'completed-without-engagement': 'asks no engagement and completes its calls without an engagementId',
  'never-completes': 'ends its calls but never completes them (no CALL_COMPLETED)',
  'mistyped-fields': 'sends OUTGOING_CALL_STARTED with a string createEngagement and an ISO callStartTime',
  'unknown-type': 'sends a message type the SDK does not have (CALL_RINGING)',
  'raw-before-handshake': 'posts a raw message to HubSpot while its page is still loading, before the SYNC handshake',
};
const BROKEN = new URLSearchParams(location.search).get('broken') || '';

const LINE_NUMBER = '+14155552671'; // the demo app's line (its first number in the channel connection)
const SIZE = { width: 400, height: 600 }; // as registered
const ANSWER_AFTER_MS = 300; // the callee (outbound) or the agent (inbound) picks up
const DISPOSITIONS = { // HubSpot's default call outcomes (hs_call_disposition)
  connected: 'f240bbac-87c9-4f6e-bf70-924b57d47db7',
  noAnswer: '73a0d17f-1163-4015-bdd5-ec830791da20',
};
const STORE_PREFIX = 'demo-widget:call:'; // sessionStorage, by engagementId

const widget = {
  loggedIn: true,
  available: true,
  host: {}, // what HubSpot's SYNC said (onReady): portalId, userId, ownerId, iframeLocation, …
  call: null,
  timer: 0,
};

const $ = (id) => document.getElementById(id);

// ---- the broken variant that acts before the SDK exists ------------------------------------------

if (BROKEN === 'raw-before-handshake') {
  // The page is still loading (a late script here; images and fonts in real apps), and HubSpot
  // sends its SYNC only once it has loaded …
  const late = document.createElement('script');
  late.src = '/widget/late.js';
  document.head.append(late);
  // … so this hand-made message to "any origin" reaches HubSpot before the handshake.
  window.parent.postMessage({ type: messageType.INITIALIZED, data: { isLoggedIn: true }, messageId: `raw_${Date.now()}` }, '*');
}

// ---- the SDK ---------------------------------------------------------------------------------------

const cti = new CallingExtensions({
  debugMode: false,
  eventHandlers: {
    onReady: (data) => onReady(data || {}),
    onDialNumber: (data) => dial(data || {}),
    onEndCall: () => hangUp('HubSpot hung up (END_CALL)'),
    onCreateEngagementSucceeded: (data) => engaged(data.engagementId),
    onCreateEngagementFailed: (data) => note(`HubSpot did not create the engagement: ${describe(data)}`),
    onCallerIdMatchSucceeded: (data) => matched(data.callerIdMatches || []),
    onCallerIdMatchFailed: (data) => {
      note(`caller ID match failed: ${describe(data)}`);
      matched([]);
    },
    onNavigateToRecordFailed: (data) => {
      note(`HubSpot could not open the record: ${describe(data)}`);
      answerSoon();
    },
    onUpdateEngagementSucceeded: (data) => updated(data.engagementId),
    onUpdateEngagementFailed: (data) => note(`HubSpot did not update the engagement: ${describe(data)}`),
    onFinalizeEngagementSucceeded: () => finalized(),
    onFinalizeEngagementFailed: (data) => note(`finalizing failed: ${describe(data)}`),
    onVisibilityChanged: (data) => note(`widget ${data && data.isHidden ? 'hidden' : data && data.isMinimized ? 'minimized' : 'shown'} by HubSpot`),
    onSetCallState: (data) => note(`SET_CALL_STATE ${describe(data)}`),
    defaultEventHandler: (data, event) => note(`${event && event.type}: ${describe(data)}`),
  },
});

function onReady(data) {
  widget.host = data;
  note(`handshake done: portal ${data.portalId}, user ${data.userId}, ${data.iframeLocation || 'unknown'} location`
    + (data.engagementId ? `, engagement ${data.engagementId}` : ''));
  if (BROKEN === 'never-initialized') {
    note('broken: not sending INITIALIZED');
    return;
  }
  const restored = data.engagementId ? restore(data.engagementId) : null;
  const init = { isLoggedIn: widget.loggedIn, isAvailable: widget.available, sizeInfo: SIZE };
  if (data.engagementId) init.engagementId = data.engagementId;
  cti.initialized(init);
  if (restored) {
    // HubSpot reloaded the widget on the caller's record: the call goes on.
    widget.call = restored;
    note(`call ${restored.externalCallId} restored after the page moved to the record`);
    if (restored.answeredAt) startTimer();
    else answerSoon();
  }
  show();
}

// ---- outbound ----------------------------------------------------------------------------------------

function dial(data) {
  if (!widget.loggedIn) {
    note(`logged out: not calling ${data.phoneNumber}`);
    return;
  }
  if (busy()) {
    note(`already on a call: not calling ${data.phoneNumber}`);
    return;
  }
  const call = newCall('OUTBOUND', LINE_NUMBER, String(data.phoneNumber || ''));
  call.party = data.phoneNumber;
  call.state = 'dialling';
  const started = { externalCallId: call.externalCallId, fromNumber: call.fromNumber, toNumber: call.toNumber,
    callStartTime: call.startedAt, createEngagement: true };
  if (BROKEN === 'mistyped-fields') {
    started.createEngagement = 'true';
    started.callStartTime = new Date(call.startedAt).toISOString();
  }
  if (BROKEN === 'completed-without-engagement') started.createEngagement = false;
  if (BROKEN === 'unknown-type') cti.sendMessage({ type: 'CALL_RINGING', data: { externalCallId: call.externalCallId } });
  cti.outgoingCall(started);
  note(`OUTGOING_CALL_STARTED to ${call.toNumber}`);
  // Without an engagement to wait for, the callee answers all the same.
  if (started.createEngagement !== true) answerSoon();
  show();
}

// ---- inbound -----------------------------------------------------------------------------------------

function ring(from, to) {
  if (!widget.loggedIn || !widget.available) {
    note(`not available: the call from ${from} goes to voicemail`);
    return;
  }
  if (busy()) {
    note(`already on a call: ${from} hears busy`);
    return;
  }
  const call = newCall('INBOUND', from, to || LINE_NUMBER);
  call.party = from;
  call.state = 'ringing';
  cti.incomingCall({ externalCallId: call.externalCallId, fromNumber: call.fromNumber, toNumber: call.toNumber,
    callStartTime: call.startedAt, createEngagement: true });
  note(`INCOMING_CALL from ${from}`);
  show();
}

function matched(matches) {
  const call = widget.call;
  if (!call || call.direction !== 'INBOUND') return;
  call.matches = matches;
  const first = matches[0];
  if (first) call.party = first.callerIdType === 'COMPANY' ? first.name : `${first.firstName || ''} ${first.lastName || ''}`.trim() || call.party;
  note(`${matches.length} caller ID match(es)`);
  if (call.engagementId) toRecord(call);
  show();
}

// Both the caller ID match and the engagement are needed to open the caller's record.
function toRecord(call) {
  const first = call.matches[0];
  if (!first) {
    answerSoon();
    return;
  }
  save(call);
  cti.navigateToRecord({ objectCoordinates: first.objectCoordinates, engagementId: call.engagementId });
  note(`NAVIGATE_TO_RECORD ${first.objectCoordinates.objectTypeId}/${first.objectCoordinates.objectId}`);
  // An embedded widget is reloaded on the record: its next self answers (onReady).
  if (widget.host.iframeLocation !== 'widget') answerSoon();
}

// ---- both directions ---------------------------------------------------------------------------------

function newCall(direction, fromNumber, toNumber) {
  widget.call = { direction, externalCallId: crypto.randomUUID(), fromNumber, toNumber, startedAt: Date.now() };
  return widget.call;
}

const busy = () => Boolean(widget.call && !widget.call.endedAt);

function engaged(engagementId) {
  const call = widget.call;
  if (!call) return;
  call.engagementId = engagementId;
  save(call);
  note(`engagement ${engagementId} created`);
  if (call.direction === 'OUTBOUND') answerSoon();
  else if (call.matches) toRecord(call);
}

function answerSoon() {
  const call = widget.call;
  setTimeout(() => {
    if (widget.call !== call || !call || call.answeredAt || call.endedAt) return;
    call.answeredAt = Date.now();
    call.state = 'in-call';
    save(call);
    cti.callAnswered({ externalCallId: call.externalCallId });
    note('CALL_ANSWERED');
    startTimer();
    show();
  }, ANSWER_AFTER_MS);
}

function hangUp(why) {
  const call = widget.call;
  if (!busy()) {
    note(`${why}: no call to end`);
    return;
  }
  call.endedAt = Date.now();
  call.state = 'ended';
  stopTimer();
  const ended = { externalCallId: call.externalCallId, callEndStatus: call.answeredAt ? 'COMPLETED' : 'CANCELED' };
  if (call.engagementId) ended.engagementId = call.engagementId;
  cti.callEnded(ended);
  note(`${why}: CALL_ENDED`);
  if (BROKEN === 'never-completes') {
    note('broken: not sending CALL_COMPLETED');
    show();
    return;
  }
  complete(call);
  show();
}

// The call as HubSpot should log it: HubSpot's property names, durations in milliseconds, one of
// its call statuses and outcomes.
function complete(call) {
  const answered = Boolean(call.answeredAt);
  const duration = answered ? call.endedAt - call.answeredAt : 0;
  const engagementProperties = {
    hs_call_title: `${call.direction === 'OUTBOUND' ? 'Call to' : 'Call from'} ${call.party}`,
    hs_call_body: `Demo calling app: ${call.direction.toLowerCase()} call ${answered ? `of ${(duration / 1000).toFixed(1)} s` : 'not answered'}`
      + ` (${call.fromNumber} → ${call.toNumber}).`,
    hs_call_direction: call.direction,
    hs_call_duration: String(duration),
    hs_call_status: answered ? 'COMPLETED' : 'CANCELED',
    hs_call_disposition: answered ? DISPOSITIONS.connected : DISPOSITIONS.noAnswer,
    hs_call_from_number: call.fromNumber,
    hs_call_to_number: call.toNumber,
    hs_timestamp: new Date(call.startedAt).toISOString(),
    // The demo app registers recording settings (examples/demo_recording): HubSpot asks for a
    // call's recording with the account the call was made on, so the call must carry it.
    hs_call_external_account_id: 'demo-account',
  };
  const completed = { externalCallId: call.externalCallId, engagementProperties };
  if (call.engagementId && BROKEN !== 'completed-without-engagement') completed.engagementId = call.engagementId;
  cti.callCompleted(completed);
  note(`CALL_COMPLETED (${engagementProperties.hs_call_status}, ${duration} ms)`);
}

function updated(engagementId) {
  const call = widget.call;
  if (!call || !call.endedAt || call.finalizing) return;
  call.finalizing = true;
  cti.finalizeEngagement({ externalCallId: call.externalCallId, engagementId: engagementId || call.engagementId });
  note(`engagement ${engagementId} updated: FINALIZE_ENGAGEMENT`);
}

function finalized() {
  const call = widget.call;
  if (call && call.engagementId) sessionStorage.removeItem(STORE_PREFIX + call.engagementId);
  note('call finalized');
  show();
}

// ---- the call across a reload ------------------------------------------------------------------------

function save(call) {
  if (call.engagementId) sessionStorage.setItem(STORE_PREFIX + call.engagementId, JSON.stringify(call));
}

function restore(engagementId) {
  try {
    return JSON.parse(sessionStorage.getItem(STORE_PREFIX + engagementId));
  } catch {
    return null;
  }
}

// ---- the panel ---------------------------------------------------------------------------------------

const HEADINGS = { idle: 'No call', dialling: 'Calling…', ringing: 'Incoming call', 'in-call': 'On a call', ended: 'Call ended' };

function show() {
  const call = widget.call;
  const state = call ? call.state || 'idle' : 'idle';
  $('call').dataset.state = state;
  $('call-heading').textContent = HEADINGS[state];
  $('call-party').textContent = call ? call.party || '' : '';
  $('call-detail').textContent = call
    ? `${call.direction === 'OUTBOUND' ? 'to' : 'from'} ${call.direction === 'OUTBOUND' ? call.toNumber : call.fromNumber}`
      + (call.engagementId ? ` · engagement ${call.engagementId}` : '')
    : 'Click a number\'s Call button in HubSpot, or ring the demo line below.';
  $('hangup').disabled = !busy();
  if (!widget.timer) $('call-timer').textContent = call && call.answeredAt && call.endedAt ? clock(call.endedAt - call.answeredAt) : '';
}

function startTimer() {
  stopTimer();
  const tick = () => {
    if (widget.call && widget.call.answeredAt) $('call-timer').textContent = clock(Date.now() - widget.call.answeredAt);
  };
  tick();
  widget.timer = setInterval(tick, 250);
}

function stopTimer() {
  clearInterval(widget.timer);
  widget.timer = 0;
}

const clock = (ms) => {
  const seconds = Math.floor(ms / 1000);
  return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
};

function describe(data) {
  try {
    return JSON.stringify(data);
  } catch {
    return String(data);
  }
}

function note(text) {
  const item = document.createElement('li');
  item.textContent = `${new Date().toISOString().slice(11, 19)} ${text}`;
  const list = $('activity');
  list.prepend(item);
  while (list.children.length > 30) list.lastElementChild.remove();
}

function wire() {
  if (BROKEN) {
    $('variant').hidden = false;
    $('variant').textContent = VARIANTS[BROKEN] ? `Broken on purpose (${BROKEN}): it ${VARIANTS[BROKEN]}.` : `Unknown variant ${BROKEN}: behaving correctly.`;
  }
  $('logged-in').addEventListener('change', (event) => {
    widget.loggedIn = event.target.checked;
    if (widget.loggedIn) cti.userLoggedIn();
    else cti.userLoggedOut();
  });
  $('available').addEventListener('change', (event) => {
    widget.available = event.target.checked;
    if (widget.available) cti.userAvailable();
    else cti.userUnavailable();
  });
  $('hangup').addEventListener('click', () => hangUp('hung up in the widget'));
  $('ring-form').addEventListener('submit', (event) => {
    event.preventDefault();
    ring($('ring-from').value.trim(), LINE_NUMBER);
  });
  // The demo line: POST /widget/ring {from, to} on the demo app rings every open widget.
  const line = new EventSource('/widget/events');
  line.addEventListener('ring', (event) => {
    const { from, to } = JSON.parse(event.data);
    ring(from, to);
  });
  show();
}

wire();
