//! HubSpot's side of the hosted widget as one narrow view (`SdkHost`) over the store, the SDK
//! message journal and the host sessions: open a session, take the page's reports (journaled,
//! judged, answered), send commands to the page, list the sessions. The control API and scenario
//! steps use it; nothing here knows HTTP.

use serde::Serialize;

use super::action::Action;
use super::catalogue::{self, HOST_EVENTS};
use super::commands::{self, Command, Target};
use super::direction::Direction;
use super::entry::{journaled_data, SdkMessageEntry};
use super::error::SdkError;
use super::hubspot::Outcome;
use super::judge;
use super::limits::SdkLimits;
use super::message::{Message, Report};
use super::session::{HostSession, SessionView};
use super::sessions::{Sessions, SharedSession};
use super::setup::{self, Hosting, Participants, SessionRequest};
use super::stream::SdkEvent;
use crate::clock::Timestamp;
use crate::journal::Journal;
use crate::store::Store;
use crate::webhook::Finding;

pub struct SdkHost<'a> {
    pub store: &'a Store,
    pub journal: &'a Journal<SdkMessageEntry>,
    pub sessions: &'a Sessions,
}

/// A session just opened.
pub struct Opened {
    pub session_id: String,
    /// The events stream's credential, handed only to the session's creator.
    pub ticket: String,
    pub hosting: Hosting,
    pub limits: SdkLimits,
}

/// What the page does after reporting a message.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Handled {
    /// The journal entry of the reported message (`None` when nothing was journaled).
    pub entry_id: Option<u64>,
    pub findings: Vec<Finding>,
    /// Messages to send the app with `host.sendMessage({type, data})`, in order.
    pub replies: Vec<Message>,
    pub actions: Vec<Action>,
}

/// A command pushed to a page.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Commanded {
    pub session_id: String,
    pub message: Message,
}

impl SdkHost<'_> {
    /// Opens a session for the page; a session hosted with `engagementId` takes over the
    /// unfinished call logged as that engagement from the user's earlier sessions.
    pub fn open(&self, request: &SessionRequest) -> Result<Opened, SdkError> {
        let (who, app) = setup::participants(
            self.store,
            request.app_id,
            request.portal_id,
            request.user_id,
        )?;
        let hosting = setup::hosting(self.store, who, &app, request)?;
        let session = self.sessions.insert(|id| {
            HostSession::new(
                id,
                who.app_id,
                who.portal_id,
                who.user_id,
                request.engagement_id,
                hosting.record.clone(),
            )
        });
        let (session_id, ticket) = {
            let session = session.lock();
            (session.id.clone(), session.ticket.expose().to_string())
        };
        if let Some(engagement) = request.engagement_id {
            self.take_over(&session, &session_id, who, engagement);
        }
        Ok(Opened {
            session_id,
            ticket,
            hosting,
            limits: *self.sessions.limits(),
        })
    }

    /// Moves the unfinished call logged as `engagement` from the user's other sessions into
    /// `session` (one lock at a time).
    fn take_over(
        &self,
        session: &SharedSession,
        session_id: &str,
        who: Participants,
        engagement: u64,
    ) {
        for other in self
            .sessions
            .others(session_id, who.app_id, who.portal_id, who.user_id)
        {
            let taken = {
                let mut other = other.lock();
                let at = other
                    .calls
                    .iter()
                    .rposition(|c| c.engagement_id == Some(engagement) && !c.is_done());
                at.map(|at| other.calls.remove(at))
            };
            if let Some(call) = taken {
                session.lock().calls.push(call);
                return;
            }
        }
    }

    /// Takes one report of the page: journals it, judges it, lets HubSpot answer.
    pub fn report(&self, session_id: &str, report: Report) -> Result<Handled, SdkError> {
        let session = self.session(session_id)?;
        let mut session = session.lock();
        session.judge_time(self.sessions.limits());
        match report.direction {
            Direction::FromApp => {
                let outcome = judge::from_app(self.store, &mut session, &report);
                Ok(self.journal_outcome(&session, &report, outcome))
            }
            Direction::ToApp => {
                if catalogue::to_app(&report.message_type).is_none() {
                    return Err(SdkError::BadRequest(format!(
                        "{:?} is not a message HubSpot sends; the page reports toApp only its own SYNC (replies and commands are journaled by the emulator)",
                        report.message_type
                    )));
                }
                if report.message_type == "SYNC" {
                    session.syncing();
                }
                let entry_id = self.journal(
                    &session,
                    Direction::ToApp,
                    &report.message_type,
                    report.data.as_ref(),
                    Vec::new(),
                );
                Ok(Handled {
                    entry_id: Some(entry_id),
                    ..Handled::default()
                })
            }
            Direction::Host => self.host_event(&mut session, &report),
        }
    }

    fn host_event(&self, session: &mut HostSession, report: &Report) -> Result<Handled, SdkError> {
        let before = session.findings().len();
        match report.message_type.as_str() {
            "WIDGET_LOADED" => session.syncing(),
            "READY" => session.handshake_done(),
            "SYNC_ACK_FAILED" => session.handshake_failed(
                "the SDK's IFrameManager sent SYNC for 30 s and gave up: SYNC_ACK_FAILED",
            ),
            other => {
                return Err(SdkError::BadRequest(format!(
                    "{other:?} is not a page event; host reports are {} (messages go as fromApp or toApp)",
                    HOST_EVENTS.join(", ")
                )))
            }
        }
        let found: Vec<Finding> = session.findings()[before..].to_vec();
        if found.is_empty() {
            return Ok(Handled::default());
        }
        let entry_id = self.journal(
            session,
            Direction::Host,
            &report.message_type,
            report.data.as_ref(),
            found.clone(),
        );
        Ok(Handled {
            entry_id: Some(entry_id),
            findings: found,
            ..Handled::default()
        })
    }

    /// Journals a message from the app with its findings, then each reply.
    fn journal_outcome(&self, session: &HostSession, report: &Report, outcome: Outcome) -> Handled {
        let entry_id = self.journal(
            session,
            Direction::FromApp,
            &report.message_type,
            report.data.as_ref(),
            outcome.findings.clone(),
        );
        for reply in &outcome.replies {
            self.journal(
                session,
                Direction::ToApp,
                &reply.message_type,
                Some(&reply.data),
                Vec::new(),
            );
        }
        Handled {
            entry_id: Some(entry_id),
            findings: outcome.findings,
            replies: outcome.replies,
            actions: outcome.actions,
        }
    }

    fn journal(
        &self,
        session: &HostSession,
        direction: Direction,
        message_type: &str,
        data: Option<&serde_json::Value>,
        findings: Vec<Finding>,
    ) -> u64 {
        self.journal.push(|id| SdkMessageEntry {
            id,
            time: Timestamp::now(),
            session_id: session.id.clone(),
            app_id: session.app_id,
            portal_id: session.portal_id,
            user_id: session.user_id,
            direction,
            message_type: message_type.chars().take(100).collect(),
            data: journaled_data(data),
            findings,
        })
    }

    /// Sends a command to the newest open page of the app, portal and user.
    pub fn command(&self, target: Target, command: &Command) -> Result<Commanded, SdkError> {
        let (who, _) =
            setup::participants(self.store, target.app_id, target.portal_id, target.user_id)?;
        let no_page = |why: &str| {
            SdkError::NoOpenPage(format!(
                "no host page is open for app {}, portal {}, user {} ({why}): open /_emulator/ui/calling?appId={}&portalId={}&userId={} in a browser (or the scenario step openWidget) first",
                who.app_id, who.portal_id, who.user_id, who.app_id, who.portal_id, who.user_id
            ))
        };
        let session = self
            .sessions
            .newest_open(who.app_id, who.portal_id, who.user_id)
            .ok_or_else(|| no_page("no session's event stream is connected"))?;
        let mut session = session.lock();
        let (message, actions) = self.store.crm().read(who.portal_id, |crm| {
            commands::message(command, &mut session, crm)
        })?;
        session
            .push(SdkEvent::Command(message.clone()))
            .map_err(no_page)?;
        for action in actions {
            // The command is on its way; a page too slow for its action still gets the message.
            let _ = session.push(SdkEvent::Action(action));
        }
        self.journal(
            &session,
            Direction::ToApp,
            &message.message_type,
            Some(&message.data),
            Vec::new(),
        );
        Ok(Commanded {
            session_id: session.id.clone(),
            message,
        })
    }

    /// Every session, judged as of now.
    pub fn list(&self) -> Vec<SessionView> {
        self.sessions.list()
    }

    fn session(&self, id: &str) -> Result<SharedSession, SdkError> {
        self.sessions.get(id).ok_or_else(|| {
            SdkError::NotFound(format!(
                "no host session {id} (the emulator keeps the newest 64): GET /_emulator/sdk/sessions lists them, POST /_emulator/sdk/sessions opens one"
            ))
        })
    }
}
