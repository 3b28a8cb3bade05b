//! The per-session ticket: the one credential of a session's event stream. A browser's
//! `EventSource` cannot send headers, so the control token cannot guard the stream; the ticket,
//! handed only to whoever created the session, goes in its URL instead. Random (256 bits from
//! the operating system, even under the deterministic clock), bound to one session, compared in
//! constant time, and never printed: `Debug` hides it and nothing logs the stream's URL.

use rand::RngCore;

use crate::domain::Secret;

#[derive(Clone, Debug)]
pub struct Ticket(Secret);

impl Ticket {
    pub fn random() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Ticket(Secret::new(hex::encode(bytes)))
    }

    /// Does `candidate` open this session's stream (in constant time)?
    pub fn admits(&self, candidate: &str) -> bool {
        self.0.matches(candidate)
    }

    /// The ticket itself, for the events URL handed to the session's creator.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_are_long_random_and_hidden() {
        let (a, b) = (Ticket::random(), Ticket::random());
        assert_eq!(a.expose().len(), 64);
        assert_ne!(a.expose(), b.expose());
        assert!(a.admits(a.expose()) && !a.admits(b.expose()) && !a.admits(""));
        assert!(!format!("{a:?}").contains(a.expose()));
    }
}
