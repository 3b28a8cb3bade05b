//! The HubSpot API's route table: the path families, and every resource once with its path and
//! methods. The scope is built from it and so are the 404's suggestions, so a new resource
//! appears in both by being added here (its handlers are generic over `CallingResource`).

use actix_web::http::Method;
use actix_web::Resource;

use super::resource;
use crate::domain::channel_connection::ChannelConnectionResource;
use crate::domain::recording::RecordingResource;
use crate::domain::settings::SettingsResource;
use crate::domain::CallingResource;

/// The two path families HubSpot serves the same operations under.
pub const PATH_FAMILIES: [&str; 2] = [
    "/crm/v3/extensions/calling",
    "/crm/extensions/calling/2026-03",
];

/// One resource of an app, under `{family}/{appId}`.
pub struct Endpoint {
    /// Relative to `{family}/{appId}`, e.g. `/settings/channel-connection`.
    pub path: &'static str,
    pub methods: fn() -> Vec<Method>,
    pub service: fn() -> Resource,
}

fn endpoint<R: CallingResource>() -> Endpoint {
    Endpoint {
        path: R::PATH,
        methods: resource::allowed_methods::<R>,
        service: resource::service::<R>,
    }
}

/// Every resource an app has.
pub fn endpoints() -> [Endpoint; 3] {
    [
        endpoint::<SettingsResource>(),
        endpoint::<ChannelConnectionResource>(),
        endpoint::<RecordingResource>(),
    ]
}
