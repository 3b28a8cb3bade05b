//! Why the store refused an operation, in the store's own words; the HubSpot API adapter maps
//! each to HubSpot's status and envelope.

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StoreError {
    /// No credential, or one that is not this app's.
    #[error("authentication credentials not found")]
    Unauthenticated,
    /// An access token without the scope this kind of access needs.
    #[error("missing one of the scopes {}", required.join(", "))]
    MissingScope { required: super::app::Scopes },
    /// The app, or the record asked for, does not exist; the message says how to create it.
    #[error("{0}")]
    NotFound(String),
    /// The record already exists; the message says how to change it instead.
    #[error("{0}")]
    Conflict(String),
}
