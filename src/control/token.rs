//! The optional control-API token (`serve --control-token`). When set, every `/_emulator/` call
//! but `GET /_emulator/health` must carry it, as `Authorization: Bearer TOKEN` or
//! `X-Emulator-Token: TOKEN`; otherwise 401. Health stays open so that scripts and CI can wait
//! for readiness without the secret (it tells nothing but the version, app count and uptime), and
//! so do the dashboard's static files (they hold no data; the page asks for the token) and a host
//! page's event stream (its session's ticket guards it: `sdk_events`).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, Error, ResponseError};

use super::{ControlConfig, ControlError, PublicPaths, CONTROL_PREFIX};

/// The header a client may use instead of `Authorization`.
pub const TOKEN_HEADER: &str = "X-Emulator-Token";

pub async fn require_token(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let expected = req
        .app_data::<web::Data<ControlConfig>>()
        .and_then(|config| config.token.clone());
    let public = req.app_data::<PublicPaths>().copied();
    // A host page's event stream has its own credential, the session's ticket (a browser's
    // EventSource cannot send the token's header).
    let open = req.path().strip_prefix(CONTROL_PREFIX) == Some("/health")
        || super::sdk::is_events_path(req.path())
        || public.is_some_and(|PublicPaths(is_public)| is_public(req.path()));
    if let (Some(expected), false) = (expected, open) {
        let headers = req.headers();
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                // The scheme is case-insensitive (RFC 9110): `bearer` and `BEARER` too.
                let (scheme, token) = v.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then_some(token)
            })
            .or_else(|| headers.get(TOKEN_HEADER).and_then(|v| v.to_str().ok()));
        if !given.is_some_and(|token| expected.matches(token.trim())) {
            let refusal = ControlError::Unauthorized(format!(
                "{} the control API needs the token given to `serve --control-token`: send `Authorization: Bearer TOKEN` or `{TOKEN_HEADER}: TOKEN` (hubspot-emulator fire: --control-token or HUBSPOT_EMULATOR_CONTROL_TOKEN)",
                if given.is_some() { "Wrong token:" } else { "No token:" }
            ));
            return Ok(req.into_response(refusal.error_response()));
        }
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}
