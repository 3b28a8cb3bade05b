//! Why the CRM refused an operation, in the CRM's own words; the HubSpot API adapter maps each
//! to HubSpot's status, category and envelope. Every message says how to fix the request.

use super::object_type::ObjectType;

/// One property of a write that is wrong: its name, HubSpot's code, why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropertyError {
    pub name: String,
    /// `PROPERTY_DOESNT_EXIST`, `INVALID_OPTION`, `INVALID_NUMBER`, `REQUIRED`, …
    pub code: &'static str,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CrmError {
    /// Some property values of a write are wrong (HubSpot: 400 "Property values were not valid").
    #[error("Property values were not valid: {}", describe(.errors))]
    InvalidProperties { errors: Vec<PropertyError> },
    /// No live object (or no archived one, when archived ones were asked for) has this id.
    #[error("{message}")]
    NotFound { message: String },
    /// The portal keeps at most `limit` objects of this type.
    #[error(
        "This portal already holds {limit} {object_type}, the emulator's limit per object type \
         (archived ones count until they are purged by a reset). Archive is not enough: reset the \
         state (POST /_emulator/reset) or raise portals[].objectLimit in the fixture."
    )]
    ObjectLimit {
        object_type: ObjectType,
        limit: usize,
    },
    /// The portal's objects take more memory than the emulator allows.
    #[error(
        "This portal's CRM objects would take more than {limit_bytes} bytes, the emulator's memory cap \
         per portal. Send smaller property values or reset the state (POST /_emulator/reset)."
    )]
    StorageFull { limit_bytes: usize },
    /// Another object already has this unique value.
    #[error("{message}")]
    Conflict { message: String },
    /// Anything else about the request: `field` names it, `code` says what kind.
    #[error("{message}")]
    Invalid {
        field: String,
        code: &'static str,
        message: String,
    },
}

impl CrmError {
    pub fn invalid(
        field: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        CrmError::Invalid {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

fn describe(errors: &[PropertyError]) -> String {
    let parts: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
    parts.join("; ")
}
