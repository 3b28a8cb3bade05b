//! Every host session of the process, bounded (`MAX_SESSIONS`): creating one past the bound
//! forgets the oldest closed session, else the oldest (whose page's stream then ends). Commands go
//! to the newest session of an app, portal and user whose page is open.
//!
//! Locks: a session's lock is taken after the registry's or alone, never the other way round —
//! nothing holding a session's lock calls back into the registry — so the two cannot deadlock.

use std::collections::VecDeque;
use std::sync::Arc;

use parking_lot::Mutex;
use tokio::sync::mpsc;

use super::error::SdkError;
use super::limits::{SdkLimits, MAX_SESSIONS};
use super::session::{HostSession, SessionView};
use super::stream::SdkEvent;
use crate::domain::{AppId, PortalId, UserId};

pub type SharedSession = Arc<Mutex<HostSession>>;

pub struct Sessions {
    limits: SdkLimits,
    inner: Mutex<Registry>,
}

#[derive(Default)]
struct Registry {
    /// Oldest first, each with its id (read without taking the session's lock).
    sessions: VecDeque<(String, SharedSession)>,
    created: u64,
    generations: u64,
}

/// A connected event stream: its events, and the generation to name when it ends.
pub struct Connection {
    pub events: mpsc::Receiver<SdkEvent>,
    pub generation: u64,
}

impl Sessions {
    pub fn new(limits: SdkLimits) -> Self {
        Sessions {
            limits,
            inner: Mutex::new(Registry::default()),
        }
    }

    pub fn limits(&self) -> &SdkLimits {
        &self.limits
    }

    /// Adds a session made by `make` (given its id, `s1`, `s2`…), forgetting one if full.
    pub fn insert(&self, make: impl FnOnce(String) -> HostSession) -> SharedSession {
        let evicted;
        let session;
        {
            let mut registry = self.inner.lock();
            registry.created += 1;
            let id = format!("s{}", registry.created);
            let mut made = make(id.clone());
            made.sequence = registry.created;
            session = Arc::new(Mutex::new(made));
            evicted = if registry.sessions.len() >= MAX_SESSIONS {
                let at = registry
                    .sessions
                    .iter()
                    .position(|(_, s)| s.lock().is_closed())
                    .unwrap_or(0);
                registry.sessions.remove(at)
            } else {
                None
            };
            registry.sessions.push_back((id, session.clone()));
        }
        if let Some((_, evicted)) = evicted {
            evicted
                .lock()
                .close("a newer session replaced it (64 are kept)", &self.limits);
        }
        session
    }

    /// How many sessions were ever opened (the newest one's `sequence`).
    pub fn created(&self) -> u64 {
        self.inner.lock().created
    }

    pub fn get(&self, id: &str) -> Option<SharedSession> {
        self.inner
            .lock()
            .sessions
            .iter()
            .find(|(known, _)| known == id)
            .map(|(_, session)| session.clone())
    }

    /// The newest session of this app, portal and user whose page is open.
    pub fn newest_open(
        &self,
        app_id: AppId,
        portal_id: PortalId,
        user_id: UserId,
    ) -> Option<SharedSession> {
        self.inner
            .lock()
            .sessions
            .iter()
            .rev()
            .map(|(_, s)| s)
            .find(|s| {
                let session = s.lock();
                session.matches(app_id, portal_id, user_id) && session.is_open()
            })
            .cloned()
    }

    /// Every session but `except` of this app, portal and user, newest first.
    pub fn others(
        &self,
        except: &str,
        app_id: AppId,
        portal_id: PortalId,
        user_id: UserId,
    ) -> Vec<SharedSession> {
        self.inner
            .lock()
            .sessions
            .iter()
            .rev()
            .filter(|(id, s)| id != except && s.lock().matches(app_id, portal_id, user_id))
            .map(|(_, s)| s.clone())
            .collect()
    }

    /// Connects the page's event stream to session `id` if `ticket` is its ticket.
    pub fn connect(&self, id: &str, ticket: &str) -> Result<Connection, ConnectRefusal> {
        let session = self.get(id).ok_or(ConnectRefusal::Unknown)?;
        let generation = {
            let mut registry = self.inner.lock();
            registry.generations += 1;
            registry.generations
        };
        let mut session = session.lock();
        if !session.ticket.admits(ticket) {
            return Err(ConnectRefusal::WrongTicket);
        }
        let events = session.connect(generation).ok_or(ConnectRefusal::Closed)?;
        Ok(Connection { events, generation })
    }

    /// The stream `generation` of session `id` ended: the page went away.
    pub fn disconnect(&self, id: &str, generation: u64) {
        if let Some(session) = self.get(id) {
            session.lock().disconnect(generation, &self.limits);
        }
    }

    /// Ends every page's event stream, without judging (the emulator is stopping).
    pub fn end_streams(&self) {
        for session in self.all() {
            session.lock().end_stream();
        }
    }

    /// Every session, oldest first, judged as of now.
    pub fn list(&self) -> Vec<SessionView> {
        self.all()
            .iter()
            .map(|s| s.lock().view(&self.limits))
            .collect()
    }

    /// Every session, oldest first (the registry's lock released before any session's is taken).
    fn all(&self) -> Vec<SharedSession> {
        self.inner
            .lock()
            .sessions
            .iter()
            .map(|(_, s)| s.clone())
            .collect()
    }
}

/// Why a stream cannot connect.
#[derive(Debug, PartialEq, Eq)]
pub enum ConnectRefusal {
    Unknown,
    WrongTicket,
    Closed,
}

impl ConnectRefusal {
    pub fn into_error(self, id: &str) -> SdkError {
        match self {
            ConnectRefusal::Unknown => SdkError::NotFound(format!(
                "no host session {id} (the emulator keeps the newest 64; a restart forgets them): create one with POST /_emulator/sdk/sessions"
            )),
            ConnectRefusal::WrongTicket => SdkError::Unauthorized(format!(
                "the ticket does not open session {id}'s events: use the `events` URL that POST /_emulator/sdk/sessions answered, ticket included"
            )),
            ConnectRefusal::Closed => SdkError::Closed(format!(
                "session {id} is closed (its page's stream ended); create a new session with POST /_emulator/sdk/sessions"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    fn app() -> AppId {
        AppId::new(7).unwrap()
    }

    fn add(sessions: &Sessions) -> SharedSession {
        sessions.insert(|id| HostSession::new(id, app(), 1, 2, None, Value::Null))
    }

    #[test]
    fn commands_go_to_the_newest_open_session() {
        let sessions = Sessions::new(SdkLimits::default());
        let first = add(&sessions);
        let second = add(&sessions);
        assert!(sessions.newest_open(app(), 1, 2).is_none(), "no stream yet");
        let ticket = first.lock().ticket.expose().to_string();
        let _first_stream = sessions.connect("s1", &ticket).unwrap();
        assert_eq!(sessions.newest_open(app(), 1, 2).unwrap().lock().id, "s1");
        let ticket = second.lock().ticket.expose().to_string();
        let stream = sessions.connect("s2", &ticket).unwrap();
        assert_eq!(sessions.newest_open(app(), 1, 2).unwrap().lock().id, "s2");
        assert!(sessions.newest_open(app(), 1, 3).is_none());

        sessions.disconnect("s2", stream.generation);
        assert!(second.lock().is_closed());
        assert_eq!(sessions.newest_open(app(), 1, 2).unwrap().lock().id, "s1");
        assert_eq!(
            sessions.connect("s2", &ticket).err(),
            Some(ConnectRefusal::Closed)
        );
        assert_eq!(
            sessions.connect("s1", "guess").err(),
            Some(ConnectRefusal::WrongTicket)
        );
        assert_eq!(
            sessions.connect("s9", "x").err(),
            Some(ConnectRefusal::Unknown)
        );
    }

    #[test]
    fn a_reconnect_replaces_the_stream_and_the_old_ones_end_changes_nothing() {
        let sessions = Sessions::new(SdkLimits::default());
        let session = add(&sessions);
        let ticket = session.lock().ticket.expose().to_string();
        let old = sessions.connect("s1", &ticket).unwrap();
        let _new = sessions.connect("s1", &ticket).unwrap();
        sessions.disconnect("s1", old.generation);
        assert!(session.lock().is_open());
    }

    #[test]
    fn sessions_are_bounded_closed_ones_forgotten_first() {
        let sessions = Sessions::new(SdkLimits::default());
        let first = add(&sessions);
        let second = add(&sessions);
        second.lock().close("test", &SdkLimits::default());
        for _ in 2..MAX_SESSIONS {
            add(&sessions);
        }
        assert_eq!(sessions.list().len(), MAX_SESSIONS);
        add(&sessions);
        assert!(sessions.get("s2").is_none(), "the closed one went first");
        add(&sessions);
        assert!(sessions.get("s1").is_none(), "then the oldest");
        assert!(first.lock().is_closed());
        assert_eq!(sessions.list().len(), MAX_SESSIONS);
    }
}
