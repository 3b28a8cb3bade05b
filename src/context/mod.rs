//! The per-request context: which emulated state a request acts on. Every handler of the HubSpot
//! API and the control API reaches the state through here and nowhere else: the emulator's own,
//! registered with the server, or — for a request under `/_sandbox/{id}` — that sandbox's, which
//! `sandbox::route` puts in front of it before routing. No handler knows which it got.

pub mod sandbox;

use std::future::{ready, Ready};
use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};

use crate::state::EmulatorState;

/// The state this request acts on.
pub fn state_of(req: &HttpRequest) -> Option<&EmulatorState> {
    req.app_data::<web::Data<EmulatorState>>()
        .map(|data| data.get_ref())
}

/// The state a handler acts on, as an extractor; cloned into work that outlives the request
/// (a recording played after `recordings/ready` is answered).
#[derive(Clone)]
pub struct Ctx(web::Data<EmulatorState>);

impl Deref for Ctx {
    type Target = EmulatorState;

    fn deref(&self) -> &EmulatorState {
        &self.0
    }
}

impl FromRequest for Ctx {
    type Error = actix_web::Error;
    type Future = Ready<Result<Ctx, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.app_data::<web::Data<EmulatorState>>()
                .cloned()
                .map(Ctx)
                .ok_or_else(|| {
                    actix_web::error::ErrorInternalServerError(
                        "the emulator's state is not registered with the server",
                    )
                }),
        )
    }
}
