//! What reaches the host page over its event stream: commands (a message for the app, which the
//! page sends with `host.sendMessage`) and actions (what HubSpot's UI does).

use serde::Serialize;

use super::action::Action;
use super::message::Message;

#[derive(Clone, Debug, PartialEq)]
pub enum SdkEvent {
    /// `event: command`: `DIAL_NUMBER`, `END_CALL`, `VISIBILITY_CHANGED`.
    Command(Message),
    /// `event: action`.
    Action(Action),
}

impl SdkEvent {
    /// The server-sent event's name.
    pub fn name(&self) -> &'static str {
        match self {
            SdkEvent::Command(_) => "command",
            SdkEvent::Action(_) => "action",
        }
    }

    /// The event's `data:` line (JSON, one line).
    pub fn data(&self) -> String {
        fn json(value: &impl Serialize) -> String {
            serde_json::to_string(value).unwrap_or_else(|_| "{}".into())
        }
        match self {
            SdkEvent::Command(message) => json(message),
            SdkEvent::Action(action) => json(action),
        }
    }
}
