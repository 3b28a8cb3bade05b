//! The HubSpot API's route table: the path families and every app resource once with its path
//! and methods (its handlers are generic over `CallingResource`), and the APIs whose paths have
//! no `{appId}` (the app is the access token's), one row per family. The scope is built from it
//! and so are the 404's suggestions, so a new resource appears in both by being added here.

use actix_web::http::Method;
use actix_web::{web, Resource};

use super::{connection_status, inbound_call, recording, resource, transcripts};
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

/// A family of endpoints without `{appId}` in their paths: the app is known by its access token
/// (`api::token`).
pub struct TokenApi {
    /// Each endpoint's methods (`"GET, HEAD"`) and full path.
    pub endpoints: &'static [(&'static str, &'static str)],
    /// Where its resources are added.
    pub mount: Mount,
}

/// Where a token API's resources go.
pub enum Mount {
    /// At the API's root, with paths of their own.
    Root(fn(&mut web::ServiceConfig)),
    /// Into each path family's scope, relative to it (`/inbound-call`), before its `{appId}`
    /// scope: `inbound-call` is not an app id.
    InFamily(fn(&mut web::ServiceConfig)),
}

/// Every API whose app is the access token's.
pub const TOKEN_APIS: &[TokenApi] = &[
    TokenApi {
        endpoints: connection_status::ENDPOINTS,
        mount: Mount::Root(connection_status::configure),
    },
    TokenApi {
        endpoints: inbound_call::ENDPOINTS,
        mount: Mount::InFamily(inbound_call::configure),
    },
    TokenApi {
        endpoints: recording::ENDPOINTS,
        mount: Mount::InFamily(recording::configure),
    },
    TokenApi {
        endpoints: transcripts::ENDPOINTS,
        mount: Mount::InFamily(transcripts::configure),
    },
];
