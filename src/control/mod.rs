//! The control API under `/_emulator/` (never a HubSpot path): health, reset, state export and
//! import, and the API request journal. Its errors are plain `{"error": …}` JSON, not HubSpot's
//! envelope, because no HubSpot client ever calls it.

mod error;
mod health;
mod requests;
mod state;

use actix_web::web;

pub use error::ControlError;

pub const CONTROL_PREFIX: &str = "/_emulator";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope(CONTROL_PREFIX)
            .route("/health", web::get().to(health::health))
            .route("/reset", web::post().to(state::reset))
            .route("/state", web::get().to(state::export))
            .route("/state", web::put().to(state::import))
            .route("/requests", web::get().to(requests::list))
            .route("/requests", web::delete().to(requests::clear))
            .default_service(web::to(error::unknown_endpoint)),
    );
}
