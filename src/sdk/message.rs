//! A message as it goes between HubSpot and the app (`{type, data}`; the SDK adds the
//! `messageId`), and a report of one as the host page posts it to the emulator
//! (`{direction, type, data?, messageId?}`), read field by field so that a page with a bug is told
//! exactly what to send.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::direction::Direction;

/// A message HubSpot sends the app: the page passes it to `host.sendMessage({type, data})`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    #[serde(rename = "type")]
    pub message_type: String,
    pub data: Value,
}

impl Message {
    pub fn new(message_type: &str, data: Value) -> Self {
        Message {
            message_type: message_type.to_string(),
            data,
        }
    }
}

/// One thing the page reports: a message it saw, or a page event.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub direction: Direction,
    pub message_type: String,
    /// Absent for messages without a payload (`LOGGED_IN`).
    pub data: Option<Value>,
    pub message_id: Option<String>,
}

/// The shape of a report, for the 400 that a body which does not fit gets.
pub const REPORT_USAGE: &str = r#"a message report is {"direction": "fromApp"|"toApp"|"host", "type": "OUTGOING_CALL_STARTED", "data"?: {…}, "messageId"?: "…"}"#;

impl Report {
    /// Reads a report's JSON body; the error says what to change.
    pub fn parse(body: &[u8]) -> Result<Report, String> {
        let value: Value = serde_json::from_slice(body).map_err(|e| {
            format!(
                "{REPORT_USAGE}; the body is not JSON: {e} (serde's recursion limit of 128 levels applies)"
            )
        })?;
        let Value::Object(mut fields) = value else {
            return Err(format!(
                "{REPORT_USAGE}; the body is {}, not an object",
                kind(&value)
            ));
        };
        let direction = match fields.remove("direction") {
            None => Direction::FromApp,
            Some(value) => serde_json::from_value(value.clone()).map_err(|_| {
                format!(
                    "{REPORT_USAGE}; \"direction\" is {value}: send \"fromApp\" for what the app posted, \"toApp\" for the page's own SYNC, \"host\" for page events"
                )
            })?,
        };
        let message_type = match fields.remove("type") {
            Some(Value::String(text)) if !text.trim().is_empty() => text,
            Some(other) => {
                return Err(format!(
                    "{REPORT_USAGE}; \"type\" is {}, not the message's type as a string (the SDK's messageType constant, e.g. \"INITIALIZED\")",
                    kind(&other)
                ))
            }
            None => {
                return Err(format!(
                    "{REPORT_USAGE}; \"type\" is missing: pass the message the SDK handed to onMessageHandler as it is"
                ))
            }
        };
        let message_id = match fields.remove("messageId") {
            None | Some(Value::Null) => None,
            Some(Value::String(id)) => Some(id),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(other) => {
                return Err(format!(
                    "{REPORT_USAGE}; \"messageId\" is {}, not the SDK's string id",
                    kind(&other)
                ))
            }
        };
        let data = fields.remove("data");
        Ok(Report {
            direction,
            message_type,
            data,
            message_id,
        })
    }

    /// The fields of `data` when it is an object.
    pub fn fields(&self) -> Option<&Map<String, Value>> {
        self.data.as_ref().and_then(Value::as_object)
    }

    /// A field of `data`.
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.fields().and_then(|fields| fields.get(name))
    }

    /// A text field, trimmed, when it is a non-empty string.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.field(name)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|text| !text.is_empty())
    }

    /// A boolean field when it is one.
    pub fn flag(&self, name: &str) -> Option<bool> {
        self.field(name).and_then(Value::as_bool)
    }

    /// An engagement id HubSpot could use: a positive whole number, or a string of one (`0` and
    /// absent are "none", as JavaScript's truthiness has it).
    pub fn engagement_id(&self, name: &str) -> Option<u64> {
        match self.field(name)? {
            Value::Number(n) => n.as_u64().filter(|id| *id > 0),
            Value::String(text) => text.trim().parse::<u64>().ok().filter(|id| *id > 0),
            _ => None,
        }
    }
}

/// `a string`, `an array`…: how a message names what it got.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_report_and_defaults_to_from_app() {
        let report = Report::parse(
            br#"{"type": "CALL_ENDED", "data": {"engagementId": "42"}, "messageId": 17}"#,
        )
        .unwrap();
        assert_eq!(report.direction, Direction::FromApp);
        assert_eq!(report.message_type, "CALL_ENDED");
        assert_eq!(report.message_id.as_deref(), Some("17"));
        assert_eq!(report.engagement_id("engagementId"), Some(42));
        let zero = Report::parse(br#"{"type": "X", "data": {"engagementId": 0}}"#).unwrap();
        assert_eq!(zero.engagement_id("engagementId"), None);
    }

    #[test]
    fn a_body_that_does_not_fit_says_what_to_send() {
        for (body, says) in [
            (&b"[1]"[..], "an array, not an object"),
            (b"{}", "\"type\" is missing"),
            (br#"{"type": 3}"#, "a number, not the message's type"),
            (br#"{"type": "A", "direction": "sideways"}"#, "\"fromApp\""),
            (b"{", "not JSON"),
        ] {
            let error = Report::parse(body).unwrap_err();
            assert!(error.contains(says), "{error}");
            assert!(error.starts_with("a message report is"), "{error}");
        }
    }
}
