//! One thing the emulator noticed about what an app sent or served: a stable code, a severity,
//! a JSON pointer and a message that says how to fix it. Every judge shares it (the webhook's
//! replies, inbound calls, recordings), and the API request journal carries the findings a call
//! earned (a recording URL HubSpot cannot use), so it lives with the vocabulary every layer knows.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// One thing the emulator noticed. `code` is stable (documented in docs/webhook.md and beside
/// each judge's docs); `pointer` is a JSON pointer into what was judged
/// (`/phoneNumbers/2/friendlyName`), empty for the whole of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub code: String,
    pub severity: Severity,
    pub pointer: String,
    pub message: String,
}

impl Finding {
    pub fn new(
        code: &str,
        severity: Severity,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            code: code.to_string(),
            severity,
            pointer: pointer.into(),
            message: message.into(),
        }
    }

    pub fn error(code: &str, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, pointer, message)
    }

    pub fn warning(code: &str, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, pointer, message)
    }

    pub fn info(code: &str, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Info, pointer, message)
    }
}
