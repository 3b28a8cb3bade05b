//! HubSpot's calling-extension vocabulary as types: ids, secrets, the three settings resources
//! and the field rules their request bodies follow. Parsing happens here once, so the API
//! handlers and the store only ever see valid values.

pub mod channel_connection;
pub mod extension;
pub mod fields;
pub mod ids;
pub mod recording;
pub mod resource;
pub mod secret;
pub mod settings;

pub use channel_connection::ChannelConnection;
pub use extension::CallingExtension;
pub use ids::{AppId, PortalId, UserId};
pub use recording::Recording;
pub use resource::CallingResource;
pub use secret::Secret;
pub use settings::Settings;
