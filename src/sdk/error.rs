//! Why the host refuses a page's or a command's request. The control adapter gives each its
//! status (`control::error`); the messages say how to fix the request.

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SdkError {
    /// The body does not fit (400).
    #[error("{0}")]
    BadRequest(String),
    /// No such app, portal, user, record or session (404).
    #[error("{0}")]
    NotFound(String),
    /// The app has no calling settings to host (409).
    #[error("{0}")]
    NoSettings(String),
    /// No host page is open for the app, portal and user a command is for (409).
    #[error("{0}")]
    NoOpenPage(String),
    /// A wrong or missing ticket for a session's event stream (401).
    #[error("{0}")]
    Unauthorized(String),
    /// The session's stream was closed for good (410).
    #[error("{0}")]
    Closed(String),
}
