//! HubSpot's side of the calling-extensions SDK, without HTTP: the widget a host page shows in a
//! browser is a thin relay, and this is its brain.
//!
//! The messages both ways with their fields as the SDK's types declare them (`catalogue`,
//! `message`, `direction`); host sessions — one page, one app, one user — with their handshake,
//! the user's status and the calls (`session`, `sessions`, `call`, `ticket`, `setup`, `record`);
//! the protocol judge (`judge`, `fields`, `findings`: stable codes, each with its fix); HubSpot's
//! answers and side effects in the portal's CRM and the user's connection status (`hubspot`);
//! the commands HubSpot's UI sends the app (`commands`); what reaches the page over its event
//! stream (`stream`, `action`); the journal's entries (`entry`); and `SdkHost`, the one view the
//! adapters use (`host`). Everything is bounded (`limits`).

pub mod action;
pub mod call;
pub mod catalogue;
pub mod commands;
pub mod direction;
pub mod entry;
pub mod error;
pub mod fields;
pub mod findings;
pub mod host;
pub mod hubspot;
pub mod judge;
pub mod limits;
pub mod message;
pub mod record;
pub mod session;
pub mod sessions;
pub mod setup;
pub mod stream;
pub mod ticket;

pub use direction::Direction;
pub use entry::SdkMessageEntry;
pub use error::SdkError;
pub use host::{Commanded, Handled, Opened, SdkHost};
pub use limits::SdkLimits;
pub use message::{Message, Report};
pub use sessions::Sessions;
pub use stream::SdkEvent;
