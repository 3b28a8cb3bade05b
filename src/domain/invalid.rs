//! Why a request body does not meet HubSpot's request schema: the whole body (not JSON, not an
//! object, empty) or some of its fields, each named with a code and a message that says how to
//! fix it. The HubSpot API adapter renders these in HubSpot's error envelope (`errors[].in`).

use serde::Serialize;

/// One entry of `errors[]`: which field (`in`) is wrong and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ErrorDetail {
    pub message: String,
    #[serde(rename = "in")]
    pub field: String,
    pub code: &'static str,
}

impl ErrorDetail {
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            field: field.into(),
            code,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Invalid {
    /// The body as a whole cannot be read as the schema's object.
    #[error("{0}")]
    Body(String),
    /// These fields break the schema (all of them, not just the first).
    #[error("invalid fields")]
    Fields(Vec<ErrorDetail>),
}
