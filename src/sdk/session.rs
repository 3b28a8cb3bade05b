//! One host session: one host page showing one app's widget to one user of one portal, from the
//! page's `POST /_emulator/sdk/sessions` until its event stream closes. It holds where the
//! handshake is (`Phase`), what the app said of the user (logged in, available), the calls it
//! reported, the findings that belong to no single message, and the page's event stream.

use std::time::Instant;

use serde::Serialize;
use serde_json::Value;
use tokio::sync::mpsc;

use super::call::{call_key, SdkCall};
use super::findings;
use super::limits::{SdkLimits, MAX_CALLS_PER_SESSION, MAX_SESSION_FINDINGS};
use super::stream::SdkEvent;
use super::ticket::Ticket;
use crate::clock::Timestamp;
use crate::domain::{AppId, PortalId, UserId};
use crate::webhook::Finding;

/// Where the session is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Phase {
    /// The page is sending SYNC; the app has not answered.
    Syncing,
    /// The app answered (SYNC_ACK) but has not sent INITIALIZED.
    Ready,
    /// The app sent INITIALIZED: the widget works.
    Initialized,
    /// The page's event stream closed (or a newer session replaced this one).
    Closed,
}

/// The callee of the last `DIAL_NUMBER`, for the engagement of the call it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Dialled {
    pub phone_number: String,
    /// `(objectTypeId, objectId)` of the contact or company called, when HubSpot knew it.
    pub callee: Option<(String, u64)>,
}

/// The page's event stream.
#[derive(Debug)]
enum Stream {
    NotConnected,
    Connected {
        generation: u64,
        sender: mpsc::Sender<SdkEvent>,
    },
    Ended,
}

#[derive(Debug)]
pub struct HostSession {
    pub id: String,
    /// The order it was opened in (1 for the first of the process).
    pub sequence: u64,
    pub ticket: Ticket,
    pub app_id: AppId,
    pub portal_id: PortalId,
    pub user_id: UserId,
    pub owner_id: UserId,
    /// The engagement the widget was hosted with (after `NAVIGATE_TO_RECORD`).
    pub engagement_id: Option<u64>,
    /// The record page shown: `{objectTypeId, objectId, …}`.
    pub record: Value,
    pub opened_at: Timestamp,
    pub phase: Phase,
    pub logged_in: bool,
    pub available: bool,
    pub calls: Vec<SdkCall>,
    pub dialled: Option<Dialled>,
    findings: Vec<Finding>,
    created: Instant,
    /// When the iframe loaded, or the page first sent SYNC: the handshake's clock starts.
    syncing_since: Option<Instant>,
    handshake_at: Option<Instant>,
    judged_handshake: bool,
    judged_initialized: bool,
    stream: Stream,
}

/// A session as `GET /_emulator/sdk/sessions` shows it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    pub session_id: String,
    /// The order it was opened in.
    #[serde(skip)]
    pub sequence: u64,
    pub app_id: AppId,
    pub portal_id: PortalId,
    pub user_id: UserId,
    pub open: bool,
    pub opened_at: Timestamp,
    pub phase: Phase,
    pub logged_in: bool,
    pub available: bool,
    pub calls: Vec<SdkCall>,
    pub findings: Vec<Finding>,
}

impl SessionView {
    pub fn matches(&self, app_id: AppId, portal_id: PortalId, user_id: UserId) -> bool {
        (self.app_id, self.portal_id, self.user_id) == (app_id, portal_id, user_id)
    }
}

impl HostSession {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: String,
        app_id: AppId,
        portal_id: PortalId,
        user_id: UserId,
        engagement_id: Option<u64>,
        record: Value,
    ) -> Self {
        HostSession {
            id,
            sequence: 0,
            ticket: Ticket::random(),
            app_id,
            portal_id,
            user_id,
            owner_id: user_id,
            engagement_id,
            record,
            opened_at: Timestamp::now(),
            phase: Phase::Syncing,
            logged_in: false,
            available: false,
            calls: Vec::new(),
            dialled: None,
            findings: Vec::new(),
            created: Instant::now(),
            syncing_since: None,
            handshake_at: None,
            judged_handshake: false,
            judged_initialized: false,
            stream: Stream::NotConnected,
        }
    }

    /// Is the page's event stream connected (commands can reach it)?
    pub fn is_open(&self) -> bool {
        match &self.stream {
            Stream::Connected { sender, .. } => !sender.is_closed() && self.phase != Phase::Closed,
            _ => false,
        }
    }

    pub fn is_closed(&self) -> bool {
        self.phase == Phase::Closed
    }

    pub fn matches(&self, app_id: AppId, portal_id: PortalId, user_id: UserId) -> bool {
        (self.app_id, self.portal_id, self.user_id) == (app_id, portal_id, user_id)
    }

    /// Connects the page's stream (a reconnect replaces the old one, whose end then changes
    /// nothing); `None` once the session is closed.
    pub fn connect(&mut self, generation: u64) -> Option<mpsc::Receiver<SdkEvent>> {
        if self.phase == Phase::Closed {
            return None;
        }
        let (sender, receiver) = mpsc::channel(super::limits::MAX_QUEUED_EVENTS);
        self.stream = Stream::Connected { generation, sender };
        Some(receiver)
    }

    /// The stream of `generation` ended: the page went away, so the session closes.
    pub fn disconnect(&mut self, generation: u64, limits: &SdkLimits) {
        if matches!(self.stream, Stream::Connected { generation: g, .. } if g == generation) {
            self.close("the page closed", limits);
        }
    }

    /// Closes the session: its stream ends, its time limits and open calls are judged.
    pub fn close(&mut self, why: &str, limits: &SdkLimits) {
        if self.phase == Phase::Closed {
            return;
        }
        self.judge_time(limits);
        let open: Vec<String> = self
            .calls
            .iter()
            .filter(|call| call.left_incomplete())
            .map(|call| call.external_call_id.clone())
            .collect();
        for id in open {
            self.add_finding(findings::call_never_completed(
                &id,
                &format!("{why} with the call still on"),
            ));
        }
        self.phase = Phase::Closed;
        self.stream = Stream::Ended;
    }

    /// Ends the page's stream without judging anything (the emulator is stopping).
    pub fn end_stream(&mut self) {
        self.stream = Stream::Ended;
    }

    /// Queues an event for the page; `Err` when it cannot take it (not connected, or not
    /// reading: its queue is full).
    pub fn push(&self, event: SdkEvent) -> Result<(), &'static str> {
        match &self.stream {
            Stream::Connected { sender, .. } if self.phase != Phase::Closed => {
                sender.try_send(event).map_err(|error| match error {
                    mpsc::error::TrySendError::Full(_) => "its event stream is not being read",
                    mpsc::error::TrySendError::Closed(_) => "its event stream closed",
                })
            }
            _ => Err("its event stream is not connected"),
        }
    }

    /// The page sent SYNC or the iframe loaded: the handshake's clock starts.
    pub fn syncing(&mut self) {
        self.syncing_since.get_or_insert_with(Instant::now);
    }

    /// The app answered SYNC.
    pub fn handshake_done(&mut self) {
        if self.phase == Phase::Syncing {
            self.phase = Phase::Ready;
            self.handshake_at = Some(Instant::now());
        }
    }

    /// The app sent INITIALIZED.
    pub fn initialized(&mut self) {
        if matches!(self.phase, Phase::Syncing | Phase::Ready) {
            self.handshake_done();
            self.phase = Phase::Initialized;
        }
    }

    /// The page reported that the handshake gave up (`SYNC_ACK_FAILED`).
    pub fn handshake_failed(&mut self, why: &str) {
        if !self.judged_handshake && self.phase == Phase::Syncing {
            self.judged_handshake = true;
            self.add_finding(findings::handshake_failed(why));
        }
    }

    /// Judges the time limits as of now: a handshake or an INITIALIZED that is overdue.
    pub fn judge_time(&mut self, limits: &SdkLimits) {
        if self.phase == Phase::Closed {
            return;
        }
        let since = self.syncing_since.unwrap_or(self.created);
        if self.phase == Phase::Syncing
            && self.syncing_since.is_some()
            && since.elapsed() > limits.sync_ack_within
        {
            self.handshake_failed(&format!(
                "no SYNC_ACK within {} ms of the widget's load",
                limits.sync_ack_within.as_millis()
            ));
        }
        if let (Phase::Ready, Some(at), false) =
            (self.phase, self.handshake_at, self.judged_initialized)
        {
            if at.elapsed() > limits.initialize_within {
                self.judged_initialized = true;
                self.add_finding(findings::not_initialized(
                    limits.initialize_within.as_millis(),
                ));
            }
        }
    }

    /// A finding on the session as a whole (bounded: the first ones explain the rest).
    pub fn add_finding(&mut self, finding: Finding) {
        if self.findings.len() < MAX_SESSION_FINDINGS {
            self.findings.push(finding);
        }
    }

    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Where the call the app names by `external_call_id` is, else (no id) the current call.
    pub fn call_index(&self, external_call_id: Option<&str>) -> Option<usize> {
        match external_call_id {
            Some(id) => {
                let key = call_key(id);
                self.calls
                    .iter()
                    .rposition(|call| call.external_call_id == key)
            }
            None => self.calls.iter().rposition(|call| !call.is_done()),
        }
    }

    /// Where the call logged as engagement `id` is.
    pub fn call_with_engagement(&self, id: u64) -> Option<usize> {
        self.calls
            .iter()
            .rposition(|call| call.engagement_id == Some(id))
    }

    /// The call the app names by `external_call_id`, else (no id) the current call.
    pub fn call_mut(&mut self, external_call_id: Option<&str>) -> Option<&mut SdkCall> {
        let at = self.call_index(external_call_id)?;
        self.calls.get_mut(at)
    }

    /// Starts following a new call. Calls still waiting for CALL_COMPLETED are judged: a newer
    /// call started without them being logged.
    pub fn start_call(&mut self, call: SdkCall) {
        let left: Vec<String> = self
            .calls
            .iter_mut()
            .filter(|c| c.left_incomplete() && c.external_call_id != call.external_call_id)
            .map(|c| {
                c.judged_incomplete = true;
                c.external_call_id.clone()
            })
            .collect();
        for id in left {
            self.add_finding(findings::call_never_completed(
                &id,
                &format!(
                    "call {:?} started before it was completed",
                    call.external_call_id
                ),
            ));
        }
        self.calls
            .retain(|c| c.external_call_id != call.external_call_id);
        if self.calls.len() >= MAX_CALLS_PER_SESSION {
            let oldest_done = self.calls.iter().position(SdkCall::is_done).unwrap_or(0);
            self.calls.remove(oldest_done);
        }
        self.calls.push(call);
    }

    /// The session as listed, its time limits judged as of now.
    pub fn view(&mut self, limits: &SdkLimits) -> SessionView {
        self.judge_time(limits);
        SessionView {
            session_id: self.id.clone(),
            sequence: self.sequence,
            app_id: self.app_id,
            portal_id: self.portal_id,
            user_id: self.user_id,
            open: self.is_open(),
            opened_at: self.opened_at,
            phase: self.phase,
            logged_in: self.logged_in,
            available: self.available,
            calls: self.calls.clone(),
            findings: self.findings.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::sdk::call::{CallDirection, CallState};

    fn session() -> HostSession {
        HostSession::new("s1".into(), AppId::new(1).unwrap(), 2, 3, None, Value::Null)
    }

    fn codes(session: &HostSession) -> Vec<&str> {
        session.findings().iter().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn a_newer_call_or_the_end_judges_calls_never_completed_once() {
        let mut session = session();
        session.start_call(SdkCall::new("a", CallDirection::Outbound));
        session.start_call(SdkCall::new("b", CallDirection::Outbound));
        assert_eq!(codes(&session), ["call-never-completed"]);
        session.call_mut(Some("b")).unwrap().state = CallState::Completed;
        let mut missed = SdkCall::new("c", CallDirection::Inbound);
        missed.state = CallState::Ended;
        missed.end_status = Some("MISSED".into());
        session.start_call(missed);
        session.close("the page closed", &SdkLimits::default());
        assert_eq!(
            codes(&session),
            ["call-never-completed"],
            "a missed inbound call is logged by HubSpot"
        );
        assert_eq!(session.phase, Phase::Closed);
    }

    #[test]
    fn overdue_handshakes_and_initializations_are_judged_when_looked_at() {
        let limits = SdkLimits {
            initialize_within: Duration::from_millis(5),
            sync_ack_within: Duration::from_millis(5),
            keep_alive: Duration::from_secs(15),
        };
        let mut slow = session();
        slow.syncing();
        std::thread::sleep(Duration::from_millis(10));
        slow.judge_time(&limits);
        slow.judge_time(&limits);
        assert_eq!(codes(&slow), ["handshake-failed"]);

        let mut lazy = session();
        lazy.handshake_done();
        std::thread::sleep(Duration::from_millis(10));
        let view = lazy.view(&limits);
        assert_eq!(view.phase, Phase::Ready);
        assert_eq!(codes(&lazy), ["not-initialized"]);

        let mut quick = session();
        quick.handshake_done();
        quick.initialized();
        std::thread::sleep(Duration::from_millis(10));
        quick.close("the page closed", &limits);
        assert!(codes(&quick).is_empty());
    }

    #[test]
    fn a_long_external_id_is_kept_short_and_still_found() {
        let mut session = session();
        let long = "c".repeat(100_000);
        session.start_call(SdkCall::new(&long, CallDirection::Inbound));
        assert_eq!(session.calls[0].external_call_id.len(), 256);
        assert_eq!(session.call_index(Some(&long)), Some(0));
    }

    #[test]
    fn calls_are_bounded() {
        let mut session = session();
        for n in 0..(MAX_CALLS_PER_SESSION * 2) {
            let mut call = SdkCall::new(&n.to_string(), CallDirection::Outbound);
            call.state = CallState::Completed;
            session.start_call(call);
        }
        assert_eq!(session.calls.len(), MAX_CALLS_PER_SESSION);
        assert!(session.findings().len() <= MAX_SESSION_FINDINGS);
    }
}
