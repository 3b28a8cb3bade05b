//! The HubSpot API's route table: the path families, every resource of an app once with its path
//! and methods (its handlers generic over `CallingResource`), and the operations of a family
//! that belong to no app (`inbound-call`). The scope is built from it and so are the 404's
//! suggestions, so a new resource appears in both by being added here.

use actix_web::http::Method;
use actix_web::Resource;

use super::{inbound_call, resource};
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

/// An operation under `{family}` itself, not under an app (`/inbound-call`): mounted before the
/// `{appId}` scopes, so that its static path wins over being read as an app id.
pub struct FamilyOperation {
    /// Relative to `{family}`, e.g. `/inbound-call`.
    pub path: &'static str,
    pub methods: &'static [Method],
    /// The resource under one family's prefix.
    pub service: fn(&str) -> Resource,
}

/// Every operation of a family.
pub fn family_operations() -> [FamilyOperation; 1] {
    [FamilyOperation {
        path: inbound_call::PATH,
        methods: &[Method::POST],
        service: inbound_call::service,
    }]
}
