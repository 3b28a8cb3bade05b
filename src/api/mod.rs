//! The emulated HubSpot calling settings API: the three resources under both path families
//! (`/crm/v3/extensions/calling/{appId}` and `/crm/extensions/calling/2026-03/{appId}`), served by
//! one set of generic handlers. `call` authenticates and rate-limits, `body` reads request bodies,
//! `observe` adds HubSpot's headers and journals every call, `fallback` explains wrong routes.

pub mod body;
pub mod call;
pub mod error;
pub mod fallback;
pub mod observe;
pub mod resource;

use actix_web::web;

use crate::domain::channel_connection::ChannelConnectionResource;
use crate::domain::recording::RecordingResource;
use crate::domain::settings::SettingsResource;

/// The two path families HubSpot serves the same operations under.
pub const PATH_FAMILIES: [&str; 2] = [
    "/crm/v3/extensions/calling",
    "/crm/extensions/calling/2026-03",
];

pub fn configure(cfg: &mut web::ServiceConfig) {
    for prefix in PATH_FAMILIES {
        // One scope per family, so a request matches one `{appId}` pattern and then a static
        // path, rather than trying every resource's pattern in turn.
        cfg.service(
            web::scope(&format!("{prefix}/{{appId}}"))
                .service(resource::service::<SettingsResource>())
                .service(resource::service::<ChannelConnectionResource>())
                .service(resource::service::<RecordingResource>())
                .default_service(web::to(fallback::not_found)),
        );
    }
}
