//! The control API's route table: every endpoint once, with its method and path. The scope is
//! built from it and so is the 404 that lists the endpoints, so the two can never drift apart.

use actix_web::{web, Route};

use super::{
    connection_status, crm, deliveries, fire, health, helpdesk, inbound_calls, probe, recordings,
    requests, sandboxes, sdk, sdk_events, state, users,
};

/// One endpoint: method, path under the control prefix, and its actix route.
pub struct Endpoint {
    pub method: &'static str,
    pub path: &'static str,
    pub route: fn() -> Route,
}

const fn endpoint(method: &'static str, path: &'static str, route: fn() -> Route) -> Endpoint {
    Endpoint {
        method,
        path,
        route,
    }
}

pub const ENDPOINTS: &[Endpoint] = &[
    endpoint("GET", "/health", || web::get().to(health::health)),
    endpoint("POST", "/reset", || web::post().to(state::reset)),
    endpoint("GET", "/state", || web::get().to(state::export)),
    endpoint("PUT", "/state", || web::put().to(state::import)),
    endpoint("GET", "/sandboxes", || web::get().to(sandboxes::list)),
    endpoint("POST", "/sandboxes", || web::post().to(sandboxes::create)),
    endpoint("DELETE", "/sandboxes/{id}", || {
        web::delete().to(sandboxes::delete)
    }),
    endpoint("GET", "/requests", || web::get().to(requests::list)),
    endpoint("DELETE", "/requests", || web::delete().to(requests::clear)),
    endpoint("POST", "/fire", || web::post().to(fire::fire)),
    endpoint("GET", "/deliveries", || web::get().to(deliveries::list)),
    endpoint("DELETE", "/deliveries", || {
        web::delete().to(deliveries::clear)
    }),
    endpoint("GET", "/deliveries/{id}", || web::get().to(deliveries::one)),
    endpoint("POST", "/deliveries/{id}/replay", || {
        web::post().to(deliveries::replay)
    }),
    endpoint("POST", "/probe", || web::post().to(probe::probe)),
    endpoint("GET", "/probes", || web::get().to(probe::list)),
    endpoint("GET", "/probes/{id}", || web::get().to(probe::one)),
    endpoint("GET", "/inbound-calls", || {
        web::get().to(inbound_calls::list)
    }),
    endpoint("DELETE", "/inbound-calls", || {
        web::delete().to(inbound_calls::clear)
    }),
    endpoint("GET", "/inbound-calls/{id}", || {
        web::get().to(inbound_calls::one)
    }),
    endpoint("GET", "/call-writes", || {
        web::get().to(inbound_calls::list_writes)
    }),
    endpoint("DELETE", "/call-writes", || {
        web::delete().to(inbound_calls::clear_writes)
    }),
    endpoint("GET", "/call-writes/{id}", || {
        web::get().to(inbound_calls::one_write)
    }),
    endpoint("POST", "/recordings/play", || {
        web::post().to(recordings::play)
    }),
    endpoint("GET", "/recordings", || web::get().to(recordings::list)),
    endpoint("DELETE", "/recordings", || {
        web::delete().to(recordings::clear)
    }),
    endpoint("GET", "/recordings/{id}", || web::get().to(recordings::one)),
    endpoint("GET", "/portals/{portalId}/crm", || web::get().to(crm::get)),
    endpoint("GET", "/portals/{portalId}/users/{userId}", || {
        web::get().to(users::get)
    }),
    endpoint("PUT", "/portals/{portalId}/users/{userId}", || {
        web::put().to(users::set_flag)
    }),
    endpoint("GET", "/portals/{portalId}/users/{userId}/apps", || {
        web::get().to(helpdesk::offered_apps)
    }),
    endpoint(
        "GET",
        "/portals/{portalId}/users/{userId}/connection-status",
        || web::get().to(connection_status::get),
    ),
    endpoint(
        "PUT",
        "/portals/{portalId}/users/{userId}/connection-status",
        || web::put().to(connection_status::set),
    ),
    endpoint("POST", "/sdk/sessions", || web::post().to(sdk::open)),
    endpoint("GET", "/sdk/sessions", || web::get().to(sdk::sessions)),
    endpoint("GET", "/sdk/sessions/{id}/events", || {
        web::get().to(sdk_events::events)
    }),
    endpoint("POST", "/sdk/sessions/{id}/messages", || {
        web::post().to(sdk::report)
    }),
    endpoint("POST", "/sdk/dial", || web::post().to(sdk::dial)),
    endpoint("POST", "/sdk/hangup", || web::post().to(sdk::hangup)),
    endpoint("POST", "/sdk/visibility", || {
        web::post().to(sdk::visibility)
    }),
    endpoint("GET", "/sdk/messages", || web::get().to(sdk::messages)),
    endpoint("DELETE", "/sdk/messages", || {
        web::delete().to(sdk::clear_messages)
    }),
];

/// `GET /_emulator/health, POST /_emulator/reset, …` for the 404, with the mounted pages' own.
pub fn listing(prefix: &str, mounted: &[(&str, &str)]) -> String {
    ENDPOINTS
        .iter()
        .map(|e| (e.method, e.path))
        .chain(mounted.iter().copied())
        .map(|(method, path)| format!("{method} {prefix}{path}"))
        .collect::<Vec<_>>()
        .join(", ")
}
