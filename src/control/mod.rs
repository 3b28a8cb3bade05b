//! The control API under `/_emulator/` (never a HubSpot path): health, reset, state export and
//! import, the API request journal, firing the webhook, the delivery journal and replays, probes of the app,
//! and users' browser flags, behind an optional token (`token`). Its errors are plain `{"error": …}` JSON, not HubSpot's
//! envelope, because no HubSpot client ever calls it.

pub mod caller;
mod deliveries;
mod error;
mod fire;
mod guard;
mod health;
mod helpdesk;
mod probe;
mod requests;
mod state;
mod token;
mod users;

use actix_web::middleware::from_fn;
use actix_web::web;

pub use error::ControlError;
pub use guard::HostPolicy;
pub use token::TOKEN_HEADER;

pub const CONTROL_PREFIX: &str = "/_emulator";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope(CONTROL_PREFIX)
            // Innermost first: the token is checked only for requests the guard let through.
            .wrap(from_fn(token::require_token))
            .wrap(from_fn(guard::guard))
            .app_data(web::PathConfig::default().error_handler(|error, req| {
                ControlError::BadRequest(format!(
                    "{} is not a control path this API can read: {error}; ids are whole numbers (GET /_emulator/deliveries lists them)",
                    req.path()
                ))
                .into()
            }))
            .app_data(web::QueryConfig::default().error_handler(|error, req| {
                ControlError::BadRequest(format!(
                    "the query {:?} does not parse: {error}; journal listings take ?after=ID&limit=N with whole numbers",
                    req.query_string()
                ))
                .into()
            }))
            .route("/health", web::get().to(health::health))
            .route("/reset", web::post().to(state::reset))
            .route("/state", web::get().to(state::export))
            .route("/state", web::put().to(state::import))
            .route("/requests", web::get().to(requests::list))
            .route("/requests", web::delete().to(requests::clear))
            .route("/fire", web::post().to(fire::fire))
            .route("/deliveries", web::get().to(deliveries::list))
            .route("/deliveries", web::delete().to(deliveries::clear))
            .route("/deliveries/{id}", web::get().to(deliveries::one))
            .route(
                "/deliveries/{id}/replay",
                web::post().to(deliveries::replay),
            )
            .route("/probe", web::post().to(probe::probe))
            .route("/probes", web::get().to(probe::list))
            .route("/probes/{id}", web::get().to(probe::one))
            .route(
                "/portals/{portalId}/users/{userId}",
                web::put().to(users::set_flag),
            )
            .route(
                "/portals/{portalId}/users/{userId}",
                web::get().to(users::get),
            )
            .route(
                "/portals/{portalId}/users/{userId}/apps",
                web::get().to(helpdesk::offered_apps),
            )
            .configure(crate::dashboard::configure)
            .default_service(web::to(error::unknown_endpoint)),
    );
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
