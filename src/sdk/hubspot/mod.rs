//! HubSpot's side of the widget: what HubSpot does when the app sends a message — the user's
//! status (`status`), calls and their engagements in the portal's CRM (`calls`, `completion`,
//! `engagement`), caller-ID matching (`calls::incoming`, with `inbound_call::caller_id`), moving
//! to a record (`navigate`) — and the messages it sends back and the UI actions it takes
//! (`Outcome`). The protocol judge (`sdk::judge`) has checked the message's fields before.

mod calls;
mod completion;
pub mod engagement;
mod navigate;
mod status;

use serde_json::json;

use super::action::Action;
use super::findings;
use super::message::{Message, Report};
use super::session::HostSession;
use crate::clock::Timestamp;
use crate::store::Store;
use crate::webhook::Finding;

/// What HubSpot answers one message with.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    /// Messages for the app, in order.
    pub replies: Vec<Message>,
    /// What the page does.
    pub actions: Vec<Action>,
}

impl Outcome {
    pub fn reply(&mut self, message_type: &str, data: serde_json::Value) {
        self.replies.push(Message::new(message_type, data));
    }

    /// A `…_FAILED` reply: `data` with `error: {message}`.
    pub fn fail(&mut self, message_type: &str, mut data: serde_json::Value, why: &str) {
        data["error"] = json!({ "message": why });
        self.reply(message_type, data);
    }

    /// Something HubSpot shows the user.
    pub fn notice(&mut self, message: &str) {
        self.actions.push(Action::Notice {
            message: message.to_string(),
        });
    }
}

/// What one message from the app needs of HubSpot.
pub struct Respond<'a> {
    pub store: &'a Store,
    pub session: &'a mut HostSession,
    pub report: &'a Report,
    pub now: Timestamp,
    pub out: Outcome,
}

impl Respond<'_> {
    /// HubSpot's side effects and answers for the report (a message from the app).
    pub fn run(mut self) -> Outcome {
        match self.report.message_type.as_str() {
            "SYNC_ACK" => self.session.handshake_done(),
            "INITIALIZED" => status::initialized(&mut self),
            "LOGGED_IN" => status::set(&mut self, Some(true), None),
            "LOGGED_OUT" => status::set(&mut self, Some(false), None),
            "USER_AVAILABLE" => status::set(&mut self, None, Some(true)),
            "USER_UNAVAILABLE" => status::set(&mut self, None, Some(false)),
            "OUTGOING_CALL_STARTED" => calls::outgoing(&mut self),
            "INCOMING_CALL" => calls::incoming(&mut self),
            "CALL_ANSWERED" | "CALL_TRANSFERRED" | "CALL_ENDED" => calls::progress(&mut self),
            "CALL_COMPLETED" => completion::completed(&mut self),
            "FINALIZE_ENGAGEMENT" | "PUBLISH_TO_CHANNEL" => completion::finalize(&mut self),
            "NAVIGATE_TO_RECORD" => navigate::navigate(&mut self),
            "RESIZE_WIDGET" => self.resize(self.report.data.clone()),
            "ERROR" => self.app_error(),
            // CALL_DATA, SET_WIDGET_URL: journaled, nothing to answer.
            _ => {}
        }
        self.out
    }

    fn resize(&mut self, size: Option<serde_json::Value>) {
        let size = size.unwrap_or_default();
        if let (Some(width), Some(height)) = (size["width"].as_f64(), size["height"].as_f64()) {
            self.out.actions.push(Action::Resize { width, height });
        }
    }

    fn app_error(&mut self) {
        let report = self.report;
        if report.text("type") == Some("UNKNOWN_MESSAGE_TYPE") {
            let original = report
                .field("data")
                .and_then(|d| d.get("originalMessage"))
                .and_then(|m| m.get("type"))
                .and_then(|t| t.as_str())
                .unwrap_or("(not named)");
            self.out.findings.push(findings::app_did_not_know(original));
            return;
        }
        let message = report.text("message").unwrap_or("(no message)");
        let quoted: String = message.chars().take(300).collect();
        self.out
            .findings
            .push(findings::app_error(&format!("{quoted:?}")));
        self.out.notice(&quoted);
    }
}
