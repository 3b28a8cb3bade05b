//! `POST {family}/recordings/ready` (both path families): the app says a call's recording can be
//! fetched. The app's access token (one of the inbound-call API's scopes, as HubSpot's spec lists
//! them) names the app and its portal; the body is `{"engagementId": N}`; the call must be one of
//! that portal's live calls (else HubSpot's 404). The answer is 204 at once, and only then is the
//! recording played as HubSpot would (`playback`), its verdict going to the recordings journal:
//! an app that serves one request at a time is never asked for its recording while it waits for
//! this answer.

use actix_web::http::Method;
use actix_web::{web, HttpRequest, HttpResponse};

use super::body::read_json_body;
use super::crm::reply::shared;
use super::error::ApiError;
use super::method;
use super::token::authorize_token;
use crate::context::Ctx;
use crate::inbound_call::REQUIRED_SCOPES;
use crate::playback::PlayRequest;
use crate::recording::{ready, Trigger};

/// The endpoint under each path family (`PATH_FAMILIES`, in its order).
pub const ENDPOINTS: &[(&str, &str)] = &[
    ("POST", "/crm/v3/extensions/calling/recordings/ready"),
    ("POST", "/crm/extensions/calling/2026-03/recordings/ready"),
];

/// Mounted in each path family's scope (`routes::Mount::InFamily`).
pub fn configure(config: &mut web::ServiceConfig) {
    config.service(
        web::resource("/recordings/ready")
            .route(method::post().to(mark_as_ready))
            .default_service(web::to(not_allowed)),
    );
}

async fn mark_as_ready(
    req: HttpRequest,
    payload: web::Payload,
    ctx: Ctx,
) -> Result<HttpResponse, ApiError> {
    let token = authorize_token(&req, REQUIRED_SCOPES)?;
    let portal_id = token.portal()?;
    let body = read_json_body(&req, payload).await?;
    let engagement_id = ready::parse(&body)?;
    shared(&req)
        .store
        .crm()
        .read(portal_id, |crm| crm.live_call(engagement_id).map(|_| ()))?;
    let request = PlayRequest {
        app_id: Some(token.app_id),
        engagement_id,
        portal_id: Some(portal_id),
    };
    actix_web::rt::spawn(async move {
        // The 204 goes out first: let the worker write it before the play starts calling.
        tokio::task::yield_now().await;
        if let Err(error) = ctx
            .playbacks()
            .play(request, Trigger::RecordingsReady)
            .await
        {
            // The call was checked a moment ago; a reset in between leaves nothing to play.
            tracing::info!(%error, "recording not played after recordings/ready");
        }
    });
    Ok(HttpResponse::NoContent().finish())
}

/// A 405: `recordings/ready` takes only POST.
async fn not_allowed(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::MethodNotAllowed {
        message: format!(
            "{} is not supported on {}; use POST with {}.",
            req.method(),
            req.path(),
            ready::EXAMPLE
        ),
        allow: vec![Method::POST],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::routes::PATH_FAMILIES;

    #[test]
    fn one_endpoint_under_each_path_family() {
        let families: Vec<&str> = ENDPOINTS
            .iter()
            .map(|(_, path)| path.trim_end_matches("/recordings/ready"))
            .collect();
        assert_eq!(families, PATH_FAMILIES);
    }
}
