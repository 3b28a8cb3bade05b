//! The control API under `/_emulator/` (never a HubSpot path): health, reset, state export and
//! import, the API request journal, firing the webhook, the delivery journal and replays, probes
//! of the app, the inbound-call and call-write journals, playing a call's recording as HubSpot
//! would and the recordings journal, a portal's CRM with its calls judged, users' browser flags
//! and connection statuses, the hosted calling widget's sessions, messages and commands (`sdk`,
//! `sdk_events`), and the sandboxes (`sandboxes`), behind an optional token (`token`). Its errors
//! are plain `{"error": …}` JSON, not HubSpot's envelope, because no HubSpot client ever calls it.

pub(crate) mod caller;
mod connection_status;
mod crm;
mod deliveries;
mod error;
mod fire;
mod guard;
mod health;
mod helpdesk;
mod inbound_calls;
mod probe;
mod recordings;
mod requests;
mod routes;
mod sandboxes;
mod sdk;
mod sdk_events;
mod state;
mod token;
mod users;

use actix_web::middleware::from_fn;
use actix_web::{web, Scope};

pub use error::ControlError;
pub use guard::HostPolicy;
pub use token::TOKEN_HEADER;

use crate::domain::Secret;

pub const CONTROL_PREFIX: &str = "/_emulator";

/// How the control API is guarded, set once by `serve`.
pub struct ControlConfig {
    /// Required on every call but health and the mounted pages' public files, when set.
    pub token: Option<Secret>,
    /// The `Host`s it answers to besides loopback ones.
    pub hosts: HostPolicy,
    /// The largest state document `PUT /_emulator/state` takes.
    pub max_state_bytes: usize,
}

/// Pages served inside the control scope (the dashboard), handed in by the composition root so
/// that the control API does not depend on them.
pub struct Mount {
    /// Adds the pages' routes (paths relative to the control prefix).
    pub configure: fn(&mut web::ServiceConfig),
    /// Paths (full) that load without the control token: files that hold no data.
    pub is_public: fn(&str) -> bool,
    /// (method, path relative to the prefix) of each page, for the 404's listing.
    pub routes: &'static [(&'static str, &'static str)],
}

/// What the token check lets through without a token.
#[derive(Clone, Copy)]
pub(crate) struct PublicPaths(pub fn(&str) -> bool);

/// The control API under `/_emulator`, built from its route table, with `mount` inside it.
pub fn scope(
    mount: Mount,
) -> Scope<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<actix_web::body::BoxBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let mut scope = web::scope(CONTROL_PREFIX)
        // Innermost first: work ends when its caller leaves; the token is checked only for
        // requests the guard let through.
        .wrap(from_fn(caller::end_when_caller_leaves))
        .wrap(from_fn(token::require_token))
        .wrap(from_fn(guard::guard))
        .app_data(PublicPaths(mount.is_public))
        .app_data(web::Data::new(routes::listing(CONTROL_PREFIX, mount.routes)))
        .app_data(web::PathConfig::default().error_handler(|error, req| {
            ControlError::BadRequest(format!(
                "{} is not a control path this API can read: {error}; ids are whole numbers (GET /_emulator/deliveries lists them)",
                req.path()
            ))
            .into()
        }))
        .app_data(web::QueryConfig::default().error_handler(|error, req| {
            ControlError::BadRequest(format!(
                "the query {:?} does not parse: {error}; listings take ?after=ID&limit=N with whole numbers (a portal's crm also ?type=contacts, companies or calls)",
                req.query_string()
            ))
            .into()
        }));
    for endpoint in routes::ENDPOINTS {
        scope = scope.route(endpoint.path, (endpoint.route)());
    }
    scope
        .configure(mount.configure)
        .default_service(web::to(error::unknown_endpoint))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_sender_refuses_this_prefix() {
        let segment = crate::webhook::sender::CONTROL_SEGMENT;
        assert_eq!(super::CONTROL_PREFIX, format!("/{segment}"));
        assert!(crate::webhook::sender::targets_control_api(
            "/_emulator/fire"
        ));
    }
}
