//! The emulated HubSpot API: the calling settings' three resources under both path families
//! (`/crm/v3/extensions/calling/{appId}` and `/crm/extensions/calling/2026-03/{appId}`), served by
//! one set of generic handlers, the connection statuses (`connection_status`), the inbound-call
//! API under both families (`inbound_call`), `recordings/ready` (`recording`: the recording is
//! then played as HubSpot would), third-party transcripts (`transcripts`), and the CRM object APIs (`crm`,
//! `/crm/v3/objects/{type}`), whose app is the access token's. `call` and `token`
//! authenticate and rate-limit, `body` reads request bodies, `observe` adds HubSpot's headers and
//! journals every call, `fallback` explains wrong routes.

pub(crate) mod body;
pub(crate) mod call;
pub(crate) mod connection_status;
pub(crate) mod crm;
pub mod error;
pub(crate) mod fallback;
pub(crate) mod inbound_call;
pub(crate) mod method;
pub(crate) mod observe;
pub(crate) mod path_segment;
pub(crate) mod recording;
pub(crate) mod resource;
pub(crate) mod routes;
pub(crate) mod token;
pub(crate) mod transcripts;

use actix_web::middleware::from_fn;
use actix_web::{web, Scope};

use path_segment::TakeSegment;
use routes::Mount;
pub use routes::PATH_FAMILIES;

/// The HubSpot API: every path the control API does not take. Each family's resources from the
/// route table; any other path gets HubSpot's 404 naming the closest endpoints; every response
/// passes `observe` (correlation id, rate-limit headers, the request journal).
pub fn scope() -> Scope<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let mut api = web::scope("");
    for token_api in routes::TOKEN_APIS {
        if let Mount::Root(configure) = token_api.mount {
            api = api.configure(configure);
        }
    }
    for prefix in PATH_FAMILIES {
        // The family's static prefix first (a string compare), then its token APIs' paths, then
        // its apps: `{appId}` taken off the path by `TakeSegment`, not by a pattern (actix
        // matches those with a regex). No other family's or API's pattern runs on the path.
        let mut family = web::scope(prefix);
        for token_api in routes::TOKEN_APIS {
            if let Mount::InFamily(configure) = token_api.mount {
                family = family.configure(configure);
            }
        }
        // Every path the token APIs do not take is an app's: the empty prefix matches it all,
        // and a path without an app id meets the scope's 404.
        let mut app = web::scope("");
        for endpoint in routes::endpoints() {
            app = app.service((endpoint.service)());
        }
        let app = app
            .default_service(web::to(fallback::not_found))
            .wrap(TakeSegment("appId"));
        // The family's default is unreachable while the app scope takes every path; kept so
        // that no rearrangement can fall through to actix's bare 404.
        api = api.service(
            family
                .service(app)
                .default_service(web::to(fallback::not_found)),
        );
    }
    api.service(crm::scope())
        .default_service(web::to(fallback::not_found))
        .wrap(from_fn(observe::observe))
}
