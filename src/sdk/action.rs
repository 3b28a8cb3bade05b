//! What HubSpot's UI does in answer to the app, for the host page to perform: resize, hide or
//! show the widget, move to a record (re-hosting the widget there), show the user's status in
//! its header, show a notice.

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Action {
    /// Set the iframe's size (`RESIZE_WIDGET`, `INITIALIZED.sizeInfo`).
    Resize { width: f64, height: f64 },
    /// Close the widget (`CALL_COMPLETED` unless `hideWidget` is false; `VISIBILITY_CHANGED`).
    Hide,
    /// Show the widget again.
    Show,
    /// Open a record (described as a session's `record` is); an embedded widget is hosted there
    /// again: a new session with `engagementId` and `record`.
    #[serde(rename_all = "camelCase")]
    Navigate {
        object_type_id: String,
        object_id: String,
        engagement_id: Option<u64>,
        record: serde_json::Value,
    },
    /// The user's status in the app, for the page's header.
    #[serde(rename_all = "camelCase")]
    Status { logged_in: bool, available: bool },
    /// Something HubSpot shows the user (the app's ERROR, a failed update).
    Notice { message: String },
}
