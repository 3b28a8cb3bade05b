//! HubSpot's calling-extension vocabulary as types: ids, secrets, scopes, the legacy signature
//! version, the three settings resources and the field rules their request bodies follow (with
//! `Invalid` saying why a body breaks them), and users' connection statuses (`connection_status`). No HTTP and no fixture format here. Parsing happens here once, so the API
//! handlers and the store only ever see valid values.

pub mod channel_connection;
pub mod connection_status;
pub mod extension;
pub mod fields;
pub mod finding;
pub mod ids;
pub mod invalid;
pub mod plain_words;
pub mod recording;
pub mod resource;
pub mod scope;
pub mod secret;
pub mod settings;
pub mod signature;

pub use channel_connection::ChannelConnection;
pub use connection_status::ConnectionStatus;
pub use extension::CallingExtension;
pub use finding::{Finding, Severity};
pub use ids::{AppId, PortalId, UserId};
pub use invalid::{ErrorDetail, Invalid};
pub use recording::Recording;
pub use resource::CallingResource;
pub use secret::Secret;
pub use settings::Settings;
pub use signature::LegacyVersion;
